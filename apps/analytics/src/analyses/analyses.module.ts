import { Module } from '@nestjs/common';
import { DashboardSummariesModule } from '../dashboard-summaries/dashboard-summaries.module';
import { AnalysesProcessor } from './analyses.processor';
import { AnalysesRepository } from './analyses.repository';
import { AnalysesService } from './analyses.service';
import { AnalysisFiles } from './analysis-files';

@Module({
  imports: [DashboardSummariesModule],
  providers: [AnalysesProcessor, AnalysesService, AnalysesRepository, AnalysisFiles],
  exports: [AnalysesService],
})
export class AnalysesModule {}
