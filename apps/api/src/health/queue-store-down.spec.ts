import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { App } from 'supertest/types';
import { createTestEnv, type TestEnv } from '@ecom/testing';
import { createApiApp } from '../create-app';

/** Nothing listens here: the port of a closed socket, so every connect is refused at once. */
const CLOSED_REDIS = 'redis://127.0.0.1:1';

describe('an api whose queue store is away at start', () => {
  let env: TestEnv;
  let app: INestApplication;

  beforeAll(async () => {
    // On Redis whatever QUEUE_BACKEND says: with the postgres backend the queue store is the
    // database itself, which cannot be away while the ledger answers.
    env = await createTestEnv('api_queue_store_down', { queueBackend: 'redis' });
    app = await createApiApp({ ...env.config, redisUrl: CLOSED_REDIS });
    await app.init();
  }, 30_000);
  afterAll(async () => {
    await app.close();
    await env.teardown();
  });

  it('still serves: GET /health answers 503 naming the queue store, the ledger reads answer 200', async () => {
    const health = await request(app.getHttpServer() as App).get('/health').expect(503);
    expect(health.body.info.postgres.status).toBe('up');
    const down = Object.entries(health.body.error as Record<string, { status: string; message: string }>);
    expect(down.length).toBeGreaterThan(0);
    for (const [, indicator] of down) expect(indicator).toMatchObject({ status: 'down', message: expect.stringMatching(/did not answer/) });
    const runs = await request(app.getHttpServer() as App).get('/runs').expect(200);
    expect(runs.body.runs).toEqual([]);
  });
});
