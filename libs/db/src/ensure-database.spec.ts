import { Client } from 'pg';
import { collationNotice, dropDatabase, ensureDatabase } from './database';

const PG_BASE = process.env.TEST_DATABASE_BASE_URL ?? 'postgres://postgres@127.0.0.1:5432';

async function admin<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: `${PG_BASE}/postgres` });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function databaseExists(name: string): Promise<boolean> {
  return admin(async (client) => (await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 1);
}

describe('ensureDatabase: the database the app creates when it is missing', () => {
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

  it("creates it in collation C, with the server's character classes and encoding", async () => {
    const url = `${PG_BASE}/${names[1]}`;
    await dropDatabase(url);
    await ensureDatabase(url);
    const [made, template] = await admin(async (client) => {
      const sql = 'SELECT datcollate, datctype, pg_encoding_to_char(encoding) AS encoding FROM pg_database WHERE datname = $1';
      return [(await client.query(sql, [names[1]])).rows[0], (await client.query(sql, ['template0'])).rows[0]];
    });
    expect(made).toEqual({ datcollate: 'C', datctype: template.datctype, encoding: template.encoding });
    expect(await ensureDatabase(url)).toEqual({ collation: 'C', provider: 'c' });
  });

  it('leaves an existing database alone, whatever its collation', async () => {
    const name = names[0];
    const url = `${PG_BASE}/${name}`;
    await dropDatabase(url);
    await admin((client) => client.query(`CREATE DATABASE ${name} TEMPLATE template0 LC_COLLATE 'C.UTF-8'`));
    await ensureDatabase(url);
    await expect(ensureDatabase(url)).resolves.toEqual({ collation: 'C.UTF-8', provider: 'c' });
    const collation = await admin(async (client) => (await client.query('SELECT datcollate FROM pg_database WHERE datname = $1', [name])).rows[0]);
    expect(collation).toEqual({ datcollate: 'C.UTF-8' });
  });
});

describe('collationNotice: a database that sorts text through a libc locale', () => {
  it('says so, naming the database, its collation and where the docs say why', () => {
    expect(collationNotice('ecom', { collation: 'en_US.UTF-8', provider: 'c' })).toBe(
      'database ecom compares text in collation en_US.UTF-8: its sorts and index builds of text keys take ~10 % longer at 1M orders ' +
        'than in "C", which the app uses for a database it creates (docs/operations.md, "The database\'s collation")',
    );
    // Before PostgreSQL 15 there is no provider column: every collation is libc's.
    expect(collationNotice('ecom', { collation: 'de_DE.utf8', provider: null })).toContain('collation de_DE.utf8');
  });

  it('stays quiet for code-point collations and for the builtin provider', () => {
    for (const collation of ['C', 'POSIX', 'C.UTF-8', 'C.utf8']) expect(collationNotice('ecom', { collation, provider: 'c' })).toBeNull();
    // PostgreSQL 17+'s builtin C.UTF-8 (the embedded server's) compares by code point whatever datcollate says.
    expect(collationNotice('ecom', { collation: 'en_US.UTF-8', provider: 'b' })).toBeNull();
  });
});
