import { dropDatabase, migrateDatabase, pendingMigrations } from '@ecom/db';
import { createTestEnv, waitFor, type TestEnv } from '@ecom/testing';
import { ensureSchema } from './bootstrap';

describe('ensureSchema: an app migrates at start, or waits for the schema another process applies', () => {
  let env: TestEnv;
  const databases: string[] = [];

  /** A database of this suite that does not exist yet. */
  function freshDatabase(name: string): string {
    const url = new URL(env.config.databaseUrl);
    url.pathname = `${url.pathname}_${name}`;
    databases.push(url.toString());
    return url.toString();
  }

  beforeAll(async () => {
    env = await createTestEnv('pipeline_bootstrap');
  });
  afterAll(async () => {
    for (const url of databases) await dropDatabase(url);
    await env.teardown();
  });

  it('creates and migrates the database itself when migrateOnStart is true (npm start, tests)', async () => {
    const databaseUrl = freshDatabase('migrates');
    const lines: string[] = [];
    await ensureSchema({ ...env.config, databaseUrl, migrateOnStart: true }, { log: (line) => lines.push(line), warn: (line) => lines.push(line) });
    expect(await pendingMigrations(databaseUrl)).toEqual([]);
    expect(lines.filter((line) => line.startsWith('applied migration')).length).toBeGreaterThan(10);
  });

  it('applies nothing when migrateOnStart is false, and returns once another process has migrated', async () => {
    const databaseUrl = freshDatabase('waits');
    const warnings: string[] = [];
    let done = false;
    const waiting = ensureSchema({ ...env.config, databaseUrl, migrateOnStart: false }, { log: () => undefined, warn: (line) => warnings.push(line) }).then(() => {
      done = true;
    });
    await waitFor(async () => (warnings.length >= 2 ? true : undefined), 'two rounds of waiting for the schema');
    expect(done).toBe(false);
    expect(warnings[0]).toMatch(/^waiting for the schema in PostgreSQL at .*: \d+ migration\(s\) not applied yet, from 0001_/);
    // It did not even create the database: that is the migrate service's job too.
    const name = decodeURIComponent(new URL(databaseUrl).pathname.slice(1));
    expect((await env.pool.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount).toBe(0);
    await migrateDatabase(databaseUrl);
    await waiting;
    expect(done).toBe(true);
  }, 60_000);
});
