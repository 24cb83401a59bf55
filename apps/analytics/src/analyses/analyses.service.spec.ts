import type { INestApplicationContext } from '@nestjs/common';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ANALYSES, type AnalysisName, type RunParams } from '@ecom/contracts';
import { renderSqlFile, sqlFile, withTransaction } from '@ecom/db';
import { createWorkerContext, StageRuntime } from '@ecom/pipeline';
import { createTestEnv, type TestEnv, waitFor } from '@ecom/testing';
import { AnalyticsAppModule } from '../app.module';
import { AnalysesRepository } from './analyses.repository';
import { AnalysesService, BESIDE_REFRESH } from './analyses.service';
import { seedTinyWarehouse } from './tiny-warehouse.fixture';

type Row = Record<string, unknown>;

/**
 * The analytics stage over the tiny warehouse of tiny-warehouse.fixture.ts: 11 orders, 13 lines,
 * revenue 1944.50, profit 1074.50. Every expected number below is computed by hand from it.
 */
describe('analytics stage: the docs/contract.md section 4 analyses over the warehouse', () => {
  let env: TestEnv;
  let app: INestApplicationContext;
  const runId = 'run-analytics';
  const params: RunParams = { mode: 'source', inputDir: '/nowhere' };

  const result = async (analysis: AnalysisName): Promise<{ columns: string[]; rows: Row[]; row_count: number }> => {
    const { rows } = await env.pool.query(
      'SELECT columns, rows, row_count FROM ops.analysis_results WHERE run_id = $1 AND analysis = $2',
      [runId, analysis],
    );
    expect(rows).toHaveLength(1);
    return rows[0];
  };

  beforeAll(async () => {
    env = await createTestEnv('analytics_stage');
    await seedTinyWarehouse(env.pool);
    app = await createWorkerContext(AnalyticsAppModule.forRoot, env.config, false);
    const runtime = app.get(StageRuntime);
    await runtime.ledger.createRun(runId, params);
    await runtime.enqueueStage(runId, 'analytics');
    await waitFor(async () => {
      const { rows } = await env.pool.query('SELECT status, error FROM ops.runs WHERE run_id = $1', [runId]);
      if (rows[0]?.status === 'failed') throw new Error(`run failed: ${rows[0].error}`);
      return rows[0]?.status === 'succeeded' ? true : undefined;
    }, 'the run to succeed');
  });

  afterAll(async () => {
    await app?.close();
    await env?.teardown();
  });

  it('is the last stage: the run succeeds, every fact line analysed and none rejected', async () => {
    const { rows } = await env.pool.query(
      "SELECT status, rows_in, rows_out, rows_rejected, detail FROM ops.run_stages WHERE run_id = $1 AND stage = 'analytics'",
      [runId],
    );
    expect(rows[0]).toMatchObject({ status: 'succeeded', rows_in: '13', rows_out: '13', rows_rejected: '0' });
    expect(rows[0].detail.analyses).toEqual({
      top_products: 3,
      monthly_sales_trend: 2,
      customer_segments: 4,
      category_performance: 2,
      payment_method_distribution: 4,
      geography: 7,
      customer_lifetime_value: 10,
      product_profitability: 3,
      day_of_week_pattern: 9,
      discount_impact: 5,
    });
    const stored = await env.pool.query('SELECT analysis, row_count, jsonb_array_length(rows) AS n FROM ops.analysis_results WHERE run_id = $1', [runId]);
    expect(stored.rows.map((r) => r.analysis).sort()).toEqual([...ANALYSES].sort());
    for (const r of stored.rows) expect(r.row_count).toBe(r.n);
  });

  it('top products: grouped by product_id, so two products named "Desk Lamp" stay apart and SCD versions merge', async () => {
    const { columns, rows } = await result('top_products');
    expect(columns).toEqual(['rank', 'product_id', 'product_name', 'category', 'units_sold', 'orders', 'revenue', 'profit', 'profit_margin_pct']);
    expect(rows).toEqual([
      { rank: 1, product_id: 'P2', product_name: 'Desk Lamp', category: 'Home', units_sold: 36, orders: 8, revenue: 1422, profit: 882, profit_margin_pct: 62.03 },
      // Two versions (before and after a price change) are one product, shown with its current name.
      { rank: 2, product_id: 'P3', product_name: 'Office Chair Pro', category: 'Furniture', units_sold: 2, orders: 2, revenue: 345, profit: 95, profit_margin_pct: 27.54 },
      { rank: 3, product_id: 'P1', product_name: 'Desk Lamp', category: 'Home', units_sold: 4, orders: 3, revenue: 177.5, profit: 97.5, profit_margin_pct: 54.93 },
    ]);
  });

  it('monthly trend: orders are distinct transactions, AOV is revenue / orders (not the mean line value)', async () => {
    const { columns, rows } = await result('monthly_sales_trend');
    expect(columns).toEqual([
      'month', 'year', 'month_number', 'orders', 'customers', 'units_sold', 'revenue', 'profit',
      'avg_order_value', 'profit_margin_pct', 'revenue_change_pct', 'returns_amount', 'net_revenue',
    ]);
    expect(rows).toEqual([
      // January: 4 lines in 3 orders; the mean line value would be 120, not 160.
      { month: '2024-01', year: 2024, month_number: 1, orders: 3, customers: 3, units_sold: 8, revenue: 480, profit: 245, avg_order_value: 160, profit_margin_pct: 51.04, revenue_change_pct: null, returns_amount: 0, net_revenue: 480 },
      { month: '2024-02', year: 2024, month_number: 2, orders: 8, customers: 8, units_sold: 34, revenue: 1464.5, profit: 829.5, avg_order_value: 183.06, profit_margin_pct: 56.64, revenue_change_pct: 205.1, returns_amount: 0, net_revenue: 1464.5 },
    ]);
    const counted = await env.pool.query(
      `SELECT to_char(d.full_date, 'YYYY-MM') AS month, count(DISTINCT f.transaction_id)::int AS orders
         FROM warehouse.fact_sales f JOIN warehouse.dim_date d USING (date_key) GROUP BY 1 ORDER BY 1`,
    );
    expect(rows.map((r) => ({ month: r.month, orders: r.orders }))).toEqual(counted.rows);
  });

  it('customer segments: quantile edges from the data, customers counted once across SCD versions', async () => {
    const { columns, rows } = await result('customer_segments');
    expect(columns).toEqual([
      'segment_rank', 'segment', 'percentile_range', 'lower_edge', 'upper_edge', 'customers', 'customer_share_pct',
      'orders', 'revenue', 'revenue_share_pct', 'avg_spent_per_customer', 'avg_order_value',
    ]);
    // Totals per customer: 30, 40, 80, 102, 160 | 200, 240, 280 | 320 | 492.50 (C01, two addresses).
    // p50 = 180, p80 = 280 + 0.2 * 40 = 288, p95 = 320 + 0.55 * 172.5 = 414.875.
    expect(rows).toEqual([
      { segment_rank: 1, segment: 'low', percentile_range: '0-50', lower_edge: 30, upper_edge: 180, customers: 5, customer_share_pct: 50, orders: 5, revenue: 412, revenue_share_pct: 21.19, avg_spent_per_customer: 82.4, avg_order_value: 82.4 },
      { segment_rank: 2, segment: 'medium', percentile_range: '50-80', lower_edge: 180, upper_edge: 288, customers: 3, customer_share_pct: 30, orders: 3, revenue: 720, revenue_share_pct: 37.03, avg_spent_per_customer: 240, avg_order_value: 240 },
      { segment_rank: 3, segment: 'high', percentile_range: '80-95', lower_edge: 288, upper_edge: 414.88, customers: 1, customer_share_pct: 10, orders: 1, revenue: 320, revenue_share_pct: 16.46, avg_spent_per_customer: 320, avg_order_value: 320 },
      { segment_rank: 4, segment: 'top', percentile_range: '95-100', lower_edge: 414.88, upper_edge: 492.5, customers: 1, customer_share_pct: 10, orders: 2, revenue: 492.5, revenue_share_pct: 25.33, avg_spent_per_customer: 492.5, avg_order_value: 246.25 },
    ]);
    expect(Math.max(...rows.map((r) => Number(r.customer_share_pct)))).toBeLessThanOrEqual(50);
  });

  it('category performance: profit margin = profit / revenue', async () => {
    const { rows } = await result('category_performance');
    expect(rows).toEqual([
      { category: 'Home', products: 2, orders: 11, units_sold: 40, revenue: 1599.5, cost: 620, profit: 979.5, profit_margin_pct: 61.24, revenue_share_pct: 82.26 },
      { category: 'Furniture', products: 1, orders: 2, units_sold: 2, revenue: 345, cost: 250, profit: 95, profit_margin_pct: 27.54, revenue_share_pct: 17.74 },
    ]);
  });

  it('payment methods: share of transactions and of revenue, each summing to exactly 100', async () => {
    const { columns, rows } = await result('payment_method_distribution');
    expect(columns).toEqual(['payment_method', 'payment_type', 'transactions', 'transaction_share_pct', 'revenue', 'revenue_share_pct', 'avg_order_value']);
    expect(rows).toEqual([
      // 5/11 = 45.4545 takes the hundredth that plain rounding (45.45 + 27.27 + 18.18 + 9.09 = 99.99) loses.
      { payment_method: 'Debit Card', payment_type: 'Online', transactions: 5, transaction_share_pct: 45.46, revenue: 1200, revenue_share_pct: 61.71, avg_order_value: 240 },
      { payment_method: 'Credit Card', payment_type: 'Online', transactions: 3, transaction_share_pct: 27.27, revenue: 522.5, revenue_share_pct: 26.87, avg_order_value: 174.17 },
      { payment_method: 'UPI', payment_type: 'Online', transactions: 2, transaction_share_pct: 18.18, revenue: 120, revenue_share_pct: 6.17, avg_order_value: 60 },
      { payment_method: 'Cash on Delivery', payment_type: 'Offline', transactions: 1, transaction_share_pct: 9.09, revenue: 102, revenue_share_pct: 5.25, avg_order_value: 102 },
    ]);
    const cents = (key: string) => rows.reduce((sum, r) => sum + Math.round(Number(r[key]) * 100), 0);
    expect(cents('transaction_share_pct')).toBe(10000);
    expect(cents('revenue_share_pct')).toBe(10000);
  });

  it('geography: revenue and distinct customers by country, then by state where the customer lived when buying', async () => {
    const { rows } = await result('geography');
    expect(rows.map((r) => [r.level, r.country, r.state, r.customers, r.orders, r.revenue])).toEqual([
      ['country', 'India', null, 4, 4, 1040],
      ['state', 'India', 'Maharashtra', 2, 2, 600],
      ['state', 'India', 'Karnataka', 2, 2, 440],
      // C01 bought in California, then in Texas: counted in both states, once in the USA.
      ['country', 'USA', null, 6, 7, 904.5],
      ['state', 'USA', 'California', 3, 3, 480],
      ['state', 'USA', 'Texas', 2, 2, 314.5],
      ['state', 'USA', 'New York', 2, 2, 110],
    ]);
    expect(rows[0]).toMatchObject({ revenue_share_pct: 53.48, avg_order_value: 260 });
  });

  it('customer lifetime value: per customer_id, with orders, AOV, first/last purchase and lifespan', async () => {
    const { rows } = await result('customer_lifetime_value');
    expect(rows).toHaveLength(10);
    expect(rows[0]).toEqual({
      rank: 1, customer_id: 'C01', customer_name: 'Ada Moved', country: 'USA', state: 'Texas', age_group: '26-35',
      orders: 2, units_sold: 5, revenue: 492.5, profit: 182.5, avg_order_value: 246.25,
      first_purchase_date: '2024-01-29', last_purchase_date: '2024-02-05', lifespan_days: 7,
    });
    expect(rows.map((r) => r.customer_id)).toEqual(['C01', 'C10', 'C09', 'C08', 'C07', 'C06', 'C03', 'C05', 'C02', 'C04']);
  });

  it('product profitability: cost of the version sold, per product_id', async () => {
    const { rows } = await result('product_profitability');
    expect(rows.map((r) => [r.product_id, r.product_name, r.revenue, r.cost, r.profit, r.profit_margin_pct, r.discount_amount])).toEqual([
      ['P2', 'Desk Lamp', 1422, 540, 882, 62.03, 18],
      ['P1', 'Desk Lamp', 177.5, 80, 97.5, 54.93, 22.5],
      // One chair at cost 120 (old version), one at 130 (current).
      ['P3', 'Office Chair Pro', 345, 250, 95, 27.54, 75],
    ]);
  });

  it('day of week: totals divided by the calendar days of each weekday in the range, zero-sales days included', async () => {
    const { rows } = await result('day_of_week_pattern');
    const pick = (r: Row) => [r.period, r.calendar_days, r.days_with_sales, r.orders, r.revenue, r.avg_orders_per_day, r.avg_revenue_per_day];
    expect(rows.map(pick)).toEqual([
      // Five Mondays (29 Jan .. 26 Feb), two of them without a sale: 612.50 / 5, not / 3.
      ['Monday', 5, 3, 4, 612.5, 0.8, 122.5],
      ['Tuesday', 4, 1, 1, 160, 0.25, 40],
      ['Wednesday', 4, 1, 1, 200, 0.25, 50],
      ['Thursday', 4, 1, 1, 240, 0.25, 60],
      ['Friday', 4, 1, 2, 600, 0.5, 150],
      ['Saturday', 4, 1, 1, 102, 0.25, 25.5],
      ['Sunday', 4, 1, 1, 30, 0.25, 7.5],
      ['Weekday', 21, 7, 9, 1812.5, 0.43, 86.31],
      ['Weekend', 8, 2, 2, 132, 0.25, 16.5],
    ]);
    expect(rows[0]).toMatchObject({ period_type: 'day', day_of_week: 1, is_weekend: false, avg_order_value: 153.13 });
    expect(rows[8]).toMatchObject({ period_type: 'day_type', day_of_week: null, is_weekend: true });
  });

  it('discount impact: lines bucketed by discount percentage, the discount money a separate measure', async () => {
    const { rows } = await result('discount_impact');
    const pick = (r: Row) => [r.discount_band, r.lines, r.orders, r.units_sold, r.gross_revenue, r.discount_amount, r.revenue, r.avg_order_value];
    expect(rows.map(pick)).toEqual([
      ['0%', 8, 8, 35, 1420, 0, 1420, 177.5],
      ['1-10%', 2, 2, 2, 250, 22.5, 227.5, 113.75],
      ['11-20%', 1, 1, 3, 120, 18, 102, 102],
      ['21-30%', 1, 1, 1, 220, 55, 165, 165],
      ['>30%', 1, 1, 1, 50, 20, 30, 30],
    ]);
  });

  it('exports every analysis as CSV (header in column order) and JSON under processed/analytics/<run>', async () => {
    const dir = join(env.config.dataRoot, 'processed', 'analytics', runId);
    for (const analysis of ANALYSES) {
      const { columns, rows } = await result(analysis);
      const csv = await readFile(join(dir, `${analysis}.csv`), 'utf8');
      const lines = csv.trimEnd().split('\n');
      expect(lines[0]).toBe(columns.join(','));
      expect(lines).toHaveLength(rows.length + 1);
      const json = JSON.parse(await readFile(join(dir, `${analysis}.json`), 'utf8'));
      expect(json).toEqual({ runId, analysis, columns, rows });
    }
    const csv = await readFile(join(dir, 'top_products.csv'), 'utf8');
    expect(csv.split('\n')[1]).toBe('1,P2,Desk Lamp,Home,36,8,1422,882,62.03');
  });

  it('rebuilds the dashboard summaries on lanes, swapped in with the stage, recording the run they reflect', async () => {
    const { rows: state } = await env.pool.query('SELECT run_id FROM dashboard.refresh_state');
    expect(state).toEqual([{ run_id: runId }]);
    const { rows: stage } = await env.pool.query("SELECT detail FROM ops.run_stages WHERE run_id = $1 AND stage = 'analytics'", [runId]);
    expect(stage[0].detail.dashboardRefreshMs).toEqual(expect.any(Number));
    expect(stage[0].detail.dashboardRefresh).toMatchObject({ mode: 'full', fullReason: 'no summaries of a load yet', lanesMs: { swap: expect.any(Number) } });
    // All categories, all places and methods, per customer and year: the whole warehouse once.
    const { rows: years } = await env.pool.query(
      `SELECT sum(transactions)::int AS orders, sum(revenue_cents)::int AS revenue_cents, count(*)::int AS customers
         FROM dashboard.customer_years WHERE category_id = 0 AND geo_id = 0`,
    );
    expect(years[0]).toEqual({ orders: 11, revenue_cents: 194450, customers: expect.any(Number) });
    const { rows: products } = await env.pool.query(
      'SELECT sum(transactions)::int AS orders, sum(revenue_cents)::int AS revenue_cents FROM dashboard.product_years WHERE geo_id = 0',
    );
    // A transaction with lines of two products counts once per product (T01 and T03).
    expect(products[0]).toEqual({ orders: 13, revenue_cents: 194450 });
  });

  it.each([
    ['no dates', null, null],
    ['a whole year', '2024-01-01', '2024-12-31'],
    ['a whole month', '2024-02-01', '2024-02-29'],
    ['edge days only', '2024-01-30', '2024-02-10'],
    ['edge days and a whole month', '2024-01-15', '2024-02-29'],
    ['a month and edge days after it', '2024-02-01', '2024-02-20'],
  ])('dashboard.range_parts covers %s exactly once: years + months + days = the per-day summary', async (_name, from, to) => {
    const { rows } = await env.pool.query(
      `WITH parts AS (SELECT * FROM dashboard.range_parts($1::date, $2::date)),
            split AS (
              SELECT y.customer_no, y.transactions, y.revenue_cents FROM dashboard.customer_years y, parts p
               WHERE y.category_id = 0 AND y.geo_id = 0 AND y.year BETWEEN p.years_lo AND p.years_hi
              UNION ALL
              SELECT m.customer_no, m.transactions, m.revenue_cents FROM dashboard.customer_months m, parts p
               WHERE m.category_id = 0
                 AND (m.month_key BETWEEN p.months_before_lo AND p.months_before_hi OR m.month_key BETWEEN p.months_after_lo AND p.months_after_hi)
              UNION ALL
              SELECT d.customer_no, d.transactions, d.revenue_cents FROM dashboard.customer_days d, parts p
               WHERE d.category_id = 0
                 AND (d.date_key BETWEEN p.days_before_lo AND p.days_before_hi OR d.date_key BETWEEN p.days_after_lo AND p.days_after_hi)),
            -- What payment-filtered queries read: place rows of the whole years, every other day.
            years_and_rest AS (
              SELECT y.customer_no, y.transactions, y.revenue_cents FROM dashboard.customer_years y, parts p
               WHERE y.category_id = 0 AND y.geo_id > 0 AND y.year BETWEEN p.years_lo AND p.years_hi
              UNION ALL
              SELECT d.customer_no, d.transactions, d.revenue_cents FROM dashboard.customer_days d, parts p
               WHERE d.category_id = 0
                 AND (d.date_key BETWEEN p.rest_before_lo AND p.rest_before_hi OR d.date_key BETWEEN p.rest_after_lo AND p.rest_after_hi))
       SELECT (SELECT json_agg(t ORDER BY customer_no) FROM (SELECT customer_no, sum(transactions) AS orders, sum(revenue_cents) AS cents
                                                              FROM split GROUP BY 1) t) AS split,
              (SELECT json_agg(t ORDER BY customer_no) FROM (SELECT customer_no, sum(transactions) AS orders, sum(revenue_cents) AS cents
                                                              FROM years_and_rest GROUP BY 1) t) AS years_and_rest,
              (SELECT json_agg(t ORDER BY customer_no) FROM (SELECT customer_no, sum(transactions) AS orders, sum(revenue_cents) AS cents
                                                              FROM dashboard.customer_days
                                                             WHERE category_id = 0
                                                               AND date_key BETWEEN coalesce(to_char($1::date, 'YYYYMMDD')::int, 0)
                                                                                AND coalesce(to_char($2::date, 'YYYYMMDD')::int, 99999999)
                                                             GROUP BY 1) t) AS direct`,
      [from, to],
    );
    expect(rows[0].direct).not.toBeNull();
    expect(rows[0].split).toEqual(rows[0].direct);
    expect(rows[0].years_and_rest).toEqual(rows[0].direct);
  });

  it('reads the summaries; from the facts (when a parked line makes them differ) every analysis is the same', async () => {
    const { rows: stage } = await env.pool.query("SELECT detail FROM ops.run_stages WHERE run_id = $1 AND stage = 'analytics'", [runId]);
    expect(stage[0].detail.analysesFrom).toBe('summaries');
    const repository = app.get(AnalysesRepository);
    const client = await env.pool.connect();
    try {
      await client.query('BEGIN');
      expect(await repository.canReadSummaries(client)).toBe(true);
      await repository.prepare(client);
      for (const analysis of ANALYSES) {
        const fromFacts = await repository.runAnalysis(client, analysis, 'facts');
        const stored = await result(analysis);
        expect({ analysis, columns: fromFacts.columns, rows: fromFacts.rows }).toEqual({ analysis, columns: stored.columns, rows: stored.rows });
      }
      await repository.release(client);
      // A line parked on the unknown customer: the summaries would group it by its own customer id.
      await client.query("UPDATE warehouse.fact_sales SET customer_key = -1 WHERE item_id = 'L13'");
      expect(await repository.canReadSummaries(client)).toBe(false);
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  });

  it('runs beside the refresh only analyses whose summaries file reads no dashboard table', () => {
    for (const analysis of BESIDE_REFRESH) {
      const text = renderSqlFile(`analytics/from_summaries/${analysis}`, (part) => sqlFile(`analytics/shared/${part}`));
      const code = text.replace(/--.*$/gm, '');
      expect({ analysis, readsSummaries: /\bdashboard\./.test(code) }).toEqual({ analysis, readsSummaries: false });
    }
  });

  it('a rerun of the same run replaces its results: same rows, no duplicates', async () => {
    const before = await env.pool.query('SELECT analysis, rows FROM ops.analysis_results WHERE run_id = $1 ORDER BY analysis', [runId]);
    const service = app.get(AnalysesService);
    const run = await app.get(StageRuntime).ledger.getRun(runId);
    const counts = await withTransaction(env.pool, (client) =>
      service.analyseRun({ runId, run: run!, client, progress: async () => undefined }),
    );
    expect(counts).toMatchObject({ rowsIn: 13, rowsOut: 13, rowsRejected: 0 });
    const after = await env.pool.query('SELECT analysis, rows FROM ops.analysis_results WHERE run_id = $1 ORDER BY analysis', [runId]);
    expect(after.rows).toEqual(before.rows);
    expect(after.rows).toHaveLength(ANALYSES.length);
    // The dashboard summaries are rebuilt, not added to.
    const { rows: summary } = await env.pool.query('SELECT sum(transactions)::int AS orders FROM dashboard.customer_years WHERE category_id = 0 AND geo_id = 0');
    expect(summary[0].orders).toBe(11);
  });

  it('after a new load refreshes the summaries in place, the warehouse-only analyses beside it on the same snapshot: the same results', async () => {
    const before = await env.pool.query('SELECT analysis, columns, rows FROM ops.analysis_results WHERE run_id = $1 ORDER BY analysis', [runId]);
    const service = app.get(AnalysesService);
    const run = await app.get(StageRuntime).ledger.getRun(runId);
    const analyse = () => withTransaction(env.pool, (client) => service.analyseRun({ runId, run: run!, client, progress: async () => undefined }));
    // The seeded warehouse has no load record: summaries that reflect one, then a newer load that
    // touched no day, are what an incremental refresh needs (refresh_plan.sql).
    const loads = ['run-seed-load', 'run-next-load'];
    try {
      await env.pool.query(`INSERT INTO ops.runs (run_id, mode, params, status) SELECT unnest($1::text[]), 'source', '{}', 'succeeded'`, [loads]);
      await env.pool.query(`INSERT INTO ops.warehouse_loads (run_id, mode, as_of_date, touched_days) VALUES ($1, 'incremental', '2024-03-31', '{}')`, [loads[0]]);
      expect((await analyse()).detail).toMatchObject({ dashboardRefresh: { mode: 'full' } });
      await env.pool.query(`INSERT INTO ops.warehouse_loads (run_id, mode, as_of_date, touched_days) VALUES ($1, 'incremental', '2024-03-31', '{}')`, [loads[1]]);
      const counts = await analyse();
      expect(counts.detail).toMatchObject({ analysesFrom: 'summaries', dashboardRefresh: { mode: 'incremental', fullReason: null, touchedDays: 0 } });
      const after = await env.pool.query('SELECT analysis, columns, rows FROM ops.analysis_results WHERE run_id = $1 ORDER BY analysis', [runId]);
      expect(after.rows).toEqual(before.rows);
      const { rows: state } = await env.pool.query('SELECT run_id FROM dashboard.refresh_state');
      expect(state).toEqual([{ run_id: runId }]);
    } finally {
      await env.pool.query('DELETE FROM ops.runs WHERE run_id = ANY($1)', [loads]);
    }
  });
});
