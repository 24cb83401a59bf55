import { IsIn, IsISO8601, IsOptional, IsString, Length, Matches } from 'class-validator';

export const DATA_FORMATS = ['json', 'csv'] as const;
export type DataFormat = (typeof DATA_FORMATS)[number];

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_MESSAGE = (field: string) => `${field} must be a date as YYYY-MM-DD`;

/**
 * Query of every GET /dashboard/api/<endpoint>: the page's filters, all optional. Dimension values
 * are free text matched exactly (a value no row has gives an empty result, not an error); dates
 * must be real calendar dates, and from <= to is checked by the service.
 */
export class DashboardFiltersQuery {
  @IsOptional()
  @Matches(ISO_DATE, { message: DATE_MESSAGE('from') })
  @IsISO8601({ strict: true }, { message: DATE_MESSAGE('from') })
  from?: string;

  @IsOptional()
  @Matches(ISO_DATE, { message: DATE_MESSAGE('to') })
  @IsISO8601({ strict: true }, { message: DATE_MESSAGE('to') })
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
