import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getQueueToken } from '@nestjs/bullmq';
import type { INestApplicationContext } from '@nestjs/common';
import type { Job, Queue } from 'bullmq';
import { OPS_QUEUES, OPS_WORKER, type RunParams, type ScheduledJobData } from '@ecom/contracts';
import { LedgerRepository, createWorkerContext, declaredProcessors } from '@ecom/pipeline';
import { createTestEnv, waitFor, type TestEnv } from '@ecom/testing';
import { OpsWorkerAppModule } from './app.module';

/** A webhook receiver standing in for Slack: records every body it is sent. */
async function startWebhookReceiver(): Promise<{ url: string; received: Array<{ text: string }>; server: Server }> {
  const received: Array<{ text: string }> = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      received.push(JSON.parse(body) as { text: string });
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/T000/B000/secret`, received, server };
}

/**
 * The ops worker as its own process would run it (the app module, the boot-time processor check),
 * against the real PostgreSQL and queue store: it makes the job schedulers and consumes every
 * operations queue. Jobs are added by hand here, as a schedule's tick or the api would add them.
 */
describe('ops worker: schedulers, scheduled pipeline runs, monitoring, alert delivery, retention', () => {
  let env: TestEnv;
  let ops: INestApplicationContext;
  let hook: Awaited<ReturnType<typeof startWebhookReceiver>>;

  const queue = (name: string) => ops.get<Queue>(getQueueToken(name), { strict: false });
  const start = () => createWorkerContext(OpsWorkerAppModule.forRoot, env.config, false, OPS_WORKER.app);
  const schedule = (name: string) =>
    env.pool.query<{ last_outcome: string | null; last_run_id: string | null }>('SELECT last_outcome, last_run_id FROM ops.schedules WHERE name = $1', [name]).then((r) => r.rows[0]);
  /** Adds a job and waits for the ops worker to finish it; returns the finished job. */
  async function finished(name: string, jobName: string, data: object, jobId: string): Promise<Job> {
    await queue(name).add(jobName, data, { jobId });
    return waitFor(async () => {
      const job = await queue(name).getJob(jobId);
      const state = await job?.getState();
      if (state === 'failed') throw new Error(`job ${jobId} failed: ${job?.failedReason}`);
      // Read again: the copy above may predate the completion, without its return value.
      return state === 'completed' ? queue(name).getJob(jobId) : undefined;
    }, `job ${jobId} on ${name} to complete`);
  }

  beforeAll(async () => {
    hook = await startWebhookReceiver();
    env = await createTestEnv('ops_worker', {
      // A distinct pattern from config's, to see which one the start-up sync wrote.
      schedules: { pipeline: { enabled: true, pattern: '0 4 * * *' } },
      alerts: { webhookUrl: hook.url, deliveryBackoffMs: 50 },
      // Only the failed run below may alert: a slow ping on a loaded machine must not.
      monitoring: { latencyWarnMs: 60_000 },
    });
    ops = await start();
  });
  afterAll(async () => {
    await ops?.close();
    await env?.teardown();
    await new Promise((resolve) => hook?.server.close(resolve));
  });

  it('declares exactly one processor per operations queue, and a worker of it consumes each one', async () => {
    const declared = declaredProcessors([OpsWorkerAppModule.forRoot(env.config)]);
    expect(declared.map((d) => d.queue).sort()).toEqual([...OPS_WORKER.queues].sort());
    for (const name of OPS_WORKER.queues) {
      await waitFor(async () => ((await queue(name).getWorkersCount()) === 1 ? true : undefined), `a worker on ${name}`);
    }
  });

  it('makes the job schedulers from config at start, in UTC; a change stored through the api wins when it starts again', async () => {
    expect(await queue(OPS_QUEUES.schedules).getJobScheduler('pipeline')).toMatchObject({ pattern: '0 4 * * *', tz: 'UTC' });
    expect(await queue(OPS_QUEUES.monitoring).getJobScheduler('monitoring')).toMatchObject({ pattern: '*/5 * * * *', tz: 'UTC' });
    expect(await queue(OPS_QUEUES.retention).getJobScheduler('retention')).toMatchObject({ pattern: '30 3 * * *', template: { data: { schedule: 'retention' } } });

    // What PUT /schedules stores; the api applies it itself, here the restart must.
    await env.pool.query(`INSERT INTO ops.schedules (name, pattern, enabled, updated_at) VALUES ('retention', '0 5 * * *', true, now()), ('pipeline', '0 4 * * *', false, now())`);
    await ops.close();
    ops = await start();
    expect(await queue(OPS_QUEUES.retention).getJobScheduler('retention')).toMatchObject({ pattern: '0 5 * * *' });
    expect(await queue(OPS_QUEUES.schedules).getJobScheduler('pipeline')).toBeUndefined();
  });

  it("runs the pipeline schedule's tick: with no generated run to continue it records the skip, not a failure", async () => {
    const data: ScheduledJobData = { schedule: 'pipeline' };
    const job = await finished(OPS_QUEUES.schedules, 'pipeline', data, 'tick-1');
    expect(job.returnvalue).toMatch(/^skipped: mode incremental needs an earlier generated run to continue/);
    expect(await schedule('pipeline')).toEqual({ last_outcome: job.returnvalue, last_run_id: null });
    const skipped = await env.pool.query(`SELECT trigger, mode FROM ops.skipped_triggers`);
    expect(skipped.rows).toEqual([{ trigger: 'schedule', mode: 'incremental' }]);
  });

  it("runs the monitoring schedule's tick: evaluates, opens an alert for a failed run and delivers it to the webhook once", async () => {
    const ledger = ops.get(LedgerRepository);
    const source: RunParams = { mode: 'source', inputDir: '/data/batch' };
    await ledger.createRun('run-broken', source);
    await ledger.failStage('run-broken', 'ingest', 'customers.csv: missing column email');
    const data: ScheduledJobData = { schedule: 'monitoring' };
    const job = await finished(OPS_QUEUES.monitoring, 'monitoring', data, 'tick-2');
    expect(job.returnvalue).toMatch(/^critical \(score [\d.]+\); alerts opened 1, resolved 0, open 1$/);
    expect((await schedule('monitoring'))?.last_outcome).toBe(job.returnvalue);
    const snapshots = await env.pool.query(`SELECT status FROM ops.monitoring_snapshots`);
    expect(snapshots.rows).toEqual([{ status: 'critical' }]);

    await waitFor(async () => {
      const { rows } = await env.pool.query(`SELECT status FROM ops.alert_deliveries`);
      return rows.length === 1 && rows[0].status === 'sent' ? true : undefined;
    }, 'the alert delivery to be sent');
    expect(hook.received).toHaveLength(1);
    expect(hook.received[0].text).toContain('run run-broken (source) failed at ingest');
  });

  it("runs the retention schedule's job: a dry run reports per kind and deletes nothing", async () => {
    const job = await finished(OPS_QUEUES.retention, 'retention', { schedule: 'retention', dryRun: true }, 'retention-dry');
    expect(job.returnvalue).toMatchObject({ dryRun: true, kinds: { runHistory: expect.any(Object), typedTables: expect.any(Object) } });
    expect((await env.pool.query(`SELECT count(*)::int AS n FROM ops.runs`)).rows[0].n).toBe(1);
  });
});
