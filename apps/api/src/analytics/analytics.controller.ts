import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ANALYSES, analysisToCsv, type AnalysisResult } from '@ecom/contracts';
import { Fails, OneOfParam, Returns, ReturnsJsonOrCsv } from '../openapi/decorators';
import { PersonalData, isPersonalAnalysis } from '../auth/personal-data';
import { AnalysisQuery, type AnalysisListing } from './analytics.dto';
import { AnalyticsService } from './analytics.service';

@ApiTags('analytics')
@Controller('analytics')
export class AnalyticsController {
  constructor(private readonly analytics: AnalyticsService) {}

  @Get()
  @ApiOperation({ summary: 'Every analysis, with the latest run that has its result' })
  @Returns(200, 'AnalysisListing', 'The analyses.')
  list(): Promise<AnalysisListing> {
    return this.analytics.listAnalyses();
  }

  @Get(':name')
  @PersonalData(isPersonalAnalysis)
  @ApiOperation({ summary: "One analysis's result: of the latest run that has it, or of ?run=" })
  @OneOfParam('name', ANALYSES, 'The analysis.', 'top_products')
  @ReturnsJsonOrCsv('AnalysisResult', 'The result rows (JSON), or CSV with ?format=csv.')
  @Fails(404, 'No such analysis, or no result of it (for that run).')
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
