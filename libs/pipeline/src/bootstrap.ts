import { Logger, type DynamicModule, type INestApplicationContext, type LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppConfig, ConfigError, loadConfig, type DeepPartial } from '@ecom/config';
import { migrateDatabase } from '@ecom/db';

export type AppModuleFactory = (config: AppConfig) => DynamicModule;

/** Loads config, creates the database if missing and applies migrations; exits with a clear message on bad config. */
export async function prepare(name: string, overrides?: DeepPartial<AppConfig>): Promise<AppConfig> {
  const logger = new Logger(name);
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
  await migrateDatabase(config.databaseUrl, (line) => logger.log(line));
  return config;
}

const LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];
const CONFIG_TO_NEST: Record<string, LogLevel | undefined> = {
  fatal: 'fatal',
  error: 'error',
  warn: 'warn',
  info: 'log',
  debug: 'debug',
  trace: 'verbose',
};

/** Nest logger levels for config.logLevel; `false` silences Nest entirely. */
export function nestLogLevels(config: AppConfig): LogLevel[] | false {
  const max = CONFIG_TO_NEST[config.logLevel];
  return max ? LEVELS.slice(0, LEVELS.indexOf(max) + 1) : false;
}

/** A stage worker: a Nest application context (no HTTP) whose processor consumes its queue. */
export async function createWorkerContext(factory: AppModuleFactory, config: AppConfig, logger = true): Promise<INestApplicationContext> {
  const app = await NestFactory.createApplicationContext(factory(config), {
    logger: logger ? nestLogLevels(config) : false,
  });
  app.enableShutdownHooks();
  return app;
}

/** main.ts of every stage app. */
export async function bootstrapWorker(name: string, factory: AppModuleFactory): Promise<void> {
  try {
    const config = await prepare(name);
    await createWorkerContext(factory, config);
    new Logger(name).log(`worker ready (queue prefix ${config.queuePrefix})`);
  } catch (error) {
    process.stderr.write(`${name}: failed to start: ${(error as Error).message}\n`);
    process.exit(1);
  }
}
