import { bootstrapWorker } from '@ecom/pipeline';
import { OpsWorkerAppModule } from './app.module';

void bootstrapWorker('ops-worker', OpsWorkerAppModule.forRoot);
