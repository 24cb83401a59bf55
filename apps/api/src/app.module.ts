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
import { RunsModule } from './runs/runs.module';
import { SchedulesModule } from './schedules/schedules.module';

/**
 * The control plane, HTTP only: launches runs onto the stage queues, reads the run ledger and serves
 * the operations endpoints. It holds no queue consumer (createApiApp refuses one): the stages'
 * processors run in their apps, the operations queues' in apps/ops-worker.
 */
@Module({})
export class ApiAppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: ApiAppModule,
      imports: [PipelineModule.forRoot(config), RunsModule, AnalyticsModule, DashboardModule, HealthModule, MetricsModule, RetentionModule, SchedulesModule, MonitoringModule, QueueBoardModule.forRoot(config)],
      providers: [{ provide: APP_GUARD, useClass: ApiKeyGuard }],
    };
  }
}
