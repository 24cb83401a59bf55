import { join } from 'node:path';
import { runner } from 'node-pg-migrate';
import { sqlDir } from '@ecom/config';
import { ensureDatabase } from './database';

/**
 * Creates the database if needed and applies pending migrations from sql/migrations.
 * node-pg-migrate takes an advisory lock, so apps starting together apply each migration once.
 */
export async function migrateDatabase(databaseUrl: string, log: (line: string) => void = () => undefined): Promise<string[]> {
  await ensureDatabase(databaseUrl);
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
