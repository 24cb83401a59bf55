import { createHash } from 'node:crypto';
import {
  ConnectionClosedError,
  PostgresConnection,
  PostgresQueueBackend,
  RedisQueueBackend,
  setDefaultBackendFactory,
  type BackendFactory,
  type ConnectionOptions,
  type PostgresPoolConfig,
  type Processor,
  type QueueBase,
  Worker,
  type WorkerOptions,
} from 'bullmq';
import { Logger } from '@nestjs/common';
import { Client } from 'pg';
import type { AppConfig, QueueBackend } from '@ecom/config';
import { isTransientDatabaseError } from '@ecom/db';
import { clearQueuePrefix, redisConnectionOptions } from './redis';

/**
 * Pool sizes of the postgres queue backend. PostgreSQL's max_connections (100 by default) is
 * shared by every process of a pipeline, the apps' own pools and every test suite running beside
 * them, so BullMQ's defaults (a pool of 10 per Queue and per Worker object) are far too many: the
 * queues of a process (six stages, four operations queues in the api; seven apps in the in-process
 * launcher) share one pool of 3, and each worker, which also holds its LISTEN connection for as
 * long as it runs, gets a pool of 1. A worker waits for jobs on LISTEN, not on the pool, and its
 * statements (fetch, finish, extend locks) take milliseconds beside jobs that take seconds, so one
 * is enough (BullMQ supports 1: the LISTEN connection is separate). Idle connections go after 5 s.
 * Measured in docs/operations.md (Queue backends).
 */
export const QUEUE_POOL = { max: 3, idleTimeoutMillis: 5_000 } as const;
export const WORKER_POOL = { max: 1, idleTimeoutMillis: 5_000 } as const;

/**
 * PostgreSQL truncates application_name to 63 bytes, and a worker's LISTEN connection is named
 * `<schema>:<queue>` (plus `:qe` for queue events): 48 leaves room for the longest queue name.
 */
const MAX_SCHEMA_LENGTH = 48;

/**
 * The schema that holds a pipeline's queues on the postgres backend: `bullmq_` and the queue
 * prefix lowercased, every character other than a letter, digit or `_` turned into `_`
 * (`ecom` -> `bullmq_ecom`, `test-api_health-123` -> `bullmq_test_api_health_123`). A name that
 * would be too long keeps its start and ends in a hash of the whole prefix.
 */
export function queueSchemaName(queuePrefix: string): string {
  const name = `bullmq_${queuePrefix.toLowerCase().replace(/[^a-z0-9_]/g, '_')}`;
  if (name.length <= MAX_SCHEMA_LENGTH) return name;
  const hash = createHash('sha256').update(queuePrefix).digest('hex').slice(0, 8);
  return `${name.slice(0, MAX_SCHEMA_LENGTH - hash.length - 1)}_${hash}`;
}

/**
 * Errors that mean "no usable connection" rather than "this statement failed": what the stages
 * retry as a server that was away (isTransientDatabaseError), plus what no retry of a statement
 * fixes but a worker should wait out rather than spin on: SQLSTATE class 28 (authorization), all
 * of class 53 (insufficient resources) and 3D000 (database missing).
 */
function isConnectionFailure(error: unknown): boolean {
  if (isTransientDatabaseError(error)) return true;
  const { code } = (error ?? {}) as { code?: unknown };
  return typeof code === 'string' && (/^(28|53)/.test(code) || code === '3D000');
}

/**
 * BullMQ's worker retries a fetch that failed for want of a connection after runRetryDelay, but
 * retries any other error at once. It recognises connection errors by Redis's wording, so without
 * this a worker facing "too many clients" or a restarting server would spin, hammering a
 * PostgreSQL that is already short of connections.
 */
async function asConnectionError<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isConnectionFailure(error)) throw new ConnectionClosedError((error as Error).message, error);
    throw error;
  }
}

/**
 * BullMQ memoises a connection's first readiness check, failure included: a worker started while
 * the server refused connections would fail forever. Forgetting a failed check lets it recover.
 */
class RecoveringPostgresConnection extends PostgresConnection {
  /** Whether the server ever accepted this connection (see QueueStoreWorker). */
  everReady = false;

  constructor(...args: ConstructorParameters<typeof PostgresConnection>) {
    super(...args);
    // BullMQ guards the pool's idle clients only: a client checked out for a statement (a fetch,
    // a lock renewal) whose server goes away emits 'error' with no listener, which kills the
    // process. The statement still fails with the error, and pg-pool discards the client on
    // release (createPool in libs/db does the same for the apps' pools).
    this.pool.on('connect', (client) => {
      client.on('error', () => undefined);
    });
  }

  override async waitUntilReady(): Promise<void> {
    try {
      await super.waitUntilReady();
      this.everReady = true;
    } catch (error) {
      (this as unknown as { readyPromise?: Promise<void> }).readyPromise = undefined;
      throw error;
    }
  }
}

/** A backend whose store never answered: its worker cannot hold a job. */
function neverConnected(backend: unknown): boolean {
  if (backend instanceof RedisQueueBackend) {
    return [backend.connection, backend.blockingConnection].some((connection) => connection?.status === 'initializing');
  }
  if (backend instanceof PostgresQueueBackend) {
    return backend.connection instanceof RecoveringPostgresConnection && !backend.connection.everReady;
  }
  return false;
}

/** At most one warning per worker in this long about its queue store's errors. */
export const STORE_ERROR_LOG_MS = 30_000;

/**
 * The Worker every app uses (PipelineModule sets it as @nestjs/bullmq's worker class). A graceful
 * close waits for the job in hand; bullmq 6 also waits for the blocking Redis connection to
 * disconnect, which never happens when Redis never answered, so an app started without its
 * queue store could not stop (bullmq 5 could). A worker whose store never answered holds no job,
 * so closing it at once loses nothing; every other close stays graceful. On PostgreSQL it also
 * skips the wait for the fetch retry delay (runRetryDelay, 15 s), which a close does not cut short.
 */
export class QueueStoreWorker extends Worker {
  private readonly storeLog = new Logger('queue-store');
  private lastErrorLoggedAt = 0;
  private errorsSinceLogged = 0;

  constructor(name: string, processor?: string | URL | null | Processor, opts?: WorkerOptions) {
    super(name, processor, opts);
    // With no listener, bullmq prints each of these (a queue store restarting or away) as a raw
    // multi-line stack on stderr, outside the apps' log format, once per reconnection attempt.
    // The worker reconnects by itself; one warning line per STORE_ERROR_LOG_MS says so.
    this.on('error', (error) => this.logStoreError(error));
  }

  override async close(force = false): Promise<void> {
    return super.close(force || neverConnected(this.getBackend()));
  }

  private logStoreError(error: Error): void {
    const now = Date.now();
    if (now - this.lastErrorLoggedAt < STORE_ERROR_LOG_MS) {
      this.errorsSinceLogged++;
      return;
    }
    const more = this.errorsSinceLogged > 0 ? ` (${this.errorsSinceLogged} more since the last such line)` : '';
    this.storeLog.warn(`worker of queue ${this.name}: ${error.message}${more}; it goes on once its queue store answers`);
    this.lastErrorLoggedAt = now;
    this.errorsSinceLogged = 0;
  }
}

/**
 * PostgreSQL finds a queue's workers by the application_name of their LISTEN connections, in the
 * whole database. BullMQ names them after the bare queue name, so two pipelines (or test suites)
 * sharing a database with different prefixes would count each other's workers; naming them
 * `<schema>:<queue>` keeps worker discovery inside one schema, as the prefix does on Redis.
 */
class SchemaScopedPostgresBackend extends PostgresQueueBackend {
  override clientName(suffix = ''): string {
    return `${this.connection.schema}:${super.clientName(suffix)}`;
  }

  override moveToActive(...args: Parameters<PostgresQueueBackend['moveToActive']>): ReturnType<PostgresQueueBackend['moveToActive']> {
    return asConnectionError(() => super.moveToActive(...args));
  }

  override waitForJob(...args: Parameters<PostgresQueueBackend['waitForJob']>): ReturnType<PostgresQueueBackend['waitForJob']> {
    return asConnectionError(() => super.waitForJob(...args));
  }
}

/**
 * One PostgreSQL connection (a small pool) per process and queue schema for everything that does
 * not block: the Queue objects of every app in the process share it (the in-process launcher runs
 * seven apps in one process), as they share one ioredis setup on Redis. queueConnection hands out
 * the same options object for the same database and schema and counts its users; the last
 * closeQueueConnection closes the pool.
 */
interface SharedStore {
  options: PostgresPoolConfig;
  users: number;
  connection?: PostgresConnection;
}
const storesByKey = new Map<string, SharedStore>();
const storesByOptions = new WeakMap<object, SharedStore>();

function sharedConnection(options: PostgresPoolConfig): PostgresConnection {
  let store = storesByOptions.get(options);
  if (!store) {
    // Options that did not come from queueConnection (a caller's own): a pool of their own.
    store = { options, users: 1 };
    storesByOptions.set(options, store);
  }
  if (!store.connection) {
    store.connection = new RecoveringPostgresConnection(options);
    // Errors of idle pooled clients (a restarted server) surface on the next query; never crash.
    store.connection.on('error', () => undefined);
  }
  return store.connection;
}

const postgresBackend: BackendFactory<PostgresQueueBackend, PostgresPoolConfig> = (name, opts, factoryOptions = {}) => {
  if (!factoryOptions.withBlockingConnection && !factoryOptions.blocking) {
    return new SchemaScopedPostgresBackend(sharedConnection(opts.connection), name, opts, false);
  }
  // A worker (or queue events) owns its connection: its LISTEN client carries its name.
  const connection = new RecoveringPostgresConnection({ ...opts.connection, ...WORKER_POOL });
  const workerName = (opts as { name?: string }).name;
  const suffix = factoryOptions.withBlockingConnection ? (workerName ? `:w:${workerName}` : '') : ':qe';
  return new SchemaScopedPostgresBackend(connection, name, opts, true, `${connection.schema}:${name}${suffix}`);
};

/**
 * The one place that decides where BullMQ keeps this process's queues. Returns the `connection`
 * for every Queue and Worker of the config (BullModule.forRoot, tools, specs) and makes BullMQ's
 * process-wide default backend the configured one: @nestjs/bullmq builds its Queue and Worker
 * objects without a backend argument, so the default is the only way to reach them. Each call
 * should be matched by a closeQueueConnection once its queues are closed.
 *
 * - redis: ioredis options from redisUrl; keys under queuePrefix.
 * - postgres: the pipeline's own database (databaseUrl), schema queueSchemaName(queuePrefix),
 *   created and migrated by BullMQ on first use; BullMQ ignores the prefix there. The shared
 *   pool holds at most QUEUE_POOL.max connections, fewer when dbPoolMax is lower.
 */
export function queueConnection(
  config: Pick<AppConfig, 'queueBackend' | 'redisUrl' | 'databaseUrl' | 'queuePrefix'> & Partial<Pick<AppConfig, 'dbPoolMax'>>,
): ConnectionOptions {
  if (config.queueBackend === 'postgres') {
    setDefaultBackendFactory(postgresBackend);
    const schema = queueSchemaName(config.queuePrefix);
    const key = `${config.databaseUrl}\n${schema}`;
    let store = storesByKey.get(key);
    if (!store) {
      const options: PostgresPoolConfig = {
        connectionString: config.databaseUrl,
        schema,
        migrate: true,
        // Visible in pg_stat_activity beside the workers' `<schema>:<queue>` LISTEN connections.
        application_name: `${schema}:pool`,
        ...QUEUE_POOL,
        // DB_POOL_MAX caps every pool of the process; a worker's pool of 1 is already the floor.
        max: Math.min(QUEUE_POOL.max, config.dbPoolMax ?? QUEUE_POOL.max),
      };
      store = { options, users: 0 };
      storesByKey.set(key, store);
      storesByOptions.set(options, store);
    }
    store.users++;
    return store.options as ConnectionOptions;
  }
  setDefaultBackendFactory(undefined);
  return redisConnectionOptions(config.redisUrl);
}

/**
 * Gives back a queueConnection result: the last user of a PostgreSQL queue schema in this process
 * closes its shared pool (nothing to do on Redis, where each Queue closes its own connection).
 */
export async function closeQueueConnection(connection: ConnectionOptions): Promise<void> {
  const store = storesByOptions.get(connection as object);
  if (!store || --store.users > 0) return;
  for (const [key, candidate] of storesByKey) if (candidate === store) storesByKey.delete(key);
  storesByOptions.delete(connection as object);
  const open = store.connection;
  store.connection = undefined;
  await open?.close();
}

/** Where the queues are, for /health and monitoring: never a URL (it may hold a password). */
export function queueStoreLocation(config: Pick<AppConfig, 'queueBackend' | 'queuePrefix'>): Record<string, string> {
  return config.queueBackend === 'postgres'
    ? { backend: 'postgres', schema: queueSchemaName(config.queuePrefix) }
    : { backend: 'redis', prefix: config.queuePrefix };
}

/** Which backend a Queue or Worker object runs on. */
export function queueBackendOf(queue: QueueBase): QueueBackend {
  return queue.getBackend() instanceof PostgresQueueBackend ? 'postgres' : 'redis';
}

/**
 * One round trip to the store behind a queue, through that queue's own connection (the one that
 * has to work): PING on Redis, SELECT 1 on PostgreSQL. Resolves to the server's reply.
 */
export async function pingQueueStore(queue: QueueBase): Promise<string> {
  const backend: unknown = queue.getBackend();
  if (backend instanceof PostgresQueueBackend) {
    const { rows } = await backend.connection.pool.query<{ ok: number }>('SELECT 1 AS ok');
    return rows[0].ok === 1 ? 'SELECT 1' : 'unexpected reply';
  }
  if (backend instanceof RedisQueueBackend) {
    const client = (await backend.client) as unknown as { ping?: () => Promise<string> };
    if (typeof client.ping !== 'function') throw new Error('the Redis queue connection cannot PING');
    return client.ping();
  }
  throw new Error('the queue runs on an unknown BullMQ backend');
}

/**
 * Deletes every queue of a prefix (a finished test suite's or benchmark's): its keys on Redis, its
 * schema on PostgreSQL (nothing to do when the database itself is gone).
 */
export async function clearQueueStore(config: Pick<AppConfig, 'queueBackend' | 'redisUrl' | 'databaseUrl' | 'queuePrefix'>): Promise<void> {
  if (config.queueBackend !== 'postgres') {
    await clearQueuePrefix(config.redisUrl, config.queuePrefix);
    return;
  }
  const client = new Client({ connectionString: config.databaseUrl });
  try {
    await client.connect();
  } catch (error) {
    if ((error as { code?: string }).code === '3D000') return; // invalid_catalog_name: database dropped already
    throw error;
  }
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${queueSchemaName(config.queuePrefix)}" CASCADE`);
  } finally {
    await client.end();
  }
}
