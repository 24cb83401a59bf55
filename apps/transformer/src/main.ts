import { bootstrapWorker } from '@ecom/pipeline';
import { TransformerAppModule } from './app.module';

void bootstrapWorker('transformer', TransformerAppModule.forRoot);
