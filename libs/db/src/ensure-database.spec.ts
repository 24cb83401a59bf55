import { Client } from 'pg';
import { dropDatabase, ensureDatabase } from './database';

const PG_BASE = process.env.TEST_DATABASE_BASE_URL ?? 'postgres://postgres@127.0.0.1:5432';

async function databaseExists(name: string): Promise<boolean> {
  const client = new Client({ connectionString: `${PG_BASE}/postgres` });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    return found.rowCount === 1;
  } finally {
    await client.end();
  }
}

describe('ensureDatabase: many apps starting at once on a missing database', () => {
  const names = [1, 2, 3, 4, 5].map((round) => `ecom_test_create_race_${process.pid}_${round}`);

  afterAll(async () => {
    for (const name of names) await dropDatabase(`${PG_BASE}/${name}`);
  });

  // Seven apps start at once under `npm start`; each round races eight creators on a fresh name.
  // Unhandled, most losers fail with 23505 rather than 42P04, so five rounds catch either code.
  it.each(names)('lets eight concurrent creators of %s all succeed, and creates it once', async (name) => {
    const url = `${PG_BASE}/${name}`;
    await dropDatabase(url);
    const outcomes = await Promise.allSettled(Array.from({ length: 8 }, () => ensureDatabase(url)));
    expect(outcomes.filter((o) => o.status === 'rejected')).toEqual([]);
    expect(await databaseExists(name)).toBe(true);
  });

  it('leaves an existing database alone', async () => {
    const url = `${PG_BASE}/${names[0]}`;
    await ensureDatabase(url);
    await expect(ensureDatabase(url)).resolves.toBeUndefined();
  });
});
