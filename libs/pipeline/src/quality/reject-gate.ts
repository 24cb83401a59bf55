import type { Pool } from 'pg';
import type { Entity, EntityRejectRate } from '@ecom/contracts';
import { runSqlFile, withTransaction, type Queryable } from '@ecom/db';
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
 * them. Over a limit, the rates are committed on their own through `pool` (so the run report
 * shows them) and a StageFailure names each entity, its rate and its top reasons; the transform's
 * own work, its rejects included, rolls back, so production is as before the run and the
 * warehouse never sees it.
 */
export async function gateRejectRates(
  client: Queryable,
  pool: Pool,
  runId: string,
  staged: Partial<Record<Entity, number>>,
  limits: RejectLimits = {},
): Promise<EntityRejectRate[]> {
  const { rows } = await runSqlFile<RejectRateRow>(client, 'quality/reject_rates', [runId, JSON.stringify(limits), JSON.stringify(staged)]);
  const over = rows.filter((row) => !row.passed);
  if (over.length > 0) {
    await withTransaction(pool, (own) => runSqlFile(own, 'quality/store_reject_rates', [runId, JSON.stringify(rows)]));
    throw new StageFailure(rejectFailureMessage(over.map(rejectRate)));
  }
  await runSqlFile(client, 'quality/store_reject_rates', [runId, JSON.stringify(rows)]);
  return rows.map(rejectRate);
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
