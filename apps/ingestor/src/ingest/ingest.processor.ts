import { Processor } from '@nestjs/bullmq';
import { Pool } from 'pg';
import { UnrecoverableError, type Job } from 'bullmq';
import { IsNotEmpty, IsString } from 'class-validator';
import { AppConfig } from '@ecom/config';
import { IngestPartPayload, JOB_NAMES, QUEUES, RunJobPayload, parsePayload, type RunParams } from '@ecom/contracts';
import { StageFailure, StageRuntime, StageWorker, type PlannedTask } from '@ecom/pipeline';
import { FileLandingService } from './file-landing.service';
import { readInputFolder, type InputFile } from './input-folder';
import { inspectInputFile } from './input-inspection';
import { LandingRepository } from './landing.repository';
import { MappedSourceService } from '../mapping/mapped-source.service';

const INSPECT_AT_ONCE = 16;

/** A part job carries its file plus the task key the runtime planned it under. */
class IngestTaskPayload extends IngestPartPayload {
  @IsString()
  @IsNotEmpty()
  taskKey!: string;
}

/**
 * The ingest stage: `plan` turns the run's input folder into one task per file; each `part`
 * lands one file in staging. The runtime closes the stage when every file has landed.
 *
 * A run that fails at ingest keeps nothing (never a partial load): the plan checks every file's
 * header, encoding and delimiter before any part lands a row, and the few failures only reading
 * the whole file can find (a record past MAX_RECORD_BYTES) discard every file's rows of the run
 * when the run fails. Parts still committing then are ordered by a lock on the run row: see
 * sql/ingest/lock_run_for_landing.sql.
 */
@Processor(QUEUES.ingest)
export class IngestProcessor extends StageWorker {
  constructor(
    private readonly runtime: StageRuntime,
    private readonly landing: FileLandingService,
    private readonly repository: LandingRepository,
    private readonly pool: Pool,
    config: AppConfig,
    private readonly mapped: MappedSourceService,
  ) {
    super(config);
  }

  /** Where a run's input files may really be: the source roots, or the data root for generated or converted input. */
  private allowedRoots(params: RunParams): string[] {
    return params.mode === 'source' && !params.mapping ? this.appConfig.sourceRoots : [this.appConfig.dataRoot, ...this.appConfig.sourceRoots];
  }

  async process(job: Job): Promise<void> {
    if (job.name === JOB_NAMES.plan) return this.planFiles(job);
    if (job.name === JOB_NAMES.part) return this.landFile(job);
    throw new UnrecoverableError(`ingest queue has no handler for job '${job.name}' (${job.id})`);
  }

  private async planFiles(job: Job): Promise<void> {
    const { runId } = parsePayload(RunJobPayload, job.data, `ingest plan job ${job.id}`);
    await this.runtime.planStage(job, 'ingest', runId, async (run): Promise<PlannedTask[]> => {
      // A mapped run's export becomes the four files first (docs/mappings.md).
      if (run.params.mapping) await this.mapped.convert(runId, run.params);
      const folder = await readInputFolder(run.params.inputDir, this.allowedRoots(run.params));
      await this.repository.noteIgnoredFiles(this.pool, runId, folder.ignored);
      await this.inspectFiles(folder.files);
      return folder.files.map((f) => ({
        key: f.sourceFile,
        payload: { entity: f.entity, sourceFile: f.sourceFile, path: f.path },
      }));
    });
  }

  /** Every file's problem in one message, so one look fixes the whole folder. */
  private async inspectFiles(files: readonly InputFile[]): Promise<void> {
    const found: string[] = [];
    // A few files at a time: a big batch has hundreds of parts, and each inspection opens one.
    for (let i = 0; i < files.length; i += INSPECT_AT_ONCE) {
      const problems = await Promise.all(
        files.slice(i, i + INSPECT_AT_ONCE).map(async (f) => {
          const problem = await inspectInputFile(f.path, f.entity);
          return problem && `${f.sourceFile}: ${problem}`;
        }),
      );
      found.push(...problems.filter((p): p is string => p !== undefined));
    }
    if (found.length > 0) throw new StageFailure(found.join('; '));
  }

  private async landFile(job: Job): Promise<void> {
    const part = parsePayload(IngestTaskPayload, job.data, `ingest part job ${job.id}`);
    try {
      await this.runtime.runTask(job, 'ingest', part.runId, part.taskKey, async (ctx) => {
        const counts = await this.landing.landFile(ctx, part);
        const analyzed = await this.repository.analyzeIfLastOfEntity(ctx.client, part.runId, part.taskKey, part.entity, counts.rowsOut);
        return analyzed ? { ...counts, detail: { ...counts.detail, analyzedStaging: true } } : counts;
      });
    } catch (error) {
      // Once the runtime has failed the run (this error, or the last attempt), nothing it landed stays.
      const run = await this.runtime.ledger.getRun(part.runId);
      if (run?.status === 'failed') await this.repository.discardRunLanding(this.pool, part.runId);
      throw error;
    }
  }
}
