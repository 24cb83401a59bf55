import { Module, type DynamicModule } from '@nestjs/common';
import type { AppConfig } from '@ecom/config';
import { PipelineModule } from '@ecom/pipeline';
import { AnalysesModule } from './analyses/analyses.module';

/** The analytics worker: the last stage, it runs the docs/contract.md section 4 analyses over the warehouse and refreshes the dashboard's summaries. */
@Module({})
export class AnalyticsAppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return { module: AnalyticsAppModule, imports: [PipelineModule.forRoot(config), AnalysesModule] };
  }
}
