import type { INestApplicationContext } from '@nestjs/common';
import { stageJobId, type RunParams } from '@ecom/contracts';
import { StageRuntime, createWorkerContext, loadQualityChecks } from '@ecom/pipeline';
import { createTestEnv, type TestEnv, waitFor } from '@ecom/testing';
import { ValidatorAppModule } from '../app.module';
import { CLEAN_BATCH, DEFECT_BATCH, seedProduction, stageBatch } from './quality.fixtures';

const VALIDATE_CHECKS = loadQualityChecks().forStage('validate');

describe('the validate stage on BullMQ: hands a good run to transform, stops a poor one', () => {
  let env: TestEnv;
  let app: INestApplicationContext;
  let runtime: StageRuntime;
  // Generated as of the batches' last day, so the freshness check judges them fresh.
  const params: RunParams = {
    mode: 'generate',
    inputDir: '/nowhere',
    generate: { customers: 3, products: 2, transactions: 2, seed: 1, startDate: '2024-05-01', endDate: '2024-05-03' },
  };

  beforeAll(async () => {
    // A strict threshold: the clean batch (100) passes it, the defect batch (89.53) does not.
    env = await createTestEnv('validator_stage', { quality: { threshold: 95 } });
    await seedProduction(env.pool);
    app = await createWorkerContext(ValidatorAppModule.forRoot, env.config, false);
    runtime = app.get(StageRuntime);
  });
  afterAll(async () => {
    await app.close();
    await env.teardown();
  });

  const validateStage = (runId: string) =>
    env.pool
      .query<{ status: string; attempts: number; rows_in: string; rows_out: string; rows_rejected: string; detail: Record<string, unknown> }>(
        "SELECT status, attempts, rows_in, rows_out, rows_rejected, detail FROM ops.run_stages WHERE run_id = $1 AND stage = 'validate'",
        [runId],
      )
      .then((r) => r.rows[0]);

  it('validates a clean run, records its counts and score, and enqueues transform', async () => {
    await runtime.ledger.createRun('run-clean', params);
    await stageBatch(env.pool, 'run-clean', CLEAN_BATCH);
    await runtime.enqueueStage('run-clean', 'validate');

    const stage = await waitFor(async () => {
      const s = await validateStage('run-clean');
      return s?.status === 'succeeded' ? s : undefined;
    }, 'validate to succeed');
    expect(stage).toMatchObject({ attempts: 1, rows_in: '10', rows_out: '10', rows_rejected: '0' });
    expect(stage.detail).toMatchObject({ score: 100, grade: 'A', threshold: 95, passed: true, failedChecks: [] });
    expect(stage.detail.progress).toMatchObject({ checksDone: VALIDATE_CHECKS.length, checksTotal: VALIDATE_CHECKS.length });

    const transform = await waitFor(
      async () => (await runtime.queue('transform').getJob(stageJobId('run-clean', 'transform'))) ?? undefined,
      'the transform job',
    );
    expect(transform.data).toEqual({ runId: 'run-clean' });
    const stored = await env.pool.query(
      "SELECT count(*)::int AS checks, (SELECT passed FROM ops.quality_scores WHERE run_id = 'run-clean') AS passed FROM ops.quality_checks WHERE run_id = 'run-clean'",
    );
    expect(stored.rows[0]).toEqual({ checks: VALIDATE_CHECKS.length, passed: true });
    // A passing run's data profile is the transform's to measure, beside its loads.
    expect((await env.pool.query("SELECT count(*)::int AS n FROM ops.run_profiles WHERE run_id = 'run-clean'")).rows[0].n).toBe(0);
  });

  it('fails a run below the threshold at once, says why, keeps its checks and does not hand it on', async () => {
    await runtime.ledger.createRun('run-poor', params);
    await stageBatch(env.pool, 'run-poor', DEFECT_BATCH);
    await runtime.enqueueStage('run-poor', 'validate');

    const run = await waitFor(async () => {
      const r = await env.pool.query<{ status: string; failed_stage: string; error: string }>(
        'SELECT status, failed_stage, error FROM ops.runs WHERE run_id = $1',
        ['run-poor'],
      );
      return r.rows[0]?.status === 'failed' ? r.rows[0] : undefined;
    }, 'the run to fail');
    expect(run.failed_stage).toBe('validate');
    expect(run.error).toBe(
      'quality score 89.53 (B) is below the threshold 95; worst checks: ' +
        'range_cost_below_price 1/2, referential_transactions_customers 1/4, completeness_customers_required 1/6',
    );
    expect(await validateStage('run-poor')).toMatchObject({ status: 'failed', attempts: 1, rows_in: null });

    const stored = await env.pool.query(
      `SELECT (SELECT count(*)::int FROM ops.quality_checks WHERE run_id = 'run-poor') AS checks,
              (SELECT count(*)::int FROM ops.quality_checks WHERE run_id = 'run-poor' AND NOT passed) AS failed_checks,
              s.score, s.grade, s.passed
         FROM ops.quality_scores s WHERE s.run_id = 'run-poor'`,
    );
    expect(stored.rows[0]).toEqual({ checks: VALIDATE_CHECKS.length, failed_checks: 13, score: '89.53', grade: 'B', passed: false });
    expect(await runtime.queue('transform').getJob(stageJobId('run-poor', 'transform'))).toBeUndefined();
    // No transform measures it: the stopped run keeps a data profile measured here.
    const profile = await env.pool.query("SELECT profile FROM ops.run_profiles WHERE run_id = 'run-poor'");
    expect(profile.rows[0]?.profile).toMatchObject({ orders: expect.any(Number), orderLines: expect.any(Number) });
    expect(profile.rows[0].profile.orders).toBeGreaterThan(0);
  });
});
