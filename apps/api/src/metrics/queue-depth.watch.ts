import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { OPS_QUEUES, STAGES } from '@ecom/contracts';
import { StageRuntime, pipelineMetrics } from '@ecom/pipeline';

/** Puts every queue of the system (stages and operations) on the api's /metrics while the app lives. */
@Injectable()
export class QueueDepthWatch implements OnModuleInit, OnModuleDestroy {
  private unwatch?: () => void;

  constructor(
    private readonly runtime: StageRuntime,
    @InjectQueue(OPS_QUEUES.schedules) private readonly schedules: Queue,
    @InjectQueue(OPS_QUEUES.monitoring) private readonly monitoring: Queue,
    @InjectQueue(OPS_QUEUES.retention) private readonly retention: Queue,
    @InjectQueue(OPS_QUEUES.alerts) private readonly alerts: Queue,
  ) {}

  onModuleInit(): void {
    const stageQueues = STAGES.map((stage) => this.runtime.queue(stage));
    this.unwatch = pipelineMetrics().watchQueues([...stageQueues, this.schedules, this.monitoring, this.retention, this.alerts]);
  }

  onModuleDestroy(): void {
    this.unwatch?.();
  }
}
