import { Module } from '@nestjs/common';
import { WarehouseProcessor } from './warehouse.processor';
import { WarehouseRepository } from './warehouse.repository';
import { WarehouseService } from './warehouse.service';

@Module({
  providers: [WarehouseRepository, WarehouseService, WarehouseProcessor],
  exports: [WarehouseService],
})
export class WarehouseModule {}
