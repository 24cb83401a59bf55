import { Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import { runSqlFile } from '@ecom/db';

export interface AnalysisResultRow {
  run_id: string;
  analysis: string;
  columns: string[];
  rows: Array<Record<string, unknown>>;
}

/** Reads the analytics stage's stored results (ops.analysis_results). */
@Injectable()
export class AnalyticsRepository {
  constructor(private readonly pool: Pool) {}

  async latestRunPerAnalysis(): Promise<Map<string, string>> {
    const { rows } = await runSqlFile<{ analysis: string; run_id: string }>(this.pool, 'api/latest_run_per_analysis');
    return new Map(rows.map((row) => [row.analysis, row.run_id]));
  }

  async resultOfRun(runId: string, analysis: string): Promise<AnalysisResultRow | undefined> {
    return (await runSqlFile<AnalysisResultRow>(this.pool, 'api/analysis_result_of_run', [runId, analysis])).rows[0];
  }

  async latestSucceededResult(analysis: string): Promise<AnalysisResultRow | undefined> {
    return (await runSqlFile<AnalysisResultRow>(this.pool, 'api/analysis_result_latest_succeeded', [analysis])).rows[0];
  }
}
