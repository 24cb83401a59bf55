import { Module } from '@nestjs/common';
import { RunsModule } from '../runs/runs.module';
import { OpsQueuesModule } from './ops-queues.module';
import { PipelineScheduleProcessor } from './pipeline-schedule.processor';
import { SchedulesController } from './schedules.controller';
import { SchedulesRepository } from './schedules.repository';
import { SchedulesService } from './schedules.service';

@Module({
  imports: [OpsQueuesModule, RunsModule],
  controllers: [SchedulesController],
  providers: [SchedulesService, SchedulesRepository, PipelineScheduleProcessor],
  exports: [SchedulesService],
})
export class SchedulesModule {}
