import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import type { Job } from 'bullmq';
import { OPS_QUEUES } from '@ecom/contracts';
import { RetentionService, type RetentionReport } from '@ecom/ops';
import { observeJob } from '@ecom/pipeline';

/**
 * Consumes the retention queue (the daily schedule's jobs). A job deletes for real unless its
 * data says `dryRun: true`; the report is the job's return value (visible in Bull Board).
 */
@Injectable()
@Processor(OPS_QUEUES.retention)
export class RetentionProcessor extends WorkerHost {
  constructor(private readonly retention: RetentionService) {
    super();
  }

  process(job: Job<{ dryRun?: unknown } | undefined>): Promise<RetentionReport> {
    return observeJob(job, () => this.retention.run({ dryRun: job.data?.dryRun === true }));
  }
}
