import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length } from 'class-validator';
import { IsApiDate } from '@ecom/contracts';

export const DATA_FORMATS = ['json', 'csv'] as const;
export type DataFormat = (typeof DATA_FORMATS)[number];


/**
 * Query of every GET /dashboard/api/<endpoint>: the page's filters, all optional. Dimension values
 * are free text matched exactly (a value no row has gives an empty result, not an error); dates
 * must be real calendar dates, and from <= to is checked by the service.
 */
export class DashboardFiltersQuery {
  @ApiPropertyOptional({ description: 'First day (inclusive).', example: '2026-01-01' })
  @IsOptional()
  @IsApiDate('from')
  from?: string;

  @ApiPropertyOptional({ description: 'Last day (inclusive); not before from.', example: '2026-06-30' })
  @IsOptional()
  @IsApiDate('to')
  to?: string;

  @ApiPropertyOptional({ description: 'A product category, matched exactly (GET /dashboard/api/options lists them).', example: 'Electronics' })
  @IsOptional()
  @IsString()
  @Length(1, 100, { message: 'category must be 1-100 characters' })
  category?: string;

  @ApiPropertyOptional({ description: 'A country, matched exactly.', example: 'USA' })
  @IsOptional()
  @IsString()
  @Length(1, 100, { message: 'country must be 1-100 characters' })
  country?: string;

  @ApiPropertyOptional({ description: 'A state or region, matched exactly.', example: 'CA' })
  @IsOptional()
  @IsString()
  @Length(1, 100, { message: 'state must be 1-100 characters' })
  state?: string;

  @ApiPropertyOptional({ description: 'A payment method, matched exactly.', example: 'credit_card' })
  @IsOptional()
  @IsString()
  @Length(1, 100, { message: 'payment must be 1-100 characters' })
  payment?: string;

  @ApiPropertyOptional({ description: 'csv: the rows as a CSV download.', example: 'json' })
  @IsOptional()
  @IsIn(DATA_FORMATS, { message: `format must be one of: ${DATA_FORMATS.join(', ')}` })
  format: DataFormat = 'json';
}
