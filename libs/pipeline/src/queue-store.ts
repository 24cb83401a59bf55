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
  type QueueBase,
} from 'bullmq';
import { Client } from 'pg';
import type { AppConfig, QueueBackend } from '@ecom/config';
import { clearQueuePrefix, redisConnectionOptions } from './redis';

/**
 * Pool sizes of the postgres queue backend, per process. PostgreSQL's max_connections (100 here)
 * is shared by every process of a pipeline, their own pools and every test suite running beside
 * them, so BullMQ's defaults (a pool of 10 per Queue and per Worker) are far too many: the queues
 * an app registers (six stages, four operations queues in the api) share one small pool, and each
 * worker, which also holds one LISTEN connection for as long as it runs, gets a pool of two (one
 * fetch and one job finishing at a time is what a concurrency-2 worker does). Idle connections go
 * after a few seconds, so an idle pipeline holds only its LISTEN connections. Measured in
 * docs/operations.md (Queue backends).
 */
export const QUEUE_POOL = { max: 3, idleTimeoutMillis: 5_000 } as const;
export const WORKER_POOL = { max: 2, idleTimeoutMillis: 5_000 } as const;

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
 * Errors that mean "no usable connection" rather than "this statement failed": SQLSTATE classes 08
 * (connection exception), 28 (authorization), 53 (insufficient resources: too many clients), 57P
 * (server shutting down or starting), 3D000 (database missing), and socket errors.
 */
function isConnectionFailure(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && /^(08|28|53|57P)/.test(code)) return true;
  if (code === '3D000' || code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'ETIMEDOUT' || code === 'EPIPE') return true;
  return typeof message === 'string' && /Connection terminated|timeout exceeded when trying to connect/.test(message);
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
  override async waitUntilReady(): Promise<void> {
    try {
      await super.waitUntilReady();
    } catch (error) {
      (this as unknown as { readyPromise?: Promise<void> }).readyPromise = undefined;
      throw error;
    }
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
 * One PostgreSQL connection (a small pool) per connection-options object for everything that does
 * not block: the Queue objects of one app share it, as they share one ioredis connection setup on
 * Redis. Closed by closeQueueConnection when the app stops.
 */
const sharedConnections = new WeakMap<object, PostgresConnection>();

function sharedConnection(options: PostgresPoolConfig): PostgresConnection {
  let connection = sharedConnections.get(options);
  if (!connection) {
    connection = new RecoveringPostgresConnection(options);
    // Errors of idle pooled clients (a restarted server) surface on the next query; never crash.
    connection.on('error', () => undefined);
    sharedConnections.set(options, connection);
  }
  return connection;
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
 * objects without a backend argument, so the default is the only way to reach them.
 *
 * - redis: ioredis options from redisUrl; keys under queuePrefix.
 * - postgres: the pipeline's own database (databaseUrl), schema queueSchemaName(queuePrefix),
 *   created and migrated by BullMQ on first use; BullMQ ignores the prefix there.
 */
export function queueConnection(config: Pick<AppConfig, 'queueBackend' | 'redisUrl' | 'databaseUrl' | 'queuePrefix'>): ConnectionOptions {
  if (config.queueBackend === 'postgres') {
    setDefaultBackendFactory(postgresBackend);
    const schema = queueSchemaName(config.queuePrefix);
    const options: PostgresPoolConfig = {
      connectionString: config.databaseUrl,
      schema,
      migrate: true,
      // Visible in pg_stat_activity beside the workers' `<schema>:<queue>` LISTEN connections.
      application_name: `${schema}:pool`,
      ...QUEUE_POOL,
    };
    return options as ConnectionOptions;
  }
  setDefaultBackendFactory(undefined);
  return redisConnectionOptions(config.redisUrl);
}

/** Closes the shared PostgreSQL connection of a queueConnection result (nothing to do on Redis). */
export async function closeQueueConnection(connection: ConnectionOptions): Promise<void> {
  const shared = sharedConnections.get(connection as object);
  if (!shared) return;
  sharedConnections.delete(connection as object);
  await shared.close();
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
