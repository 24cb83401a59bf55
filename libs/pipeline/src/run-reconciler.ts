import { Injectable, Logger } from '@nestjs/common';
import type { Job, Queue } from 'bullmq';
import { Pool } from 'pg';
import { DEFAULT_JOB_OPTIONS, ENTRY_JOB, JOB_NAMES, partJobId, stageJobId, type Stage } from '@ecom/contracts';
import { LedgerRepository } from './ledger.repository';
import { StageRuntime } from './stage-runtime';

/** What the reconciler did to one job of a run. */
export interface ReconcileAction {
  runId: string;
  stage: Stage;
  jobId: string;
  /** enqueued: the job was missing; retried: it had failed; replaced: it had completed without doing the work; closed: see below. */
  action: 'enqueued' | 'retried' | 'replaced' | 'closed';
}

/** Jobs in these states are someone's business already: waiting for a worker, or being worked on. */
const LIVE_STATES = new Set(['waiting', 'active', 'delayed', 'prioritized', 'waiting-children']);

/**
 * Makes the queues agree with the run ledger, which is the truth. For every queued or running run
 * it finds the first stage not yet succeeded and makes sure a job will do it: the stage's entry job
 * (or, for a fan-out stage that has planned, the part job of every unfinished task) is added when
 * it is missing (the queue store lost it, or a worker died between committing and enqueueing),
 * retried when it failed without failing the run (PostgreSQL was away when its attempts ran out)
 * and replaced when it completed without the work being recorded (it ran while the run was
 * failed, before a resume). Job ids are deterministic and every stage re-checks the ledger under a
 * lock before working, so a job added twice, or a job still running that the queue forgot,
 * never applies twice.
 */
@Injectable()
export class RunReconciler {
  private readonly logger = new Logger(RunReconciler.name);

  constructor(
    private readonly pool: Pool,
    private readonly ledger: LedgerRepository,
    private readonly runtime: StageRuntime,
  ) {}

  /** Every queued or running run, oldest first. */
  async reconcileAll(): Promise<ReconcileAction[]> {
    const { rows } = await this.pool.query<{ run_id: string }>(
      "SELECT run_id FROM ops.runs WHERE status IN ('queued', 'running') ORDER BY created_at, run_id",
    );
    const actions: ReconcileAction[] = [];
    for (const { run_id } of rows) actions.push(...(await this.reconcileRun(run_id)));
    return actions;
  }

  async reconcileRun(runId: string): Promise<ReconcileAction[]> {
    const run = await this.ledger.getRun(runId);
    if (!run || (run.status !== 'queued' && run.status !== 'running')) return [];
    const stages = await this.ledger.getStages(runId);
    const next = stages.find((s) => s.status !== 'succeeded' && s.status !== 'skipped');
    if (!next) {
      // Every stage is done but the last hand-off never closed the run.
      await this.ledger.finishRun(runId);
      const last = stages[stages.length - 1];
      this.logger.warn(`run ${runId}: every stage had succeeded; closed the run`);
      return [{ runId, stage: last.stage, jobId: stageJobId(runId, last.stage), action: 'closed' }];
    }
    const stage = next.stage;
    const queue = this.runtime.queue(stage);
    const fanOut = ENTRY_JOB[stage] === JOB_NAMES.plan;
    if (!fanOut || next.tasks_total === null) {
      const action = await this.ensureJob(queue, stageJobId(runId, stage), ENTRY_JOB[stage], { runId });
      return action ? [this.report(runId, stage, stageJobId(runId, stage), action)] : [];
    }
    // Planned: the entry job is done with; each unfinished task needs its part job.
    const pending = (await this.ledger.listTasks(runId, stage)).filter((task) => task.status !== 'succeeded');
    if (pending.length === 0) {
      // Every part succeeded but the last one's fan-in did not happen (its worker died).
      await this.runtime.fanIn(runId, stage);
      return [this.report(runId, stage, stageJobId(runId, stage), 'closed')];
    }
    const actions: ReconcileAction[] = [];
    for (const task of pending) {
      const jobId = partJobId(runId, stage, task.task_key);
      const action = await this.ensureJob(queue, jobId, JOB_NAMES.part, { ...task.payload, runId, taskKey: task.task_key });
      if (action) actions.push(this.report(runId, stage, jobId, action));
    }
    return actions;
  }

  private async ensureJob(queue: Queue, jobId: string, name: string, data: object): Promise<ReconcileAction['action'] | undefined> {
    const job = (await queue.getJob(jobId)) as Job | undefined;
    if (!job) {
      await queue.add(name, data, { ...DEFAULT_JOB_OPTIONS, jobId });
      return 'enqueued';
    }
    const state = await job.getState();
    if (LIVE_STATES.has(state)) return undefined;
    if (state === 'failed') {
      await job.retry('failed');
      return 'retried';
    }
    if (state === 'completed') {
      await job.remove();
      await queue.add(name, data, { ...DEFAULT_JOB_OPTIONS, jobId });
      return 'replaced';
    }
    // 'unknown': removed between the two reads; the next round adds it.
    return undefined;
  }

  private report(runId: string, stage: Stage, jobId: string, action: ReconcileAction['action']): ReconcileAction {
    if (action !== 'closed') this.logger.warn(`run ${runId}: ${stage} job ${jobId} ${action} (the ledger says the stage is unfinished)`);
    return { runId, stage, jobId, action };
  }
}
