import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import {
  DASHBOARD_ENDPOINTS,
  FILTER_NAMES,
  isDashboardEndpoint,
  type DashboardData,
  type DashboardFilters,
  type DashboardStatus,
  type FilterOptions,
} from '@ecom/contracts';
import type { DashboardFiltersQuery } from './dashboard.dto';
import { DashboardRepository } from './dashboard.repository';

/**
 * The dashboard's answers, from summaries the analytics stage refreshes in every run (in its own
 * transaction): a reader never waits for a rebuild, and sees the summaries of the run on the badge.
 */
@Injectable()
export class DashboardService {
  constructor(private readonly repository: DashboardRepository) {}

  async data(endpoint: string, query: DashboardFiltersQuery): Promise<DashboardData> {
    if (!isDashboardEndpoint(endpoint)) {
      throw new NotFoundException(`dashboard endpoint ${endpoint} does not exist; valid: ${DASHBOARD_ENDPOINTS.join(', ')}`);
    }
    const filters = filtersOf(query);
    const { columns, rows } = await this.repository.query(endpoint, filters);
    return { endpoint, filters, columns, rows };
  }

  options(): Promise<FilterOptions> {
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
