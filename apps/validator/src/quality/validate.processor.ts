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
      // The profile reads staging through the pool while the checks run in the stage's transaction:
      // on separate connections they overlap. It is stored on its own, and awaited even when the
      // gate stops the run, so a stopped run keeps its profile. A profile error wins, as when it ran first.
      const [profiled, validated] = await Promise.allSettled([this.profile.profileRun(runId), this.quality.validateRun(ctx)]);
      if (profiled.status === 'rejected') throw profiled.reason;
      if (validated.status === 'rejected') throw validated.reason;
      return validated.value;
    });
  }
}
