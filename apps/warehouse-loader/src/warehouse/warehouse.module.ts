import { Module } from '@nestjs/common';
import { QualityChecksConfig, loadQualityChecks } from '@ecom/pipeline';
import { WarehouseProcessor } from './warehouse.processor';
import { WarehouseRepository } from './warehouse.repository';
import { WarehouseService } from './warehouse.service';

@Module({
  providers: [
    // Read and checked at start-up, like the validator's: a mistake in config/quality-checks.yaml
    // stops the worker before it takes a job.
    { provide: QualityChecksConfig, useFactory: () => loadQualityChecks() },
    WarehouseRepository,
    WarehouseService,
    WarehouseProcessor,
  ],
  exports: [WarehouseService],
})
export class WarehouseModule {}
