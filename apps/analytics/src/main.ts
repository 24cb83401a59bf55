import { bootstrapWorker } from '@ecom/pipeline';
import { AnalyticsAppModule } from './app.module';

void bootstrapWorker('analytics', AnalyticsAppModule.forRoot);
