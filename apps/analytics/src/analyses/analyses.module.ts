import { Module } from '@nestjs/common';
import { AnalysesProcessor } from './analyses.processor';
import { AnalysesRepository } from './analyses.repository';
import { AnalysesService } from './analyses.service';
import { AnalysisFiles } from './analysis-files';

@Module({
  providers: [AnalysesProcessor, AnalysesService, AnalysesRepository, AnalysisFiles],
  exports: [AnalysesService],
})
export class AnalysesModule {}
