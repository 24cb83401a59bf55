import { Processor } from '@nestjs/bullmq';
import { Injectable, Module, type DynamicModule, type INestApplicationContext } from '@nestjs/common';
import type { Job } from 'bullmq';
import { AppConfig } from '@ecom/config';
import { JOB_NAMES, QUEUES, stageJobId, type RunParams } from '@ecom/contracts';
import { createTestEnv, type TestEnv, waitFor } from '@ecom/testing';
import { createWorkerContext } from './bootstrap';
import { PipelineModule } from './pipeline.module';
import { StageFailure, StageRuntime } from './stage-runtime';
import { StageWorker } from './stage-worker';

/** What the fake stages below do, so each test can script a part's behaviour. */
const script = {
  partCalls: new Map<string, number>(),
  failPartOnce: new Set<string>(),
  validateCalls: 0,
  failValidate: false,
  /**
   * When set, the fake validation works until the test resolves it: the fan-in test reads the
   * database clock in between, to show the stage's timestamps are wall-clock (a transaction's
   * now() would give the same start and finish, both before that reading).
   */
  validateWork: null as Promise<void> | null,
  /** Progress updates the fake validation sends, all at once, before it waits on validateWork. */
  validateProgress: [] as Array<Record<string, unknown>>,
  /** What the fake validation's work after its commit found when it ran, per run. */
  afterCommitSeen: new Map<string, { stage: string | undefined; nextEnqueued: boolean }>(),
  afterCommitFails: false,
};

@Injectable()
@Processor(QUEUES.ingest)
class FakeIngest extends StageWorker {
  constructor(private readonly runtime: StageRuntime, config: AppConfig) {
    super(config);
  }
  async process(job: Job<{ runId: string; taskKey?: string; rows?: number }>): Promise<void> {
    const { runId } = job.data;
    if (job.name === JOB_NAMES.plan) {
      await this.runtime.planStage(job, 'ingest', runId, async () =>
        ['a', 'b', 'c', 'd'].map((key, i) => ({ key, payload: { rows: 10 * (i + 1) } })),
      );
      return;
    }
    const key = job.data.taskKey!;
    await this.runtime.runTask(job, 'ingest', runId, key, async ({ client }) => {
      script.partCalls.set(key, (script.partCalls.get(key) ?? 0) + 1);
      await client.query(
        `INSERT INTO staging.customers (customer_id, run_id, source_file, source_line) VALUES ($1, $2, $3, 1)`,
        [key, runId, key],
      );
      if (script.failPartOnce.delete(key)) throw new Error(`part ${key} crashed`);
      const rows = job.data.rows ?? 0;
      return { rowsIn: rows, rowsOut: rows - 1, rowsRejected: 1 };
    });
  }
}

@Injectable()
@Processor(QUEUES.validate)
class FakeValidate extends StageWorker {
  constructor(private readonly runtime: StageRuntime, config: AppConfig) {
    super(config);
  }
  async process(job: Job<{ runId: string }>): Promise<void> {
    const { runId } = job.data;
    await this.runtime.runStage(job, 'validate', runId, async (ctx) => {
      ctx.afterCommit?.(async () => {
        const stage = (await this.runtime.ledger.getStage(runId, 'validate'))?.status;
        const next = await this.runtime.queue('transform').getJob(stageJobId(runId, 'transform'));
        script.afterCommitSeen.set(runId, { stage, nextEnqueued: next !== undefined });
        if (script.afterCommitFails) throw new Error('the scratch table is locked');
      });
      await Promise.all(script.validateProgress.map((update) => ctx.progress(update)));
      script.validateCalls++;
      await script.validateWork;
      if (script.failValidate) throw new StageFailure('quality below threshold');
      return { rowsIn: 5, rowsOut: 5, rowsRejected: 0 };
    });
  }
}

@Module({})
class FakeStagesModule {
  static forRoot(config: AppConfig): DynamicModule {
    return { module: FakeStagesModule, imports: [PipelineModule.forRoot(config)], providers: [FakeIngest, FakeValidate] };
  }
}

describe('StageRuntime: ledger, fan-out, fan-in and hand-off on real PostgreSQL and the queue store', () => {
  let env: TestEnv;
  let app: INestApplicationContext;
  let runtime: StageRuntime;
  const params: RunParams = { mode: 'source', inputDir: '/nowhere' };

  beforeAll(async () => {
    env = await createTestEnv('pipeline_runtime', { workerConcurrency: 4 });
    app = await createWorkerContext(FakeStagesModule.forRoot, env.config, false);
    runtime = app.get(StageRuntime);
  });
  afterAll(async () => {
    await app.close();
    await env.teardown();
  });
  beforeEach(() => {
    script.partCalls.clear();
    script.failPartOnce.clear();
    script.validateCalls = 0;
    script.failValidate = false;
    script.validateWork = null;
    script.validateProgress = [];
    script.afterCommitSeen.clear();
    script.afterCommitFails = false;
  });

  const stageStatus = (runId: string, stage: string) =>
    env.pool
      .query<{ status: string; rows_in: string; rows_out: string; rows_rejected: string; tasks_done: number }>(
        'SELECT status, rows_in, rows_out, rows_rejected, tasks_done FROM ops.run_stages WHERE run_id = $1 AND stage = $2',
        [runId, stage],
      )
      .then((r) => r.rows[0]);

  it('runs every part once, sums their counts at fan-in and hands off exactly once', async () => {
    let finishValidation: () => void = () => undefined;
    script.validateWork = new Promise<void>((resolve) => (finishValidation = resolve));
    await runtime.launchRun('run-fanin', params);
    // While the validation works (it has begun and waits on the test), the database's clock.
    await waitFor(async () => (script.validateCalls === 1 ? true : undefined), 'validate to begin its work');
    const during = (await env.pool.query<{ at: Date }>('SELECT clock_timestamp() AS at')).rows[0].at;
    finishValidation();
    const validated = await waitFor(
      async () => ((await stageStatus('run-fanin', 'validate'))?.status === 'succeeded' ? true : undefined),
      'validate to succeed',
    );
    expect(validated).toBe(true);
    const ingest = await stageStatus('run-fanin', 'ingest');
    expect(ingest).toMatchObject({ status: 'succeeded', rows_in: '100', rows_out: '96', rows_rejected: '4', tasks_done: 4 });
    expect([...script.partCalls.values()]).toEqual([1, 1, 1, 1]);
    expect(script.validateCalls).toBe(1);
    // Timestamps are wall-clock, not the transaction's start: the stage started before the
    // reading taken during its work and finished after it.
    const timing = await env.pool.query<{ started_before: boolean; finished_after: boolean }>(
      `SELECT started_at <= $1 AS started_before, finished_at >= $1 AS finished_after FROM ops.run_stages
        WHERE run_id = 'run-fanin' AND stage = 'validate'`,
      [during],
    );
    expect(timing.rows[0]).toEqual({ started_before: true, finished_after: true });
    const staged = await env.pool.query("SELECT count(*)::int AS n FROM staging.customers WHERE run_id = 'run-fanin'");
    expect(staged.rows[0].n).toBe(4);
  });

  it("commits progress while the stage's transaction is open, in order, on the work lock's connection", async () => {
    let finishValidation: () => void = () => undefined;
    script.validateWork = new Promise<void>((resolve) => (finishValidation = resolve));
    script.validateProgress = [{ checksDone: 1 }, { checksDone: 2 }, { checksDone: 3 }];
    await runtime.launchRun('run-progress', params);
    await waitFor(async () => (script.validateCalls === 1 ? true : undefined), 'validate to send its progress');
    // The stage's transaction is still open (it waits on the test): the updates are committed on their own.
    const during = (
      await env.pool.query<{ progress: unknown; writer_holds_lock: boolean }>(
        `SELECT s.detail -> 'progress' AS progress,
                EXISTS (SELECT FROM pg_stat_activity a JOIN pg_locks l ON l.pid = a.pid AND l.locktype = 'advisory' AND l.granted
                         WHERE a.datname = current_database() AND a.query LIKE '%jsonb_build_object(''progress''%') AS writer_holds_lock
           FROM ops.run_stages s WHERE s.run_id = 'run-progress' AND s.stage = 'validate'`,
      )
    ).rows[0];
    // Sent at once, written one after another: the last one sent is the one kept.
    expect(during).toEqual({ progress: { checksDone: 3 }, writer_holds_lock: true });
    expect((await stageStatus('run-progress', 'validate')).status).toBe('running');
    finishValidation();
    await waitFor(
      async () => ((await stageStatus('run-progress', 'validate'))?.status === 'succeeded' ? true : undefined),
      'validate to succeed',
    );
  });

  it('rolls a crashed part back and retries it, so its rows land once', async () => {
    script.failPartOnce.add('b');
    await runtime.launchRun('run-retry', params);
    await waitFor(
      async () => ((await stageStatus('run-retry', 'validate'))?.status === 'succeeded' ? true : undefined),
      'validate to succeed after a retried part',
    );
    expect(script.partCalls.get('b')).toBe(2);
    const staged = await env.pool.query(
      "SELECT source_file, count(*)::int AS n FROM staging.customers WHERE run_id = 'run-retry' GROUP BY 1 ORDER BY 1",
    );
    expect(staged.rows).toEqual(['a', 'b', 'c', 'd'].map((f) => ({ source_file: f, n: 1 })));
  });

  it('treats a duplicate delivery of a finished stage as a no-op', async () => {
    await runtime.launchRun('run-dup', params);
    await waitFor(
      async () => ((await stageStatus('run-dup', 'validate'))?.status === 'succeeded' ? true : undefined),
      'first validation',
    );
    // Same job id is deduplicated by BullMQ while kept; a new id simulates delivery after removal.
    const again = [
      await runtime.queue('validate').add(JOB_NAMES.run, { runId: 'run-dup' }, { jobId: 'run-dup-validate-again' }),
      await runtime.queue('ingest').add(JOB_NAMES.part, { runId: 'run-dup', taskKey: 'a', rows: 10 }, { jobId: 'run-dup-a-again' }),
    ];
    // Both duplicates delivered and finished: only then is "no work done" an outcome, not a race.
    await waitFor(
      async () => ((await Promise.all(again.map((job) => job.getState()))).every((state) => state === 'completed') ? true : undefined),
      'the duplicate deliveries to finish',
    );
    expect(script.validateCalls).toBe(1);
    expect(script.partCalls.get('a')).toBe(1);
    const staged = await env.pool.query("SELECT count(*)::int AS n FROM staging.customers WHERE run_id = 'run-dup'");
    expect(staged.rows[0].n).toBe(4);
  });

  it('fails the run at once on an unrecoverable stage error, naming the stage', async () => {
    script.failValidate = true;
    await runtime.launchRun('run-fail', params);
    const run = await waitFor(async () => {
      const r = await env.pool.query('SELECT status, failed_stage, error FROM ops.runs WHERE run_id = $1', ['run-fail']);
      return r.rows[0]?.status === 'failed' ? r.rows[0] : undefined;
    }, 'the run to fail');
    expect(run).toMatchObject({ failed_stage: 'validate', error: 'quality below threshold' });
    expect(script.validateCalls).toBe(1);
    // The work it left for after its commit never ran: there was no commit.
    expect(script.afterCommitSeen.has('run-fail')).toBe(false);
  });

  it("runs the work a stage leaves for after its commit once the stage is committed and the next one enqueued", async () => {
    await runtime.launchRun('run-after-commit', params);
    const seen = await waitFor(async () => script.afterCommitSeen.get('run-after-commit'), 'the work after the commit');
    expect(seen).toEqual({ stage: 'succeeded', nextEnqueued: true });
  });

  it('logs a failure of the work after the commit and leaves the stage and the run as they were', async () => {
    script.afterCommitFails = true;
    await runtime.launchRun('run-after-commit-fails', params);
    const seen = await waitFor(async () => script.afterCommitSeen.get('run-after-commit-fails'), 'the work after the commit');
    expect(seen).toEqual({ stage: 'succeeded', nextEnqueued: true });
    const jobId = stageJobId('run-after-commit-fails', 'validate');
    await waitFor(
      async () => ((await runtime.queue('validate').getJob(jobId))?.finishedOn !== undefined ? true : undefined),
      'the validate job to complete',
    );
    // Completed at its first attempt: the failure after the commit did not fail the job.
    const job = (await runtime.queue('validate').getJob(jobId))!;
    expect({ state: await job.getState(), failedReason: job.failedReason ?? null, attemptsMade: job.attemptsMade }).toEqual({
      state: 'completed',
      failedReason: null,
      attemptsMade: 1,
    });
    const run = await env.pool.query('SELECT status, error FROM ops.runs WHERE run_id = $1', ['run-after-commit-fails']);
    expect(run.rows[0]).toEqual({ status: 'running', error: null });
    expect((await stageStatus('run-after-commit-fails', 'validate')).status).toBe('succeeded');
  });
});
