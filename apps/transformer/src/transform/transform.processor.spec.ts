import type { INestApplicationContext } from '@nestjs/common';
import { JOB_NAMES, stageJobId, type RunParams } from '@ecom/contracts';
import { PROFILE_MEASURES, StageRuntime, assembleProfile, buildTypedTables, createWorkerContext, measureProfile, type MeasuredProfile } from '@ecom/pipeline';
import { NO_REJECT_LIMITS, createTestEnv, type TestEnv, waitFor } from '@ecom/testing';
import { TransformerAppModule } from '../app.module';

const SOURCE: RunParams = { mode: 'source', inputDir: '/nowhere' };

describe('TransformProcessor: the transform stage on the real queue', () => {
  let env: TestEnv;
  let app: INestApplicationContext;
  let runtime: StageRuntime;
  const runId = 'r-queue';
  let profileBefore: MeasuredProfile;

  beforeAll(async () => {
    // Three of seven lines rejected on purpose: no reject limit here.
    env = await createTestEnv('transformer_processor', NO_REJECT_LIMITS);
    app = await createWorkerContext(TransformerAppModule.forRoot, env.config, false);
    runtime = app.get(StageRuntime);
    await runtime.ledger.createRun(runId, SOURCE);
    await stageLines(env, runId);
    // As the validate stage leaves a passing run: its typed tables committed, no profile yet.
    await buildTypedTables(env.pool, runId);
    profileBefore = assembleProfile(await measureProfile(env.pool, runId, PROFILE_MEASURES));
  });
  afterAll(async () => {
    await app?.close();
    await env?.teardown();
  });

  const transformStage = () =>
    env.pool
      .query('SELECT status, attempts, rows_in, rows_out, rows_rejected, detail FROM ops.run_stages WHERE run_id = $1 AND stage = $2', [runId, 'transform'])
      .then((r) => r.rows[0]);

  it('records the counts in the ledger and hands the run to the warehouse', async () => {
    await runtime.enqueueStage(runId, 'transform');
    const stage = await waitFor(async () => {
      const s = await transformStage();
      return s?.status === 'succeeded' || s?.status === 'failed' ? s : undefined;
    }, 'the transform stage to finish');

    // C2 takes C1's email, so T2 loses its customer and I2 its transaction.
    expect(stage).toMatchObject({ status: 'succeeded', attempts: 1, rows_in: '7', rows_out: '4', rows_rejected: '3' });
    expect(stage.detail).toMatchObject({
      customers: { in: 2, out: 1, rejected: 1, byReason: { duplicate_email: 1 } },
      products: { in: 1, out: 1, rejected: 0, byReason: {} },
      transactions: { in: 2, out: 1, rejected: 1, byReason: { orphan_customer: 1 } },
      transaction_items: { in: 2, out: 1, rejected: 1, byReason: { orphan_transaction: 1 } },
    });
    const loaded = await env.pool.query('SELECT item_id, line_total FROM production.transaction_items');
    expect(loaded.rows).toEqual([{ item_id: 'I1', line_total: '76.00' }]);
    // The data profile, stored with the transform's commit: what the run landed in staging,
    // rejected lines included, the same as measured before the transform.
    const profile = await env.pool.query('SELECT profile FROM ops.run_profiles WHERE run_id = $1', [runId]);
    expect(profile.rows[0]?.profile).toEqual(profileBefore);
    expect(profileBefore).toMatchObject({ orders: 2, orderLines: 2, revenue: 116, buyers: 2, categories: [{ category: 'Home', revenue: 116 }] });

    const next = await waitFor(() => runtime.queue('warehouse').getJob(stageJobId(runId, 'warehouse')), 'the warehouse job');
    expect(next.name).toBe(JOB_NAMES.run);
    expect(next.data).toEqual({ runId });
  });

  it('measures a later run\'s profile with production holding rows: its production measures in its transaction', async () => {
    const later = 'r-queue-later';
    await runtime.ledger.createRun(later, SOURCE);
    await stageLines(env, later);
    await buildTypedTables(env.pool, later);
    // Production holds the first run's customers and product now: an upsert, not a first load.
    const measured = assembleProfile(await measureProfile(env.pool, later, PROFILE_MEASURES));
    await runtime.enqueueStage(later, 'transform');
    const stage = await waitFor(async () => {
      const r = await env.pool.query('SELECT status FROM ops.run_stages WHERE run_id = $1 AND stage = $2', [later, 'transform']);
      return r.rows[0]?.status === 'succeeded' || r.rows[0]?.status === 'failed' ? r.rows[0] : undefined;
    }, 'the later transform to finish');
    expect(stage.status).toBe('succeeded');
    const profile = await env.pool.query('SELECT profile FROM ops.run_profiles WHERE run_id = $1', [later]);
    expect(profile.rows[0]?.profile).toEqual(measured);
  });

  it('treats a second delivery of the finished stage as a no-op', async () => {
    const quarantined = await env.pool.query('SELECT quarantine_id FROM ops.quarantine WHERE run_id = $1 ORDER BY 1', [runId]);
    const job = await runtime.queue('transform').add(JOB_NAMES.run, { runId }, { jobId: `${runId}-transform-again` });
    await waitFor(async () => ((await job.isCompleted()) ? true : undefined), 'the duplicate job');
    expect(await transformStage()).toMatchObject({ status: 'succeeded', attempts: 1, rows_in: '7' });
    const after = await env.pool.query('SELECT quarantine_id FROM ops.quarantine WHERE run_id = $1 ORDER BY 1', [runId]);
    expect(after.rows).toEqual(quarantined.rows);
  });

  it('holds the production writer lock from before its transaction begins until after it ends', async () => {
    // The connections holding it, which the warehouse's load window treats as writers.
    const writers = async () =>
      (
        await env.pool.query<{ in_transaction: boolean; waiting: boolean }>(
          `SELECT a.xact_start IS NOT NULL AS in_transaction, a.wait_event_type = 'Lock' AS waiting
             FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
            WHERE l.locktype = 'advisory' AND l.classid = hashtext('ecom.production')::oid
              AND l.objid = hashtext('writer')::oid AND l.objsubid = 2`,
        )
      ).rows;
    const held = 'r-queue-held';
    await runtime.ledger.createRun(held, SOURCE);
    await stageLines(env, held);
    await buildTypedTables(env.pool, held);
    const blocker = await env.pool.connect();
    try {
      // The transform's writes to production wait behind this, inside its transaction.
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE production.customers IN EXCLUSIVE MODE');
      await runtime.enqueueStage(held, 'transform');
      const waiting = await waitFor(async () => (await writers()).find((w) => w.waiting), 'the transform to wait in its transaction');
      expect(waiting).toEqual({ in_transaction: true, waiting: true });
    } finally {
      await blocker.query('ROLLBACK');
      blocker.release();
    }
    await waitFor(async () => {
      const r = await env.pool.query('SELECT status FROM ops.run_stages WHERE run_id = $1 AND stage = $2', [held, 'transform']);
      return r.rows[0]?.status === 'succeeded' ? true : undefined;
    }, 'the held transform to finish');
    expect(await writers()).toEqual([]);
  });
});

describe('TransformProcessor: a run the transform stops', () => {
  let env: TestEnv;
  let app: INestApplicationContext;
  let runtime: StageRuntime;
  const runId = 'r-stopped';

  beforeAll(async () => {
    // One customer of two rejected: over this limit, the reject-rate gate stops the run.
    env = await createTestEnv('transformer_processor_stop', {
      quality: { maxRejectPercent: { customers: 10, products: null, transactions: null, transaction_items: null } },
    });
    app = await createWorkerContext(TransformerAppModule.forRoot, env.config, false);
    runtime = app.get(StageRuntime);
    await runtime.ledger.createRun(runId, SOURCE);
    await stageLines(env, runId);
  });
  afterAll(async () => {
    await app?.close();
    await env?.teardown();
  });

  it('keeps its data profile, measured after the rollback, and loads nothing', async () => {
    await runtime.enqueueStage(runId, 'transform');
    const run = await waitFor(async () => {
      const r = await env.pool.query<{ status: string; failed_stage: string }>('SELECT status, failed_stage FROM ops.runs WHERE run_id = $1', [runId]);
      return r.rows[0]?.status === 'failed' ? r.rows[0] : undefined;
    }, 'the run to fail');
    expect(run.failed_stage).toBe('transform');
    const profile = await waitFor(async () => {
      const r = await env.pool.query('SELECT profile FROM ops.run_profiles WHERE run_id = $1', [runId]);
      return r.rows[0]?.profile as MeasuredProfile | undefined;
    }, 'the profile');
    expect(profile).toMatchObject({ orders: 2, orderLines: 2, revenue: 116, buyers: 2, ordersBeforeRegistration: 0 });
    expect((await env.pool.query('SELECT count(*)::int AS n FROM production.customers')).rows[0].n).toBe(0);
  });
});

/** Seven lines of one run: C2 takes C1's email, so T2 loses its customer and I2 its transaction. */
async function stageLines(env: TestEnv, runId: string): Promise<void> {
  await env.pool.query(
    `INSERT INTO staging.customers (customer_id, first_name, last_name, email, phone, registration_date, city, state, country, age_group, run_id, source_file, source_line)
     VALUES ('C1', 'ann', 'lee', 'ANN@X.COM', '555 0100', '2023-05-01', 'Denver', 'CO', 'USA', '26-35', $1, 'customers.csv', 2),
            ('C2', 'bo', 'kim', 'ann@x.com', '555 0101', '2023-05-02', 'Denver', 'CO', 'USA', '26-35', $1, 'customers.csv', 3)`,
    [runId],
  );
  await env.pool.query(
    `INSERT INTO staging.products (product_id, product_name, category, sub_category, price, cost, brand, stock_quantity, supplier_id, run_id, source_file, source_line)
     VALUES ('P1', 'Kettle', 'Home', 'Kitchen', '40.00', '30.00', 'Hot', '7', 'S1', $1, 'products.csv', 2)`,
    [runId],
  );
  await env.pool.query(
    `INSERT INTO staging.transactions (transaction_id, customer_id, transaction_date, transaction_time, payment_method, shipping_address, total_amount, run_id, source_file, source_line)
     VALUES ('T1', 'C1', '2024-01-02', '10:00:00', 'UPI', 'x', '76.00', $1, 'transactions.part-0001.csv', 2),
            ('T2', 'C2', '2024-01-03', '10:00:00', 'UPI', 'y', '40.00', $1, 'transactions.part-0002.csv', 2)`,
    [runId],
  );
  await env.pool.query(
    `INSERT INTO staging.transaction_items (item_id, transaction_id, product_id, quantity, unit_price, discount_percentage, line_total, run_id, source_file, source_line)
     VALUES ('I1', 'T1', 'P1', '2', '40.00', '5', '76.00', $1, 'transaction_items.csv', 2),
            ('I2', 'T2', 'P1', '1', '40.00', '0', '40.00', $1, 'transaction_items.csv', 3)`,
    [runId],
  );
}
