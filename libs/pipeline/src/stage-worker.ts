import { WorkerHost } from '@nestjs/bullmq';
import { Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { Job } from 'bullmq';
import type { AppConfig } from '@ecom/config';
import { observeJob } from './metrics/observe-job';

/**
 * @nestjs/bullmq's key for a processor's worker options (bull.constants, not exported from the
 * package index): read when the worker is created, after the processor is constructed.
 */
const WORKER_METADATA = 'bullmq:worker_metadata';

/**
 * Base of every stage processor: applies the configured concurrency once the worker exists
 * (the @Processor decorator only takes constants), and observes every job: its log lines carry
 * run id, stage and job id, and it is counted and timed in the process's metrics.
 */
export abstract class StageWorker extends WorkerHost implements OnApplicationBootstrap {
  protected readonly logger = new Logger(this.constructor.name);

  protected constructor(protected readonly appConfig: AppConfig) {
    super();
    // The lock and stalled-check period decide how soon a killed worker's job goes back to its
    // queue; @Processor only takes constants, so the configured values go in before the worker
    // is built from this class's metadata.
    const lockMs = appConfig.recovery.jobLockSeconds * 1000;
    const declared = (Reflect.getMetadata(WORKER_METADATA, this.constructor) ?? {}) as Record<string, unknown>;
    Reflect.defineMetadata(WORKER_METADATA, { ...declared, lockDuration: lockMs, stalledInterval: lockMs }, this.constructor);
    // Subclasses define process(); @nestjs/bullmq binds `instance.process` after construction,
    // so this wrapper is what the BullMQ worker calls, whichever stage it is.
    const process = this.process.bind(this);
    this.process = (job: Job, token?: string) => observeJob(job, () => process(job, token));
  }

  onApplicationBootstrap(): void {
    this.worker.concurrency = this.appConfig.workerConcurrency;
  }
}
