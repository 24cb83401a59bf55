import { ConflictException, HttpStatus, Injectable, NotFoundException } from '@nestjs/common';
import type { CreateRunRequest, RunTrigger } from '@ecom/contracts';
import { RunLauncher } from '@ecom/ops';
import { RunReconciler, StageRuntime } from '@ecom/pipeline';
import type { RunAccepted, RunList, RunResumed } from './runs.dto';
import { RunsRepository } from './runs.repository';
import { ServerPaths } from './server-paths';

export function runLinks(runId: string): RunAccepted['links'] {
  return { self: `/runs/${runId}`, quality: `/runs/${runId}/quality` };
}

@Injectable()
export class RunsService {
  constructor(
    private readonly runtime: StageRuntime,
    private readonly launcher: RunLauncher,
    private readonly runs: RunsRepository,
    private readonly paths: ServerPaths,
    private readonly reconciler: RunReconciler,
  ) {}

  /**
   * Resumes a failed or stuck run from its first unfinished stage: failed stages and tasks go back
   * to pending and the reconciler queues whatever job is missing or failed. Stages and tasks that
   * succeeded are not redone. 404 for no such run, 409 for a succeeded run or while another run
   * is active.
   */
  async resumeRun(runId: string): Promise<RunResumed> {
    const { run, blockedBy } = await this.runtime.reopenExclusive(runId);
    if (!run) throw new NotFoundException(`no run ${runId}`);
    if (run.status === 'succeeded') throw new ConflictException(`run ${runId} has already succeeded; there is nothing to resume`);
    if (blockedBy) {
      throw new ConflictException({
        statusCode: HttpStatus.CONFLICT,
        error: 'Conflict',
        message: `run ${blockedBy.run_id} is ${blockedBy.status}; one run at a time, so run ${runId} was not resumed. Try again when it has finished: GET /runs/${blockedBy.run_id}`,
        activeRunId: blockedBy.run_id,
      });
    }
    const requeued = await this.reconciler.reconcileRun(runId);
    const next = (await this.runtime.ledger.getStages(runId)).find((s) => s.status !== 'succeeded' && s.status !== 'skipped');
    return {
      runId,
      previousStatus: run.status,
      resumedFrom: next?.stage ?? 'none',
      requeued: requeued.map(({ stage, jobId, action }) => ({ stage, jobId, action })),
      links: runLinks(runId),
    };
  }

  /**
   * Records the run with its resolved parameters and queues its first stage (RunLauncher, which the
   * pipeline schedule uses too). Throws RunAlreadyActiveError while another run is queued or running.
   */
  async launchRun(request: CreateRunRequest, trigger: RunTrigger = 'api'): Promise<RunAccepted> {
    const runId = await this.launcher.launch(request, trigger);
    return { runId, status: 'queued', links: runLinks(runId) };
  }

  async listRuns(limit: number, offset: number): Promise<RunList> {
    const rows = await this.runs.listNewestFirst(limit, offset);
    return {
      runs: await Promise.all(rows.map(async (row) => ({
        runId: row.run_id,
        mode: row.mode,
        status: row.status,
        createdAt: row.created_at.toISOString(),
        finishedAt: row.finished_at?.toISOString() ?? null,
        failedStage: row.failed_stage,
        error: await this.paths.text(row.error),
      }))),
      limit,
      offset,
    };
  }
}
