import { bootstrapWorker } from '@ecom/pipeline';
import { GeneratorAppModule } from './app.module';

void bootstrapWorker('generator', GeneratorAppModule.forRoot);
