import { IsIn, IsOptional, Matches } from 'class-validator';
import { RUN_ID_PATTERN } from '@ecom/contracts';

export const ANALYSIS_FORMATS = ['json', 'csv'] as const;
export type AnalysisFormat = (typeof ANALYSIS_FORMATS)[number];

/** Query of GET /analytics/:name. */
export class AnalysisQuery {
  @IsOptional()
  @Matches(RUN_ID_PATTERN, { message: 'run must be a run id: 1-64 letters, digits, _ or -' })
  run?: string;

  @IsOptional()
  @IsIn(ANALYSIS_FORMATS, { message: `format must be one of: ${ANALYSIS_FORMATS.join(', ')}` })
  format: AnalysisFormat = 'json';
}

export interface AnalysisListing {
  analyses: Array<{ name: string; latestRunId: string | null; links: { json: string; csv: string } }>;
}
