import { Logger, type DynamicModule, type INestApplicationContext, type LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Pool } from 'pg';
import { AppConfig, ConfigError, loadConfig, redactSecrets, type DeepPartial } from '@ecom/config';
import { STAGES, queuesOfApp } from '@ecom/contracts';
import { isTransientDatabaseError, migrateDatabase, pendingMigrations } from '@ecom/db';
import { createAppLogger } from './logging/logger';
import { startMetricsServer, type MetricsServer } from './metrics/metrics-server';
import { pipelineMetrics } from './metrics/pipeline-metrics';
import { assertProcessors } from './processor-check';
import { pingQueueStore, queueSchemaName } from './queue-store';
import { StageRuntime } from './stage-runtime';
import { withinTimeout } from './within-timeout';
import { WorkerHealth, workersOf } from './worker-health';

export type AppModuleFactory = (config: AppConfig) => DynamicModule;

let preparedLogger: LoggerService | undefined;

const FIRST_RETRY_MS = 500;
const MAX_RETRY_MS = 10_000;
/** A queue store that does not answer a PING within this is not there yet. */
const QUEUE_PING_TIMEOUT_MS = 3000;

/**
 * While a process waits at start for PostgreSQL or the queue store, SIGTERM and SIGINT end it at
 * once: nothing has started that needs a graceful stop, and a supervisor (docker, systemd,
 * npm start) must not wait out a retry loop. Returns the function that removes the handlers.
 */
function exitOnSignalWhileWaiting(name: string): () => void {
  const onSignal = (signal: NodeJS.Signals) => {
    process.stderr.write(`${name}: ${signal} while waiting to start; exiting\n`);
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  return () => {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
  };
}

/**
 * Runs `attempt` until it succeeds, as long as it fails because `what` is unreachable
 * (`transient`), waiting 0.5, 1, 2 ... up to 10 s in between and saying each time what it waits
 * for. Any other error (a wrong password, a missing role) is thrown at once.
 */
export async function untilReachable<T>(
  logger: Pick<Logger, 'log' | 'warn'>,
  what: string,
  attempt: () => Promise<T>,
  transient: (error: unknown) => boolean,
): Promise<T> {
  let delay = FIRST_RETRY_MS;
  for (let tries = 1; ; tries++) {
    try {
      const result = await attempt();
      if (tries > 1) logger.log(`${what} is reachable after ${tries} attempts`);
      return result;
    } catch (error) {
      if (!transient(error)) throw error;
      logger.warn(`waiting for ${what}: ${(error as Error).message} (attempt ${tries}; next in ${delay / 1000} s)`);
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, MAX_RETRY_MS);
    }
  }
}

function postgresLocation(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  return `PostgreSQL at ${url.host}${url.pathname}`;
}

function queueStoreDescription(config: AppConfig): string {
  if (config.queueBackend === 'postgres') {
    return `the PostgreSQL queue store (${postgresLocation(config.databaseUrl)}, schema ${queueSchemaName(config.queuePrefix)})`;
  }
  const url = new URL(config.redisUrl);
  return `Redis at ${url.host} (queue prefix ${config.queuePrefix})`;
}

/**
 * A round trip through the queue's own connection (PING, or SELECT 1 on PostgreSQL), bounded:
 * with Redis away ioredis queues commands without end. Any failure means "not there yet".
 */
async function pingQueue(runtime: StageRuntime): Promise<void> {
  try {
    await withinTimeout('the queue store', pingQueueStore(runtime.queue('generate')), QUEUE_PING_TIMEOUT_MS);
  } catch (error) {
    throw new QueueStoreUnreachable((error as Error).message);
  }
}

class QueueStoreUnreachable extends Error {}

/** The Nest logger of an app: the one prepare() made for this process (named after it), else a new pino logger. */
export function appLogger(config: AppConfig): LoggerService {
  return preparedLogger ?? createAppLogger(config);
}

/**
 * `npm start` gives its children an IPC channel only so that they learn when it dies: killed
 * with -9 it cannot stop them, and an orphaned api or worker would keep its port and go on
 * taking jobs beside the next launcher's. Losing the channel stops the app as SIGTERM does.
 */
function stopWithLauncher(): void {
  if (!process.send) return;
  process.once('disconnect', () => process.kill(process.pid, 'SIGTERM'));
}

/** The database lacks migrations this code needs, and this process leaves applying them to another one. */
class SchemaBehind extends Error {
  override name = 'SchemaBehind';
}

/**
 * Resolves once the database holds every migration this code knows (more is fine: a newer
 * release migrated it first). Throws SchemaBehind, naming the first missing one, until then.
 */
async function requireSchema(databaseUrl: string): Promise<void> {
  const pending = await pendingMigrations(databaseUrl);
  if (pending.length > 0) {
    throw new SchemaBehind(`${pending.length} migration(s) not applied yet, from ${pending[0]} (migrateOnStart is false: the migrate service applies them)`);
  }
}

/**
 * Brings the database to this code's schema before anything uses it: applies pending migrations
 * (migrateOnStart: npm start, tests), or waits until another process has (false: docker-compose,
 * where the one-shot migrate service runs them once instead of every replica taking the lock in turn).
 */
export async function ensureSchema(config: AppConfig, logger: Pick<Logger, 'log' | 'warn'>): Promise<void> {
  const where = postgresLocation(config.databaseUrl);
  if (config.migrateOnStart) {
    await untilReachable(logger, where, () => migrateDatabase(config.databaseUrl, (line) => logger.log(line)), isTransientDatabaseError);
    return;
  }
  await untilReachable(logger, `the schema in ${where}`, () => requireSchema(config.databaseUrl), (e) => e instanceof SchemaBehind || isTransientDatabaseError(e));
}

/**
 * Loads config, then creates the database if missing and applies migrations, or waits for them
 * (ensureSchema); exits with a clear message on bad config.
 */
export async function prepare(name: string, overrides?: DeepPartial<AppConfig>): Promise<AppConfig> {
  stopWithLauncher();
  let config: AppConfig;
  try {
    config = loadConfig({ overrides });
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${name}: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  // From here on the process logs structured lines, Nest's own messages included.
  preparedLogger = createAppLogger(config, { app: name });
  Logger.overrideLogger(preparedLogger);
  pipelineMetrics().setApp(name);
  const logger = new Logger(name);
  const stopWaiting = exitOnSignalWhileWaiting(name);
  try {
    await ensureSchema(config, logger);
  } finally {
    stopWaiting();
  }
  return config;
}

/**
 * A worker: a Nest application context (no HTTP) whose processors consume its queues. With `app`
 * (a registered worker app), it first checks that the module holds exactly one processor per queue
 * the registry gives that app (assertProcessors), before anything connects.
 * `logger`: true logs through pino (createAppLogger), false is silent (tests, in-process), or
 * any Nest LoggerService.
 */
export async function createWorkerContext(
  factory: AppModuleFactory,
  config: AppConfig,
  logger: boolean | LoggerService = true,
  app?: string,
): Promise<INestApplicationContext> {
  const module = factory(config);
  if (app !== undefined) assertProcessors(app, [module], queuesOfApp(app));
  return openWorkerContext(module, config, logger);
}

/** createWorkerContext for a module already built (and checked) by the caller. */
export async function openWorkerContext(module: DynamicModule, config: AppConfig, logger: boolean | LoggerService = true): Promise<INestApplicationContext> {
  const app = await NestFactory.createApplicationContext(module, {
    logger: logger === true ? appLogger(config) : logger,
  });
  app.enableShutdownHooks();
  return app;
}

/** The port of a worker's /metrics: METRICS_PORT (metrics.port), else metrics.workerPorts[name]. */
export function workerMetricsPort(config: AppConfig, name: string): number {
  const port = config.metrics.port ?? config.metrics.workerPorts[name];
  if (port === undefined) {
    throw new ConfigError(`worker ${name} has no metrics port: set METRICS_PORT or metrics.workerPorts.${name} in the config file`);
  }
  return port;
}

/**
 * A worker's GET /metrics on its own small HTTP server: this process's job and row counters,
 * and the depth of every stage queue (so any one worker shows the pipeline's backlog). Beside it
 * GET /healthz: whether this process's BullMQ workers run and reach their queue store, and its
 * pool PostgreSQL (WorkerHealth; the container healthcheck, tools/healthcheck.ts, asks it).
 */
export async function serveWorkerMetrics(app: INestApplicationContext, port: number, host: string): Promise<MetricsServer> {
  const metrics = pipelineMetrics();
  const runtime = app.get(StageRuntime);
  const health = new WorkerHealth(workersOf(app), app.get(Pool));
  const unwatch = metrics.watchQueues(STAGES.map((stage) => runtime.queue(stage)));
  try {
    const server = await startMetricsServer(metrics, port, host, () => health.check());
    return {
      port: server.port,
      host: server.host,
      async close() {
        unwatch();
        await server.close();
      },
    };
  } catch (error) {
    unwatch();
    throw error;
  }
}

/** main.ts of every worker app; `name` is its app name in the registry (WORKER_APPS). */
export async function bootstrapWorker(name: string, factory: AppModuleFactory): Promise<void> {
  try {
    const config = await prepare(name);
    const port = workerMetricsPort(config, name);
    const app = await createWorkerContext(factory, config, true, name);
    // The worker would sit silent while the queue store is away: say so, and wait for it.
    const stopWaiting = exitOnSignalWhileWaiting(name);
    try {
      await untilReachable(new Logger(name), queueStoreDescription(config), () => pingQueue(app.get(StageRuntime)), (e) => e instanceof QueueStoreUnreachable);
    } finally {
      stopWaiting();
    }
    const metrics = await serveWorkerMetrics(app, port, config.metrics.host);
    new Logger(name).log(`worker ready (queue prefix ${config.queuePrefix}, metrics on ${metrics.host}:${metrics.port}/metrics)`);
  } catch (error) {
    process.stderr.write(`${name}: failed to start: ${redactSecrets((error as Error).message)}\n`);
    process.exit(1);
  }
}
