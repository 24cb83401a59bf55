import { WorkerHost } from '@nestjs/bullmq';
import { Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { Job } from 'bullmq';
import type { AppConfig } from '@ecom/config';
import { observeJob } from './metrics/observe-job';

/**
 * Base of every stage processor: applies the configured concurrency once the worker exists
 * (the @Processor decorator only takes constants), and observes every job: its log lines carry
 * run id, stage and job id, and it is counted and timed in the process's metrics.
 */
export abstract class StageWorker extends WorkerHost implements OnApplicationBootstrap {
  protected readonly logger = new Logger(this.constructor.name);

  protected constructor(protected readonly appConfig: AppConfig) {
    super();
    // Subclasses define process(); @nestjs/bullmq binds `instance.process` after construction,
    // so this wrapper is what the BullMQ worker calls, whichever stage it is.
    const process = this.process.bind(this);
    this.process = (job: Job, token?: string) => observeJob(job, () => process(job, token));
  }

  onApplicationBootstrap(): void {
    this.worker.concurrency = this.appConfig.workerConcurrency;
  }
}
