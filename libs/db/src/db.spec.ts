import { Readable } from 'node:stream';
import { createTestEnv, waitFor, type TestEnv } from '@ecom/testing';
import { copyRows, copyTextRow } from './copy';
import { knownMigrations, migrateDatabase, pendingMigrations } from './migrate';
import { renderSqlFile, runRenderedSqlFile, runSqlFile, withPlanSettings } from './sql-files';
import { Client, type PoolClient } from 'pg';
import { dropDatabase, ensureDatabase, withTransaction } from './database';

describe('db: migrations, COPY and transactions on the real PostgreSQL', () => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await createTestEnv('db_lib');
  });
  afterAll(async () => {
    await env.teardown();
  });

  it('creates the four schemas and applies nothing twice', async () => {
    const { rows } = await env.pool.query<{ schema_name: string }>(
      "SELECT schema_name FROM information_schema.schemata WHERE schema_name IN ('ops','staging','production','warehouse') ORDER BY 1",
    );
    expect(rows.map((r) => r.schema_name)).toEqual(['ops', 'production', 'staging', 'warehouse']);
    expect(await migrateDatabase(env.config.databaseUrl)).toEqual([]);
  });

  it('logs each migration it applies on a new database, and nothing about numbered file names', async () => {
    const url = new URL(env.config.databaseUrl);
    url.pathname = `${url.pathname}_fresh`;
    const lines: string[] = [];
    try {
      const applied = await migrateDatabase(url.toString(), (line) => lines.push(line));
      expect(applied.length).toBeGreaterThan(10);
      expect(lines).toEqual(applied.map((name) => `applied migration ${name}`));
    } finally {
      await dropDatabase(url.toString());
    }
  });

  it('says which migrations a database lacks without applying any: all on a missing database, none once migrated', async () => {
    const url = new URL(env.config.databaseUrl);
    url.pathname = `${url.pathname}_pending`;
    const known = knownMigrations();
    expect(known.length).toBeGreaterThan(10);
    expect(known[0]).toMatch(/^0001_/);
    try {
      expect(await pendingMigrations(url.toString())).toEqual(known);
      await ensureDatabase(url.toString());
      expect(await pendingMigrations(url.toString())).toEqual(known);
      expect(await migrateDatabase(url.toString())).toEqual(known);
      expect(await pendingMigrations(url.toString())).toEqual([]);
      const last = known[known.length - 1];
      const admin = new Client({ connectionString: url.toString() });
      await admin.connect();
      try {
        await admin.query('DELETE FROM public.pgmigrations WHERE name = $1', [last]);
      } finally {
        await admin.end();
      }
      expect(await pendingMigrations(url.toString())).toEqual([last]);
    } finally {
      await dropDatabase(url.toString());
    }
  });

  it('lets several apps migrate at once: the ones that find the lock taken wait for it', async () => {
    const results = await Promise.all([1, 2, 3, 4, 5, 6].map(() => migrateDatabase(env.config.databaseUrl)));
    expect(results).toEqual([[], [], [], [], [], []]);
  });

  it('escapes COPY text values so tabs, newlines, backslashes and NULL survive', () => {
    expect(copyTextRow(['a\tb', 'line1\nline2', 'back\\slash', null, ''])).toBe('a\\tb\tline1\\nline2\tback\\\\slash\t\\N\t\n');
  });

  it('streams rows through COPY byte-exact', async () => {
    const values = ['plain', 'comma, "quoted"', 'tab\there', 'new\nline', 'emoji 🛒 and accents é ñ', 'back\\slash', '日本語'];
    await withTransaction(env.pool, async (client) => {
      const copied = await copyRows(
        client,
        'staging.customers (customer_id, first_name, run_id, source_file, source_line)',
        Readable.from(values.map((v, i) => [`C${i}`, v, 'copy-run', 'customers.csv', String(i + 2)])),
      );
      expect(copied).toBe(values.length);
    });
    const { rows } = await env.pool.query<{ first_name: string }>(
      "SELECT first_name FROM staging.customers WHERE run_id = 'copy-run' ORDER BY source_line",
    );
    expect(rows.map((r) => r.first_name)).toEqual(values);
  });

  it('rolls back everything a failed transaction wrote', async () => {
    await expect(
      withTransaction(env.pool, async (client) => {
        await client.query("INSERT INTO staging.products (product_id, run_id, source_file, source_line) VALUES ('P1', 'tx-run', 'p.csv', 2)");
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const { rows } = await env.pool.query("SELECT count(*)::int AS n FROM staging.products WHERE run_id = 'tx-run'");
    expect(rows[0].n).toBe(0);
  });

  it('holds what a hold takes from before BEGIN until after the COMMIT or ROLLBACK', async () => {
    const heldBy = async (pid: number) =>
      Number((await env.pool.query("SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND objid = 4242 AND pid = $1", [pid])).rows[0].n);
    const events: string[] = [];
    let pid = 0;
    let takenAt = '';
    const hold = {
      take: async (client: PoolClient) => {
        await client.query('SELECT pg_advisory_lock_shared(4242, 4242)');
        takenAt = (await client.query<{ t: string }>('SELECT clock_timestamp()::text AS t')).rows[0].t;
        events.push('take');
      },
      release: async (client: PoolClient) => {
        // A statement outside a transaction starts its own: now() is its start.
        const outside = (await client.query<{ outside: boolean }>('SELECT now() = statement_timestamp() AS outside')).rows[0].outside;
        events.push(`release, outside a transaction: ${outside}`);
        await client.query('SELECT pg_advisory_unlock_shared(4242, 4242)');
      },
    };
    for (const fails of [false, true]) {
      const done = withTransaction(
        env.pool,
        async (client) => {
          pid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
          const started = (await client.query<{ t: string }>('SELECT now()::text AS t')).rows[0].t;
          events.push(`work: begun after the take ${started > takenAt}, held ${await heldBy(pid)}`);
          if (fails) throw new Error('boom');
        },
        hold,
      );
      if (fails) await expect(done).rejects.toThrow('boom');
      else await done;
      expect(await heldBy(pid)).toBe(0);
    }
    expect(events).toEqual([
      'take', 'work: begun after the take true, held 1', 'release, outside a transaction: true',
      'take', 'work: begun after the take true, held 1', 'release, outside a transaction: true',
    ]);
  });

  it('destroys a connection whose hold it cannot release, and keeps what the transaction committed', async () => {
    let pid = 0;
    const result = await withTransaction(
      env.pool,
      async (client) => {
        pid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
        await client.query("INSERT INTO staging.products (product_id, run_id, source_file, source_line) VALUES ('P1', 'hold-run', 'p.csv', 2)");
        return 'committed';
      },
      {
        take: async (client) => void (await client.query('SELECT pg_advisory_lock_shared(4343, 4343)')),
        release: async () => {
          throw new Error('release failed');
        },
      },
    );
    expect(result).toBe('committed');
    expect((await env.pool.query("SELECT count(*)::int AS n FROM staging.products WHERE run_id = 'hold-run'")).rows[0].n).toBe(1);
    // The lock went with its connection, which the pool no longer hands out.
    await waitFor(
      async () => (await env.pool.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [pid])).rowCount === 0 || undefined,
      'the held connection to close',
    );
    expect((await env.pool.query("SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND objid = 4343")).rows[0].n).toBe(0);
  });

  it('casts raw text safely: bad values become NULL instead of errors', async () => {
    const { rows } = await env.pool.query(
      `SELECT ops.safe_numeric(' 12.50 ') AS n1, ops.safe_numeric('12,5') AS n2, ops.safe_int('3') AS i1, ops.safe_int('3.5') AS i2,
              ops.safe_date('2024-02-29')::text AS d1, ops.safe_date('2023-02-29') AS d2, ops.safe_date('2024-13-01') AS d3,
              ops.safe_time('23:59:59')::text AS t1, ops.safe_time('24:00:00') AS t2`,
    );
    expect(rows[0]).toEqual({ n1: '12.50', n2: null, i1: 3, i2: null, d1: '2024-02-29', d2: null, d3: null, t1: '23:59:59', t2: null });
  });

  it('names the sql file in an error from it', async () => {
    await expect(runSqlFile(env.pool, 'migrations/0001_ops', [])).rejects.toThrow(/^sql\/migrations\/0001_ops\.sql: /);
  });

  it("puts plan settings in force for one piece of work inside a transaction, then the session's own again", async () => {
    const seen = await withTransaction(env.pool, async (client) => {
      await client.query("SET LOCAL work_mem = '7MB'");
      const inside = await withPlanSettings(client, { enable_hashagg: 'off', parallel_tuple_cost: '0.01' }, async () =>
        (await client.query("SELECT current_setting('enable_hashagg') AS h, current_setting('parallel_tuple_cost') AS p")).rows[0],
      );
      const after = (await client.query("SELECT current_setting('enable_hashagg') AS h, current_setting('parallel_tuple_cost') AS p, current_setting('work_mem') AS w")).rows[0];
      return { inside, after };
    });
    expect(seen).toEqual({ inside: { h: 'off', p: '0.01' }, after: { h: 'on', p: '0.1', w: '7MB' } });
  });

  it("fills a template's placeholders from a record or a function, and names the file and placeholder it cannot fill", async () => {
    await env.pool.query('CREATE TABLE public.render_probe (n int)');
    await runRenderedSqlFile(env.pool, 'quality/typed/drop', { tables: 'public.render_probe' });
    const { rows } = await env.pool.query("SELECT to_regclass('public.render_probe') AS t");
    expect(rows[0].t).toBeNull();
    expect(renderSqlFile('quality/typed/drop', (name) => (name === 'tables' ? 'a.b, c.d' : undefined))).toMatch(/^DROP TABLE IF EXISTS a\.b, c\.d\s*$/m);
    expect(() => renderSqlFile('quality/typed/drop', {})).toThrow('sql/quality/typed/drop.sql: no value for placeholder {{tables}}');
    // A name the record only inherits is not a value.
    expect(() => renderSqlFile('quality/typed/drop', Object.create({ tables: 'x' }) as Record<string, string>)).toThrow('sql/quality/typed/drop.sql: no value for placeholder {{tables}}');
    expect(() => renderSqlFile('quality/typed/drop', () => undefined)).toThrow('sql/quality/typed/drop.sql: no value for placeholder {{tables}}');
    await expect(runRenderedSqlFile(env.pool, 'quality/typed/drop', {})).rejects.toThrow('no value for placeholder {{tables}}');
    await expect(runRenderedSqlFile(env.pool, 'quality/typed/drop', { tables: 'public.no such' })).rejects.toThrow(/^sql\/quality\/typed\/drop\.sql: syntax error/);
  });
});
