import { pipeline } from 'node:stream/promises';
import { escapeLiteral, type Pool, type PoolClient } from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import type { Entity, EntityRejectRate } from '@ecom/contracts';
import { runSqlFile, sqlFile, withTransaction } from '@ecom/db';
import { StageFailure } from '../stage-runtime';

/** Per entity, the largest share (percent) of its records the stages may reject; null: no limit. */
export type RejectLimits = Partial<Record<Entity, number | null>>;

export interface RejectRateRow {
  entity: Entity;
  records: string;
  ingest_rejects: string;
  transform_rejects: string;
  reject_rate: string;
  max_reject_pct: string | null;
  passed: boolean;
  top_reasons: Array<{ reason: string; count: number }>;
}

/**
 * The reject-rate gate, at the end of the transform (the last stage that rejects records), inside
 * its transaction: measures every entity's rejects of every stage against its limit (records =
 * ingest rejects + `staged`, the rows the transform took in) and stores
 * them. Over a limit, the rates and the transform's rejects are committed on their own through
 * `pool` (so the run report shows the rates and GET /runs/:id/rejects the rejected lines) and a
 * StageFailure names each entity, its rate and its top reasons; the rest of the transform's work
 * rolls back, so production is as before the run and the warehouse never sees it.
 */
export async function gateRejectRates(
  client: PoolClient,
  pool: Pool,
  runId: string,
  staged: Partial<Record<Entity, number>>,
  limits: RejectLimits = {},
): Promise<EntityRejectRate[]> {
  const { rows } = await runSqlFile<RejectRateRow>(client, 'quality/reject_rates', [runId, JSON.stringify(limits), JSON.stringify(staged)]);
  const over = rows.filter((row) => !row.passed);
  if (over.length > 0) {
    await withTransaction(pool, async (own) => {
      await runSqlFile(own, 'quality/store_reject_rates', [runId, JSON.stringify(rows)]);
      await keepTransformRejects(client, own, runId);
    });
    throw new StageFailure(rejectFailureMessage(over.map(rejectRate)));
  }
  await runSqlFile(client, 'quality/store_reject_rates', [runId, JSON.stringify(rows)]);
  return rows.map(rejectRate);
}

/**
 * Streams the run's transform rejects out of the failing transaction (`from`) into `to`'s, so they
 * outlive its rollback: the user can see which lines cost the run, not only their counts. Memory
 * stays flat whatever their number (COPY out piped into COPY in).
 */
async function keepTransformRejects(from: PoolClient, to: PoolClient, runId: string): Promise<void> {
  const out = sqlFile('quality/transform_rejects_out').replaceAll('{{run_id}}', escapeLiteral(runId));
  await pipeline(from.query(copyTo(out)), to.query(copyFrom(sqlFile('quality/transform_rejects_in'))));
}

/** A row of sql/quality/reject_rates.sql or sql/api/reject_rates_of_run.sql as the contract's shape. */
export function rejectRate(row: RejectRateRow): EntityRejectRate {
  return {
    entity: row.entity,
    records: Number(row.records),
    ingestRejects: Number(row.ingest_rejects),
    transformRejects: Number(row.transform_rejects),
    rejectRate: Number(row.reject_rate),
    maxRejectPercent: row.max_reject_pct === null ? null : Number(row.max_reject_pct),
    passed: row.passed,
    topReasons: row.top_reasons,
  };
}

const percent = (share: number): string => `${(100 * share).toFixed(1)}%`;

/** "transactions: 81.0% of 50 records rejected (limit 5%): before_registration 30, orphan_customer 10, ..." */
export function rejectFailureMessage(over: readonly EntityRejectRate[]): string {
  const parts = over.map((r) => {
    const rejected = r.ingestRejects + r.transformRejects;
    const reasons = r.topReasons.map((t) => `${t.reason} ${t.count}`).join(', ');
    return `${r.entity}: ${percent(r.rejectRate)} of ${r.records} records rejected (${rejected}; limit ${r.maxRejectPercent}%), top reasons ${reasons}`;
  });
  return `reject rate over its limit (quality.maxRejectPercent) for ${parts.join('; ')}`;
}
