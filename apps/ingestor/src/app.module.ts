import { Module, type DynamicModule } from '@nestjs/common';
import type { AppConfig } from '@ecom/config';
import { PipelineModule } from '@ecom/pipeline';
import { IngestModule } from './ingest/ingest.module';

/** The ingestor: lands a run's input files in staging, one BullMQ job per file. */
@Module({})
export class IngestorAppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return { module: IngestorAppModule, imports: [PipelineModule.forRoot(config), IngestModule] };
  }
}
