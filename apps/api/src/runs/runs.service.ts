import { join } from 'node:path';
import { BadRequestException, ConflictException, HttpStatus, Injectable, NotFoundException } from '@nestjs/common';
import { AppConfig } from '@ecom/config';
import type { CreateRunRequest, GenerateParams, RunParams, RunTrigger } from '@ecom/contracts';
import { addDays } from './dates';
import { RunReconciler, StageRuntime } from '@ecom/pipeline';
import { newRunId } from './run-id';
import type { RunAccepted, RunList, RunResumed } from './runs.dto';
import { RunsRepository } from './runs.repository';
import { ServerPaths } from './server-paths';
import { resolveMappedSource, resolveSourceFolder } from './source-folder';

export function runLinks(runId: string): RunAccepted['links'] {
  return { self: `/runs/${runId}`, quality: `/runs/${runId}/quality` };
}

@Injectable()
export class RunsService {
  constructor(
    private readonly config: AppConfig,
    private readonly runtime: StageRuntime,
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
   * Records the run with its resolved parameters and queues its first stage. Throws
   * RunAlreadyActiveError (recorded as a skipped trigger) while another run is queued or running.
   */
  async launchRun(request: CreateRunRequest, trigger: RunTrigger = 'api'): Promise<RunAccepted> {
    const runId = newRunId();
    if (request.mode === 'incremental') {
      // Resolve and record under one lock: the next delta must see this one as the last.
      await this.runs.withIncrementalLock(async () =>
        this.runtime.launchExclusiveRun(runId, await this.resolveIncremental(runId, request), trigger),
      );
    } else {
      await this.runtime.launchExclusiveRun(runId, await this.resolveParams(runId, request), trigger);
    }
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

  /**
   * A daily delta continues the newest generated data set: the days after the last day of the
   * newest generate or incremental run that has not failed, with that data set's parameters.
   */
  private async resolveIncremental(runId: string, request: CreateRunRequest): Promise<RunParams> {
    const fixed = (['customers', 'products', 'transactions', 'seed', 'startDate', 'endDate', 'source', 'mapping', 'defects'] as const).filter(
      (key) => request[key] !== undefined,
    );
    if (fixed.length > 0) {
      throw new BadRequestException(
        `mode incremental continues the last generated data set with its own sizes, seed and dates; remove ${fixed.join(', ')}`,
      );
    }
    const previous = await this.runs.latestGeneratedRun();
    const base = previous?.params.generate;
    if (!previous || !base) {
      throw new BadRequestException('mode incremental needs an earlier generated run to continue; start one first (POST /runs without a mode)');
    }
    const lastDate = previous.mode === 'incremental' && previous.params.incremental ? previous.params.incremental.toDate : base.endDate;
    const baseRunId = previous.params.incremental?.baseRunId ?? previous.run_id;
    const days = request.days ?? 1;
    const fromDate = addDays(lastDate, 1);
    return {
      mode: 'incremental',
      generate: base,
      incremental: { baseRunId, previousRunId: previous.run_id, fromDate, toDate: addDays(fromDate, days - 1), days },
      inputDir: join(this.config.dataRoot, 'raw', runId),
    };
  }

  private async resolveParams(runId: string, request: CreateRunRequest): Promise<RunParams> {
    if (request.mode === 'rebuild') {
      const extra = Object.entries(request).filter(([key, value]) => key !== 'mode' && value !== undefined).map(([key]) => key);
      if (extra.length > 0) throw new BadRequestException(`mode rebuild takes no input; remove ${extra.join(', ')}`);
      return { mode: 'rebuild', inputDir: '' };
    }
    if (request.days !== undefined) throw new BadRequestException('days is only for mode incremental');
    if (request.mapping !== undefined && request.source === undefined) {
      throw new BadRequestException('mapping converts a source folder: give source (the folder of the export) with it');
    }
    if (request.source !== undefined) {
      if (request.defects !== undefined) throw new BadRequestException('defects is only for generated runs; remove source or defects');
      if (request.mapping !== undefined) {
        const mapping = await resolveMappedSource(request.source, request.mapping, this.config.sourceRoots);
        return { mode: 'source', inputDir: join(this.config.dataRoot, 'mapped', runId), mapping };
      }
      const inputDir = await resolveSourceFolder(request.source, this.config.sourceRoots);
      return { mode: 'source', inputDir };
    }
    const defaults = this.config.generator;
    const generate: GenerateParams = {
      customers: request.customers ?? defaults.customers,
      products: request.products ?? defaults.products,
      transactions: request.transactions ?? defaults.transactions,
      seed: request.seed ?? defaults.seed,
      startDate: request.startDate ?? defaults.startDate,
      endDate: request.endDate ?? defaults.endDate,
      ...(request.defects ? { defects: request.defects } : {}),
    };
    // ISO dates compare correctly as strings.
    if (generate.startDate > generate.endDate) {
      throw new BadRequestException(`startDate ${generate.startDate} is after endDate ${generate.endDate}`);
    }
    return { mode: 'generate', generate, inputDir: join(this.config.dataRoot, 'raw', runId) };
  }
}
