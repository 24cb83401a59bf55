import { Logger, type DynamicModule, type INestApplicationContext, type LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppConfig, ConfigError, loadConfig, redactSecrets, type DeepPartial } from '@ecom/config';
import { STAGES } from '@ecom/contracts';
import { migrateDatabase } from '@ecom/db';
import { createAppLogger } from './logging/logger';
import { startMetricsServer, type MetricsServer } from './metrics/metrics-server';
import { pipelineMetrics } from './metrics/pipeline-metrics';
import { StageRuntime } from './stage-runtime';

export type AppModuleFactory = (config: AppConfig) => DynamicModule;

let preparedLogger: LoggerService | undefined;

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

/** Loads config, creates the database if missing and applies migrations; exits with a clear message on bad config. */
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
  await migrateDatabase(config.databaseUrl, (line) => logger.log(line));
  return config;
}

/**
 * A stage worker: a Nest application context (no HTTP) whose processor consumes its queue.
 * `logger`: true logs through pino (createAppLogger), false is silent (tests, in-process), or
 * any Nest LoggerService.
 */
export async function createWorkerContext(
  factory: AppModuleFactory,
  config: AppConfig,
  logger: boolean | LoggerService = true,
): Promise<INestApplicationContext> {
  const app = await NestFactory.createApplicationContext(factory(config), {
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
 * and the depth of every stage queue (so any one worker shows the pipeline's backlog).
 */
export async function serveWorkerMetrics(app: INestApplicationContext, port: number, host: string): Promise<MetricsServer> {
  const metrics = pipelineMetrics();
  const runtime = app.get(StageRuntime);
  const unwatch = metrics.watchQueues(STAGES.map((stage) => runtime.queue(stage)));
  try {
    const server = await startMetricsServer(metrics, port, host);
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

/** main.ts of every stage app. */
export async function bootstrapWorker(name: string, factory: AppModuleFactory): Promise<void> {
  try {
    const config = await prepare(name);
    const port = workerMetricsPort(config, name);
    const app = await createWorkerContext(factory, config);
    const metrics = await serveWorkerMetrics(app, port, config.metrics.host);
    new Logger(name).log(`worker ready (queue prefix ${config.queuePrefix}, metrics on ${metrics.host}:${metrics.port}/metrics)`);
  } catch (error) {
    process.stderr.write(`${name}: failed to start: ${redactSecrets((error as Error).message)}\n`);
    process.exit(1);
  }
}
