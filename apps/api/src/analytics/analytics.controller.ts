import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { analysisToCsv, type AnalysisResult } from '@ecom/contracts';
import { PersonalData, isPersonalAnalysis } from '../auth/personal-data';
import { AnalysisQuery, type AnalysisListing } from './analytics.dto';
import { AnalyticsService } from './analytics.service';

@Controller('analytics')
export class AnalyticsController {
  constructor(private readonly analytics: AnalyticsService) {}

  @Get()
  list(): Promise<AnalysisListing> {
    return this.analytics.listAnalyses();
  }

  @Get(':name')
  @PersonalData(isPersonalAnalysis)
  async result(
    @Param('name') name: string,
    @Query() query: AnalysisQuery,
    @Res({ passthrough: true }) response: Response,
  ): Promise<AnalysisResult | string> {
    const result = await this.analytics.result(name, query.run);
    if (query.format === 'json') return result;
    response.setHeader('Content-Type', 'text/csv; charset=utf-8');
    response.setHeader('Content-Disposition', `attachment; filename="${result.analysis}-${result.runId}.csv"`);
    return analysisToCsv(result);
  }
}
