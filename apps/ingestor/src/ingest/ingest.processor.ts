import { Processor } from '@nestjs/bullmq';
import { Pool } from 'pg';
import { UnrecoverableError, type Job } from 'bullmq';
import { IsNotEmpty, IsString } from 'class-validator';
import { AppConfig } from '@ecom/config';
import { IngestPartPayload, JOB_NAMES, QUEUES, RunJobPayload, parsePayload } from '@ecom/contracts';
import { StageRuntime, StageWorker, type PlannedTask } from '@ecom/pipeline';
import { FileLandingService } from './file-landing.service';
import { readInputFolder } from './input-folder';
import { LandingRepository } from './landing.repository';

/** A part job carries its file plus the task key the runtime planned it under. */
class IngestTaskPayload extends IngestPartPayload {
  @IsString()
  @IsNotEmpty()
  taskKey!: string;
}

/**
 * The ingest stage: `plan` turns the run's input folder into one task per file; each `part`
 * lands one file in staging. The runtime closes the stage when every file has landed.
 */
@Processor(QUEUES.ingest)
export class IngestProcessor extends StageWorker {
  constructor(
    private readonly runtime: StageRuntime,
    private readonly landing: FileLandingService,
    private readonly repository: LandingRepository,
    private readonly pool: Pool,
    config: AppConfig,
  ) {
    super(config);
  }

  async process(job: Job): Promise<void> {
    if (job.name === JOB_NAMES.plan) return this.planFiles(job);
    if (job.name === JOB_NAMES.part) return this.landFile(job);
    throw new UnrecoverableError(`ingest queue has no handler for job '${job.name}' (${job.id})`);
  }

  private async planFiles(job: Job): Promise<void> {
    const { runId } = parsePayload(RunJobPayload, job.data, `ingest plan job ${job.id}`);
    await this.runtime.planStage(job, 'ingest', runId, async (run): Promise<PlannedTask[]> => {
      const folder = await readInputFolder(run.params.inputDir);
      await this.repository.noteIgnoredFiles(this.pool, runId, folder.ignored);
      return folder.files.map((f) => ({
        key: f.sourceFile,
        payload: { entity: f.entity, sourceFile: f.sourceFile, path: f.path },
      }));
    });
  }

  private async landFile(job: Job): Promise<void> {
    const part = parsePayload(IngestTaskPayload, job.data, `ingest part job ${job.id}`);
    await this.runtime.runTask(job, 'ingest', part.runId, part.taskKey, (ctx) => this.landing.landFile(ctx, part));
  }
}
