import { Processor, WorkerHost } from '@nestjs/bullmq';
import { UnrecoverableError, type Job } from 'bullmq';
import { OPS_QUEUES, type ScheduledJobData } from '@ecom/contracts';
import { SchedulesService } from '@ecom/ops';

/** Consumes the 'schedules' queue: each tick of the pipeline schedule launches a run. */
@Processor(OPS_QUEUES.schedules)
export class PipelineScheduleProcessor extends WorkerHost {
  constructor(private readonly schedules: SchedulesService) {
    super();
  }

  async process(job: Job<ScheduledJobData>): Promise<string> {
    if (job.name !== 'pipeline') throw new UnrecoverableError(`queue ${OPS_QUEUES.schedules} has no handler for job ${job.name} (${job.id})`);
    return this.schedules.firePipeline();
  }
}
