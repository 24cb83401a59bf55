import { bootstrapWorker } from '@ecom/pipeline';
import { WarehouseLoaderAppModule } from './app.module';

void bootstrapWorker('warehouse-loader', WarehouseLoaderAppModule.forRoot);
