import { Module } from '@nestjs/common';
import { QualityRepository } from './quality.repository';
import { QualityService } from './quality.service';
import { ValidateProcessor } from './validate.processor';

@Module({ providers: [QualityRepository, QualityService, ValidateProcessor] })
export class QualityModule {}
