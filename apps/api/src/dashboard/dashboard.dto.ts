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
  @IsOptional()
  @IsApiDate('from')
  from?: string;

  @IsOptional()
  @IsApiDate('to')
  to?: string;

  @IsOptional()
  @IsString()
  @Length(1, 100, { message: 'category must be 1-100 characters' })
  category?: string;

  @IsOptional()
  @IsString()
  @Length(1, 100, { message: 'country must be 1-100 characters' })
  country?: string;

  @IsOptional()
  @IsString()
  @Length(1, 100, { message: 'state must be 1-100 characters' })
  state?: string;

  @IsOptional()
  @IsString()
  @Length(1, 100, { message: 'payment must be 1-100 characters' })
  payment?: string;

  @IsOptional()
  @IsIn(DATA_FORMATS, { message: `format must be one of: ${DATA_FORMATS.join(', ')}` })
  format: DataFormat = 'json';
}
