import { Module } from '@nestjs/common';
import { CategoricalValuesConfig, categoricalValues } from '@ecom/config';
import { QualityChecksConfig, loadQualityChecks } from '@ecom/pipeline';
import { ProductionRepository } from './production.repository';
import { TransformProcessor } from './transform.processor';
import { TransformService } from './transform.service';

@Module({
  providers: [
    // Read and checked at start-up, like the validator's: a mistake in config/quality-checks.yaml
    // stops the worker before it takes a job.
    { provide: QualityChecksConfig, useFactory: () => loadQualityChecks() },
    // config/categorical-values.yaml, read and checked at start-up the same way.
    { provide: CategoricalValuesConfig, useFactory: () => categoricalValues() },
    ProductionRepository,
    TransformService,
    TransformProcessor,
  ],
  exports: [TransformService],
})
export class TransformModule {}
