import { Module, type DynamicModule } from '@nestjs/common';
import type { AppConfig } from '@ecom/config';
import { PipelineModule } from '@ecom/pipeline';
import { WarehouseModule } from './warehouse/warehouse.module';

@Module({})
export class WarehouseLoaderAppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return { module: WarehouseLoaderAppModule, imports: [PipelineModule.forRoot(config), WarehouseModule] };
  }
}
