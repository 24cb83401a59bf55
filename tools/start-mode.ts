import { relative, isAbsolute } from 'node:path';
import { Client } from 'pg';
import { Redis } from 'ioredis';
import { QUEUE_BACKENDS, SHIPPED_DATABASE_URL, SHIPPED_REDIS_URL, repoRoot, type QueueBackend } from '@ecom/config';

/** What a probe of a default address found. */
export type Probe = { up: true } | { up: false; absent: boolean; reason: string };

export interface Probes {
  /** Can the app use PostgreSQL at this URL (a real connection, short timeout)? */
  postgres(url: string): Promise<Probe>;
  /** Does Redis at this URL answer PING? */
  redis(url: string): Promise<Probe>;
}

/** The backend a config that names none gets: a config still saying this left the choice to `npm start`. */
export const SHIPPED_QUEUE_BACKEND: QueueBackend = 'redis';

/** What the resolution reads: the environment and the loaded config (file and environment merged). */
export interface StartModeInputs {
  env: Partial<Record<'DATABASE_URL' | 'REDIS_URL' | 'QUEUE_BACKEND' | 'EMBEDDED', string>>;
  config: {
    databaseUrl: string;
    redisUrl: string;
    queueBackend: string;
    embedded: { mode: 'auto' | 'off'; dataDir: string; port: number };
  };
}

export type DatabaseChoice =
  /** Named by the user (DATABASE_URL, a changed databaseUrl, or embedded off): used as it is, never replaced. */
  | { kind: 'given'; url: string; origin: string }
  /** Nothing named and the shipped default answered. */
  | { kind: 'default'; url: string }
  /** Nothing named and nothing usable at the default: the embedded PostgreSQL in dataDir. */
  | { kind: 'embedded'; dataDir: string; port: number; database: string; why: string };

export interface QueueChoice {
  backend: QueueBackend;
  /** For redis: the URL the children get. */
  redisUrl?: string;
  /** Why this backend, for the start-up line. */
  origin: string;
  /** True when the user named it (or a Redis): the launcher then checks it answers rather than trusting it. */
  given: boolean;
}

export interface StartMode {
  database: DatabaseChoice;
  queues: QueueChoice;
  /** The one plain line `npm start` prints: the mode and where the data lives. */
  line: string;
}

export class StartModeError extends Error {
  override name = 'StartModeError';
}

/** host:port/database of a postgres:// URL, without user or password (they do not belong in logs). */
export function describePostgres(url: string): string {
  const parsed = new URL(url);
  return `${parsed.hostname}:${parsed.port || '5432'}${parsed.pathname}`;
}

export function describeRedis(url: string): string {
  const parsed = new URL(url);
  return `${parsed.hostname}:${parsed.port || '6379'}${parsed.pathname.length > 1 ? parsed.pathname : ''}`;
}

/** A path as the user would type it: relative to the repo when inside it. */
export function displayPath(path: string): string {
  const inside = relative(repoRoot(), path);
  return inside && !inside.startsWith('..') && !isAbsolute(inside) ? inside : path;
}

/**
 * Decides where `npm start` (and the tools that share its database) keep the data and the queues.
 * Nothing is guessed where the user said something: DATABASE_URL, a databaseUrl other than the
 * shipped one, or embedded mode off names the database exactly; QUEUE_BACKEND (or a queueBackend
 * other than the shipped one) names the queues; REDIS_URL (or a changed redisUrl) means Redis.
 * Only what is left open is probed, in that order, and only the probes needed are made.
 */
export async function resolveStartMode(inputs: StartModeInputs, probes: Probes): Promise<StartMode> {
  const { env, config } = inputs;
  const database = await resolveDatabase(inputs, probes);
  const queues = await resolveQueues(env, config, probes);
  return { database, queues, line: `${databaseLine(database)}; ${queuesLine(queues)}` };
}

async function resolveDatabase({ env, config }: StartModeInputs, probes: Probes): Promise<DatabaseChoice> {
  if (env.DATABASE_URL) return { kind: 'given', url: env.DATABASE_URL, origin: 'DATABASE_URL' };
  if (config.databaseUrl !== SHIPPED_DATABASE_URL) return { kind: 'given', url: config.databaseUrl, origin: 'databaseUrl in the config file' };
  if (config.embedded.mode === 'off') {
    return { kind: 'given', url: config.databaseUrl, origin: env.EMBEDDED ? `EMBEDDED=${env.EMBEDDED}` : 'embedded.mode off in the config file' };
  }
  const probe = await probes.postgres(adminUrl(config.databaseUrl));
  if (probe.up) return { kind: 'default', url: config.databaseUrl };
  const where = describePostgres(config.databaseUrl).replace(/\/.*$/, '');
  return {
    kind: 'embedded',
    dataDir: config.embedded.dataDir,
    port: config.embedded.port,
    database: new URL(config.databaseUrl).pathname.slice(1),
    why: probe.absent ? `no PostgreSQL at ${where}` : `PostgreSQL at ${where} refused ${SHIPPED_DATABASE_URL} (${probe.reason})`,
  };
}

async function resolveQueues(env: StartModeInputs['env'], config: StartModeInputs['config'], probes: Probes): Promise<QueueChoice> {
  const named = env.QUEUE_BACKEND || (config.queueBackend !== SHIPPED_QUEUE_BACKEND ? config.queueBackend : undefined);
  if (named) {
    if (!QUEUE_BACKENDS.includes(named as QueueBackend)) {
      throw new StartModeError(`QUEUE_BACKEND must be one of ${QUEUE_BACKENDS.join(', ')}, got '${named}'`);
    }
    const origin = env.QUEUE_BACKEND ? `QUEUE_BACKEND=${named}` : `queueBackend: ${named} in the config file`;
    return named === 'redis' ? { backend: 'redis', redisUrl: env.REDIS_URL || config.redisUrl, origin, given: true } : { backend: 'postgres', origin, given: true };
  }
  if (env.REDIS_URL) return { backend: 'redis', redisUrl: env.REDIS_URL, origin: 'REDIS_URL', given: true };
  if (config.redisUrl !== SHIPPED_REDIS_URL) return { backend: 'redis', redisUrl: config.redisUrl, origin: 'redisUrl in the config file', given: true };
  const probe = await probes.redis(config.redisUrl);
  if (probe.up) return { backend: 'redis', redisUrl: config.redisUrl, origin: 'found', given: false };
  return { backend: 'postgres', origin: `no Redis at ${describeRedis(config.redisUrl)}`, given: false };
}

function databaseLine(database: DatabaseChoice): string {
  switch (database.kind) {
    case 'given':
      return `PostgreSQL at ${describePostgres(database.url)} (${database.origin})`;
    case 'default':
      return `PostgreSQL at ${describePostgres(database.url)}`;
    case 'embedded':
      return `${database.why} and DATABASE_URL unset: starting embedded PostgreSQL 18 in ${displayPath(database.dataDir)} (port ${database.port})`;
  }
}

function queuesLine(queues: QueueChoice): string {
  if (queues.backend === 'postgres') {
    const why = queues.given ? queues.origin : `${queues.origin}: QUEUE_BACKEND=postgres`;
    return `queues on PostgreSQL in the same database (${why})`;
  }
  return `queues on Redis at ${describeRedis(queues.redisUrl!)}${queues.origin === 'found' ? '' : ` (${queues.origin})`}`;
}

/** The same server's maintenance database: the probe must not depend on the app database existing yet. */
export function adminUrl(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  url.pathname = '/postgres';
  return url.toString();
}

/** Errors that mean nothing is listening there, as opposed to a server that answered and said no. */
const ABSENT_CODES = new Set(['ECONNREFUSED', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL', 'ENOTFOUND']);

function probeFailure(error: unknown): Probe {
  const err = error as { code?: string; message?: string };
  const message = err.message ?? String(error);
  const absent = ABSENT_CODES.has(err.code ?? '') || /timeout|timed out|ECONNREFUSED|ENOTFOUND/i.test(message);
  return { up: false, absent, reason: message };
}

/** The real probes: one connection each, given up on after timeoutMs. */
export function liveProbes(timeoutMs = 1500): Probes {
  return {
    async postgres(url) {
      const client = new Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
      client.on('error', () => undefined);
      try {
        await client.connect();
        await client.query('SELECT 1');
        return { up: true };
      } catch (error) {
        return probeFailure(error);
      } finally {
        await client.end().catch(() => undefined);
      }
    },
    async redis(url) {
      let lastError: unknown;
      const redis = new Redis(url, {
        lazyConnect: true,
        connectTimeout: timeoutMs,
        maxRetriesPerRequest: 0,
        enableOfflineQueue: false,
        retryStrategy: () => null,
      });
      // The rejection only says "Connection is closed"; the event says why (ECONNREFUSED, ...).
      redis.on('error', (error) => (lastError = error));
      try {
        await redis.connect();
        await redis.ping();
        return { up: true };
      } catch (error) {
        return probeFailure(lastError ?? error);
      } finally {
        redis.disconnect();
      }
    },
  };
}
