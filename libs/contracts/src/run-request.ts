import 'reflect-metadata';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsNumber, IsOptional, IsString, Max, Min, MinLength, ValidateBy, isISO8601 } from 'class-validator';

/**
 * The dates the api accepts, in requests and filters: far wider than any shop's history, narrow
 * enough that the date arithmetic behind them stays inside PostgreSQL's range (a dashboard's
 * previous period of 0001-01-01..9999-12-31 starts before 4713 BC: "date out of range", a 500).
 */
export const DATE_MIN = '1900-01-01';
export const DATE_MAX = '2199-12-31';
const DATE_IN_RANGE = /^(19|20|21)\d{2}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

/** A real calendar date YYYY-MM-DD between DATE_MIN and DATE_MAX; the message names the field. */
export function IsApiDate(field: string): PropertyDecorator {
  const message = `${field} must be a date YYYY-MM-DD between ${DATE_MIN} and ${DATE_MAX}`;
  return ValidateBy({
    name: 'isApiDate',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && DATE_IN_RANGE.test(value) && isISO8601(value, { strict: true }),
      defaultMessage: () => message,
    },
  });
}

/**
 * Body of POST /runs. Without `source` the run generates its own data; `mode: 'incremental'`
 * generates the `days` after the last generated date instead (a daily delta); `mode: 'rebuild'`
 * rebuilds the warehouse (and the analyses) from production history without new input.
 */
export class CreateRunRequest {
  @IsOptional()
  @IsIn(['full', 'incremental', 'rebuild'])
  mode?: 'full' | 'incremental' | 'rebuild';

  /** Days a delta covers (mode incremental only). */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(366)
  days?: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(50_000_000)
  customers?: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10_000_000)
  products?: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100_000_000)
  transactions?: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(2 ** 31 - 1)
  seed?: number;

  @IsOptional()
  @IsApiDate('startDate')
  startDate?: string;

  @IsOptional()
  @IsApiDate('endDate')
  endDate?: string;

  @IsOptional()
  @IsString()
  @MinLength(1)
  source?: string;

  /**
   * With `source`: the folder is a shop's own export, converted by this mapping (a shipped one's
   * name, `online-retail`, or a YAML file inside the source roots) before ingest (docs/mappings.md).
   */
  @IsOptional()
  @IsString()
  @MinLength(1)
  mapping?: string;

  /**
   * Share of generated records given a realistic defect (0 to 0.5), listed in a manifest beside
   * the data (defects/<file>.json): for testing what the pipeline catches. Generated runs only.
   */
  @IsOptional()
  @Type(() => Number)
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'defects must be a number between 0 and 0.5' })
  @Min(0)
  @Max(0.5)
  defects?: number;
}

/** What the generator stage is asked to produce; stored in ops.runs.params. */
export interface GenerateParams {
  customers: number;
  products: number;
  transactions: number;
  seed: number;
  startDate: string;
  endDate: string;
  /** Defect rate (0..0.5); absent or 0 writes clean data. */
  defects?: number;
}

/** A daily delta: the days after the last generated date of the data set of `baseRunId`. */
export interface IncrementalParams {
  baseRunId: string;
  /** The run whose last day this delta follows (the base run, or the previous delta). */
  previousRunId: string;
  /** First and last day generated, YYYY-MM-DD. */
  fromDate: string;
  toDate: string;
  days: number;
}

export type RunMode = 'generate' | 'source' | 'incremental' | 'rebuild';

/** Where a run of each mode enters the pipeline; the stages before it are skipped. */
export const FIRST_STAGE: Record<RunMode, 'generate' | 'ingest' | 'warehouse'> = {
  generate: 'generate',
  incremental: 'generate',
  source: 'ingest',
  rebuild: 'warehouse',
};

export interface RunParams {
  mode: RunMode;
  /** The data set's parameters; for an incremental run, those of the base it continues. */
  generate?: GenerateParams;
  incremental?: IncrementalParams;
  /** Absolute folder the ingestor reads: data/raw/<run> when generated, the user's folder otherwise. */
  inputDir: string;
  /**
   * A replay (POST /runs/:id/replay): the run whose rejects this source run brings corrected rows
   * for. Like any source folder it may hold only some of the four files; its transform marks the
   * replayed run's rejects it delivered as resolved.
   */
  replayOf?: string;
  /**
   * A mapped run: the export in `sourceDir` is converted with the mapping in `file` into
   * `inputDir` (data/mapped/<run>) at the start of ingest, which then reads that folder.
   */
  mapping?: MappedSourceParams;
}

export interface MappedSourceParams {
  name: string;
  file: string;
  sourceDir: string;
}
