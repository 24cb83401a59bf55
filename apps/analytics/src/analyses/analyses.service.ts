import { Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import { ANALYSES, type AnalysisName } from '@ecom/contracts';
import type { StageContext, StageCounts } from '@ecom/pipeline';
import { DashboardSummariesRepository, type SummariesRefresh } from '../dashboard-summaries/dashboard-summaries.repository';
import { AnalysesRepository, type AnalysesSource } from './analyses.repository';
import { AnalysisFiles } from './analysis-files';

/**
 * Refreshes the dashboard's summaries, so the api never rebuilds them while a reader waits: they
 * change when this stage commits, with the run's results. Then runs every analysis of
 * docs/contract.md section 4 over the whole warehouse, from those summaries (a few thousand rows,
 * also after a one-day delta) unless they would differ from the facts (analysis_source.sql),
 * stores the results of the run in ops.analysis_results (replacing an earlier attempt's) and
 * exports each as CSV and JSON. One snapshot for all of it, or, when the summaries are rebuilt in
 * full, one warehouse: the rebuild runs on two more connections (refreshOnLanes), which this
 * transaction must see commit, so it reads at READ COMMITTED under the refresh and warehouse locks.
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
    if (await this.dashboard.fullRefreshDue(this.pool, runId)) {
      await this.repository.readCommitted(client);
      dashboard = await this.dashboard.refreshOnLanes(client, this.pool, runId);
      factLines = await this.repository.countFactLines(client);
      await this.repository.clearRunResults(client, runId);
    } else {
      await this.repository.pinSnapshot(client);
      factLines = await this.repository.countFactLines(client);
      await this.repository.clearRunResults(client, runId);
      dashboard = await this.dashboard.refresh(client, runId);
    }
    const source: AnalysesSource = (await this.repository.canReadSummaries(client)) ? 'summaries' : 'facts';
    if (source === 'facts') await this.repository.prepare(client);
    const rowCounts = {} as Record<AnalysisName, number>;
    for (const analysis of ANALYSES) {
      const table = await this.repository.runAnalysis(client, analysis, source);
      await this.repository.storeResult(client, runId, analysis, table);
      await this.files.write({ runId, analysis, ...table });
      rowCounts[analysis] = table.rows.length;
    }
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
