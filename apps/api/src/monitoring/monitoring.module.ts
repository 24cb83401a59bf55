import { Module } from '@nestjs/common';
import { OpsModule } from '@ecom/ops';
import { MonitoringController } from './monitoring.controller';

/** GET /monitoring and the alerts; the evaluations the schedule makes run in the ops worker. */
@Module({
  imports: [OpsModule],
  controllers: [MonitoringController],
})
export class MonitoringModule {}
