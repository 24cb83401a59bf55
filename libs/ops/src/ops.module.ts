import { Module } from '@nestjs/common';
import { AlertDeliveryService } from './monitoring/alert-delivery.service';
import { MonitoringRepository } from './monitoring/monitoring.repository';
import { MonitoringService } from './monitoring/monitoring.service';
import { OpsQueuesModule } from './ops-queues.module';
import { RetentionFiles } from './retention/retention-files';
import { RetentionRepository } from './retention/retention.repository';
import { RetentionService } from './retention/retention.service';
import { RunLauncher } from './runs/run-launcher';
import { SchedulesRepository } from './schedules/schedules.repository';
import { SchedulesService } from './schedules/schedules.service';

/**
 * The operations services, without a controller or a processor: the api serves them over HTTP
 * (GET /monitoring, /schedules, POST /retention/run, POST /runs), the ops worker runs their
 * scheduled jobs. Needs PipelineModule (config, pool, StageRuntime) in the importing app.
 */
@Module({
  imports: [OpsQueuesModule],
  providers: [
    RunLauncher,
    SchedulesRepository,
    SchedulesService,
    MonitoringRepository,
    MonitoringService,
    AlertDeliveryService,
    RetentionRepository,
    RetentionFiles,
    RetentionService,
  ],
  exports: [OpsQueuesModule, RunLauncher, SchedulesService, MonitoringService, AlertDeliveryService, RetentionService],
})
export class OpsModule {}
