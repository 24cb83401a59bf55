import { Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import { ANALYSES, type AnalysisName } from '@ecom/contracts';
import type { StageContext, StageCounts } from '@ecom/pipeline';
import { DashboardSummariesRepository, type SummariesRefresh } from '../dashboard-summaries/dashboard-summaries.repository';
import { AnalysesRepository, type AnalysesSource, type AnalysisTable } from './analyses.repository';
import { AnalysisFiles } from './analysis-files';

/**
 * The analyses whose sql/analytics/from_summaries file reads only the warehouse (customer_totals,
 * agg_customer_daily, agg_daily_sales and the dimensions), not the dashboard's summaries: they
 * run on a connection of their own on the stage's snapshot, beside the summaries' incremental
 * refresh on the stage's connection, instead of after it (~0.1 s of the 1M one-day delta's
 * ~1.1 s; docs/performance.md). The analyses that read the summaries cannot: another connection
 * never sees the refresh before the stage commits it. analyses.service.spec.ts checks that their
 * files name no dashboard table.
 */
export const BESIDE_REFRESH: readonly AnalysisName[] = ['customer_segments', 'customer_lifetime_value', 'day_of_week_pattern'];

/**
 * Refreshes the dashboard's summaries, so the api never rebuilds them while a reader waits: they
 * change when this stage commits, with the run's results. Then runs every analysis of
 * docs/contract.md section 4 over the whole warehouse, from those summaries (a few thousand rows,
 * also after a one-day delta) unless they would differ from the facts (analysis_source.sql),
 * stores the results of the run in ops.analysis_results (replacing an earlier attempt's) and
 * exports each as CSV and JSON. One snapshot for all of it, or, when the summaries are rebuilt in
 * full, one warehouse: the rebuild runs on two more connections (refreshOnLanes), which this
 * transaction must see commit, so it reads at READ COMMITTED under the refresh and warehouse locks.
 * An incremental refresh runs on the stage's connection in its snapshot, which one more connection
 * imports for BESIDE_REFRESH; their results are stored by the stage's transaction with the others.
 */
@Injectable()
export class AnalysesService {
  constructor(
    private readonly repository: AnalysesRepository,
    private readonly files: AnalysisFiles,
    private readonly dashboard: DashboardSummariesRepository,
    private readonly pool: Pool,
  ) {}

  /**
   * No ctx.progress here: progress updates the stage's ledger row from another connection, and
   * under REPEATABLE READ the stage's own completion update of that row would then fail to
   * serialise. The analyses are a handful of aggregate queries.
   */
  async analyseRun(ctx: StageContext): Promise<StageCounts> {
    const { client, runId } = ctx;
    let factLines: number;
    let dashboard: SummariesRefresh;
    let source: AnalysesSource;
    let beside: Promise<Map<AnalysisName, AnalysisTable>> | undefined;
    if (await this.dashboard.fullRefreshDue(this.pool, runId)) {
      await this.repository.readCommitted(client);
      dashboard = await this.dashboard.refreshOnLanes(client, this.pool, runId);
      factLines = await this.repository.countFactLines(client);
      await this.repository.clearRunResults(client, runId);
      source = (await this.repository.canReadSummaries(client)) ? 'summaries' : 'facts';
    } else {
      await this.repository.pinSnapshot(client);
      factLines = await this.repository.countFactLines(client);
      await this.repository.clearRunResults(client, runId);
      // Reads only the warehouse, which the refresh does not write: the same answer after it.
      source = (await this.repository.canReadSummaries(client)) ? 'summaries' : 'facts';
      if (source === 'summaries') {
        // Loads wait for the stage's commit (as in refreshOnLanes): a load's ALTER TABLE queued
        // behind the stage's reads would hold the beside connection's reads back while the stage
        // waits for them in this process, where PostgreSQL sees no deadlock.
        await this.dashboard.holdWarehouseLoads(client);
        const snapshot = await this.repository.exportSnapshot(client);
        beside = this.repository.runBeside(this.pool, snapshot, BESIDE_REFRESH);
        // Handled from now on: it may fail while the refresh runs; its error is thrown where it is awaited below.
        void beside.catch(() => undefined);
      }
      try {
        dashboard = await this.dashboard.refresh(client, runId);
      } catch (error) {
        // Not left running past a failed refresh, whose error is the stage's.
        await beside?.catch(() => undefined);
        throw error;
      }
    }
    if (source === 'facts') await this.repository.prepare(client);
    const besideTables = beside ? await beside : new Map<AnalysisName, AnalysisTable>();
    const rowCounts = {} as Record<AnalysisName, number>;
    // The export files are written while the next analyses run, all of them before the stage
    // commits; none is left writing when an analysis fails.
    const writes: Array<Promise<void>> = [];
    try {
      for (const analysis of ANALYSES) {
        const table = besideTables.get(analysis) ?? (await this.repository.runAnalysis(client, analysis, source));
        await this.repository.storeResult(client, runId, analysis, table);
        const write = this.files.write({ runId, analysis, ...table });
        // Handled from now on (a failure is thrown below, once the analyses are done).
        void write.catch(() => undefined);
        writes.push(write);
        rowCounts[analysis] = table.rows.length;
      }
    } catch (error) {
      await Promise.allSettled(writes);
      throw error;
    }
    const failed = (await Promise.allSettled(writes)).find((w) => w.status === 'rejected');
    if (failed) throw failed.reason;
    if (source === 'facts') await this.repository.release(client);
    return {
      rowsIn: factLines,
      rowsOut: factLines,
      rowsRejected: 0,
      detail: {
        analyses: rowCounts,
        analysesFrom: source,
        exportDir: this.files.dirOf(runId),
        dashboardRefreshMs: dashboard.ms,
        dashboardRefresh: {
          mode: dashboard.mode,
          fullReason: dashboard.fullReason,
          touchedDays: dashboard.touchedDays,
          rebuiltDays: dashboard.rebuiltDays,
          ...(dashboard.lanesMs ? { lanesMs: dashboard.lanesMs } : {}),
        },
      },
    };
  }
}
