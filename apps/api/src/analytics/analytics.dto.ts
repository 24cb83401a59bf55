import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { RUN_ID_PATTERN } from '@ecom/contracts';

export const ANALYSIS_FORMATS = ['json', 'csv'] as const;
export type AnalysisFormat = (typeof ANALYSIS_FORMATS)[number];

/** Query of GET /analytics/:name. */
export class AnalysisQuery {
  @ApiPropertyOptional({ description: 'The run whose result to read; default: the latest run that has one.', example: '20261201-020000-a1b2c3' })
  @IsOptional()
  @Matches(RUN_ID_PATTERN, { message: 'run must be a run id: 1-64 letters, digits, _ or -' })
  run?: string;

  @ApiPropertyOptional({ description: 'csv: the rows as a CSV download.', example: 'json' })
  @IsOptional()
  @IsIn(ANALYSIS_FORMATS, { message: `format must be one of: ${ANALYSIS_FORMATS.join(', ')}` })
  format: AnalysisFormat = 'json';
}

export interface AnalysisListing {
  analyses: Array<{ name: string; latestRunId: string | null; links: { json: string; csv: string } }>;
}
