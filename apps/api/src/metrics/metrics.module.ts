import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { OPS_QUEUES } from '@ecom/contracts';
import { MetricsController } from './metrics.controller';
import { QueueDepthWatch } from './queue-depth.watch';

/** GET /metrics of the api. */
@Module({
  imports: [BullModule.registerQueue(...Object.values(OPS_QUEUES).map((name) => ({ name })))],
  controllers: [MetricsController],
  providers: [QueueDepthWatch],
})
export class MetricsModule {}
