import { withTransaction } from '@ecom/db';
import { createTestEnv, type TestEnv } from '@ecom/testing';
import { LedgerRepository } from '../ledger.repository';
import { StageFailure } from '../stage-runtime';
import { gateRejectRates } from './reject-gate';

/**
 * The reject-rate gate at the end of the transform: every stage's rejects per entity against the
 * records the run read, and the limits of config quality.maxRejectPercent.
 */
describe('gateRejectRates', () => {
  let env: TestEnv;
  let ledger: LedgerRepository;
  const limits = { customers: 10, products: 10, transactions: 5, transaction_items: 5 };

  beforeAll(async () => {
    env = await createTestEnv('pipeline_reject_gate');
    ledger = new LedgerRepository(env.pool);
  });
  afterAll(async () => {
    await env?.teardown();
  });

  /** Quarantine rows of one run: `count` rejects of an entity with one reason at one stage. */
  async function rejects(db: { query: TestEnv['pool']['query'] }, runId: string, stage: string, entity: string, reason: string, count: number) {
    await db.query(
      `INSERT INTO ops.quarantine (run_id, stage, entity, source_file, source_line, record_key, raw_record, reason_code, message)
       SELECT $1, $2, $3, $3 || '.csv', n + 1, 'K' || n, 'raw', $4, 'bad' FROM generate_series(1, $5::int) n`,
      [runId, stage, entity, reason, count],
    );
  }
  const stored = (runId: string) =>
    env.pool
      .query(
        `SELECT entity, records::int, ingest_rejects::int, transform_rejects::int, reject_rate::float8 AS rate, max_reject_pct::float8 AS max, passed, top_reasons
           FROM ops.reject_rates WHERE run_id = $1 ORDER BY entity`,
        [runId],
      )
      .then((r) => r.rows);

  it('fails a run that lost more orders than the limit, naming the entity, its rate and top reasons; the rates and the rejects commit, the rest of the stage does not', async () => {
    await ledger.createRun('gate-over', { mode: 'source', inputDir: '/x' });
    await rejects(env.pool, 'gate-over', 'ingest', 'transactions', 'field_count', 1);
    const failure = await withTransaction(env.pool, async (client) => {
      // The transform's own rejects, uncommitted: the gate must count them, the failure must undo them.
      await rejects(client, 'gate-over', 'transform', 'transactions', 'total_amount_mismatch', 30);
      await rejects(client, 'gate-over', 'transform', 'transactions', 'orphan_customer', 9);
      await rejects(client, 'gate-over', 'transform', 'transactions', 'before_registration', 1);
      await rejects(client, 'gate-over', 'transform', 'transaction_items', 'orphan_transaction', 4);
      return gateRejectRates(client, env.pool, 'gate-over', { customers: 10, products: 4, transactions: 49, transaction_items: 96 }, limits);
    }).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(StageFailure);
    expect((failure as Error).message).toBe(
      'reject rate over its limit (quality.maxRejectPercent) for transactions: 82.0% of 50 records rejected (41; limit 5%), ' +
        'top reasons total_amount_mismatch 30, orphan_customer 9, before_registration 1',
    );
    expect(await stored('gate-over')).toEqual([
      { entity: 'customers', records: 10, ingest_rejects: 0, transform_rejects: 0, rate: 0, max: 10, passed: true, top_reasons: [] },
      { entity: 'products', records: 4, ingest_rejects: 0, transform_rejects: 0, rate: 0, max: 10, passed: true, top_reasons: [] },
      { entity: 'transaction_items', records: 96, ingest_rejects: 0, transform_rejects: 4, rate: 0.041667, max: 5, passed: true,
        top_reasons: [{ reason: 'orphan_transaction', count: 4 }] },
      { entity: 'transactions', records: 50, ingest_rejects: 1, transform_rejects: 40, rate: 0.82, max: 5, passed: false,
        top_reasons: [{ reason: 'total_amount_mismatch', count: 30 }, { reason: 'orphan_customer', count: 9 }, { reason: 'before_registration', count: 1 }] },
    ]);
    // The transform's rejects outlive the rollback, each once, with its reason and position.
    const left = await env.pool.query(
      "SELECT stage, entity, reason_code, count(*)::int AS n, min(source_line)::int AS first, max(source_line)::int AS last FROM ops.quarantine WHERE run_id = 'gate-over' GROUP BY 1, 2, 3 ORDER BY 1, 2, 3",
    );
    expect(left.rows).toEqual([
      { stage: 'ingest', entity: 'transactions', reason_code: 'field_count', n: 1, first: 2, last: 2 },
      { stage: 'transform', entity: 'transaction_items', reason_code: 'orphan_transaction', n: 4, first: 2, last: 5 },
      { stage: 'transform', entity: 'transactions', reason_code: 'before_registration', n: 1, first: 2, last: 2 },
      { stage: 'transform', entity: 'transactions', reason_code: 'orphan_customer', n: 9, first: 2, last: 10 },
      { stage: 'transform', entity: 'transactions', reason_code: 'total_amount_mismatch', n: 30, first: 2, last: 31 },
    ]);
  });

  it('passes a run at its limits and stores the rates with the stage; no limit means none', async () => {
    await ledger.createRun('gate-at', { mode: 'source', inputDir: '/x' });
    const rates = await withTransaction(env.pool, async (client) => {
      await rejects(client, 'gate-at', 'transform', 'transactions', 'orphan_customer', 5);
      await rejects(client, 'gate-at', 'transform', 'customers', 'invalid_email', 9);
      return gateRejectRates(client, env.pool, 'gate-at', { customers: 10, transactions: 100 }, { ...limits, customers: null });
    });
    expect(rates.map((r) => [r.entity, r.records, r.rejectRate, r.passed])).toEqual([
      ['customers', 10, 0.9, true],
      ['products', 0, 0, true],
      ['transactions', 100, 0.05, true],
      ['transaction_items', 0, 0, true],
    ]);
    expect((await stored('gate-at')).map((r) => [r.entity, r.passed, r.max])).toEqual([
      ['customers', true, null],
      ['products', true, 10],
      ['transaction_items', true, 5],
      ['transactions', true, 5],
    ]);
  });
});
