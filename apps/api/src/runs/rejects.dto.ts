import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { ENTITIES, STAGES, type Entity, type Stage } from '@ecom/contracts';

export const REJECT_FORMATS = ['json', 'csv'] as const;
export type RejectFormat = (typeof REJECT_FORMATS)[number];

/** A query string's "true"/"false"; anything else stays as given so @IsBoolean names it. */
function queryBoolean({ value }: { value: unknown }): unknown {
  if (value === 'true') return true;
  if (value === 'false') return false;
  return value;
}

/** What narrows a run's rejects; shared by the JSON pages and the CSV export. */
export interface RejectFilter {
  reason?: string;
  file?: string;
  stage?: Stage;
  entity?: Entity;
  resolved?: boolean;
}

/** Query of GET /runs/:id/rejects and /runs/:id/rejects.csv. */
export class RejectsQuery implements RejectFilter {
  @ApiPropertyOptional({ description: 'A reason code (docs/rejects.md).', example: 'invalid_email' })
  @IsOptional()
  @Matches(/^[a-z0-9_]{1,64}$/, { message: 'reason must be a reason code: 1-64 lower-case letters, digits or _' })
  reason?: string;

  /** The input file's name as the run recorded it (customers.csv, transactions.part-0002.csv). */
  @ApiPropertyOptional({ description: "The input file's name as the run recorded it.", example: 'customers.csv' })
  @IsOptional()
  @IsString({ message: 'file must be one file name' })
  @MinLength(1, { message: 'file must name an input file' })
  @MaxLength(255, { message: 'file must be at most 255 characters' })
  file?: string;

  @ApiPropertyOptional({ description: 'The stage that rejected the record.', example: 'ingest' })
  @IsOptional()
  @IsIn(STAGES, { message: `stage must be one of: ${STAGES.join(', ')}` })
  stage?: Stage;

  @ApiPropertyOptional({ example: 'customers' })
  @IsOptional()
  @IsIn(ENTITIES, { message: `entity must be one of: ${ENTITIES.join(', ')}` })
  entity?: Entity;

  @ApiPropertyOptional({ description: 'true: only rejects a replay has resolved; false: only the others.', example: false })
  @IsOptional()
  @Transform(queryBoolean)
  @IsBoolean({ message: 'resolved must be true or false' })
  resolved?: boolean;

  @ApiPropertyOptional({ description: 'Rejects per page (JSON only).', example: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit: number = 100;

  @ApiPropertyOptional({ description: 'Rejects to skip (JSON only); prefer after for deep pages.', example: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER, { message: 'offset must not be greater than 9007199254740991' })
  offset: number = 0;

  /** Keyset cursor: only rejects with an id above this one (the previous page's nextAfter). */
  @ApiPropertyOptional({ description: "Keyset cursor: only rejects with an id above this one (the previous page's nextAfter).", example: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER, { message: 'after must not be greater than 9007199254740991' })
  after?: number;

  @ApiPropertyOptional({ description: 'csv: every match as a CSV download instead of a page.', example: 'json' })
  @IsOptional()
  @IsIn(REJECT_FORMATS, { message: `format must be one of: ${REJECT_FORMATS.join(', ')}` })
  format: RejectFormat = 'json';
}
