import { BadRequestException, Injectable, Logger, NotFoundException, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import {
  DASHBOARD_ENDPOINTS,
  FILTER_NAMES,
  isDashboardEndpoint,
  type DashboardData,
  type DashboardFilters,
  type DashboardStatus,
  type FilterOptions,
} from './dashboard.contract';
import type { DashboardFiltersQuery } from './dashboard.dto';
import { DashboardRepository } from './dashboard.repository';

/** How often the api looks for a newer warehouse load, so the first reader after a run rarely waits. */
const REFRESH_POLL_MS = 15_000;

@Injectable()
export class DashboardService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('dashboard');
  private refreshing: Promise<void> | undefined;
  private poll: NodeJS.Timeout | undefined;

  constructor(private readonly repository: DashboardRepository) {}

  onModuleInit(): void {
    this.poll = setInterval(() => {
      this.ensureFresh().catch((error: Error) => this.logger.warn(`refreshing the dashboard summaries failed: ${error.message}`));
    }, REFRESH_POLL_MS);
    this.poll.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.poll);
  }

  /**
   * The summaries reflect the newest warehouse load before any answer: every run refreshes the
   * dashboard. One refresh at a time per process; processes serialise on an advisory lock, and a
   * refresh that finds the work done by another process still rebuilds (cheap next to a load).
   */
  async ensureFresh(): Promise<void> {
    const state = await this.repository.refreshState();
    if (state.latestRunId === state.refreshedRunId && state.latestLoadedAt?.getTime() === state.refreshedLoadedAt?.getTime()) return;
    if (!this.refreshing) {
      const started = Date.now();
      this.refreshing = this.repository
        .refresh({ runId: state.latestRunId, loadedAt: state.latestLoadedAt })
        .then(() => this.logger.log(`summaries refreshed for warehouse load ${state.latestRunId} in ${Date.now() - started} ms`))
        .finally(() => (this.refreshing = undefined));
    }
    await this.refreshing;
  }

  async data(endpoint: string, query: DashboardFiltersQuery): Promise<DashboardData> {
    if (!isDashboardEndpoint(endpoint)) {
      throw new NotFoundException(`dashboard endpoint ${endpoint} does not exist; valid: ${DASHBOARD_ENDPOINTS.join(', ')}`);
    }
    const filters = filtersOf(query);
    await this.ensureFresh();
    const { columns, rows } = await this.repository.query(endpoint, filters);
    return { endpoint, filters, columns, rows };
  }

  async options(): Promise<FilterOptions> {
    await this.ensureFresh();
    return this.repository.options();
  }

  status(): Promise<DashboardStatus> {
    return this.repository.status();
  }
}

/** The filters a query names; a range that ends before it starts is the caller's mistake. */
export function filtersOf(query: DashboardFiltersQuery): DashboardFilters {
  const filters: DashboardFilters = {};
  for (const name of FILTER_NAMES) if (query[name] !== undefined) filters[name] = query[name];
  if (filters.from && filters.to && filters.from > filters.to) {
    throw new BadRequestException([`from (${filters.from}) must not be after to (${filters.to})`]);
  }
  return filters;
}
