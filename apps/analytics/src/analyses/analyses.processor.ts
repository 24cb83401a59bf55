import { Processor } from '@nestjs/bullmq';
import type { Job } from 'bullmq';
import { AppConfig } from '@ecom/config';
import { QUEUES, RunJobPayload, parsePayload } from '@ecom/contracts';
import { StageRuntime, StageWorker } from '@ecom/pipeline';
import { AnalysesService } from './analyses.service';

/** Consumes the analytics queue: one 'run' job per run; its hand-off marks the run succeeded. */
@Processor(QUEUES.analytics)
export class AnalysesProcessor extends StageWorker {
  constructor(
    private readonly runtime: StageRuntime,
    private readonly analyses: AnalysesService,
    config: AppConfig,
  ) {
    super(config);
  }

  async process(job: Job): Promise<void> {
    const { runId } = parsePayload(RunJobPayload, job.data, `analytics job ${job.id}`);
    await this.runtime.runStage(job, 'analytics', runId, (ctx) => this.analyses.analyseRun(ctx));
  }
}
