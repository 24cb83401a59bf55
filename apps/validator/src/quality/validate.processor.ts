import { Processor } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import type { Job } from 'bullmq';
import { AppConfig } from '@ecom/config';
import { QUEUES, RunJobPayload, parsePayload } from '@ecom/contracts';
import { StageRuntime, StageWorker } from '@ecom/pipeline';
import { ProfileService } from '../profile/profile.service';
import { QualityService } from './quality.service';

@Injectable()
@Processor(QUEUES.validate)
export class ValidateProcessor extends StageWorker {
  constructor(
    private readonly runtime: StageRuntime,
    private readonly quality: QualityService,
    private readonly profile: ProfileService,
    config: AppConfig,
  ) {
    super(config);
  }

  async process(job: Job): Promise<void> {
    const { runId } = parsePayload(RunJobPayload, job.data, `validate job ${job.id}`);
    await this.runtime.runStage(job, 'validate', runId, async (ctx) => {
      // Measured first and stored on its own: a run the quality gate stops keeps its profile.
      await this.profile.profileRun(runId);
      return this.quality.validateRun(ctx);
    });
  }
}
