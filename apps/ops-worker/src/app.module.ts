import { Module, type DynamicModule } from '@nestjs/common';
import { RunReconciler, PipelineModule } from '@ecom/pipeline';
import { AppConfig } from '@ecom/config';
import { OpsModule } from '@ecom/ops';
import { AlertDeliveryProcessor, MonitoringProcessor } from './monitoring/monitoring.processors';
import { RecoveryService } from './recovery/recovery.service';
import { RetentionProcessor } from './retention/retention.processor';
import { PipelineScheduleProcessor } from './schedules/pipeline-schedule.processor';
import { ScheduleSync } from './schedules/schedule-sync';

/**
 * The operations worker: consumes every operations queue (the pipeline schedule's ticks,
 * monitoring evaluations, alert deliveries, retention), owns the job schedulers (ScheduleSync)
 * and runs the recovery loop. No HTTP but its /metrics; the api keeps the endpoints.
 */
@Module({})
export class OpsWorkerAppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: OpsWorkerAppModule,
      imports: [PipelineModule.forRoot(config), OpsModule],
      providers: [
        PipelineScheduleProcessor,
        MonitoringProcessor,
        AlertDeliveryProcessor,
        RetentionProcessor,
        ScheduleSync,
        RunReconciler,
        RecoveryService,
      ],
    };
  }
}
