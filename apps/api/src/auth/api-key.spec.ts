import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { App } from 'supertest/types';
import { BOARD_QUEUES } from '../admin/queue-board.module';
import { createTestEnv, type TestEnv } from '@ecom/testing';
import { createApiApp } from '../create-app';
import { MISSING_KEY_MESSAGE, WRONG_KEY_MESSAGE, apiKeyMatches } from './api-key';

const KEY = 'k3y-for-the-api-suite';

describe('API key: writes and Bull Board need it; reads without personal data stay open', () => {
  let env: TestEnv;
  let guarded: INestApplication;
  let open: INestApplication;
  let http: App;

  beforeAll(async () => {
    env = await createTestEnv('api_auth', { apiKey: KEY });
    guarded = await createApiApp(env.config);
    await guarded.init();
    http = guarded.getHttpServer() as App;
    open = await createApiApp({ ...env.config, apiKey: undefined });
    await open.init();
  });
  // POST /runs answers 409 while a run is active and no worker runs these: finish them by hand.
  const finishActiveRuns = () => env.pool.query(`UPDATE ops.runs SET status = 'succeeded' WHERE status IN ('queued', 'running')`);

  afterAll(async () => {
    await guarded.close();
    await open.close();
    await env.teardown();
  });

  it('refuses POST /runs without a key or with a wrong one, and records nothing', async () => {
    const missing = await request(http).post('/runs').send({}).expect(401);
    expect(missing.body).toMatchObject({ statusCode: 401, message: MISSING_KEY_MESSAGE });
    const wrong = await request(http).post('/runs').set('x-api-key', 'not-the-key').send({}).expect(401);
    expect(wrong.body.message).toBe(WRONG_KEY_MESSAGE);
    await request(http).post('/runs').set('Authorization', 'Basic abc').send({}).expect(401);
    const runs = await env.pool.query('SELECT 1 FROM ops.runs');
    expect(runs.rowCount).toBe(0);
  });

  it('accepts the key as x-api-key or as a Bearer token', async () => {
    const viaHeader = await request(http).post('/runs').set('x-api-key', KEY).send({}).expect(202);
    await finishActiveRuns();
    const viaBearer = await request(http).post('/runs').set('Authorization', `Bearer ${KEY}`).send({}).expect(202);
    const runs = await env.pool.query<{ run_id: string }>('SELECT run_id FROM ops.runs ORDER BY run_id');
    expect(runs.rows.map((r) => r.run_id).sort()).toEqual([viaHeader.body.runId, viaBearer.body.runId].sort());
  });

  it('keeps aggregate GET endpoints open (endpoint-access.spec.ts classifies every route)', async () => {
    await request(http).get('/runs').expect(200);
    await request(http).get('/analytics').expect(200);
    await request(http).get('/health/live').expect(200);
  });

  it('guards every path under /admin/queues', async () => {
    const page = await request(http).get('/admin/queues').expect(401);
    expect(page.body.message).toBe(MISSING_KEY_MESSAGE);
    await request(http).get('/admin/queues/api/queues').expect(401);
    await request(http).get('/admin/queues').set('x-api-key', 'nope').expect(401);

    const board = await request(http).get('/admin/queues').set('x-api-key', KEY).expect(200);
    expect(board.headers['content-type']).toMatch(/text\/html/);
    const queues = await request(http).get('/admin/queues/api/queues').set('Authorization', `Bearer ${KEY}`).expect(200);
    expect(queues.body.queues.map((q: { name: string }) => q.name).sort()).toEqual([...BOARD_QUEUES].sort());
  });

  it('leaves everything open when no key is configured', async () => {
    const server = open.getHttpServer() as App;
    await finishActiveRuns();
    await request(server).post('/runs').send({}).expect(202);
    await request(server).get('/admin/queues').expect(200);
  });

  it('compares keys by digest, whatever their length', () => {
    expect(apiKeyMatches(KEY, KEY)).toBe(true);
    expect(apiKeyMatches(KEY, `${KEY}x`)).toBe(false);
    expect(apiKeyMatches(KEY, '')).toBe(false);
  });
});
