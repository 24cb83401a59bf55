import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { App } from 'supertest/types';
import { Worker } from 'bullmq';
import { QUEUES } from '@ecom/contracts';
import { redisConnectionOptions } from '@ecom/pipeline';
import { createTestEnv, waitFor, type TestEnv } from '@ecom/testing';
import { createApiApp } from '../create-app';

describe('GET /health: PostgreSQL and Redis reachability', () => {
  let env: TestEnv;
  let app: INestApplication;

  beforeAll(async () => {
    env = await createTestEnv('api_health');
    app = await createApiApp(env.config);
    await app.init();
  });
  afterAll(async () => {
    await app.close();
    await env.teardown();
  });

  it('answers 200 with both indicators up', async () => {
    const res = await request(app.getHttpServer() as App).get('/health').expect(200);
    expect(res.body).toMatchObject({
      status: 'ok',
      details: {
        postgres: { status: 'up', responseTimeMs: expect.any(Number) },
        redis: { status: 'up', reply: 'PONG' },
      },
    });
  });

  it('counts the workers on each stage queue and lists the idle stages', async () => {
    const idle = await request(app.getHttpServer() as App).get('/health').expect(200);
    expect(idle.body.details.workers.idleStages).toEqual(['generate', 'ingest', 'validate', 'transform', 'warehouse', 'analytics']);

    const connection = redisConnectionOptions(env.config.redisUrl);
    const ingestors = [1, 2].map(
      () => new Worker(QUEUES.ingest, async () => undefined, { connection, prefix: env.config.queuePrefix }),
    );
    try {
      await Promise.all(ingestors.map((w) => w.waitUntilReady()));
      const body = await waitFor(async () => {
        const res = await request(app.getHttpServer() as App).get('/health').expect(200);
        return res.body.details.workers.perStage.ingest === 2 ? res.body : undefined;
      }, 'two ingest workers to register');
      expect(body.details.workers.idleStages).not.toContain('ingest');
      expect(body.details.workers.idleStages).toContain('transform');
    } finally {
      await Promise.all(ingestors.map((w) => w.close()));
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
      expect(res.body.details.redis.status).toBe('up');
    } finally {
      await broken.close();
    }
  });
});
