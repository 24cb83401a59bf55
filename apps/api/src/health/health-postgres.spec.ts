import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { App } from 'supertest/types';
import { queueSchemaName } from '@ecom/pipeline';
import { createTestEnv, type TestEnv } from '@ecom/testing';
import { createApiApp } from '../create-app';

// On the postgres queue backend whatever QUEUE_BACKEND says: CI's second pass runs only the e2e
// project there, and what /health and monitoring say about this backend is code of ours.
describe('GET /health and GET /monitoring with the queues in PostgreSQL', () => {
  let env: TestEnv;
  let app: INestApplication;

  beforeAll(async () => {
    env = await createTestEnv('api_health_pg', { queueBackend: 'postgres', monitoring: { latencyWarnMs: 60_000 } });
    app = await createApiApp(env.config);
    await app.init();
  });
  afterAll(async () => {
    await app.close();
    await env.teardown();
  });

  it('names the backend and the schema of the queues, pinged through their own pool', async () => {
    const res = await request(app.getHttpServer() as App).get('/health');
    expect(res.body.details.queues).toEqual({
      status: 'up',
      backend: 'postgres',
      schema: queueSchemaName(env.config.queuePrefix),
      responseTimeMs: expect.any(Number),
      reply: 'SELECT 1',
    });
  });

  it("reports the queue store's latency as the queue_store check, naming PostgreSQL", async () => {
    const res = await request(app.getHttpServer() as App).get('/monitoring').expect(200);
    const check = res.body.checks.find((c: { name: string }) => c.name === 'queue_store');
    expect(check).toMatchObject({
      status: 'ok',
      message: expect.stringMatching(/^The PostgreSQL queue store answered in [\d.]+ ms$/),
      details: { backend: 'postgres', schema: queueSchemaName(env.config.queuePrefix), latencyMs: expect.any(Number) },
    });
  });
});
