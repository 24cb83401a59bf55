import 'reflect-metadata';
import { readFileSync, existsSync } from 'node:fs';
import { isAbsolute, resolve, join } from 'node:path';
import { plainToInstance, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsBoolean,
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
import { parseExpression as parseCronExpression } from 'cron-parser';
import { parse as parseYaml } from 'yaml';
import { WORKER_METRICS_PORTS } from '@ecom/contracts';
import { repoRoot } from './paths';
import { redactSecrets, registerConfigSecrets, shownConfigValue } from './redact';

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

/**
 * Per entity, the largest share (percent) of its input records that the stages together may
 * reject before the run fails at the transform; null or left out: no limit (docs/quality.md).
 */
export class MaxRejectPercent {
  @IsOptional() @IsNumber() @Min(0) @Max(100) customers?: number | null;
  @IsOptional() @IsNumber() @Min(0) @Max(100) products?: number | null;
  @IsOptional() @IsNumber() @Min(0) @Max(100) transactions?: number | null;
  @IsOptional() @IsNumber() @Min(0) @Max(100) transaction_items?: number | null;
}

export class QualityConfig {
  /** A run whose quality score is below this fails at the validator. */
  @IsNumber() @Min(0) @Max(100) threshold!: number;
  /** Left out: no entity has a limit. */
  @IsOptional() @ValidateNested() @Type(() => MaxRejectPercent) maxRejectPercent?: MaxRejectPercent;
}

/** Why a string is not a cron pattern BullMQ's job schedulers can run, or undefined when it is one. */
export function cronPatternProblem(pattern: unknown): string | undefined {
  if (typeof pattern !== 'string' || pattern.trim() === '') return 'must be a cron pattern such as "0 2 * * *"';
  const fields = pattern.trim().split(/\s+/).length;
  if (fields < 5 || fields > 6) return `must have 5 fields (minute hour day month weekday) or 6 with seconds first, has ${fields}`;
  try {
    parseCronExpression(pattern, { tz: 'UTC' });
    return undefined;
  } catch (error) {
    return `is not a valid cron pattern (${(error as Error).message})`;
  }
}

/** A cron pattern BullMQ's job schedulers accept; the message says what is wrong with it. */
export function IsCronPattern(): PropertyDecorator {
  return ValidateBy({
    name: 'isCronPattern',
    validator: {
      validate: (value: unknown) => cronPatternProblem(value) === undefined,
      defaultMessage: (args) => `${args?.property} ${cronPatternProblem(args?.value)}`,
    },
  });
}

/** One BullMQ job scheduler; patterns are cron in UTC. PUT /schedules/:name overrides both at run time. */
export class ScheduleConfig {
  @IsCronPattern() pattern!: string;
  @IsBoolean() enabled!: boolean;
}

export class PipelineScheduleConfig extends ScheduleConfig {
  /** Days each scheduled incremental run generates. */
  @IsInt() @Min(1) @Max(366) days!: number;
}

/** The pipeline's daily delta, the monitoring checks, and the retention job. */
export class SchedulesConfig {
  @ValidateNested() @Type(() => PipelineScheduleConfig) pipeline!: PipelineScheduleConfig;
  @ValidateNested() @Type(() => ScheduleConfig) monitoring!: ScheduleConfig;
  @ValidateNested() @Type(() => ScheduleConfig) retention!: ScheduleConfig;
}

/** Hours after which a layer's latest load counts as stale. */
export class LayerFreshnessConfig {
  @IsNumber() @Min(0) staging!: number;
  @IsNumber() @Min(0) production!: number;
  @IsNumber() @Min(0) warehouse!: number;
}

/** Thresholds of the monitoring checks (docs/operations.md, "Monitoring"). */
export class MonitoringConfig {
  /** Hours since the last successful run before it is an alert. */
  @IsNumber() @Min(0) lastSuccessMaxHours!: number;
  @ValidateNested() @Type(() => LayerFreshnessConfig) freshnessMaxHours!: LayerFreshnessConfig;
  /** Daily transaction counts the volume check compares the latest day with. */
  @IsInt() @Min(3) @Max(366) volumeLookbackDays!: number;
  /** Fewer days of history than this and the volume check says nothing. */
  @IsInt() @Min(3) volumeMinDays!: number;
  /** |robust z| (0.6745 (x - median) / MAD) above this is an anomaly. */
  @IsNumber() @Min(0) volumeZThreshold!: number;
  /** A stage slower than this many times the median of its own last successful runs is slow. */
  @IsNumber() @Min(1) stageDurationFactor!: number;
  /** ...and slower than this many seconds: tiny runs vary too much to judge. */
  @IsNumber() @Min(0) stageDurationMinSeconds!: number;
  /** Successful earlier runs of a stage needed before its duration is judged. */
  @IsInt() @Min(1) stageDurationMinHistory!: number;
  /**
   * A queued or running run with no progress in its ledger for this long is stalled (it blocks new
   * runs): an alert, and GET /health answers 503.
   */
  @IsNumber() @Min(1) stalledRunMinutes!: number;
  /** A job active for longer than this is stuck. */
  @IsNumber() @Min(1) stalledJobMinutes!: number;
  /** Failed jobs counted over this window. */
  @IsNumber() @Min(1) failedJobsWindowMinutes!: number;
  /**
   * A stage queue with no worker for this long (as seen by the api's checks) is a critical alert
   * even before a job waits there; GET /health is down at once. 0 alerts at the first sight.
   */
  @IsNumber() @Min(0) noWorkerMinutes!: number;
  /** Waiting jobs in one queue above this is a backlog. */
  @IsInt() @Min(0) queueBacklogMax!: number;
  /** PostgreSQL or Redis answering slower than this is degraded. */
  @IsInt() @Min(1) latencyWarnMs!: number;
}

/** How the pipeline finds and repairs runs its queues lost (docs/operations.md, "Recovery"). */
export class RecoveryConfig {
  /**
   * Every this many seconds the api compares each queued or running run in the ledger with its
   * queue and re-enqueues the job it is missing (or retries it when it failed while PostgreSQL
   * was away), and re-creates missing job schedulers. 0 turns the reconciler off.
   */
  @IsNumber() @Min(0) reconcileSeconds!: number;
  /**
   * A job whose worker stopped renewing its lock (killed, frozen) goes back to its queue after at
   * most twice this long (BullMQ's lockDuration and stalledInterval of every stage worker).
   */
  @IsNumber() @Min(1) jobLockSeconds!: number;
}

/** Optional e-mail of alerts over SMTP (nodemailer). */
export class AlertEmailConfig {
  @Matches(/^smtps?:\/\//, { message: 'smtpUrl must be an smtp:// or smtps:// URL' }) smtpUrl!: string;
  @IsString() @MinLength(3) from!: string;
  @ArrayMinSize(1, { message: 'to must list at least one address' }) @IsString({ each: true }) to!: string[];
}

/** Where alerts go; without a webhook or e-mail they are only stored (ops.alerts, GET /monitoring). */
export class AlertsConfig {
  /** Slack-compatible incoming webhook: receives {text, blocks} per opened or resolved alert. */
  @IsOptional() @Matches(/^https?:\/\/\S+$/, { message: 'webhookUrl must be an http:// or https:// URL' }) webhookUrl?: string;
  @IsOptional() @ValidateNested() @Type(() => AlertEmailConfig) email?: AlertEmailConfig;
  /** Tries per alert message and channel, with exponential backoff from deliveryBackoffMs. */
  @IsInt() @Min(1) @Max(20) deliveryAttempts!: number;
  @IsInt() @Min(10) deliveryBackoffMs!: number;
  /** Web address of the api in alert messages (links to /monitoring and /runs/:id). */
  @IsOptional() @Matches(/^https?:\/\/\S+$/, { message: 'publicUrl must be an http:// or https:// URL' }) publicUrl?: string;
}

/** A map of app name to TCP port (0 picks a free port). */
function IsPortTable(): PropertyDecorator {
  return ValidateBy({
    name: 'isPortTable',
    validator: {
      validate: (value: unknown) =>
        !!value &&
        typeof value === 'object' &&
        !Array.isArray(value) &&
        Object.values(value as object).every((port) => Number.isInteger(port) && port >= 0 && port <= 65535),
      defaultMessage: (args) => `${args?.property} must map app names to ports between 0 and 65535`,
    },
  });
}

/** Prometheus /metrics. The api serves it on its HTTP port; each worker runs a small server of its own. */
export class MetricsConfig {
  /** This process's worker metrics port (METRICS_PORT), over workerPorts; 0 picks a free port. */
  @IsOptional() @IsInt() @Min(0) @Max(65535) port?: number;
  /**
   * The address a worker's metrics server listens on (METRICS_HOST): 127.0.0.1, so only this
   * host can scrape it; 0.0.0.0 where a scraper on another host or container must reach it.
   */
  @IsString() @MinLength(1) host!: string;
  /**
   * One port per worker app, so that `npm start` can run them all on one host: the registry's
   * (WORKER_METRICS_PORTS) unless the file or overrides name another.
   */
  @IsPortTable() workerPorts!: Record<string, number>;
}

/**
 * How long each kind of data is kept (see docs/operations.md, "Retention"). A kind left out or
 * null is kept forever; the warehouse is kept unless warehousePartitionMonths is set.
 */
export class RetentionConfig {
  /** Generated input folders under <dataRoot>/raw, by the newest file in them. */
  @IsOptional() @IsInt() @Min(1) rawFilesDays?: number | null;
  /** Staging rows of runs that finished this long ago. */
  @IsOptional() @IsInt() @Min(1) stagingDays?: number | null;
  @IsOptional() @IsInt() @Min(1) quarantineDays?: number | null;
  /** Finished runs in the ledger (with their stages, tasks, accounting, quality and profiles). */
  @IsOptional() @IsInt() @Min(1) runHistoryDays?: number | null;
  /** Analysis export files and ops.analysis_results rows. */
  @IsOptional() @IsInt() @Min(1) analysesDays?: number | null;
  /** Whole monthly partitions of warehouse.fact_sales whose month ended this many months ago. */
  @IsOptional() @IsInt() @Min(1) warehousePartitionMonths?: number | null;
}

/**
 * The PostgreSQL `npm start` runs itself when the database was left to it: DATABASE_URL unset,
 * databaseUrl the shipped default and nothing answering there (docs/operations.md, "Embedded PostgreSQL").
 */
export class EmbeddedConfig {
  /** auto: start one when the database was left to `npm start` and the default does not answer; off: never. */
  @IsIn(['auto', 'off']) mode!: 'auto' | 'off';
  /** Its data directory, kept across restarts; relative paths are from the repo root. */
  @IsString() @MinLength(1) dataDir!: string;
  /** It listens on 127.0.0.1 only, on this port. */
  @IsInt() @Min(1) @Max(65535) port!: number;
}

/** The shipped databaseUrl (config/config.yaml): a config that still says this left the database to `npm start`. */
export const SHIPPED_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/ecom';
/** The shipped redisUrl: likewise, still this means no Redis was named. */
export const SHIPPED_REDIS_URL = 'redis://127.0.0.1:6379';

export const QUEUE_BACKENDS = ['redis', 'postgres'] as const;
export type QueueBackend = (typeof QUEUE_BACKENDS)[number];

export class AppConfig {
  @Matches(/^postgres(ql)?:\/\//, { message: 'databaseUrl must be a postgres:// URL' })
  databaseUrl!: string;

  @Matches(/^rediss?:\/\//, { message: 'redisUrl must be a redis:// URL' })
  redisUrl!: string;

  /**
   * Where BullMQ keeps the queues: redis (redisUrl) or postgres (the pipeline's own database, in
   * a schema named after queuePrefix). Not in config.yaml on purpose: unset means redis.
   */
  @IsIn(QUEUE_BACKENDS, { message: `queueBackend must be one of ${QUEUE_BACKENDS.join(', ')}` })
  queueBackend: QueueBackend = 'redis';

  /**
   * BullMQ key prefix: lets several pipelines (or test suites) share one Redis; on the postgres
   * backend it names the queues' schema instead (queueSchemaName in libs/pipeline).
   */
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

  /**
   * The most connections any one pool of a process may hold: the app's own pg pool, and the cap
   * of its shared queue pool on the postgres backend. Every process of a deployment counts
   * against PostgreSQL's max_connections (docs/operations.md, "Connection budget"). At least 2:
   * a stage job holds its transaction's connection and reports progress through another, so a
   * pool of 1 would leave it waiting for itself.
   */
  @IsInt() @Min(2) @Max(1000) dbPoolMax!: number;

  /**
   * true: the process applies pending migrations before it starts (npm start, tests). false: it
   * only waits until another process (docker-compose's one-shot migrate service) has applied
   * every migration it knows, so replicas starting together do not queue for the migration lock.
   */
  @IsBoolean() migrateOnStart!: boolean;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']) logLevel!: string;

  /** json: one JSON object per line; pretty: readable lines; auto: pretty on a terminal, else json. */
  @IsIn(['auto', 'json', 'pretty']) logFormat!: 'auto' | 'json' | 'pretty';

  @ValidateNested() @Type(() => MetricsConfig) metrics!: MetricsConfig;
  @ValidateNested() @Type(() => RetentionConfig) retention!: RetentionConfig;

  @ValidateNested() @Type(() => GeneratorDefaults) generator!: GeneratorDefaults;
  @ValidateNested() @Type(() => QualityConfig) quality!: QualityConfig;

  @ValidateNested() @Type(() => SchedulesConfig) schedules!: SchedulesConfig;
  @ValidateNested() @Type(() => MonitoringConfig) monitoring!: MonitoringConfig;
  @ValidateNested() @Type(() => AlertsConfig) alerts!: AlertsConfig;
  @ValidateNested() @Type(() => EmbeddedConfig) embedded!: EmbeddedConfig;
  @ValidateNested() @Type(() => RecoveryConfig) recovery!: RecoveryConfig;
}

/** Environment variables and the config keys they override. */
export const ENV_VARS: ReadonlyArray<{ env: string; key: string; kind: 'string' | 'int' | 'number' | 'list' | 'boolean' }> = [
  { env: 'DATABASE_URL', key: 'databaseUrl', kind: 'string' },
  { env: 'REDIS_URL', key: 'redisUrl', kind: 'string' },
  { env: 'QUEUE_BACKEND', key: 'queueBackend', kind: 'string' },
  { env: 'QUEUE_PREFIX', key: 'queuePrefix', kind: 'string' },
  { env: 'PORT', key: 'port', kind: 'int' },
  { env: 'API_KEY', key: 'apiKey', kind: 'string' },
  { env: 'DATA_ROOT', key: 'dataRoot', kind: 'string' },
  { env: 'SOURCE_ROOTS', key: 'sourceRoots', kind: 'list' },
  { env: 'WORKER_CONCURRENCY', key: 'workerConcurrency', kind: 'int' },
  { env: 'DB_POOL_MAX', key: 'dbPoolMax', kind: 'int' },
  { env: 'MIGRATE_ON_START', key: 'migrateOnStart', kind: 'boolean' },
  { env: 'LOG_LEVEL', key: 'logLevel', kind: 'string' },
  { env: 'LOG_FORMAT', key: 'logFormat', kind: 'string' },
  { env: 'METRICS_PORT', key: 'metrics.port', kind: 'int' },
  { env: 'METRICS_HOST', key: 'metrics.host', kind: 'string' },
  { env: 'RETENTION_RAW_FILES_DAYS', key: 'retention.rawFilesDays', kind: 'int' },
  { env: 'RETENTION_STAGING_DAYS', key: 'retention.stagingDays', kind: 'int' },
  { env: 'RETENTION_QUARANTINE_DAYS', key: 'retention.quarantineDays', kind: 'int' },
  { env: 'RETENTION_RUN_HISTORY_DAYS', key: 'retention.runHistoryDays', kind: 'int' },
  { env: 'RETENTION_ANALYSES_DAYS', key: 'retention.analysesDays', kind: 'int' },
  { env: 'RETENTION_WAREHOUSE_PARTITION_MONTHS', key: 'retention.warehousePartitionMonths', kind: 'int' },
  { env: 'GENERATOR_PART_SIZE', key: 'generator.partSize', kind: 'int' },
  { env: 'QUALITY_THRESHOLD', key: 'quality.threshold', kind: 'number' },
  { env: 'PIPELINE_SCHEDULE', key: 'schedules.pipeline.pattern', kind: 'string' },
  { env: 'ALERT_WEBHOOK_URL', key: 'alerts.webhookUrl', kind: 'string' },
  { env: 'ALERT_SMTP_URL', key: 'alerts.email.smtpUrl', kind: 'string' },
  { env: 'ALERT_PUBLIC_URL', key: 'alerts.publicUrl', kind: 'string' },
  { env: 'EMBEDDED', key: 'embedded.mode', kind: 'string' },
  { env: 'EMBEDDED_DATA_DIR', key: 'embedded.dataDir', kind: 'string' },
  { env: 'EMBEDDED_PORT', key: 'embedded.port', kind: 'int' },
  { env: 'RECOVERY_RECONCILE_SECONDS', key: 'recovery.reconcileSeconds', kind: 'number' },
  { env: 'RECOVERY_JOB_LOCK_SECONDS', key: 'recovery.jobLockSeconds', kind: 'number' },
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
      return `${path}${env ? ` (${env})` : ''}: ${message}, got ${shownConfigValue(path, error.value)}`;
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
    // The YAML parser quotes the offending lines, which may hold a password.
    throw new ConfigError(redactSecrets(`config file ${file} is not valid YAML: ${(error as Error).message}`));
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
    } else if (kind === 'boolean') {
      // Anything else stays a string, so validation names the variable and the value.
      const word = raw.trim().toLowerCase();
      value = word === 'true' ? true : word === 'false' ? false : raw;
    }
    setPath(fromEnv, key, value);
  }

  const defaults = { metrics: { workerPorts: { ...WORKER_METRICS_PORTS } } };
  const merged = merge(merge(merge(defaults, fromFile), fromEnv), (options.overrides ?? {}) as Record<string, unknown>);
  // Before validating: a message about a bad value must not echo a secret either.
  registerConfigSecrets(merged);
  const config = plainToInstance(AppConfig, merged);
  const errors = validateSync(config, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length > 0) {
    throw new ConfigError(redactSecrets(`invalid configuration (${file}):\n  - ${flattenErrors(errors).join('\n  - ')}`));
  }
  const root = repoRoot();
  config.dataRoot = isAbsolute(config.dataRoot) ? config.dataRoot : resolve(root, config.dataRoot);
  config.sourceRoots = config.sourceRoots.map((dir) => (isAbsolute(dir) ? dir : resolve(root, dir)));
  config.embedded.dataDir = isAbsolute(config.embedded.dataDir) ? config.embedded.dataDir : resolve(root, config.embedded.dataDir);
  return config;
}
