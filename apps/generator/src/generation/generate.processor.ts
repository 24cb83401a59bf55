import { Processor } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { UnrecoverableError, type Job } from 'bullmq';
import { AppConfig } from '@ecom/config';
import { JOB_NAMES, QUEUES, RunJobPayload, parsePayload } from '@ecom/contracts';
import { StageRuntime, StageWorker } from '@ecom/pipeline';
import { GenerateTaskPayload } from './generate-task.payload';
import { GenerationService } from './generation.service';

/** Consumes the generate queue: 'plan' fans the run out into file parts, 'part' writes one. */
@Injectable()
@Processor(QUEUES.generate)
export class GenerateProcessor extends StageWorker {
  constructor(
    private readonly runtime: StageRuntime,
    private readonly generation: GenerationService,
    config: AppConfig,
  ) {
    super(config);
  }

  async process(job: Job): Promise<void> {
    if (job.name === JOB_NAMES.plan) {
      const { runId } = parsePayload(RunJobPayload, job.data, `generate plan job ${job.id}`);
      await this.runtime.planStage(job, 'generate', runId, (run) => this.generation.planRun(run));
      return;
    }
    if (job.name === JOB_NAMES.part) {
      const part = parsePayload(GenerateTaskPayload, job.data, `generate part job ${job.id}`);
      await this.runtime.runTask(job, 'generate', part.runId, part.taskKey, (ctx) => this.generation.writePart(ctx, part));
      return;
    }
    throw new UnrecoverableError(`generate queue: unknown job name '${job.name}' (job ${job.id})`);
  }
}
