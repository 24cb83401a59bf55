import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { runner } from 'node-pg-migrate';
import { Client } from 'pg';
import { sqlDir } from '@ecom/config';
import { collationNotice, databaseNameOf, ensureDatabase } from './database';

/** SQLSTATEs that mean nothing was migrated yet: the database (3D000) or the ledger table (42P01) is missing. */
const NOTHING_MIGRATED_CODES: ReadonlySet<string> = new Set(['3D000', '42P01']);

/**
 * Creates the database if needed and applies pending migrations from sql/migrations.
 * node-pg-migrate takes an advisory lock, so apps starting together apply each migration once.
 */
export async function migrateDatabase(databaseUrl: string, log: (line: string) => void = () => undefined): Promise<string[]> {
  const notice = collationNotice(databaseNameOf(databaseUrl), await ensureDatabase(databaseUrl));
  if (notice) log(notice);
  // node-pg-migrate refuses, rather than waits, while another process holds its lock (apps
  // starting together, docker-compose replicas): wait for that process to finish instead.
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      return await applyPending(databaseUrl, log);
    } catch (error) {
      if (!/Another migration is already running/.test((error as Error).message) || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200 + Math.random() * 300));
    }
  }
}

async function applyPending(databaseUrl: string, log: (line: string) => void): Promise<string[]> {
  const applied = await runner({
    databaseUrl,
    dir: join(sqlDir(), 'migrations'),
    direction: 'up',
    migrationsTable: 'pgmigrations',
    migrationsSchema: 'public',
    checkOrder: true,
    singleTransaction: true,
    log: () => undefined,
    // Our files are numbered, not timestamped; node-pg-migrate orders them by name either way.
    // node-pg-migrate says so at error level (once per file and per pass, hundreds of lines on a
    // first start), though it is no error for us.
    logger: { debug: () => undefined, info: () => undefined, warn: (m: string) => quietTimestampWarning(m, log), error: (m: string) => quietTimestampWarning(m, log) },
  });
  for (const migration of applied) log(`applied migration ${migration.name}`);
  return applied.map((m) => m.name);
}

function quietTimestampWarning(message: string, log: (line: string) => void): void {
  if (!/Can't determine timestamp/.test(message)) log(message);
}

/** The migrations this code knows, by the names node-pg-migrate records (file name without extension). */
export function knownMigrations(): string[] {
  return readdirSync(join(sqlDir(), 'migrations'))
    .filter((file) => !file.startsWith('.'))
    .sort()
    .map((file) => file.replace(/\.[^.]+$/, ''));
}

/**
 * The known migrations the database has not applied, oldest first; all of them when the database
 * or its migrations table is missing. Applies nothing: for processes that leave migrating to
 * another one (migrateOnStart false). Connection errors are thrown as they are.
 */
export async function pendingMigrations(databaseUrl: string): Promise<string[]> {
  const known = knownMigrations();
  const client = new Client({ connectionString: databaseUrl });
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    if (NOTHING_MIGRATED_CODES.has((error as { code?: string }).code ?? '')) return known;
    throw error;
  }
  try {
    const { rows } = await client.query<{ name: string }>('SELECT name FROM public.pgmigrations');
    const applied = new Set(rows.map((row) => row.name));
    return known.filter((name) => !applied.has(name));
  } catch (error) {
    if (NOTHING_MIGRATED_CODES.has((error as { code?: string }).code ?? '')) return known;
    throw error;
  } finally {
    await client.end();
  }
}
