import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { App } from 'supertest/types';
import { OPS_WORKER, STAGES } from '@ecom/contracts';
import { queueStoreLocation } from '@ecom/pipeline';
import { createTestEnv, startQueueWorkers, startStageWorkers, waitFor, type StageWorkers, type TestEnv } from '@ecom/testing';
import { createApiApp } from '../create-app';

describe('GET /health: readiness (PostgreSQL, the queue store, a worker per stage, the ops worker, no stalled run)', () => {
  let env: TestEnv;
  let app: INestApplication;

  beforeAll(async () => {
    env = await createTestEnv('api_health', { monitoring: { stalledRunMinutes: 5 } });
    app = await createApiApp(env.config);
    await app.init();
  });
  afterAll(async () => {
    await app.close();
    await env.teardown();
  });

  it('answers 503 while a stage or the ops worker has no worker, naming the idle stages and queues; /health/live answers 200', async () => {
    const res = await request(app.getHttpServer() as App).get('/health').expect(503);
    expect(res.body.details.postgres).toMatchObject({ status: 'up', responseTimeMs: expect.any(Number) });
    expect(res.body.details.queues).toMatchObject({
      status: 'up',
      ...queueStoreLocation(env.config),
      responseTimeMs: expect.any(Number),
      reply: env.config.queueBackend === 'redis' ? 'PONG' : 'SELECT 1',
    });
    expect(res.body.error.workers).toMatchObject({
      status: 'down',
      message: 'no worker consumes stage(s) generate, ingest, validate, transform, warehouse, analytics',
      idleStages: ['generate', 'ingest', 'validate', 'transform', 'warehouse', 'analytics'],
    });
    expect(res.body.error.opsWorker).toMatchObject({
      status: 'down',
      message: 'no ops-worker consumes queue(s) schedules, monitoring, retention, alerts: schedules, monitoring alerts, alert delivery or retention are not running',
      idleQueues: ['schedules', 'monitoring', 'retention', 'alerts'],
    });
    await request(app.getHttpServer() as App).get('/health/live').expect(200, { status: 'ok' });
  });

  it('counts the workers on each stage queue; 200 once every stage has one and the ops worker consumes its queues', async () => {
    const ingestors = await startStageWorkers(env.config, ['ingest', 'ingest']);
    let others: StageWorkers | undefined;
    let ops: StageWorkers | undefined;
    try {
      const partial = await waitFor(async () => {
        const res = await request(app.getHttpServer() as App).get('/health').expect(503);
        return res.body.details.workers.perStage.ingest === 2 ? res.body : undefined;
      }, 'two ingest workers to register');
      expect(partial.details.workers.idleStages).not.toContain('ingest');
      expect(partial.details.workers.idleStages).toContain('transform');

      others = await startStageWorkers(env.config, STAGES.filter((s) => s !== 'ingest'));
      const stagesOnly = await waitFor(async () => {
        const res = await request(app.getHttpServer() as App).get('/health').expect(503);
        return res.body.details.workers.status === 'up' ? res.body : undefined;
      }, 'every stage to have a worker');
      expect(Object.keys(stagesOnly.error)).toEqual(['opsWorker']);

      ops = await startQueueWorkers(env.config, OPS_WORKER.queues);
      const ready = await waitFor(async () => {
        const res = await request(app.getHttpServer() as App).get('/health');
        return res.status === 200 ? res.body : undefined;
      }, 'the ops worker to connect');
      expect(ready).toMatchObject({ status: 'ok', details: { workers: { status: 'up', idleStages: [] }, opsWorker: { status: 'up', idleQueues: [] }, runs: { status: 'up', stalledRuns: [] } } });

      // A running run whose ledger has not moved for longer than the limit makes the api unready.
      await env.pool.query(
        `INSERT INTO ops.runs (run_id, mode, params, status, created_at, started_at)
         VALUES ('run-stalled', 'generate', '{}', 'running', now() - interval '1 hour', now() - interval '1 hour')`,
      );
      await env.pool.query(
        `INSERT INTO ops.run_stages (run_id, stage, seq, status, started_at) VALUES ('run-stalled', 'generate', 1, 'running', now() - interval '1 hour')`,
      );
      const stalled = await request(app.getHttpServer() as App).get('/health').expect(503);
      expect(stalled.body.error.runs).toMatchObject({
        status: 'down',
        message: 'run(s) run-stalled made no progress for over 5 min',
        stalledRuns: [{ runId: 'run-stalled', idleMinutes: 60 }],
      });
      await env.pool.query("UPDATE ops.runs SET status = 'failed' WHERE run_id = 'run-stalled'");
      await request(app.getHttpServer() as App).get('/health').expect(200);
    } finally {
      await Promise.all([ingestors.close(), others?.close(), ops?.close()]);
    }
  });

  it('answers 503 naming PostgreSQL when its database cannot be reached', async () => {
    const missingDb = new URL(env.config.databaseUrl);
    missingDb.pathname = '/ecom_test_api_health_no_such_db';
    const broken = await createApiApp({ ...env.config, databaseUrl: missingDb.toString() });
    await broken.init();
    try {
      const res = await request(broken.getHttpServer() as App).get('/health').expect(503);
      expect(res.body.status).toBe('error');
      expect(res.body.error.postgres.status).toBe('down');
      expect(res.body.error.postgres.message).toMatch(/does not exist/);
      // On the postgres backend the queues live in that missing database too.
      expect(res.body.details.queues.status).toBe(env.config.queueBackend === 'redis' ? 'up' : 'down');
    } finally {
      await broken.close();
    }
  });
});
