import type { INestApplicationContext } from '@nestjs/common';
import type { RunParams } from '@ecom/contracts';
import { withTransaction } from '@ecom/db';
import {
  checkStatement,
  createWorkerContext,
  firstLoadFactSumsSql,
  firstLoadLineSums,
  QualityChecksConfig,
  runQualityChecks,
  StageFailure,
  StageRuntime,
  warehouseLoadParams,
} from '@ecom/pipeline';
import { createTestEnv, scannedRelations, type TestEnv } from '@ecom/testing';
import { WarehouseLoaderAppModule } from '../app.module';
import { WarehouseService } from './warehouse.service';

/**
 * The production → warehouse reconciliations on a load big enough for their bulk branch: above
 * 10,000 lines and a twentieth of the facts (sql/quality/warehouse_load_lines.sql, which both
 * sql/quality/reconcile_production_warehouse_*.sql splice in) they hash-join fact_sales once
 * instead of probing it per line. warehouse.service.spec.ts only loads a handful
 * of lines, so without this spec the branch a first load takes is never run.
 *
 * Production, written set-based the way the transformer leaves it: 20 customers, 5 products and
 * LINES lines L00001..L10050, two per order, orders spread over January 2024.
 */
const LINES = 10_050;
const RUN = 'whl-1';

describe('warehouse-loader: reconciliation of a load over 10,000 lines (the bulk branch)', () => {
  let env: TestEnv;
  let app: INestApplicationContext;
  let runtime: StageRuntime;

  const query = async <R extends Record<string, unknown>>(sql: string, values: unknown[] = []): Promise<R[]> =>
    (await env.pool.query<R>(sql, values)).rows;

  /** The stored warehouse-stage checks: [name, rows checked, violations, status, sample ids]. */
  const reconciliationOf = async (runId: string) =>
    (
      await query<{ check_name: string; rows_checked: string; violations: string; status: string; sample_ids: string[] }>(
        `SELECT check_name, rows_checked, violations, status, sample_ids
           FROM ops.quality_checks WHERE run_id = $1 AND stage = 'warehouse' AND check_type = 'reconciliation'
          ORDER BY check_name`,
        [runId],
      )
    ).map((r) => [r.check_name, Number(r.rows_checked), r.violations, r.status, r.sample_ids]);

  /** The fact_sales partitions `text` scanned when it ran, each with how often. */
  const factScans = async (text: string, params: unknown[]) =>
    (await scannedRelations(env.pool, text, params))
      .filter((scan) => scan.relation.startsWith('fact_sales'))
      .map((scan) => [scan.relation, scan.loops]);

  /** The configured production → warehouse reconciliation of `measure`. */
  const checkOf = (measure: 'row_count' | 'revenue_sum') => {
    const check = app
      .get(QualityChecksConfig)
      .checks.find((c) => c.type === 'reconciliation' && c.from === 'production' && c.to === 'warehouse' && c.measure === measure);
    if (!check) throw new Error(`no production → warehouse ${measure} reconciliation in config/quality-checks.yaml`);
    return check;
  };

  /**
   * How often each fact_sales partition was scanned when the check ran, given the first load's sums
   * as the quality gate passes them ($2-$6): once per partition is the bulk branch's one join; the
   * per-line branch probes each partition once per line; none when the sums agreed.
   */
  const factScanLoops = async (measure: 'row_count' | 'revenue_sum') =>
    // The statement as the quality gate renders it (the row count's month ranges filled in).
    factScans(checkStatement(checkOf(measure)).text, [RUN, ...(await warehouseLoadParams(env.pool, RUN))]);

  /** The same for the facts' side of the first load's sums both checks are given (read once for the two). */
  const sumsScanLoops = () => factScans(firstLoadFactSumsSql(), []);

  const productionRevenue = async () =>
    (await query<{ revenue: string }>(`SELECT sum(line_total)::text AS revenue FROM production.transaction_items`))[0].revenue;

  beforeAll(async () => {
    env = await createTestEnv('warehouse_loader_large');
    app = await createWorkerContext(WarehouseLoaderAppModule.forRoot, env.config, false);
    runtime = app.get(StageRuntime);

    await env.pool.query(
      `INSERT INTO production.customers
         (customer_id, first_name, last_name, email, registration_date, city, state, country, age_group, last_run_id)
       SELECT 'C' || n, 'First' || n, 'Test', 'c' || n || '@example.com', DATE '2023-03-01', 'Mumbai', 'Maharashtra',
              'India', '26-35', $1
         FROM generate_series(1, 20) n`,
      [RUN],
    );
    await env.pool.query(
      `INSERT INTO production.products (product_id, product_name, category, price, cost, profit_margin, price_category, last_run_id)
       SELECT 'P' || n, 'Product ' || n, 'Home', n * 10.00, n * 6.00, 40.00, 'Standard', $1
         FROM generate_series(1, 5) n`,
      [RUN],
    );
    await env.pool.query(
      `INSERT INTO production.transactions (transaction_id, customer_id, transaction_date, payment_method, total_amount, last_run_id)
       SELECT 'T' || lpad(n::text, 5, '0'), 'C' || (n % 20 + 1), DATE '2024-01-01' + n % 31,
              (ARRAY['UPI', 'Credit Card', 'Cash on Delivery'])[n % 3 + 1], 0, $1
         FROM generate_series(1, $2::int / 2) n`,
      [RUN, LINES],
    );
    // Line n: order ceil(n / 2), product n % 5 + 1 at its price, quantity n % 3 + 1, no discount.
    await env.pool.query(
      `INSERT INTO production.transaction_items
         (item_id, transaction_id, product_id, quantity, unit_price, discount_percentage, line_total, last_run_id)
       SELECT 'L' || lpad(n::text, 5, '0'), 'T' || lpad(((n + 1) / 2)::text, 5, '0'), 'P' || (n % 5 + 1),
              n % 3 + 1, (n % 5 + 1) * 10.00, 0, (n % 3 + 1) * (n % 5 + 1) * 10.00, $1
         FROM generate_series(1, $2::int) n`,
      [RUN, LINES],
    );

    const params: RunParams = {
      mode: 'generate',
      inputDir: '/nowhere',
      generate: { customers: 20, products: 5, transactions: LINES / 2, seed: 1, startDate: '2024-01-01', endDate: '2024-01-31' },
    };
    await runtime.ledger.createRun(RUN, params);
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    await env?.teardown();
  });

  it('passes a correct first load of 10,050 lines, every line checked', async () => {
    const run = await runtime.ledger.getRun(RUN);
    if (!run) throw new Error(`no run ${RUN}`);
    const service = app.get(WarehouseService);
    const counts = await withTransaction(env.pool, (client) => service.loadRun({ runId: RUN, run, client, progress: async () => undefined }));

    expect(counts).toMatchObject({ rowsIn: LINES, rowsOut: LINES, rowsRejected: 0, detail: { mode: 'incremental', facts: LINES } });
    expect(await reconciliationOf(RUN)).toEqual([
      ['reconcile_revenue_production_warehouse', LINES, '0.00', 'pass', []],
      ['reconcile_transaction_items_production_warehouse', LINES, '0', 'pass', []],
    ]);
    // The sums, read once for both checks, scan each partition once; agreeing, neither check reads a fact.
    expect(await sumsScanLoops()).toEqual([
      ['fact_sales_2024_01', 1],
      ['fact_sales_default', 1],
    ]);
    for (const measure of ['row_count', 'revenue_sum'] as const) expect(await factScanLoops(measure)).toEqual([]);
  }, 60_000);

  it('compares the lines the stage summed beside its facts\' insert with the facts: the same sums as summed in the checks', async () => {
    const { rows } = await env.pool.query<{ items_to: string; transactions_to: string }>(
      'SELECT items_to::text, transactions_to::text FROM ops.warehouse_loads WHERE run_id = $1',
      [RUN],
    );
    const beside = firstLoadLineSums(env.pool, { itemsTo: rows[0].items_to, transactionsTo: rows[0].transactions_to });
    const params = await warehouseLoadParams(env.pool, RUN, beside);
    expect(params).toEqual(await warehouseLoadParams(env.pool, RUN));
    expect(params.slice(0, 4)).toEqual(['first', true, String(LINES), await productionRevenue()]);
    // Given sums are what the checks compare: lines that are not the facts' do not match.
    const other = await warehouseLoadParams(env.pool, RUN, Promise.resolve({ n: String(LINES), h0: '1', h1: '2', total: '0.00' }));
    expect(other.slice(0, 4)).toEqual(['first', false, String(LINES), '0.00']);
  });

  it('catches a lost fact and a changed amount behind the loader, naming the lines, and fails the stage', async () => {
    const revenue = await productionRevenue();
    // L00042: 1 x P3 at 30.00 = 30.00, gone; L07777 (2 x P3 = 60.00) off by 1.50.
    await query(`DELETE FROM warehouse.fact_sales WHERE item_id = 'L00042'`);
    await query(`UPDATE warehouse.fact_sales SET line_total = line_total + 1.50 WHERE item_id = 'L07777'`);
    // Reloading would repair both facts, so the checks run again on the load as recorded.
    const checks = app.get(QualityChecksConfig);

    const failure = await withTransaction(env.pool, (client) => runQualityChecks(client, env.pool, RUN, 'warehouse', { checks })).catch(
      (error: unknown) => error,
    );

    const factRevenue = (Number(revenue) - 30 + 1.5).toFixed(2);
    expect(failure).toBeInstanceOf(StageFailure);
    expect((failure as StageFailure).message).toBe(
      `error checks over their threshold: reconcile_revenue_production_warehouse 31.50/${LINES} (threshold 0), ` +
        `reconcile_transaction_items_production_warehouse 1/${LINES} (threshold 0); ` +
        `reconcile_transaction_items_production_warehouse: expected ${LINES}, actual ${LINES - 1} (L00042); ` +
        `reconcile_revenue_production_warehouse: expected ${revenue}, actual ${factRevenue} (L00042, L07777)`,
    );
    expect(await reconciliationOf(RUN)).toEqual([
      ['reconcile_revenue_production_warehouse', LINES, '31.50', 'fail', ['L00042', 'L07777']],
      ['reconcile_transaction_items_production_warehouse', LINES, '1', 'fail', ['L00042']],
    ]);
    // A first load's hash sums scan the facts once for both checks; they differ, so each check's
    // join scans them once more: never once per line.
    expect(await sumsScanLoops()).toEqual([
      ['fact_sales_2024_01', 1],
      ['fact_sales_default', 1],
    ]);
    for (const measure of ['row_count', 'revenue_sum'] as const) {
      expect(await factScanLoops(measure)).toEqual([
        ['fact_sales_2024_01', 1],
        ['fact_sales_default', 1],
      ]);
    }
  }, 60_000);

  it('probes the facts per line when the load holds less than a twentieth of them: the same findings', async () => {
    // 200,000 facts of other lines in the same month (a warehouse ~20x the load), counted by the
    // partitions' statistics: the load's 10,050 lines are now few enough to probe one by one.
    await query(
      `INSERT INTO warehouse.fact_sales
         (item_id, date_key, customer_key, product_key, payment_method_key, transaction_id, quantity, unit_price,
          discount_percentage, discount_amount, line_total, profit, last_run_id)
       SELECT 'X' || lpad(n::text, 6, '0'), 20240115, f.customer_key, f.product_key, f.payment_method_key, 'TX', 1, 1.00,
              0, 0, 1.00, 0, 'other'
         FROM generate_series(1, 200000) n, (SELECT * FROM warehouse.fact_sales LIMIT 1) f`,
    );
    await query('ANALYZE warehouse.fact_sales');
    const checks = app.get(QualityChecksConfig);

    const failure = await withTransaction(env.pool, (client) => runQualityChecks(client, env.pool, RUN, 'warehouse', { checks })).catch(
      (error: unknown) => error,
    );

    // The lost fact and the changed amount of the test before, found and named as the hash join did.
    expect(failure).toBeInstanceOf(StageFailure);
    expect(await reconciliationOf(RUN)).toEqual([
      ['reconcile_revenue_production_warehouse', LINES, '31.50', 'fail', ['L00042', 'L07777']],
      ['reconcile_transaction_items_production_warehouse', LINES, '1', 'fail', ['L00042']],
    ]);
    // One probe of the month's partition per line, and no fact read whole: the hash join read
    // every fact of the month once (210,049 rows); the row count's month ranges read a few.
    for (const measure of ['row_count', 'revenue_sum'] as const) {
      const scans = (await scannedRelations(env.pool, checkStatement(checkOf(measure)).text, [RUN, ...(await warehouseLoadParams(env.pool, RUN))]))
        .filter((scan) => scan.relation.startsWith('fact_sales'));
      expect(scans.filter((scan) => scan.loops === LINES).map((scan) => scan.relation)).toEqual(['fact_sales_2024_01']);
      expect(Math.max(...scans.map((scan) => scan.rows))).toBeLessThanOrEqual(LINES);
    }
  }, 60_000);
});
