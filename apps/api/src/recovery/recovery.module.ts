import { Module } from '@nestjs/common';
import { RunsModule } from '../runs/runs.module';
import { SchedulesModule } from '../schedules/schedules.module';
import { RecoveryService } from './recovery.service';

@Module({
  imports: [RunsModule, SchedulesModule],
  providers: [RecoveryService],
  exports: [RecoveryService],
})
export class RecoveryModule {}
