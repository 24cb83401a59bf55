import { Module } from '@nestjs/common';
import { CategoricalValuesConfig, categoricalValues } from '@ecom/config';
import { QualityChecksConfig, loadQualityChecks } from '@ecom/pipeline';
import { QualityRepository } from './quality.repository';
import { QualityService } from './quality.service';
import { ValidateProcessor } from './validate.processor';

@Module({
  providers: [
    // Read and checked at start-up: a mistake in config/quality-checks.yaml stops the validator
    // with a message naming the check and the key, not the first run at 2 a.m.
    { provide: QualityChecksConfig, useFactory: () => loadQualityChecks() },
    // config/categorical-values.yaml (canonical spellings, aliases), checked the same way.
    { provide: CategoricalValuesConfig, useFactory: () => categoricalValues() },
    QualityRepository,
    QualityService,
    ValidateProcessor,
  ],
})
export class QualityModule {}
