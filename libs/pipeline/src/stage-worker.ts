import { WorkerHost } from '@nestjs/bullmq';
import { Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { AppConfig } from '@ecom/config';

/**
 * Base of every stage processor: applies the configured concurrency once the worker exists
 * (the @Processor decorator only takes constants).
 */
export abstract class StageWorker extends WorkerHost implements OnApplicationBootstrap {
  protected readonly logger = new Logger(this.constructor.name);

  protected constructor(protected readonly appConfig: AppConfig) {
    super();
  }

  onApplicationBootstrap(): void {
    this.worker.concurrency = this.appConfig.workerConcurrency;
  }
}
