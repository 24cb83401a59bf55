import { sqlFile } from '@ecom/db';
import { TYPED_ANALYZED, entitiesRead, loadQualityChecks, runQualityChecks, startTypedTables, typedEntitiesOf, typedTable } from '@ecom/pipeline';
import { createTestEnv, waitFor, type TestEnv } from '@ecom/testing';

/**
 * The validate stage counts the staged rows from the typed tables' build (validate.processor.ts):
 * what that build reports must be what it built, committed for the checks' other connections.
 */
describe('the typed tables build, lane by lane', () => {
  let env: TestEnv;
  const runId = 'typed-build';

  beforeAll(async () => {
    env = await createTestEnv('validator_typed_build');
    await env.pool.query(`INSERT INTO ops.runs (run_id, mode, params) VALUES ($1, 'source', '{}')`, [runId]);
    await env.pool.query(
      `INSERT INTO staging.transaction_items (item_id, transaction_id, run_id, source_file, source_line)
       SELECT 'I' || n, 'T' || (n % 3), $1, 'items.csv', n FROM generate_series(1, 7) AS n`,
      [runId],
    );
    await env.pool.query(
      `INSERT INTO staging.transactions (transaction_id, run_id, source_file, source_line)
       SELECT 'T' || n, $1, 'transactions.csv', n FROM generate_series(1, 3) AS n`,
      [runId],
    );
    await env.pool.query(
      `INSERT INTO staging.customers (customer_id, run_id, source_file, source_line) VALUES ('C1', $1, 'customers.csv', 1), ('C2', $1, 'customers.csv', 2)`,
      [runId],
    );
  });
  afterAll(() => env.teardown());

  const rowsOf = async (entity: 'transaction_items' | 'transactions' | 'customers' | 'products') =>
    Number((await env.pool.query(`SELECT count(*) AS n FROM ${typedTable(entity, runId)}`)).rows[0].n);

  it('has its tables committed when done, and counts the rows it built', async () => {
    const rows = await startTypedTables(env.pool, runId).done;
    expect(rows).toEqual({ transaction_items: 7, transactions: 3, customers: 2, products: 0 });
    // rowsOf reads on another connection of the pool: the tables are committed.
    for (const [entity, n] of Object.entries(rows)) expect(await rowsOf(entity as keyof typeof rows)).toBe(n);
  });

  it('samples only the columns plans join, group and filter on, and counts every row', async () => {
    await startTypedTables(env.pool, runId).done;
    for (const entity of ['transaction_items', 'transactions', 'customers'] as const) {
      const [schema, name] = typedTable(entity, runId).split('.').map((part) => part.replace(/"/g, ''));
      const { rows } = await env.pool.query(
        `SELECT attname FROM pg_stats WHERE schemaname = $1 AND tablename = $2 ORDER BY attname`,
        [schema, name],
      );
      expect(rows.map((r) => r.attname)).toEqual([...TYPED_ANALYZED[entity]].sort());
      const { rows: counted } = await env.pool.query(`SELECT reltuples FROM pg_class WHERE oid = $1::regclass`, [typedTable(entity, runId)]);
      expect(Number(counted[0].reltuples)).toBe(await rowsOf(entity));
    }
  });

  it('rejects done when a lane fails', async () => {
    const broken = startTypedTables(env.pool, runId, { fields: [{ field: 'no_such_field' }] } as never);
    await expect(broken.done).rejects.toThrow();
  });

  it('starts each check once the tables it reads are committed: the order lines\' checks wait for theirs', async () => {
    await startTypedTables(env.pool, runId).done;
    // Warnings: this sparse run breaks the required-fields checks, and a failing gate throws.
    const checks = loadQualityChecks()
      .forStage('validate')
      .map((check) => ({ ...check, severity: 'warn' as const }));
    const withoutLines = checks.filter((check) => !entitiesRead(check).includes('transaction_items'));
    expect(withoutLines.length).toBeGreaterThan(0);
    expect(withoutLines.length).toBeLessThan(checks.length);
    let linesBuilt!: () => void;
    const lines = new Promise<void>((resolve) => (linesBuilt = resolve));
    const progress: Array<{ checksDone: number; lastCheck: string }> = [];
    const client = await env.pool.connect();
    try {
      await client.query('BEGIN');
      const gate = runQualityChecks(client, env.pool, runId, 'validate', {
        checks,
        scoreThreshold: 0,
        lanes: 2,
        progress: async (update) => void progress.push(update as { checksDone: number; lastCheck: string }),
        typedReady: { transaction_items: lines, transactions: Promise.resolve(), customers: Promise.resolve(), products: Promise.resolve() },
      });
      // Costliest first would have started with a check of the order lines: none has run yet.
      await waitFor(async () => progress.at(-1)?.checksDone === withoutLines.length || undefined, 'the checks of the other tables');
      const reported = progress.map((update) => checks.find((check) => check.name === update.lastCheck)!);
      expect(reported.filter((check) => entitiesRead(check).includes('transaction_items'))).toEqual([]);
      linesBuilt();
      const outcome = await gate;
      expect(outcome.results.map((result) => result.check.name)).toEqual(checks.map((check) => check.name));
      await client.query('ROLLBACK');
      // The same results as checks that found every table there.
      await client.query('BEGIN');
      const reference = await runQualityChecks(client, env.pool, runId, 'validate', { checks, scoreThreshold: 0, lanes: 2 });
      expect(outcome.results).toEqual(reference.results);
      expect(outcome.verdict).toEqual(reference.verdict);
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  });

  it('fails the checks waiting for a table whose build failed, with its error', async () => {
    const client = await env.pool.connect();
    try {
      await client.query('BEGIN');
      const failed = Promise.reject(new Error('the order lines did not build'));
      const gate = runQualityChecks(client, env.pool, runId, 'validate', {
        checks: loadQualityChecks().forStage('validate'),
        scoreThreshold: 0,
        lanes: 2,
        typedReady: { transaction_items: failed, transactions: Promise.resolve(), customers: Promise.resolve(), products: Promise.resolve() },
      });
      await expect(gate).rejects.toThrow('the order lines did not build');
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  });

  it('names the tables a template reads by its placeholders outside comments', () => {
    expect(typedEntitiesOf(sqlFile('profile/payment_mix'))).toEqual(['transactions']);
    expect(typedEntitiesOf(sqlFile('profile/monthly_revenue'))).toEqual(['transactions', 'transaction_items']);
    expect(typedEntitiesOf('-- {{customers}}\nSELECT 1 FROM {{products}}')).toEqual(['products']);
    const checks = loadQualityChecks().forStage('validate');
    const read = (name: string) => entitiesRead(checks.find((check) => check.name === name)!);
    expect(read('consistency_total_amount')).toEqual(['transactions', 'transaction_items']);
    expect(read('referential_transaction_items_products')).toEqual(['transaction_items', 'products']);
    expect(read('uniqueness_item_id')).toEqual(['transaction_items']);
  });
});
