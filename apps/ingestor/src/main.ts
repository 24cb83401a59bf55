import { bootstrapWorker } from '@ecom/pipeline';
import { IngestorAppModule } from './app.module';

void bootstrapWorker('ingestor', IngestorAppModule.forRoot);
