import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import request from 'supertest';
import type { App } from 'supertest/types';
import { ConfigError, loadConfig } from '@ecom/config';
import { OPS_QUEUES, RUN_TRIGGER_HEADER } from '@ecom/contracts';
import { createTestEnv, waitFor, type TestEnv } from '@ecom/testing';
import { startOpsWorker } from '../../../../tools/in-process';
import { createApiApp } from '../create-app';

describe('schedules: BullMQ job schedulers, and never two runs at once', () => {
  let env: TestEnv;
  let app: INestApplication;
  let replica: INestApplication;
  let ops: INestApplicationContext;
  let http: App;

  const scheduleQueue = () => app.get<Queue>(getQueueToken(OPS_QUEUES.schedules));
  const runs = () =>
    env.pool.query<{ run_id: string; mode: string; status: string }>('SELECT run_id, mode, status FROM ops.runs ORDER BY created_at').then((r) => r.rows);
  const skipped = () =>
    env.pool
      .query<{ trigger: string; mode: string; reason: string; active_run_id: string | null }>(
        'SELECT trigger, mode, reason, active_run_id FROM ops.skipped_triggers ORDER BY skipped_id',
      )
      .then((r) => r.rows);
  /** These specs only record runs (no workers here): finishing them by hand frees the guard. */
  const finishActiveRuns = () => env.pool.query(`UPDATE ops.runs SET status = 'succeeded', finished_at = now() WHERE status IN ('queued', 'running')`);

  beforeAll(async () => {
    env = await createTestEnv('api_schedules', { schedules: { pipeline: { enabled: true } } });
    app = await createApiApp(env.config);
    await app.init();
    http = app.getHttpServer() as App;
    // A second api on the same database and Redis: what `docker compose up --scale api=2` runs.
    replica = await createApiApp(env.config);
    await replica.init();
    // The ops worker syncs the schedulers at its start and runs their ticks.
    ops = await startOpsWorker(env.config);
  });
  afterAll(async () => {
    await ops?.close();
    await replica?.close();
    await app?.close();
    await env?.teardown();
  });

  it('lists the three schedules from config as BullMQ job schedulers (the ops worker made them), in UTC', async () => {
    const res = await request(http).get('/schedules').expect(200);
    expect(res.body.schedules.map((s: { name: string; queue: string; pattern: string; enabled: boolean; source: string }) => [s.name, s.queue, s.pattern, s.enabled, s.source])).toEqual([
      ['pipeline', 'schedules', '0 2 * * *', true, 'config'],
      ['monitoring', 'monitoring', '*/5 * * * *', true, 'config'],
      ['retention', 'retention', '30 3 * * *', true, 'config'],
    ]);
    const pipeline = res.body.schedules[0];
    expect(new Date(pipeline.nextRunAt).getUTCHours()).toBe(2);
    expect(new Date(pipeline.nextRunAt).getTime()).toBeGreaterThan(Date.now());
    const scheduler = await scheduleQueue().getJobScheduler('pipeline');
    expect(scheduler).toMatchObject({ name: 'pipeline', pattern: '0 2 * * *', tz: 'UTC' });
    const retention = await app.get<Queue>(getQueueToken(OPS_QUEUES.retention)).getJobScheduler('retention');
    expect(retention).toMatchObject({ name: 'retention', pattern: '30 3 * * *', template: { data: { schedule: 'retention' } } });
  });

  it('refuses a bad cron pattern or flag with a 400 naming the field, and an unknown schedule with a 404', async () => {
    const words = await request(http).put('/schedules/pipeline').send({ pattern: 'every day' }).expect(400);
    expect(words.body.message).toEqual(['pattern must have 5 fields (minute hour day month weekday) or 6 with seconds first, has 2']);
    const range = await request(http).put('/schedules/monitoring').send({ pattern: '61 * * * *' }).expect(400);
    expect(range.body.message[0]).toMatch(/^pattern is not a valid cron pattern \(.*61.*\)$/);
    const flag = await request(http).put('/schedules/monitoring').send({ enabled: 'yes' }).expect(400);
    expect(flag.body.message).toEqual(['enabled must be a boolean value']);
    await request(http).put('/schedules/monitoring').send({}).expect(400);
    const unknown = await request(http).put('/schedules/backup').send({ enabled: false }).expect(404);
    expect(unknown.body.message).toBe('no schedule named backup; schedules are pipeline, monitoring, retention');
    expect((await scheduleQueue().getJobScheduler('pipeline'))?.pattern).toBe('0 2 * * *');
  });

  it('refuses a bad pattern in config at start-up, naming the key and its variable', () => {
    expect(() => loadConfig({ env: { PIPELINE_SCHEDULE: '0 25 * * *' } })).toThrow(ConfigError);
    expect(() => loadConfig({ env: { PIPELINE_SCHEDULE: '0 25 * * *' } })).toThrow(/schedules\.pipeline\.pattern \(PIPELINE_SCHEDULE\): pattern is not a valid cron pattern/);
  });

  it('starts exactly one of two runs launched at once on two replicas; the other is a 409 recorded as skipped', async () => {
    const [a, b] = await Promise.all([
      request(http).post('/runs').send({ customers: 20, products: 10, transactions: 50 }),
      request(replica.getHttpServer() as App).post('/runs').send({ customers: 20, products: 10, transactions: 50 }),
    ]);
    expect([a.status, b.status].sort()).toEqual([202, 409]);
    const [accepted, refused] = a.status === 202 ? [a, b] : [b, a];
    const runId: string = accepted.body.runId;
    expect(refused.body).toMatchObject({ statusCode: 409, activeRunId: runId, skippedId: expect.any(String) });
    expect(refused.body.message).toMatch(new RegExp(`^run ${runId} is still queued; one run at a time, so nothing was started`));
    expect(await runs()).toEqual([{ run_id: runId, mode: 'generate', status: 'queued' }]);
    expect(await skipped()).toEqual([{ trigger: 'api', mode: 'generate', reason: `run ${runId} is queued`, active_run_id: runId }]);

    // The CLI says who it is; a delta asked for while the run is active is refused the same way.
    const cli = await request(http).post('/runs').set(RUN_TRIGGER_HEADER, 'cli').send({ mode: 'incremental' }).expect(409);
    expect(cli.body.activeRunId).toBe(runId);
    expect((await skipped()).map((s) => [s.trigger, s.mode])).toEqual([
      ['api', 'generate'],
      ['cli', 'incremental'],
    ]);
    expect(await runs()).toHaveLength(1);
  });

  it('fires the pipeline schedule through BullMQ: skipped while a run is active, then an incremental run', async () => {
    const [active] = await runs();
    // Every second (six fields, seconds first), so the spec sees it fire.
    const every = await request(http).put('/schedules/pipeline').send({ pattern: '* * * * * *' }).expect(200);
    expect(every.body).toMatchObject({ name: 'pipeline', pattern: '* * * * * *', enabled: true, source: 'api' });
    const skip = await waitFor(async () => (await skipped()).find((s) => s.trigger === 'schedule'), 'a scheduled trigger to be skipped', 10_000);
    expect(skip).toEqual({ trigger: 'schedule', mode: 'incremental', reason: `run ${active.run_id} is queued`, active_run_id: active.run_id });
    expect(await runs()).toHaveLength(1);

    await finishActiveRuns();
    const delta = await waitFor(async () => (await runs()).find((r) => r.mode === 'incremental'), 'the schedule to start a delta', 10_000);
    await request(http).put('/schedules/pipeline').send({ enabled: false }).expect(200);

    const params = await env.pool.query('SELECT params FROM ops.runs WHERE run_id = $1', [delta.run_id]);
    expect(params.rows[0].params.incremental).toMatchObject({ previousRunId: active.run_id, days: 1 });
    const listed = await waitFor(async () => {
      const res = await request(http).get('/schedules').expect(200);
      const pipeline = res.body.schedules.find((s: { name: string }) => s.name === 'pipeline');
      return pipeline.lastRunId === delta.run_id ? res.body : undefined;
    }, 'GET /schedules to show the started run');
    expect(listed.schedules[0]).toMatchObject({ enabled: false, nextRunAt: null, source: 'api', lastOutcome: `started run ${delta.run_id}` });
    expect(listed.recentSkippedTriggers[0]).toMatchObject({ trigger: 'schedule', activeRunId: expect.any(String) });
    expect(await scheduleQueue().getJobScheduler('pipeline')).toBeUndefined();
  });

  it('keeps a change made through the API when the ops worker starts again and syncs the schedulers', async () => {
    await request(http).put('/schedules/monitoring').send({ pattern: '*/10 * * * *' }).expect(200);
    await ops.close();
    // Gone with the queue store (or never made): the restarted ops worker writes them from ops.schedules and config.
    await app.get<Queue>(getQueueToken(OPS_QUEUES.monitoring)).removeJobScheduler('monitoring');
    ops = await startOpsWorker(env.config);
    const res = await request(http).get('/schedules').expect(200);
    expect(res.body.schedules.map((s: { name: string; pattern: string; enabled: boolean }) => [s.name, s.pattern, s.enabled])).toEqual([
      ['pipeline', '* * * * * *', false],
      ['monitoring', '*/10 * * * *', true],
      ['retention', '30 3 * * *', true],
    ]);
    expect(await scheduleQueue().getJobScheduler('pipeline')).toBeUndefined();
    expect((await app.get<Queue>(getQueueToken(OPS_QUEUES.monitoring)).getJobScheduler('monitoring'))?.pattern).toBe('*/10 * * * *');
  });
});
