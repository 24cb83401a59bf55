import { Inject, Injectable, Logger } from '@nestjs/common';
import { Queue, UnrecoverableError, type Job } from 'bullmq';
import { Pool, type PoolClient } from 'pg';
import {
  DEFAULT_JOB_OPTIONS,
  ENTRY_JOB,
  FIRST_STAGE,
  InvalidPayloadError,
  JOB_NAMES,
  STAGES,
  nextStage,
  partJobId,
  stageJobId,
  type RunParams,
  type RunStatus,
  type RunTrigger,
  type Stage,
} from '@ecom/contracts';
import { isTransientDatabaseError, runSqlFile, withTransaction, type TransactionHold } from '@ecom/db';
import { LedgerRepository, type RunRecord, type StageCounts } from './ledger.repository';
import { recordStageCounts } from './metrics/stage-counts';

/** Every stage's Queue, by stage: registered from the stage registry (PipelineModule). */
export const STAGE_QUEUES = Symbol('STAGE_QUEUES');

/** A failure that retrying cannot fix (bad input, quality below threshold): the run fails now. */
export class StageFailure extends UnrecoverableError {
  constructor(message: string) {
    super(message);
    this.name = 'StageFailure';
  }
}

/** A launch refused because another run is queued or running; recorded in ops.skipped_triggers. */
export class RunAlreadyActiveError extends Error {
  override name = 'RunAlreadyActiveError';
  constructor(
    readonly activeRunId: string,
    readonly activeStatus: RunStatus,
    readonly trigger: RunTrigger,
    readonly skippedId: string,
  ) {
    super(`run ${activeRunId} is still ${activeStatus}; only one run at a time, so this ${trigger} trigger started nothing (skip ${skippedId})`);
  }
}

export interface StageContext {
  runId: string;
  run: RunRecord;
  /** The stage's transaction: everything written through it lands with the stage's record. */
  client: PoolClient;
  /** Visible in GET /runs/:id and the CLI while the stage works. */
  progress(update: Record<string, unknown>): Promise<void>;
  /**
   * Work for once the stage has committed and handed the run on, beside the next stage: dropping
   * scratch tables whose files the COMMIT would otherwise unlink while the next stage waits. Never
   * run when the stage's transaction rolls back. Absent where a caller runs the stage's work in a
   * transaction of its own (specs): the work then does it inside. A task that fails is logged, not
   * raised; a table it leaves is the typed-table sweep's (staleTypedTables).
   */
  afterCommit?(task: () => Promise<void>): void;
}

export interface PlannedTask {
  key: string;
  payload: object;
}

/**
 * How every stage worker records its work in the run ledger and hands the run on.
 * Idempotency lives here: a stage or task already marked succeeded is never redone, and
 * work plus its ledger record commit in one transaction.
 */
@Injectable()
export class StageRuntime {
  private readonly logger = new Logger(StageRuntime.name);
  constructor(
    private readonly pool: Pool,
    readonly ledger: LedgerRepository,
    @Inject(STAGE_QUEUES) private readonly queues: Record<Stage, Queue>,
  ) {}

  queue(stage: Stage): Queue {
    return this.queues[stage];
  }

  /** Workers connected to each stage queue (any process, any host sharing this Redis and prefix). */
  async workersPerStage(): Promise<Record<Stage, number>> {
    const counts = await Promise.all(STAGES.map(async (stage) => [stage, await this.queues[stage].getWorkersCount()] as const));
    return Object.fromEntries(counts) as Record<Stage, number>;
  }

  /**
   * Records a new run and enqueues its first stage, whatever else is running. Stage specs use it
   * to set up runs; every trigger of a real run (REST, CLI, schedule) goes through launchExclusiveRun.
   */
  async launchRun(runId: string, params: RunParams): Promise<void> {
    await this.ledger.createRun(runId, params);
    await this.enqueueStage(runId, FIRST_STAGE[params.mode]);
  }

  /**
   * Starts a run unless another is queued or running. The check and the insert happen under one
   * PostgreSQL advisory lock, so the guard holds across any number of api replicas. A refused
   * trigger is recorded in ops.skipped_triggers and thrown as RunAlreadyActiveError.
   */
  async launchExclusiveRun(runId: string, params: RunParams, trigger: RunTrigger): Promise<void> {
    const client = await this.pool.connect();
    try {
      await runSqlFile(client, 'schedules/run_launch_lock');
      try {
        const active = (await runSqlFile<{ run_id: string; status: RunStatus }>(client, 'schedules/active_run')).rows[0];
        if (active) {
          const reason = `run ${active.run_id} is ${active.status}`;
          const skipped = await runSqlFile<{ skipped_id: string }>(client, 'schedules/record_skipped_trigger', [
            trigger,
            params.mode,
            reason,
            active.run_id,
            JSON.stringify(params),
          ]);
          throw new RunAlreadyActiveError(active.run_id, active.status, trigger, skipped.rows[0].skipped_id);
        }
        await this.ledger.createRun(runId, params);
      } finally {
        await runSqlFile(client, 'schedules/run_launch_unlock');
      }
    } finally {
      client.release();
    }
    const first = FIRST_STAGE[params.mode];
    try {
      await this.enqueueStage(runId, first);
    } catch (error) {
      // A run nobody will ever pick up would block every later trigger: fail it now.
      await this.ledger.failStage(runId, first, `could not queue the run's first job: ${(error as Error).message}`);
      throw error;
    }
  }

  /**
   * Reopens a failed or stuck run (LedgerRepository.reopenRun) under the launch lock, unless
   * another run is queued or running: one run at a time holds for resumed runs too. Returns the
   * run as it was (undefined: no such run; a succeeded run is returned untouched) or the run in
   * the way.
   */
  async reopenExclusive(runId: string): Promise<{ run?: RunRecord; blockedBy?: { run_id: string; status: RunStatus } }> {
    const client = await this.pool.connect();
    try {
      await runSqlFile(client, 'schedules/run_launch_lock');
      try {
        const { rows } = await client.query<{ run_id: string; status: RunStatus }>(
          "SELECT run_id, status FROM ops.runs WHERE status IN ('queued', 'running') AND run_id <> $1 ORDER BY created_at, run_id LIMIT 1",
          [runId],
        );
        const run = await this.ledger.getRun(runId);
        if (rows[0] && run && run.status !== 'succeeded') return { run, blockedBy: rows[0] };
        return { run: await this.ledger.reopenRun(runId) };
      } finally {
        await runSqlFile(client, 'schedules/run_launch_unlock');
      }
    } finally {
      client.release();
    }
  }

  async enqueueStage(runId: string, stage: Stage): Promise<void> {
    await this.queues[stage].add(ENTRY_JOB[stage], { runId }, { ...DEFAULT_JOB_OPTIONS, jobId: stageJobId(runId, stage) });
  }

  /** Enqueues the next stage, or closes the run after the last one. Safe to call twice. */
  async handOff(runId: string, stage: Stage): Promise<void> {
    const next = nextStage(stage);
    if (next) await this.enqueueStage(runId, next);
    else await this.ledger.finishRun(runId);
  }

  /**
   * A whole-run stage: `work` runs in one transaction that also marks the stage succeeded, under
   * `hold` when given (PRODUCTION_WRITER for the transform).
   * A duplicate delivery after success only repeats the (idempotent) hand-off.
   */
  async runStage(
    job: Job,
    stage: Stage,
    runId: string,
    work: (ctx: StageContext) => Promise<StageCounts>,
    hold?: TransactionHold,
  ): Promise<void> {
    // Both reads at once: one round trip less between the previous stage's finish and this start.
    const [run, current] = await Promise.all([this.readyRun(runId, stage), this.ledger.getStage(runId, stage)]);
    if (!run) return;
    if (current?.status === 'succeeded') {
      await this.handOff(runId, stage);
      return;
    }
    await this.ledger.markStageRunning(runId, stage);
    const afterCommit: Array<() => Promise<void>> = [];
    await this.guard(job, runId, stage, undefined, () =>
      // A second delivery of this job (re-enqueued by the reconciler while a worker that lost its
      // queue still ran it) waits here for the first, then finds the stage done.
      this.ledger.withWorkLock(`stage:${runId}:${stage}`, async (lockClient) => {
        if ((await this.ledger.getStage(runId, stage, lockClient))?.status === 'succeeded') return;
        const started = Date.now();
        const counts = await withTransaction(this.pool, async (client) => {
          const ctx = this.context(job, run, stage, client, lockClient);
          const counts = await work({ ...ctx, afterCommit: (task) => void afterCommit.push(task) });
          await this.ledger.completeStage(client, runId, stage, counts);
          return counts;
        }, hold);
        recordStageCounts(stage, counts);
        this.logger.log(`run ${runId} ${stage} succeeded in ${Date.now() - started} ms`);
      }),
    );
    await this.handOff(runId, stage);
    for (const task of afterCommit) {
      await task().catch((error: unknown) =>
        this.logger.warn(`run ${runId} ${stage}: work after its commit failed: ${error instanceof Error ? error.message : String(error)}`),
      );
    }
  }

  /**
   * A fan-out stage's plan job: registers the tasks and enqueues one part job per task.
   * `plan` may also write files or rows; it must be idempotent itself.
   */
  async planStage(job: Job, stage: Stage, runId: string, plan: (run: RunRecord) => Promise<PlannedTask[]>): Promise<void> {
    const [run, current] = await Promise.all([this.readyRun(runId, stage), this.ledger.getStage(runId, stage)]);
    if (!run) return;
    if (current?.status === 'succeeded') {
      await this.handOff(runId, stage);
      return;
    }
    await this.ledger.markStageRunning(runId, stage);
    const tasks = await this.guard(job, runId, stage, undefined, async () => {
      const planned = await plan(run);
      await withTransaction(this.pool, (client) => this.ledger.registerTasks(client, runId, stage, planned));
      return planned;
    });
    // Part jobs already succeeded in the ledger are skipped by runTask, so re-adding is harmless.
    await this.queues[stage].addBulk(
      tasks.map((task) => ({
        name: JOB_NAMES.part,
        data: { ...task.payload, runId, taskKey: task.key },
        opts: { ...DEFAULT_JOB_OPTIONS, jobId: partJobId(runId, stage, task.key) },
      })),
    );
    await this.fanIn(runId, stage);
  }

  /** One part of a fan-out stage. The last part to finish closes the stage and hands off. */
  async runTask(
    job: Job,
    stage: Stage,
    runId: string,
    taskKey: string,
    work: (ctx: StageContext) => Promise<StageCounts>,
  ): Promise<void> {
    const [run, task] = await Promise.all([this.readyRun(runId, stage), this.ledger.getTask(runId, stage, taskKey)]);
    if (!run) return;
    if (!task) throw new StageFailure(`unknown task ${taskKey}`);
    if (task.status !== 'succeeded') {
      await this.guard(job, runId, stage, taskKey, () =>
        // As in runStage: a duplicate delivery of this part waits, then finds it done.
        this.ledger.withWorkLock(`task:${runId}:${stage}:${taskKey}`, async (lockClient) => {
          if ((await this.ledger.getTask(runId, stage, taskKey, lockClient))?.status === 'succeeded') return;
          const counts = await withTransaction(this.pool, async (client) => {
            const counts = await work(this.context(job, run, stage, client, lockClient));
            await this.ledger.completeTask(client, runId, stage, taskKey, counts);
            return counts;
          });
          recordStageCounts(stage, counts);
        }),
      );
    }
    await this.fanIn(runId, stage);
  }

  /** Closes a fan-out stage whose tasks have all succeeded and hands off; the reconciler's too. */
  async fanIn(runId: string, stage: Stage): Promise<void> {
    const status = await this.ledger.closeStageIfTasksDone(runId, stage);
    if (status === 'succeeded') await this.handOff(runId, stage);
  }

  /** The run, unless it has already failed (then other parts of it stop quietly). */
  private async readyRun(runId: string, stage: Stage): Promise<RunRecord | undefined> {
    const run = await this.ledger.getRun(runId);
    if (!run) throw new StageFailure(`run ${runId} does not exist (stage ${stage})`);
    if (run.status === 'failed') {
      this.logger.warn(`run ${runId} already failed; ${stage} skips its job`);
      return undefined;
    }
    return run;
  }

  /**
   * `lockClient`: the work lock's connection (withWorkLock), which carries the progress writes,
   * one after another (a connection runs one statement at a time), each committed on its own.
   */
  private context(job: Job, run: RunRecord, stage: Stage, client: PoolClient, lockClient: PoolClient): StageContext {
    let written: Promise<unknown> = Promise.resolve();
    return {
      runId: run.run_id,
      run,
      client,
      progress: async (update) => {
        const write = written.then(() => this.ledger.setProgress(run.run_id, stage, update, lockClient));
        written = write.catch(() => undefined);
        await write;
        await job.updateProgress(update).catch(() => undefined);
      },
    };
  }

  /**
   * Records errors; on the last attempt (or an unrecoverable error) fails the stage and the run.
   * An error that means PostgreSQL was away (restart, lost connection) never fails the run: the
   * job is retried with backoff, and once its attempts are spent the reconciler retries it after
   * the server is back (RunReconciler).
   */
  private async guard<T>(job: Job, runId: string, stage: Stage, taskKey: string | undefined, body: () => Promise<T>): Promise<T> {
    try {
      return await body();
    } catch (error) {
      const err = error as Error;
      // The stored error leaves the stage out: failed_stage and the stage row name it, and every
      // reader (run summary, alerts) prints "<stage>: <error>" once. A part names its task.
      const message = taskKey ? `${taskKey}: ${err.message}` : err.message;
      const unrecoverable = err instanceof UnrecoverableError || err instanceof InvalidPayloadError;
      const transient = !unrecoverable && isTransientDatabaseError(err);
      const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      const final = unrecoverable || (lastAttempt && !transient);
      const outcome = final ? '' : transient && lastAttempt ? ' (PostgreSQL unreachable; the reconciler retries it)' : ' (will retry)';
      this.logger.error(`run ${runId} ${stage}: ${message}${outcome}`);
      try {
        if (taskKey && final) await this.ledger.failTask(runId, stage, taskKey, message);
        if (final) await this.ledger.failStage(runId, stage, message);
        else await this.ledger.recordStageError(runId, stage, message);
      } catch (ledgerError) {
        // With PostgreSQL away the ledger cannot be written either; the job's own error is the one to report.
        this.logger.warn(`run ${runId} ${stage}: could not record the error in the ledger: ${(ledgerError as Error).message}`);
      }
      if (err instanceof InvalidPayloadError) throw new UnrecoverableError(err.message);
      throw error;
    }
  }
}
