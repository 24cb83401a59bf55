import type { Pool } from 'pg';
import { createPool, runSqlFile, withTransaction } from '@ecom/db';
import { createTestEnv, type TestEnv, waitFor } from '@ecom/testing';
import { DASHBOARD_ENDPOINTS, type DashboardEndpoint, type DashboardFilters } from '@ecom/contracts';
import { DashboardRepository } from '../../../api/src/dashboard/dashboard.repository';
import { seedTinyWarehouse } from '../analyses/tiny-warehouse.fixture';
import { DashboardSummariesRepository, SUMMARY_TABLES, type SummariesRefresh } from './dashboard-summaries.repository';

const runId = 'run-lanes';

/** Every endpoint of the dashboard, with no filter (every summary table is read by one) and with some. */
const READS: Array<[DashboardEndpoint, DashboardFilters]> = DASHBOARD_ENDPOINTS.flatMap((endpoint) => [
  [endpoint, {}],
  [endpoint, { from: '2024-02-01', to: '2024-02-20', country: 'USA' }],
]);

/** The analytics stage's rebuild on lanes, as AnalysesService runs it, committed. */
const rebuildOnLanesIn = (pool: Pool): Promise<SummariesRefresh> =>
  withTransaction(pool, async (client) => {
    await runSqlFile(client, 'analytics/results/read_committed');
    return new DashboardSummariesRepository().refreshOnLanes(client, pool, runId, { forceFull: true });
  });

/**
 * Per table, the rows the committed summaries have and the one-transaction rebuild (refresh(),
 * forced full, rolled back) does not, and the reverse, duplicates included (EXCEPT ALL).
 */
async function differencesFromOneTransactionRebuild(pool: Pool): Promise<Record<string, { onlyCommitted: number; onlyReference: number; rows: number }>> {
  const db = await pool.connect();
  try {
    await db.query('BEGIN');
    for (const table of SUMMARY_TABLES) {
      await db.query(`CREATE TEMP TABLE committed_${table} ON COMMIT DROP AS SELECT * FROM dashboard.${table}`);
    }
    await new DashboardSummariesRepository().refresh(db, runId, { forceFull: true });
    const differences: Record<string, { onlyCommitted: number; onlyReference: number; rows: number }> = {};
    for (const table of SUMMARY_TABLES) {
      const count = async (sql: string) => Number((await db.query<{ n: string }>(`SELECT count(*) AS n FROM (${sql}) AS d`)).rows[0].n);
      differences[table] = {
        onlyCommitted: await count(`SELECT * FROM pg_temp.committed_${table} EXCEPT ALL SELECT * FROM dashboard.${table}`),
        onlyReference: await count(`SELECT * FROM dashboard.${table} EXCEPT ALL SELECT * FROM pg_temp.committed_${table}`),
        rows: await count(`SELECT * FROM pg_temp.committed_${table}`),
      };
    }
    return differences;
  } finally {
    await db.query('ROLLBACK');
    db.release();
  }
}

async function expectSameAsOneTransactionRebuild(pool: Pool): Promise<void> {
  const differences = await differencesFromOneTransactionRebuild(pool);
  for (const [table, d] of Object.entries(differences)) {
    expect({ table, onlyCommitted: d.onlyCommitted, onlyReference: d.onlyReference }).toEqual({ table, onlyCommitted: 0, onlyReference: 0 });
    expect({ table, empty: d.rows === 0 }).toEqual({ table, empty: false });
  }
}

/**
 * The dashboard's tables' definitions, by name: columns (order, type, NOT NULL, default, statistics
 * target, storage), indexes, keys and checks, options, owner, grants, persistence and comments:
 * everything the migrations give a summary table must survive the swap of a rebuild on lanes,
 * whose tables are created afresh (refresh_next_prepare.sql, refresh_next_finish.sql).
 */
async function definitions(pool: Pool): Promise<string[]> {
  const { rows } = await pool.query<{ d: string }>(
    `SELECT c.relname || ' column ' || a.attnum || ' ' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
            || CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END || coalesce(' DEFAULT ' || pg_get_expr(d.adbin, d.adrelid), '')
            || ' statistics ' || a.attstattarget || ' storage ' || a.attstorage::text || ' compression ' || a.attcompression::text AS d
       FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
       LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
      WHERE c.relnamespace = 'dashboard'::regnamespace AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
     UNION ALL
     SELECT c.relname || ' owner ' || pg_get_userbyid(c.relowner) || ' grants ' || coalesce(c.relacl::text, '-') || ' persistence ' || c.relpersistence::text
       FROM pg_class c WHERE c.relnamespace = 'dashboard'::regnamespace AND c.relkind = 'r'
     UNION ALL
     SELECT c.relname || ' comment ' || k.objsubid || ' ' || k.description
       FROM pg_description k JOIN pg_class c ON c.oid = k.objoid AND k.classoid = 'pg_class'::regclass
      WHERE c.relnamespace = 'dashboard'::regnamespace
     UNION ALL
     SELECT c.relname || ' ' || i.relname || ' ' || pg_get_indexdef(i.oid) AS d
       FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class c ON c.oid = x.indrelid
      WHERE c.relnamespace = 'dashboard'::regnamespace
     UNION ALL
     SELECT c.relname || ' ' || k.conname || ' ' || pg_get_constraintdef(k.oid)
       FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
      WHERE c.relnamespace = 'dashboard'::regnamespace
     UNION ALL
     SELECT c.relname || ' options ' || coalesce(array_to_string(c.reloptions, ','), '-')
       FROM pg_class c WHERE c.relnamespace = 'dashboard'::regnamespace AND c.relkind = 'r'
     ORDER BY 1`,
  );
  return rows.map((r) => r.d);
}

const tablesIn = async (pool: Pool, schema: string): Promise<string[]> =>
  (await pool.query<{ relname: string }>("SELECT relname FROM pg_class WHERE relnamespace = $1::regnamespace AND relkind = 'r' ORDER BY 1", [schema]))
    .rows.map((r) => r.relname);

/** The same summaries over different tables: a reader that saw old and new tables at once would find them apart. */
const CONSISTENCY = `
  SELECT (SELECT count(*) FROM dashboard.sales_cells) AS sales_cells,
         (SELECT sum(revenue_cents) FROM dashboard.sales_cells WHERE category_id = 0) AS sales,
         (SELECT sum(revenue_cents) FROM dashboard.customer_days WHERE category_id = 0) AS customer_days,
         (SELECT sum(revenue_cents) FROM dashboard.product_years WHERE geo_id = 0) AS product_years,
         (SELECT sum(revenue_cents) FROM dashboard.customer_years WHERE category_id = 0 AND geo_id = 0) AS customer_years,
         (SELECT count(*) FROM dashboard.customers) AS customers`;

describe('dashboard summaries: a full rebuild on two lanes swapped in at the stage commit', () => {
  let env: TestEnv;
  // The stage's transaction and its two lanes, apart from the test's own connections (env.pool).
  let stagePool: Pool;
  const rebuildOnLanes = () => rebuildOnLanesIn(stagePool);

  beforeAll(async () => {
    env = await createTestEnv('dashboard_lanes');
    stagePool = createPool(env.config.databaseUrl, { max: 3 });
    await seedTinyWarehouse(env.pool);
    // Returns, so return_days has rows: one customer before and after her move, one product before
    // and after its new version, one in India.
    await env.pool.query(
      `INSERT INTO warehouse.fact_returns (return_line_id, return_id, kind, date_key, return_date, customer_id, product_id, quantity, unit_price, line_total, last_run_id)
       VALUES ('R1-1', 'R1', 'cancelled', 20240115, '2024-01-15', 'C01', 'P3', -1, 200, -200, 'seed'),
              ('R2-1', 'R2', 'cancelled', 20240210, '2024-02-10', 'C01', 'P3', -1, 220, -220, 'seed'),
              ('R3-1', 'R3', 'adjusted', 20240210, '2024-02-10', 'C07', 'P1', 1, -12.5, -12.5, 'seed')`,
    );
  });
  afterAll(async () => {
    await stagePool?.end();
    await env?.teardown();
  });

  it('leaves exactly the rows, indexes and keys of the one-transaction rebuild, and nothing in dashboard_next', async () => {
    // No migration comments a summary table yet; one that did would keep its comments.
    await env.pool.query(`COMMENT ON TABLE dashboard.customer_days IS 'per customer and day'`);
    await env.pool.query(`COMMENT ON COLUMN dashboard.discount_cells.discount_pct_cents IS 'cents of discount percentage'`);
    const before = await definitions(env.pool);
    const refresh = await rebuildOnLanes();
    expect(refresh).toMatchObject({ mode: 'full', fullReason: 'forced' });
    expect(refresh.lanesMs).toEqual({ prepare: expect.any(Number), customers: expect.any(Number), sales: expect.any(Number), swap: expect.any(Number) });
    await expectSameAsOneTransactionRebuild(env.pool);
    expect(await definitions(env.pool)).toEqual(before);
    // UNLOGGED before and after the swap (migration 0057): derived data a crash may empty, never logged.
    const persistence = before.filter((d) => d.includes(' persistence '));
    expect(persistence).toHaveLength(SUMMARY_TABLES.length + 1);
    expect(persistence.filter((d) => !d.endsWith(' persistence u'))).toEqual([]);
    expect(await tablesIn(env.pool, 'dashboard_next')).toEqual([]);
    expect(await tablesIn(env.pool, 'dashboard')).toEqual([...SUMMARY_TABLES, 'refresh_state'].sort());
    const { rows } = await env.pool.query('SELECT run_id FROM dashboard.refresh_state');
    expect(rows).toEqual([{ run_id: runId }]);
  });

  it('refreshes incrementally when no load came since the rebuild: no day touched, the same rows', async () => {
    // The seeded warehouse has no load record; the summaries must reflect one to be refreshed in place.
    await env.pool.query(`INSERT INTO ops.runs (run_id, mode, params, status) VALUES ('run-seed-load', 'source', '{}', 'succeeded')`);
    await env.pool.query(`INSERT INTO ops.warehouse_loads (run_id, mode, as_of_date) VALUES ('run-seed-load', 'incremental', '2024-03-31')`);
    try {
      await rebuildOnLanes();
      const refresh = await withTransaction(stagePool, (client) => new DashboardSummariesRepository().refresh(client, runId));
      expect(refresh).toMatchObject({ mode: 'incremental', fullReason: null, touchedDays: 0 });
      await expectSameAsOneTransactionRebuild(env.pool);
    } finally {
      await env.pool.query(`DELETE FROM ops.runs WHERE run_id = 'run-seed-load'`);
    }
  });

  it("merges a load's new and renamed customers in place, and rebuilds when a new customer_id would renumber the coded ones", async () => {
    // Only the customers whose change log a load wrote are compared (refresh_next_customers.sql):
    // the loads below write dim_customers and their change log as the warehouse stage does.
    const load = async (loadRunId: string) => {
      await env.pool.query(`INSERT INTO ops.runs (run_id, mode, params, status) VALUES ($1, 'source', '{}', 'succeeded')`, [loadRunId]);
      await env.pool.query(`INSERT INTO ops.warehouse_loads (run_id, mode, as_of_date, touched_days) VALUES ($1, 'incremental', '2024-03-31', '{}')`, [loadRunId]);
    };
    const logChange = (loadRunId: string, customerId: string, fullName: string, country: string, state: string) =>
      env.pool.query(
        `INSERT INTO warehouse.customer_changes (customer_id, effective_date, full_name, country, state, run_id) VALUES ($1, '2024-03-01', $2, $3, $4, $5)`,
        [customerId, fullName, country, state, loadRunId],
      );
    const refreshIncrementally = () => withTransaction(stagePool, (client) => new DashboardSummariesRepository().refresh(client, runId));
    await load('run-seed-load');
    try {
      await rebuildOnLanes();

      await load('run-next-load');
      await env.pool.query(`UPDATE warehouse.dim_customers SET full_name = 'Cy Renamed' WHERE customer_id = 'C03'`);
      await logChange('run-next-load', 'C03', 'Cy Renamed', 'USA', 'Texas');
      await env.pool.query(
        `INSERT INTO warehouse.dim_customers (customer_key, customer_id, full_name, country, state, effective_date, end_date, is_current)
         VALUES (12, 'C11', 'Kim', 'India', 'Karnataka', '2024-03-01', '9999-12-31', true)`,
      );
      await logChange('run-next-load', 'C11', 'Kim', 'India', 'Karnataka');
      expect(await refreshIncrementally()).toMatchObject({ mode: 'incremental', fullReason: null });
      const { rows } = await env.pool.query(`SELECT customer_no, customer_id, full_name FROM dashboard.customers WHERE customer_id IN ('C03', 'C10', 'C11') ORDER BY 1`);
      expect(rows).toEqual([
        { customer_no: 3, customer_id: 'C03', full_name: 'Cy Renamed' },
        { customer_no: 10, customer_id: 'C10', full_name: 'Jo' },
        { customer_no: 11, customer_id: 'C11', full_name: 'Kim' },
      ]);
      await expectSameAsOneTransactionRebuild(env.pool);

      // B01 sorts before every coded customer_id: the codes of all would move up by one.
      await load('run-third-load');
      await env.pool.query(
        `INSERT INTO warehouse.dim_customers (customer_key, customer_id, full_name, country, state, effective_date, end_date, is_current)
         VALUES (13, 'B01', 'Lu', 'USA', 'Texas', '2024-03-01', '9999-12-31', true)`,
      );
      await logChange('run-third-load', 'B01', 'Lu', 'USA', 'Texas');
      expect(await refreshIncrementally()).toMatchObject({
        mode: 'full',
        fullReason: 'a new category, place, product or customer renumbers existing codes',
      });
      await expectSameAsOneTransactionRebuild(env.pool);
    } finally {
      await env.pool.query(`DELETE FROM ops.runs WHERE run_id IN ('run-seed-load', 'run-next-load', 'run-third-load')`);
      await env.pool.query(`DELETE FROM warehouse.customer_changes WHERE run_id IN ('run-next-load', 'run-third-load')`);
      await env.pool.query(`DELETE FROM warehouse.dim_customers WHERE customer_id IN ('C11', 'B01')`);
      await env.pool.query(`UPDATE warehouse.dim_customers SET full_name = 'Cy' WHERE customer_id = 'C03'`);
    }
  });

  it('adds the place a load brings without reading every customer version, and rebuilds when a load takes a place away', async () => {
    // refresh_next_places.sql keeps the current places when the load's changed customers bring
    // none and every current place is still someone's; otherwise it reads every version.
    const load = async (loadRunId: string) => {
      await env.pool.query(`INSERT INTO ops.runs (run_id, mode, params, status) VALUES ($1, 'source', '{}', 'succeeded')`, [loadRunId]);
      await env.pool.query(`INSERT INTO ops.warehouse_loads (run_id, mode, as_of_date, touched_days) VALUES ($1, 'incremental', '2024-03-31', '{}')`, [loadRunId]);
    };
    const logChange = (loadRunId: string, effectiveDate: string, country: string, state: string) =>
      env.pool.query(
        `INSERT INTO warehouse.customer_changes (customer_id, effective_date, full_name, country, state, run_id) VALUES ('C12', $1, 'Lee', $2, $3, $4)`,
        [effectiveDate, country, state, loadRunId],
      );
    const refreshIncrementally = () => withTransaction(stagePool, (client) => new DashboardSummariesRepository().refresh(client, runId));
    const places = async () => (await env.pool.query('SELECT geo_id, country, state FROM dashboard.places ORDER BY geo_id')).rows;
    await load('run-seed-load');
    try {
      await rebuildOnLanes();
      const before = await places();

      // Zambia sorts after every place: a new code after the last.
      await load('run-next-load');
      await env.pool.query(
        `INSERT INTO warehouse.dim_customers (customer_key, customer_id, full_name, country, state, effective_date, end_date, is_current)
         VALUES (12, 'C12', 'Lee', 'Zambia', 'Lusaka', '2024-03-01', '9999-12-31', true)`,
      );
      await logChange('run-next-load', '2024-03-01', 'Zambia', 'Lusaka');
      expect(await refreshIncrementally()).toMatchObject({ mode: 'incremental', fullReason: null });
      expect(await places()).toEqual([...before, { geo_id: before.length + 1, country: 'Zambia', state: 'Lusaka' }]);
      await expectSameAsOneTransactionRebuild(env.pool);

      // The same-day change rewrites C12's only version: no customer is in Zambia any more.
      await load('run-third-load');
      await env.pool.query(`UPDATE warehouse.dim_customers SET country = 'USA', state = 'Texas' WHERE customer_id = 'C12'`);
      await logChange('run-third-load', '2024-03-02', 'USA', 'Texas');
      expect(await refreshIncrementally()).toMatchObject({
        mode: 'full',
        fullReason: 'a new category, place, product or customer renumbers existing codes',
      });
      expect(await places()).toEqual(before);
      await expectSameAsOneTransactionRebuild(env.pool);
    } finally {
      await env.pool.query(`DELETE FROM ops.runs WHERE run_id IN ('run-seed-load', 'run-next-load', 'run-third-load')`);
      await env.pool.query(`DELETE FROM warehouse.customer_changes WHERE run_id IN ('run-next-load', 'run-third-load')`);
      await env.pool.query(`DELETE FROM warehouse.dim_customers WHERE customer_id = 'C12'`);
    }
  });

  it('brings days whose facts a load only re-pointed up to date by difference, and rebuilds a day with a new fact: the rows of a rebuild', async () => {
    // As the warehouse stage leaves a load dated back: C03 moved to New York from 2024-02-08 (her
    // T04 of 2024-02-10 re-pointed to the new version), P1 became Furniture at cost 25 from
    // 2024-01-29 (L01 of T01, L05 of T03 and L07 of T05 re-pointed and re-priced: T01 and T03 keep a
    // Furniture line, T03 leaves Home, C01 has no Home day left), and a new line on 2024-02-26
    // (stamped by the load: that day is rebuilt whole).
    const loadRunId = 'run-move-load';
    const refreshIncrementally = () => withTransaction(stagePool, (client) => new DashboardSummariesRepository().refresh(client, runId));
    const setUp = `
      INSERT INTO ops.runs (run_id, mode, params, status) VALUES ('run-seed-load', 'source', '{}', 'succeeded');
      INSERT INTO ops.warehouse_loads (run_id, mode, as_of_date, touched_days) VALUES ('run-seed-load', 'incremental', '2024-03-31', '{}')`;
    const move = `
      INSERT INTO ops.runs (run_id, mode, params, status) VALUES ('${loadRunId}', 'source', '{}', 'succeeded');
      INSERT INTO ops.warehouse_loads (run_id, mode, as_of_date, touched_days)
        VALUES ('${loadRunId}', 'incremental', '2024-03-31', '{20240129,20240205,20240210,20240211,20240226}');
      UPDATE warehouse.dim_customers SET end_date = '2024-02-08', is_current = false WHERE customer_key = 3;
      INSERT INTO warehouse.dim_customers (customer_key, customer_id, full_name, country, state, age_group, effective_date, end_date, is_current)
        VALUES (14, 'C03', 'Cy', 'USA', 'New York', '36-45', '2024-02-08', '9999-12-31', true);
      INSERT INTO warehouse.customer_changes (customer_id, effective_date, full_name, country, state, run_id)
        VALUES ('C03', '2024-02-08', 'Cy', 'USA', 'New York', '${loadRunId}');
      UPDATE warehouse.fact_sales SET customer_key = 14 WHERE customer_key = 3 AND date_key >= 20240208;
      UPDATE warehouse.agg_customer_daily SET customer_key = 14 WHERE customer_key = 3 AND date_key >= 20240208;
      UPDATE warehouse.dim_products SET end_date = '2024-01-29', is_current = false WHERE product_key = 1;
      INSERT INTO warehouse.dim_products (product_key, product_id, product_name, category, price, cost, effective_date, end_date, is_current)
        VALUES (5, 'P1', 'Desk Lamp', 'Furniture', 50, 25, '2024-01-29', '9999-12-31', true);
      INSERT INTO warehouse.product_changes (product_id, effective_date, product_name, category, price, cost, run_id)
        VALUES ('P1', '2024-01-29', 'Desk Lamp', 'Furniture', 50, 25, '${loadRunId}');
      UPDATE warehouse.fact_sales SET product_key = 5, profit = line_total - 25 * quantity WHERE product_key = 1 AND date_key >= 20240129;
      INSERT INTO warehouse.fact_sales
        (item_id, date_key, customer_key, product_key, customer_id, product_id, payment_method_key, transaction_id, quantity, unit_price,
         discount_percentage, discount_amount, line_total, profit, last_run_id)
        VALUES ('L14', 20240226, 5, 2, 'C05', 'P2', 1, 'T12', 1, 40, 0, 0, 40, 25, '${loadRunId}');
      UPDATE warehouse.agg_daily_sales SET total_transactions = total_transactions + 1, total_items = total_items + 1,
        total_revenue = total_revenue + 40, total_profit = total_profit + 25, unique_customers = 1 WHERE date_key = 20240226;
      UPDATE warehouse.agg_customer_daily SET transactions = transactions + 1, revenue = revenue + 40, quantity = quantity + 1, profit = profit + 25
        WHERE customer_key = 5 AND date_key = 20240226`;
    const undo = `
      DELETE FROM ops.runs WHERE run_id IN ('run-seed-load', '${loadRunId}');
      DELETE FROM warehouse.fact_sales WHERE item_id = 'L14';
      UPDATE warehouse.agg_daily_sales SET total_transactions = total_transactions - 1, total_items = total_items - 1,
        total_revenue = total_revenue - 40, total_profit = total_profit - 25 WHERE date_key = 20240226 AND total_items = 2;
      UPDATE warehouse.agg_customer_daily SET transactions = transactions - 1, revenue = revenue - 40, quantity = quantity - 1, profit = profit - 25
        WHERE customer_key = 5 AND date_key = 20240226 AND transactions = 2;
      UPDATE warehouse.fact_sales SET product_key = 1, profit = line_total - 20 * quantity WHERE product_key = 5;
      DELETE FROM warehouse.dim_products WHERE product_key = 5;
      UPDATE warehouse.dim_products SET end_date = '9999-12-31', is_current = true WHERE product_key = 1;
      UPDATE warehouse.fact_sales SET customer_key = 3 WHERE customer_key = 14;
      UPDATE warehouse.agg_customer_daily SET customer_key = 3 WHERE customer_key = 14;
      DELETE FROM warehouse.dim_customers WHERE customer_key = 14;
      UPDATE warehouse.dim_customers SET end_date = '9999-12-31', is_current = true WHERE customer_key = 3;
      DELETE FROM warehouse.customer_changes WHERE run_id = '${loadRunId}';
      DELETE FROM warehouse.product_changes WHERE run_id = '${loadRunId}'`;
    await env.pool.query(setUp);
    try {
      await rebuildOnLanes();
      const before = (await env.pool.query(`SELECT category_id, geo_id, transactions FROM dashboard.sales_cells WHERE date_key = 20240205 ORDER BY 1, 2`)).rows;
      await env.pool.query(move);
      expect(await refreshIncrementally()).toMatchObject({ mode: 'incremental', fullReason: null, touchedDays: 5, rebuiltDays: 1 });
      await expectSameAsOneTransactionRebuild(env.pool);
      // T03 left Home and stayed once in Furniture, where its other line was.
      const after = (await env.pool.query(`SELECT category_id, geo_id, transactions FROM dashboard.sales_cells WHERE date_key = 20240205 ORDER BY 1, 2`)).rows;
      expect(after).not.toEqual(before);
      expect(after.filter((r) => r.category_id !== 0).map((r) => r.transactions)).toEqual([1]);
    } finally {
      await env.pool.query(undo);
    }
    await rebuildOnLanes();
  });

  it('still lets the endpoints read the cells through sales_cells_in and discount_cells_in', async () => {
    for (const endpoint of ['revenue_trend', 'discount_impact', 'payment_methods', 'geography']) {
      const { rows } = await runSqlFile(env.pool, `dashboard/${endpoint}`, [null, null, null, null, null, null]);
      expect({ endpoint, rows: rows.length > 0 }).toEqual({ endpoint, rows: true });
    }
  });

  it('drops what a crashed attempt left in dashboard_next and rebuilds to the same rows', async () => {
    await env.pool.query('CREATE TABLE dashboard_next.customer_days (LIKE dashboard.customer_days)');
    await env.pool.query('INSERT INTO dashboard_next.customer_days SELECT * FROM dashboard.customer_days');
    await env.pool.query('CREATE TABLE dashboard_next.leftover (x int)');
    await rebuildOnLanes();
    await expectSameAsOneTransactionRebuild(env.pool);
    expect(await tablesIn(env.pool, 'dashboard_next')).toEqual([]);
  });

  it('a lane killed mid-statement fails the rebuild with the live summaries untouched; the retry converges', async () => {
    const live = (await env.pool.query(CONSISTENCY)).rows[0];
    // The lines are coded once before the lanes start (dashboard_next.lines), so no table the
    // lanes' first statements read exists before the rebuild for a test to lock. A pool of its
    // own makes each lane, in its first transaction, take the returns' lock just before its first
    // statement on the lines: with the returns locked (the prepare reads none), each waits there.
    const lanePool = createPool(env.config.databaseUrl, { max: 3 });
    lanePool.on('connect', (client) => {
      const query = client.query.bind(client) as (...args: unknown[]) => Promise<unknown>;
      (client as unknown as { query: (...args: unknown[]) => Promise<unknown> }).query = async (...args: unknown[]) => {
        if (typeof args[0] === 'string' && /FROM\s+dashboard_next\.lines\b/.test(args[0])) {
          await query('LOCK TABLE warehouse.fact_returns IN ACCESS SHARE MODE');
        }
        return query(...args);
      };
    });
    const blocker = await env.pool.connect();
    let failed: Promise<unknown>;
    try {
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE warehouse.fact_returns IN ACCESS EXCLUSIVE MODE');
      failed = rebuildOnLanesIn(lanePool).then(
        () => 'succeeded',
        (error: Error) => error.message,
      );
      const lanes = await waitFor(async () => {
        const { rows } = await env.pool.query<{ pid: number }>(
          `SELECT pid FROM pg_locks WHERE relation = 'warehouse.fact_returns'::regclass AND NOT granted ORDER BY pid`,
        );
        return rows.length === 2 ? rows.map((r) => r.pid) : undefined;
      }, 'both lanes to wait for the returns');
      await env.pool.query('SELECT pg_terminate_backend($1)', [lanes[0]]);
    } finally {
      await blocker.query('ROLLBACK');
      blocker.release();
    }
    expect(await failed).toMatch(/terminat/);
    await lanePool.end();
    expect((await env.pool.query(CONSISTENCY)).rows[0]).toEqual(live);
    await rebuildOnLanes();
    await expectSameAsOneTransactionRebuild(env.pool);
    expect(await tablesIn(env.pool, 'dashboard_next')).toEqual([]);
  });

  it('dashboard reads during rebuilds never fail and see either all old or all new summaries, never none', async () => {
    await rebuildOnLanes();
    const dashboard = new DashboardRepository(env.pool);
    let rebuilding = true;
    const seen: Array<Record<string, string>> = [];
    const reader = async (): Promise<number> => {
      let reads = 0;
      do {
        const consistency = (await env.pool.query<Record<string, string>>(CONSISTENCY)).rows[0];
        seen.push(consistency);
        for (const [endpoint, filters] of READS) await dashboard.query(endpoint, filters);
        await dashboard.options();
        reads += 1;
      } while (rebuilding);
      return reads;
    };
    const readers = [reader(), reader(), reader()];
    const revenues = [];
    try {
      // Each round changes one line's revenue, so the old and the new summaries differ.
      for (let round = 1; round <= 3; round++) {
        await env.pool.query("UPDATE warehouse.fact_sales SET line_total = line_total + 1 WHERE item_id = 'L13'");
        await rebuildOnLanes();
        revenues.push((await env.pool.query(CONSISTENCY)).rows[0].sales);
      }
    } finally {
      rebuilding = false;
    }
    const reads = await Promise.all(readers);
    expect(reads.every((n) => n > 0)).toBe(true);
    expect(new Set(revenues).size).toBe(3);
    for (const s of seen) {
      expect(Number(s.sales_cells)).toBeGreaterThan(0);
      expect([s.customer_days, s.product_years, s.customer_years]).toEqual([s.sales, s.sales, s.sales]);
    }
    await env.pool.query("UPDATE warehouse.fact_sales SET line_total = line_total - 3 WHERE item_id = 'L13'");
  });
});
