import { Processor } from '@nestjs/bullmq';
import type { Job } from 'bullmq';
import { AppConfig } from '@ecom/config';
import { QUEUES, RunJobPayload, parsePayload } from '@ecom/contracts';
import { StageRuntime, StageWorker } from '@ecom/pipeline';
import { TransformService } from './transform.service';

@Processor(QUEUES.transform)
export class TransformProcessor extends StageWorker {
  constructor(
    private readonly runtime: StageRuntime,
    private readonly transform: TransformService,
    config: AppConfig,
  ) {
    super(config);
  }

  async process(job: Job): Promise<void> {
    const { runId } = parsePayload(RunJobPayload, job.data, `transform job ${job.id}`);
    await this.runtime.runStage(job, 'transform', runId, (ctx) => this.transform.transformRun(ctx));
  }
}
