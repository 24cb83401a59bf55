import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { SchedulesService } from '@ecom/ops';

/**
 * The ops worker owns the job schedulers: it syncs them with config and ops.schedules when it
 * starts. It consumes their queues, so a schedule exists exactly where something will run its
 * ticks, and api replicas scaled for HTTP do not each rewrite them at start-up. PUT /schedules
 * (the api) still changes a scheduler at once.
 */
@Injectable()
export class ScheduleSync implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(private readonly schedules: SchedulesService) {}

  onApplicationBootstrap(): Promise<void> {
    return this.schedules.startSync();
  }

  onApplicationShutdown(): void {
    this.schedules.stopSync();
  }
}
