import { Injectable } from '@nestjs/common';
import type { FieldDef, Pool, PoolClient } from 'pg';
import type { AnalysisName, AnalysisResult } from '@ecom/contracts';
import { runRenderedSqlFile, runSqlFile, sqlFile, withTransaction } from '@ecom/db';

export type AnalysisTable = Pick<AnalysisResult, 'columns' | 'rows'>;

/** Where the analyses read: the dashboard summaries, or the facts when those would differ. */
export type AnalysesSource = 'summaries' | 'facts';

// pg returns int8 and numeric as strings to keep their precision. Analyses round their values to
// cents (or a few decimals), which a JS number holds and prints exactly, so results store as
// JSON numbers a dashboard can draw.
const INT8 = 20;
const NUMERIC = 1700;

function toJsonValue(value: unknown, field: FieldDef): unknown {
  if (typeof value === 'string' && (field.dataTypeID === INT8 || field.dataTypeID === NUMERIC)) return Number(value);
  return value;
}

/** The only place that knows the analytics SQL files and ops.analysis_results. */
@Injectable()
export class AnalysesRepository {
  /** One snapshot for every analysis; must be the transaction's first statement. */
  async pinSnapshot(client: PoolClient): Promise<void> {
    await runSqlFile(client, 'analytics/results/one_snapshot');
  }

  /**
   * The snapshot pinSnapshot took, as an id another connection imports (runBeside); valid while
   * the client's transaction is open.
   */
  async exportSnapshot(client: PoolClient): Promise<string> {
    const { rows } = await runSqlFile<{ snapshot: string }>(client, 'analytics/results/export_snapshot');
    return rows[0].snapshot;
  }

  /**
   * Runs `analyses` from the summaries' files on a pool connection of their own, in a read-only
   * transaction on the exported `snapshot` (import_snapshot.sql) with the analyses' settings: for
   * the analyses that read only the warehouse (BESIDE_REFRESH in analyses.service.ts), which
   * then need not wait for the summaries' refresh on the stage's connection. Their tables by name.
   */
  async runBeside(pool: Pool, snapshot: string, analyses: readonly AnalysisName[]): Promise<Map<AnalysisName, AnalysisTable>> {
    // Spliced as a literal: an id as pg_export_snapshot() writes it, never anything else.
    if (!/^[0-9A-F]+-[0-9A-F]+-[0-9]+$/.test(snapshot)) throw new Error(`not a snapshot id: ${snapshot}`);
    return withTransaction(pool, async (client) => {
      await runRenderedSqlFile(client, 'analytics/results/import_snapshot', { snapshot: `'${snapshot}'` });
      await runSqlFile(client, 'analytics/results/analysis_settings');
      const tables = new Map<AnalysisName, AnalysisTable>();
      for (const analysis of analyses) tables.set(analysis, await this.runAnalysis(client, analysis, 'summaries'));
      return tables;
    });
  }

  /**
   * Instead of pinSnapshot, before the summaries are rebuilt on lanes: each statement sees what
   * the lanes committed before it; the locks the rebuild takes keep everything else still.
   */
  async readCommitted(client: PoolClient): Promise<void> {
    await runSqlFile(client, 'analytics/results/read_committed');
  }

  /**
   * Whether the analyses can read the dashboard summaries (sql/analytics/from_summaries), which
   * must reflect the transaction's warehouse already: analysis_source.sql says when they agree
   * exactly with the facts.
   */
  async canReadSummaries(client: PoolClient): Promise<boolean> {
    const { rows } = await runSqlFile<{ from_summaries: boolean }>(client, 'analytics/results/analysis_source');
    return rows[0].from_summaries;
  }

  /**
   * For analyses from the facts: the stage's settings, then the two groupings of the facts every
   * analysis reads (analysis_sums.sql, analysis_orders.sql), one pass each instead of one per analysis.
   */
  async prepare(client: PoolClient): Promise<void> {
    await runSqlFile(client, 'analytics/results/analysis_settings');
    await runSqlFile(client, 'analytics/results/analysis_sums');
    await runSqlFile(client, 'analytics/results/analysis_orders');
    await runSqlFile(client, 'analytics/results/analysis_analyze');
  }

  /** Drops what prepare() built. */
  async release(client: PoolClient): Promise<void> {
    await runSqlFile(client, 'analytics/results/analysis_drop');
  }

  async countFactLines(client: PoolClient): Promise<number> {
    const { rows } = await runSqlFile<{ fact_lines: string }>(client, 'analytics/results/analysed_fact_lines');
    return Number(rows[0].fact_lines);
  }

  /**
   * Runs sql/analytics/from_summaries/<name>.sql, or sql/analytics/<name>.sql after prepare();
   * a {{<part>}} in the file is sql/analytics/shared/<part>.sql, the logic both sources share.
   * Columns keep the SELECT's order.
   */
  async runAnalysis(client: PoolClient, analysis: AnalysisName, source: AnalysesSource): Promise<AnalysisTable> {
    const file = source === 'summaries' ? `analytics/from_summaries/${analysis}` : `analytics/${analysis}`;
    const result = await runRenderedSqlFile(client, file, (part) => sqlFile(`analytics/shared/${part}`));
    const columns = result.fields.map((field) => field.name);
    const rows = result.rows.map((row) =>
      Object.fromEntries(result.fields.map((field) => [field.name, toJsonValue(row[field.name], field)])),
    );
    return { columns, rows };
  }

  async clearRunResults(client: PoolClient, runId: string): Promise<void> {
    await runSqlFile(client, 'analytics/results/clear_run_results', [runId]);
  }

  async storeResult(client: PoolClient, runId: string, analysis: AnalysisName, table: AnalysisTable): Promise<void> {
    await runSqlFile(client, 'analytics/results/analysis_result', [
      runId,
      analysis,
      table.columns,
      JSON.stringify(table.rows),
      table.rows.length,
    ]);
  }
}
