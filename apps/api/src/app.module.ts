import { Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AppConfig } from '@ecom/config';
import { PipelineModule } from '@ecom/pipeline';
import { QueueBoardModule } from './admin/queue-board.module';
import { AnalyticsModule } from './analytics/analytics.module';
import { DashboardModule } from './dashboard/dashboard.module';
import { ApiKeyGuard } from './auth/api-key.guard';
import { HealthModule } from './health/health.module';
import { MetricsModule } from './metrics/metrics.module';
import { RetentionModule } from './retention/retention.module';
import { MonitoringModule } from './monitoring/monitoring.module';
import { RecoveryModule } from './recovery/recovery.module';
import { RunsModule } from './runs/runs.module';
import { SchedulesModule } from './schedules/schedules.module';

/** The control plane: launches runs onto the stage queues and reads the run ledger. */
@Module({})
export class ApiAppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: ApiAppModule,
      imports: [PipelineModule.forRoot(config), RunsModule, AnalyticsModule, DashboardModule, HealthModule, MetricsModule, RetentionModule, SchedulesModule, MonitoringModule, RecoveryModule, QueueBoardModule.forRoot(config)],
      providers: [{ provide: APP_GUARD, useClass: ApiKeyGuard }],
    };
  }
}
