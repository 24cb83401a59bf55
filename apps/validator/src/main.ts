import { bootstrapWorker } from '@ecom/pipeline';
import { ValidatorAppModule } from './app.module';

void bootstrapWorker('validator', ValidatorAppModule.forRoot);
