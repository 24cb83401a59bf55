import 'reflect-metadata';
import { readFileSync, existsSync } from 'node:fs';
import { isAbsolute, resolve, join } from 'node:path';
import { plainToInstance, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  ValidateBy,
  ValidateNested,
  validateSync,
  type ValidationError,
} from 'class-validator';
import { parse as parseYaml } from 'yaml';
import { repoRoot } from './paths';

/** A non-empty map of label to non-negative weight, e.g. payment methods of a country. */
function isWeightTable(value: unknown): boolean {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return false;
  const weights = Object.values(value as Record<string, unknown>);
  return weights.length > 0 && weights.every((w) => typeof w === 'number' && Number.isFinite(w) && w >= 0) && weights.some((w) => (w as number) > 0);
}

function IsWeightTable(): PropertyDecorator {
  return ValidateBy({
    name: 'isWeightTable',
    validator: {
      validate: isWeightTable,
      defaultMessage: (args) => `${args?.property} must map labels to non-negative numbers, at least one above 0`,
    },
  });
}

/** Weight tables per key ('default' plus one per country), each as IsWeightTable. */
function IsWeightTablePerKey(required: string): PropertyDecorator {
  return ValidateBy({
    name: 'isWeightTablePerKey',
    validator: {
      validate: (value: unknown) =>
        !!value && typeof value === 'object' && required in value && Object.values(value as object).every(isWeightTable),
      defaultMessage: (args) => `${args?.property} must hold a '${required}' table and map each key to a table of labels and non-negative weights`,
    },
  });
}

const MONTH_DAY = /^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

/** A span of the year, MM-DD to MM-DD inclusive; `from` after `to` wraps over New Year. */
export class YearSpan {
  @Matches(MONTH_DAY, { message: 'from must be MM-DD' }) from!: string;
  @Matches(MONTH_DAY, { message: 'to must be MM-DD' }) to!: string;
}

export class WeightedYearSpan extends YearSpan {
  @IsString() name!: string;
  /** Multiplies the order weight of every day in the span. */
  @IsNumber() @Min(0) weight!: number;
}

/**
 * The shop the generator models (config/config.yaml `generator.model`). Every measured target of
 * the run profile (Q4 peak, weekend lift, heavy buyers, ...) follows from these numbers and the seed.
 */
export class GeneratorModel {
  /** Customers sign up over this many days before the order window as well as during it. */
  @IsInt() @Min(0) @Max(36500) registrationLeadDays!: number;
  /** Order weight of each month, January first. */
  @ArrayMinSize(12) @ArrayMaxSize(12) @IsNumber({}, { each: true }) @Min(0, { each: true }) monthWeights!: number[];
  /** Order weight of each weekday, Monday first. */
  @ArrayMinSize(7) @ArrayMaxSize(7) @IsNumber({}, { each: true }) @Min(0, { each: true }) weekdayWeights!: number[];
  /** Order share of each hour of the day (UTC), midnight first. */
  @ArrayMinSize(24) @ArrayMaxSize(24) @IsNumber({}, { each: true }) @Min(0, { each: true }) hourWeights!: number[];
  /** Multipliers of the day after the fourth Thursday of November, and of the Monday after it. */
  @IsNumber() @Min(0) blackFridayWeight!: number;
  @IsNumber() @Min(0) cyberMondayWeight!: number;
  /** Other spikes (pre-Christmas, sales): the day weight is multiplied inside each span. */
  @ValidateNested({ each: true }) @Type(() => WeightedYearSpan) events!: WeightedYearSpan[];
  /** Spans when most order lines carry a discount; Black Friday to Cyber Monday always is one. */
  @ValidateNested({ each: true }) @Type(() => YearSpan) promotions!: YearSpan[];
  /** Share of order lines discounted inside and outside promotions. */
  @IsNumber() @Min(0) @Max(1) promotionDiscountShare!: number;
  @IsNumber() @Min(0) @Max(1) regularDiscountShare!: number;
  /** Spread (sigma of a lognormal) of customers' buying activity: higher means heavier buyers. */
  @IsNumber() @Min(0) @Max(4) customerActivitySigma!: number;
  /** Spread (sigma of a lognormal) of product popularity inside a category. */
  @IsNumber() @Min(0) @Max(4) productPopularitySigma!: number;
  /** Share of order lines per category (names of the generator's category tree). */
  @IsWeightTable() categoryDemand!: Record<string, number>;
  /** Payment method weights per customer country, with a 'default' for other countries. */
  @IsWeightTablePerKey('default') paymentMix!: Record<string, Record<string, number>>;
  /** Daily deltas: share of customers who move, and of products whose price or category changes, per day. */
  @IsNumber() @Min(0) @Max(1) customerMoveShare!: number;
  @IsNumber() @Min(0) @Max(1) productChangeShare!: number;
}

export class GeneratorDefaults {
  @IsInt() @Min(1) customers!: number;
  @IsInt() @Min(1) products!: number;
  @IsInt() @Min(1) transactions!: number;
  @IsInt() @Min(0) seed!: number;
  @Matches(/^\d{4}-\d{2}-\d{2}$/) startDate!: string;
  @Matches(/^\d{4}-\d{2}-\d{2}$/) endDate!: string;
  /** Rows per generated file part; fixed by config, never by worker count, so output is deterministic. */
  @IsInt() @Min(1000) partSize!: number;
  @ValidateNested() @Type(() => GeneratorModel) model!: GeneratorModel;
}

export class QualityConfig {
  /** A run whose quality score is below this fails at the validator. */
  @IsNumber() @Min(0) @Max(100) threshold!: number;
}

export class AppConfig {
  @Matches(/^postgres(ql)?:\/\//, { message: 'databaseUrl must be a postgres:// URL' })
  databaseUrl!: string;

  @Matches(/^rediss?:\/\//, { message: 'redisUrl must be a redis:// URL' })
  redisUrl!: string;

  /** BullMQ key prefix: lets several pipelines (or test suites) share one Redis. */
  @Matches(/^[A-Za-z0-9_.-]+$/, { message: 'queuePrefix may hold letters, digits, _ . -' })
  queuePrefix!: string;

  @IsInt() @Min(0) @Max(65535) port!: number;

  @IsOptional() @IsString() @MinLength(8, { message: 'apiKey must be at least 8 characters' })
  apiKey?: string;

  /** Everything the pipeline writes (data/raw, data/processed) lives under this folder. */
  @IsString() dataRoot!: string;

  /** Folders `--source` may point into; a path outside them is refused. */
  @IsString({ each: true }) sourceRoots!: string[];

  @IsInt() @Min(1) @Max(64) workerConcurrency!: number;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']) logLevel!: string;

  @ValidateNested() @Type(() => GeneratorDefaults) generator!: GeneratorDefaults;
  @ValidateNested() @Type(() => QualityConfig) quality!: QualityConfig;
}

/** Environment variables and the config keys they override. */
export const ENV_VARS: ReadonlyArray<{ env: string; key: string; kind: 'string' | 'int' | 'number' | 'list' }> = [
  { env: 'DATABASE_URL', key: 'databaseUrl', kind: 'string' },
  { env: 'REDIS_URL', key: 'redisUrl', kind: 'string' },
  { env: 'QUEUE_PREFIX', key: 'queuePrefix', kind: 'string' },
  { env: 'PORT', key: 'port', kind: 'int' },
  { env: 'API_KEY', key: 'apiKey', kind: 'string' },
  { env: 'DATA_ROOT', key: 'dataRoot', kind: 'string' },
  { env: 'SOURCE_ROOTS', key: 'sourceRoots', kind: 'list' },
  { env: 'WORKER_CONCURRENCY', key: 'workerConcurrency', kind: 'int' },
  { env: 'LOG_LEVEL', key: 'logLevel', kind: 'string' },
  { env: 'GENERATOR_PART_SIZE', key: 'generator.partSize', kind: 'int' },
  { env: 'QUALITY_THRESHOLD', key: 'quality.threshold', kind: 'number' },
];

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> : T[K] };

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) {
    if (typeof node[key] !== 'object' || node[key] === null) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys[keys.length - 1]] = value;
}

function merge(base: Record<string, unknown>, extra: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(extra)) {
    if (value === undefined) continue;
    const current = out[key];
    out[key] =
      value && typeof value === 'object' && !Array.isArray(value) && current && typeof current === 'object'
        ? merge(current as Record<string, unknown>, value as Record<string, unknown>)
        : value;
  }
  return out;
}

function flattenErrors(errors: ValidationError[], prefix = ''): string[] {
  return errors.flatMap((error) => {
    const path = prefix ? `${prefix}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => {
      const env = ENV_VARS.find((v) => v.key === path)?.env;
      return `${path}${env ? ` (${env})` : ''}: ${message}, got ${JSON.stringify(error.value)}`;
    });
    return [...own, ...flattenErrors(error.children ?? [], path)];
  });
}

export interface LoadConfigOptions {
  /** Values that win over the file and the environment (tests, the in-process launcher). */
  overrides?: DeepPartial<AppConfig>;
  env?: NodeJS.ProcessEnv;
  file?: string;
}

/**
 * Reads config/config.yaml, applies environment variables, then overrides, and validates the
 * result once. A wrong value stops start-up with a message naming the key and its variable.
 */
export function loadConfig(options: LoadConfigOptions = {}): AppConfig {
  const env = options.env ?? process.env;
  const file = options.file ?? env.CONFIG_FILE ?? join(repoRoot(), 'config', 'config.yaml');
  if (!existsSync(file)) throw new ConfigError(`config file not found: ${file}`);
  let fromFile: Record<string, unknown>;
  try {
    fromFile = (parseYaml(readFileSync(file, 'utf8')) ?? {}) as Record<string, unknown>;
  } catch (error) {
    throw new ConfigError(`config file ${file} is not valid YAML: ${(error as Error).message}`);
  }

  const fromEnv: Record<string, unknown> = {};
  for (const { env: name, key, kind } of ENV_VARS) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    let value: unknown = raw;
    if (kind === 'int' || kind === 'number') {
      value = /^-?\d+(\.\d+)?$/.test(raw.trim()) ? Number(raw) : raw;
    } else if (kind === 'list') {
      value = raw.split(',').map((s) => s.trim()).filter(Boolean);
    }
    setPath(fromEnv, key, value);
  }

  const merged = merge(merge(fromFile, fromEnv), (options.overrides ?? {}) as Record<string, unknown>);
  const config = plainToInstance(AppConfig, merged);
  const errors = validateSync(config, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length > 0) {
    throw new ConfigError(`invalid configuration (${file}):\n  - ${flattenErrors(errors).join('\n  - ')}`);
  }
  const root = repoRoot();
  config.dataRoot = isAbsolute(config.dataRoot) ? config.dataRoot : resolve(root, config.dataRoot);
  config.sourceRoots = config.sourceRoots.map((dir) => (isAbsolute(dir) ? dir : resolve(root, dir)));
  return config;
}
