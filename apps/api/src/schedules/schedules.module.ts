import { Module } from '@nestjs/common';
import { OpsModule } from '@ecom/ops';
import { SchedulesController } from './schedules.controller';

/** GET and PUT /schedules; the ops worker syncs the schedulers at its start and runs their ticks. */
@Module({
  imports: [OpsModule],
  controllers: [SchedulesController],
})
export class SchedulesModule {}
