import { Module, type DynamicModule } from '@nestjs/common';
import type { AppConfig } from '@ecom/config';
import { PipelineModule } from '@ecom/pipeline';
import { TransformModule } from './transform/transform.module';

/** The transformer worker: consumes the transform queue and moves a run's staging rows into production. */
@Module({})
export class TransformerAppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return { module: TransformerAppModule, imports: [PipelineModule.forRoot(config), TransformModule] };
  }
}
