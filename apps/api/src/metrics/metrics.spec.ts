import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { App } from 'supertest/types';
import { OPS_QUEUES, STAGES } from '@ecom/contracts';
import { StageRuntime } from '@ecom/pipeline';
import { createTestEnv, type TestEnv } from '@ecom/testing';
import { createApiApp } from '../create-app';

describe('GET /metrics on the api: Prometheus text with the depth of every queue', () => {
  let env: TestEnv;
  let app: INestApplication;
  let http: App;

  beforeAll(async () => {
    // A key is configured: Prometheus scrapes without one, as GETs are open.
    env = await createTestEnv('api_metrics', { apiKey: 'metrics-test-key' });
    app = await createApiApp(env.config);
    await app.init();
    http = app.getHttpServer() as App;
  });
  afterAll(async () => {
    await app.close();
    await env.teardown();
  });

  it('reports waiting and delayed jobs per queue and state, read from the queue store at scrape time', async () => {
    const runtime = app.get(StageRuntime);
    // No worker consumes these queues in this spec, so the jobs stay where they were put.
    await runtime.queue('validate').add('run', { runId: 'run-a' });
    await runtime.queue('validate').add('run', { runId: 'run-b' });
    await runtime.queue('transform').add('run', { runId: 'run-c' }, { delay: 60_000 });

    const res = await request(http).get('/metrics').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    const lines = res.text.split('\n');
    expect(lines).toContain('ecom_queue_jobs{queue="validate",state="waiting"} 2');
    expect(lines).toContain('ecom_queue_jobs{queue="transform",state="delayed"} 1');
    expect(lines).toContain('ecom_queue_jobs{queue="transform",state="waiting"} 0');
    for (const queue of [...STAGES, ...Object.values(OPS_QUEUES)]) {
      expect(lines).toContain(`ecom_queue_jobs{queue="${queue}",state="active"} 0`);
    }
    expect(res.text).toContain('# TYPE ecom_job_duration_seconds histogram');
    expect(res.text).toContain('# TYPE ecom_jobs_completed_total counter');
  });

  it('is open without the API key, like the other reads', async () => {
    await request(http).get('/metrics').expect(200);
  });
});
