import { Module } from '@nestjs/common';
import { OpsQueuesModule } from '../schedules/ops-queues.module';
import { SchedulesModule } from '../schedules/schedules.module';
import { AlertDeliveryService } from './alert-delivery.service';
import { MonitoringController } from './monitoring.controller';
import { AlertDeliveryProcessor, MonitoringProcessor } from './monitoring.processors';
import { MonitoringRepository } from './monitoring.repository';
import { MonitoringService } from './monitoring.service';

@Module({
  imports: [OpsQueuesModule, SchedulesModule],
  controllers: [MonitoringController],
  providers: [MonitoringService, MonitoringRepository, AlertDeliveryService, MonitoringProcessor, AlertDeliveryProcessor],
})
export class MonitoringModule {}
