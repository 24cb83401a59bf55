import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { App } from 'supertest/types';
import { createTestEnv, type TestEnv } from '@ecom/testing';
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
