import { Module, type DynamicModule } from '@nestjs/common';
import type { AppConfig } from '@ecom/config';
import { PipelineModule } from '@ecom/pipeline';
import { QualityModule } from './quality/quality.module';

@Module({})
export class ValidatorAppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return { module: ValidatorAppModule, imports: [PipelineModule.forRoot(config), QualityModule] };
  }
}
