import { Module, type DynamicModule } from '@nestjs/common';
import type { AppConfig } from '@ecom/config';
import { PipelineModule } from '@ecom/pipeline';
import { GenerationModule } from './generation/generation.module';

@Module({})
export class GeneratorAppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return { module: GeneratorAppModule, imports: [PipelineModule.forRoot(config), GenerationModule] };
  }
}
