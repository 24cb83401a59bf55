import 'reflect-metadata';
import { readFileSync, existsSync } from 'node:fs';
import { isAbsolute, resolve, join } from 'node:path';
import { plainToInstance, Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  ValidateNested,
  validateSync,
  type ValidationError,
} from 'class-validator';
import { parse as parseYaml } from 'yaml';
import { repoRoot } from './paths';

export class GeneratorDefaults {
  @IsInt() @Min(1) customers!: number;
  @IsInt() @Min(1) products!: number;
  @IsInt() @Min(1) transactions!: number;
  @IsInt() @Min(0) seed!: number;
  @Matches(/^\d{4}-\d{2}-\d{2}$/) startDate!: string;
  @Matches(/^\d{4}-\d{2}-\d{2}$/) endDate!: string;
  /** Rows per generated file part; fixed by config, never by worker count, so output is deterministic. */
  @IsInt() @Min(1000) partSize!: number;
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
