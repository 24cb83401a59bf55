import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { OPS_QUEUES } from '@ecom/contracts';

/**
 * The operations queues (schedules, monitoring, retention, alerts), registered once so the
 * schedules and monitoring features share one Queue object per name.
 */
@Module({
  imports: [BullModule.registerQueue(...Object.values(OPS_QUEUES).map((name) => ({ name })))],
  exports: [BullModule],
})
export class OpsQueuesModule {}
