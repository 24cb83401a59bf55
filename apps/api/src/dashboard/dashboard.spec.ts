import request from 'supertest';
import type { App } from 'supertest/types';
import { createTestEnv, type TestEnv } from '@ecom/testing';
import { PipelineApiClient } from '../../../../tools/api-client';
import { startPipeline, type RunningPipeline } from '../../../../tools/in-process';
import { DASHBOARD_ENDPOINTS, type DashboardData } from '@ecom/contracts';

/**
 * The dashboard's data endpoints on a real seeded run: every figure equals the same question asked
 * of the warehouse's star schema directly, whatever the filters.
 */
describe('dashboard API: live figures from the warehouse', () => {
  let env: TestEnv;
  let pipeline: RunningPipeline;
  let http: App;
  let runId: string;

  const sql = async <T extends object>(text: string, params: unknown[] = []) => (await env.pool.query<T>(text, params)).rows;
  const data = async (endpoint: string, query: Record<string, string> = {}): Promise<DashboardData> =>
    (await request(http).get(`/dashboard/api/${endpoint}`).query(query).expect(200)).body as DashboardData;

  /** Revenue, transactions, profit of fact lines matching the filters, straight from the star schema. */
  const warehouseTotals = async (f: { from?: string; to?: string; category?: string; country?: string; payment?: string }) =>
    (
      await sql<{ revenue: string; transactions: string; profit: string }>(
        `SELECT coalesce(sum(f.line_total), 0) AS revenue, count(DISTINCT f.transaction_id) AS transactions, coalesce(sum(f.profit), 0) AS profit
           FROM warehouse.fact_sales f
           JOIN warehouse.dim_date d ON d.date_key = f.date_key
           JOIN warehouse.dim_products p ON p.product_key = f.product_key
           JOIN warehouse.dim_customers c ON c.customer_key = f.customer_key
           JOIN warehouse.dim_payment_method pm ON pm.payment_method_key = f.payment_method_key
          WHERE ($1::date IS NULL OR d.full_date >= $1) AND ($2::date IS NULL OR d.full_date <= $2)
            AND ($3::text IS NULL OR p.category = $3) AND ($4::text IS NULL OR c.country = $4)
            AND ($5::text IS NULL OR pm.payment_method_name = $5)`,
        [f.from ?? null, f.to ?? null, f.category ?? null, f.country ?? null, f.payment ?? null],
      )
    )[0];

  const kpi = (d: DashboardData, metric: string) => d.rows.find((r) => r.metric === metric)!;

  beforeAll(async () => {
    env = await createTestEnv('api_dashboard', { generator: { partSize: 1000 } });
    pipeline = await startPipeline(env.config);
    http = pipeline.api.getHttpServer() as App;
    const client = new PipelineApiClient(pipeline.baseUrl);
    ({ runId } = await client.startRun({ customers: 300, products: 60, transactions: 2000, seed: 11, startDate: '2024-01-01', endDate: '2024-12-31' }));
    const report = await client.waitForRun(runId, undefined, { intervalMs: 200, timeoutMs: 150_000 });
    expect(report.status).toBe('succeeded');
  }, 180_000);

  afterAll(async () => {
    await pipeline?.close();
    await env?.teardown();
  });

  it('serves the four pages and the built bundle to a browser, without a key', async () => {
    for (const path of ['/dashboard', '/dashboard/products', '/dashboard/customers', '/dashboard/geography']) {
      const page = await request(http).get(path).expect(200);
      expect(page.headers['content-type']).toMatch(/text\/html/);
      expect(page.text).toContain('/dashboard/assets/dashboard.js');
    }
    const js = await request(http).get('/dashboard/assets/dashboard.js').expect(200);
    expect(js.headers['content-type']).toMatch(/javascript/);
    expect(js.text.length).toBeGreaterThan(10_000);
    await request(http).get('/dashboard/assets/dashboard.css').expect(200);
    await request(http).get('/dashboard/assets/secrets.txt').expect(404);
  });

  it('shows the last successful run on the badge', async () => {
    const status = (await request(http).get('/dashboard/api/status').expect(200)).body;
    expect(status.lastSuccessfulRun).toMatchObject({ runId, mode: 'generate' });
    expect(Date.parse(status.lastSuccessfulRun.finishedAt)).not.toBeNaN();
    expect(status.summariesLost).toBe(false);
  });

  it('says the summaries were lost when their record is gone after an analytics stage succeeded (what a crash leaves)', async () => {
    // A crash empties the UNLOGGED summaries and refresh_state together (migration 0057); the
    // faults suite crashes a real server, this checks the badge's answer alone.
    const [state] = await sql<Record<string, unknown>>('SELECT * FROM dashboard.refresh_state');
    await sql('DELETE FROM dashboard.refresh_state');
    try {
      const status = (await request(http).get('/dashboard/api/status').expect(200)).body;
      expect(status).toEqual({ lastSuccessfulRun: null, summariesLost: true });
    } finally {
      const columns = Object.keys(state);
      await sql(
        `INSERT INTO dashboard.refresh_state (${columns.join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')})`,
        columns.map((c) => state[c]),
      );
    }
    expect((await request(http).get('/dashboard/api/status').expect(200)).body.summariesLost).toBe(false);
  });

  it('offers filter values from the dimensions', async () => {
    const options = (await request(http).get('/dashboard/api/options').expect(200)).body;
    const categories = (await sql<{ category: string }>('SELECT DISTINCT category FROM warehouse.dim_products ORDER BY 1')).map((r) => r.category);
    expect(options.categories).toEqual(categories);
    expect(options.firstDate >= '2024-01-01' && options.lastDate <= '2024-12-31').toBe(true);
    expect(options.places.length).toBeGreaterThan(0);
  });

  it('computes the KPI tiles as the warehouse does: AOV = revenue / distinct transactions', async () => {
    const all = await data('kpis');
    const expected = await warehouseTotals({});
    expect(kpi(all, 'revenue').current_value).toBe(Number(expected.revenue));
    expect(kpi(all, 'transactions').current_value).toBe(Number(expected.transactions));
    expect(kpi(all, 'avg_order_value').current_value).toBe(Number((Number(expected.revenue) / Number(expected.transactions)).toFixed(2)));
    expect(kpi(all, 'profit_margin_pct').current_value).toBe(Number(((100 * Number(expected.profit)) / Number(expected.revenue)).toFixed(2)));
    // The whole span has nothing before it to compare with.
    expect(kpi(all, 'revenue').change_pct).toBeNull();
    // A generated shop has no returns: none, and net equals gross.
    expect(kpi(all, 'returns_amount').current_value).toBe(0);
    expect(kpi(all, 'net_revenue').current_value).toBe(Number(expected.revenue));
    const trend = await data('revenue-trend');
    expect(trend.rows.every((r) => r.returns_amount === 0 && r.net_revenue === r.revenue)).toBe(true);
    expect(trend.columns.slice(0, 5)).toEqual(['month', 'orders', 'revenue', 'returns_amount', 'net_revenue']);
  });

  it('applies every filter, and compares with the previous period of equal length', async () => {
    const { category } = (await sql<{ category: string }>(
      `SELECT p.category FROM warehouse.fact_sales f JOIN warehouse.dim_products p USING (product_key) GROUP BY 1 ORDER BY sum(f.line_total) DESC LIMIT 1`,
    ))[0];
    const { country } = (await sql<{ country: string }>(
      `SELECT c.country FROM warehouse.fact_sales f JOIN warehouse.dim_customers c USING (customer_key) GROUP BY 1 ORDER BY count(*) DESC LIMIT 1`,
    ))[0];
    const filters = { from: '2024-07-01', to: '2024-12-31', category, country };
    const filtered = await data('kpis', filters);
    const current = await warehouseTotals(filters);
    const previous = await warehouseTotals({ ...filters, from: '2024-01-01', to: '2024-06-30' });
    expect(kpi(filtered, 'revenue')).toMatchObject({
      current_value: Number(current.revenue),
      previous_value: Number(previous.revenue),
      current_from: '2024-07-01',
      previous_from: '2023-12-30', // 184 days (Jul-Dec) before 2024-07-01
    });
    expect(kpi(filtered, 'transactions').current_value).toBe(Number(current.transactions));
    expect(kpi(filtered, 'transactions').current_value).toBeLessThan(kpi(await data('kpis'), 'transactions').current_value as number);
  });

  it('groups products by product_id and customers by customer_id, matching the star schema', async () => {
    const top = await data('top-products');
    const expected = await sql<{ product_id: string; revenue: string }>(
      `SELECT p.product_id, sum(f.line_total) AS revenue FROM warehouse.fact_sales f JOIN warehouse.dim_products p USING (product_key)
        GROUP BY p.product_id ORDER BY revenue DESC, p.product_id LIMIT 20`,
    );
    expect(top.rows.map((r) => [r.product_id, r.revenue])).toEqual(expected.map((r) => [r.product_id, Number(r.revenue)]));

    const segments = await data('spending-segments');
    const customers = (await sql<{ n: string }>('SELECT count(DISTINCT customer_id) AS n FROM warehouse.fact_sales'))[0].n;
    expect(segments.rows.map((r) => r.segment)).toEqual(['low', 'medium', 'high', 'top']);
    expect(segments.rows.reduce((sum, r) => sum + Number(r.customers), 0)).toBe(Number(customers));

    const geography = await data('geography');
    const perCountry = await sql<{ country: string; customers: string; revenue: string }>(
      `SELECT c.country, count(DISTINCT c.customer_id) AS customers, sum(f.line_total) AS revenue
         FROM warehouse.fact_sales f JOIN warehouse.dim_customers c USING (customer_key) GROUP BY 1`,
    );
    for (const row of perCountry) {
      const served = geography.rows.find((r) => r.level === 'country' && r.country === row.country);
      expect(served).toMatchObject({ customers: Number(row.customers), revenue: Number(row.revenue) });
    }
  });

  it('finds the summaries refreshed by the run\'s analytics stage: no request rebuilds them', async () => {
    const state = await sql<{ run_id: string }>('SELECT run_id FROM dashboard.refresh_state');
    expect(state).toEqual([{ run_id: runId }]);
  });

  it('answers customer and product analyses over any range exactly: whole years, months and edge days add up', async () => {
    const { country } = (await sql<{ country: string }>(
      `SELECT c.country FROM warehouse.fact_sales f JOIN warehouse.dim_customers c USING (customer_key) GROUP BY 1 ORDER BY count(*) DESC LIMIT 1`,
    ))[0];
    const { payment } = (await sql<{ payment: string }>(
      `SELECT pm.payment_method_name AS payment FROM warehouse.fact_sales f JOIN warehouse.dim_payment_method pm USING (payment_method_key)
        GROUP BY 1 ORDER BY count(*) DESC LIMIT 1`,
    ))[0];
    const cases: Array<Record<string, string>> = [
      { from: '2024-01-01', to: '2024-12-31' },
      { from: '2024-02-15', to: '2024-11-20' },
      { from: '2024-03-01', to: '2024-05-31', country },
      { from: '2024-06-10', to: '2024-06-20', payment },
      { from: '2023-12-01', to: '2024-08-31', payment, country },
      // Most of a year, alone, by place and method, and at either end of a range over two years:
      // partial years split into whole months and edge days (dashboard.range_parts).
      { from: '2024-01-10', to: '2024-12-20' },
      { from: '2024-01-10', to: '2024-12-20', payment, country },
      { from: '2024-03-05', to: '2025-01-10', country },
      { from: '2023-11-15', to: '2024-10-31', payment },
    ];
    for (const filters of cases) {
      // The 20 biggest spenders of the range, straight from the star schema.
      const expected = await sql<{ customer_id: string; revenue: string; orders: string }>(
        `SELECT f.customer_id, sum(f.line_total) AS revenue, count(DISTINCT f.transaction_id) AS orders
           FROM warehouse.fact_sales f
           JOIN warehouse.dim_date d ON d.date_key = f.date_key
           JOIN warehouse.dim_customers c ON c.customer_key = f.customer_key
           JOIN warehouse.dim_payment_method pm ON pm.payment_method_key = f.payment_method_key
          WHERE d.full_date BETWEEN $1 AND $2 AND ($3::text IS NULL OR c.country = $3) AND ($4::text IS NULL OR pm.payment_method_name = $4)
          GROUP BY 1 ORDER BY revenue DESC, f.customer_id LIMIT 20`,
        [filters.from, filters.to, filters.country ?? null, filters.payment ?? null],
      );
      const top = await data('top-customers', filters);
      expect({ filters, rows: top.rows.map((r) => [r.customer_id, r.revenue, r.orders]) }).toEqual({
        filters,
        rows: expected.map((r) => [r.customer_id, Number(r.revenue), Number(r.orders)]),
      });
      const buyers = (await sql<{ n: string }>(
        `SELECT count(DISTINCT f.customer_id) AS n
           FROM warehouse.fact_sales f
           JOIN warehouse.dim_date d ON d.date_key = f.date_key
           JOIN warehouse.dim_customers c ON c.customer_key = f.customer_key
           JOIN warehouse.dim_payment_method pm ON pm.payment_method_key = f.payment_method_key
          WHERE d.full_date BETWEEN $1 AND $2 AND ($3::text IS NULL OR c.country = $3) AND ($4::text IS NULL OR pm.payment_method_name = $4)`,
        [filters.from, filters.to, filters.country ?? null, filters.payment ?? null],
      ))[0].n;
      const lifetime = await data('lifetime-value', filters);
      expect({ filters, customers: lifetime.rows.reduce((sum, r) => sum + Number(r.customers), 0) }).toEqual({ filters, customers: Number(buyers) });
      // Segments hold every buyer once, with what they spent in the range.
      const segments = await data('spending-segments', filters);
      const inRange = (await sql<{ revenue: string }>(
        `SELECT coalesce(sum(f.line_total), 0) AS revenue
           FROM warehouse.fact_sales f
           JOIN warehouse.dim_date d ON d.date_key = f.date_key
           JOIN warehouse.dim_customers c ON c.customer_key = f.customer_key
           JOIN warehouse.dim_payment_method pm ON pm.payment_method_key = f.payment_method_key
          WHERE d.full_date BETWEEN $1 AND $2 AND ($3::text IS NULL OR c.country = $3) AND ($4::text IS NULL OR pm.payment_method_name = $4)`,
        [filters.from, filters.to, filters.country ?? null, filters.payment ?? null],
      ))[0].revenue;
      expect({
        filters,
        customers: segments.rows.reduce((sum, r) => sum + Number(r.customers), 0),
        cents: segments.rows.reduce((sum, r) => sum + Math.round(Number(r.revenue) * 100), 0),
      }).toEqual({ filters, customers: Number(buyers), cents: Math.round(Number(inRange) * 100) });
      // Customers per state, counted where they lived when buying in the range.
      const perState = await sql<{ country: string; state: string; customers: string }>(
        `SELECT c.country, c.state, count(DISTINCT f.customer_id) AS customers
           FROM warehouse.fact_sales f
           JOIN warehouse.dim_date d ON d.date_key = f.date_key
           JOIN warehouse.dim_customers c ON c.customer_key = f.customer_key
           JOIN warehouse.dim_payment_method pm ON pm.payment_method_key = f.payment_method_key
          WHERE d.full_date BETWEEN $1 AND $2 AND ($3::text IS NULL OR c.country = $3) AND ($4::text IS NULL OR pm.payment_method_name = $4)
          GROUP BY 1, 2 ORDER BY 1, 2`,
        [filters.from, filters.to, filters.country ?? null, filters.payment ?? null],
      );
      const geography = await data('geography', filters);
      const servedStates = geography.rows
        .filter((r) => r.level === 'state')
        .map((r) => [r.country, r.state, r.customers])
        .sort((a, b) => String(a[0]).localeCompare(String(b[0])) || String(a[1]).localeCompare(String(b[1])));
      expect({ filters, states: servedStates }).toEqual({
        filters,
        states: perState.map((r) => [r.country, r.state, Number(r.customers)]).sort((a, b) => String(a[0]).localeCompare(String(b[0])) || String(a[1]).localeCompare(String(b[1]))),
      });
      // Every buyer has exactly one cohort: its month-0 rows count each buyer once.
      const cohorts = await data('cohort-retention', filters);
      const firsts = cohorts.rows.filter((r) => r.months_since === 0).reduce((sum, r) => sum + Number(r.active_customers), 0);
      expect({ filters, firsts }).toEqual({ filters, firsts: Number(buyers) });
      // Every cell: the customers of each cohort (month of the first purchase in the range) buying n months later.
      const cells = await sql<{ cohort_month: string; months_since: number; active_customers: string }>(
        `WITH buys AS (
           SELECT DISTINCT f.customer_id, (extract(year FROM d.full_date) * 12 + extract(month FROM d.full_date) - 1)::int AS month_index
             FROM warehouse.fact_sales f
             JOIN warehouse.dim_date d ON d.date_key = f.date_key
             JOIN warehouse.dim_customers c ON c.customer_key = f.customer_key
             JOIN warehouse.dim_payment_method pm ON pm.payment_method_key = f.payment_method_key
            WHERE d.full_date BETWEEN $1 AND $2 AND ($3::text IS NULL OR c.country = $3) AND ($4::text IS NULL OR pm.payment_method_name = $4)
         ),
         cohorts AS (SELECT customer_id, min(month_index) AS cohort_index FROM buys GROUP BY 1)
         SELECT to_char(make_date(co.cohort_index / 12, co.cohort_index % 12 + 1, 1), 'YYYY-MM') AS cohort_month,
                b.month_index - co.cohort_index AS months_since, count(*) AS active_customers
           FROM buys b JOIN cohorts co USING (customer_id)
          GROUP BY co.cohort_index, 2 ORDER BY co.cohort_index, 2`,
        [filters.from, filters.to, filters.country ?? null, filters.payment ?? null],
      );
      expect({ filters, cells: cohorts.rows.map((r) => [r.cohort_month, r.months_since, r.active_customers]) }).toEqual({
        filters,
        cells: cells.map((r) => [r.cohort_month, Number(r.months_since), Number(r.active_customers)]),
      });
      const products = await data('product-profitability', filters);
      const revenue = (await sql<{ revenue: string }>(
        `SELECT coalesce(sum(f.line_total), 0) AS revenue
           FROM warehouse.fact_sales f
           JOIN warehouse.dim_date d ON d.date_key = f.date_key
           JOIN warehouse.dim_customers c ON c.customer_key = f.customer_key
           JOIN warehouse.dim_payment_method pm ON pm.payment_method_key = f.payment_method_key
          WHERE d.full_date BETWEEN $1 AND $2 AND ($3::text IS NULL OR c.country = $3) AND ($4::text IS NULL OR pm.payment_method_name = $4)`,
        [filters.from, filters.to, filters.country ?? null, filters.payment ?? null],
      ))[0].revenue;
      const served = products.rows.reduce((sum, r) => sum + Math.round(Number(r.revenue) * 100), 0);
      expect({ filters, cents: served }).toEqual({ filters, cents: Math.round(Number(revenue) * 100) });
    }
    // Nine ranges, each asked of every customer analysis and of the star schema: minutes on a loaded 2-core machine.
  }, 300_000);

  it('divides day-of-week figures by the calendar days of each weekday in the range', async () => {
    const days = await data('day-of-week', { from: '2024-03-01', to: '2024-03-31' });
    // March 2024 starts on a Friday: five Fridays, Saturdays and Sundays, four of the rest.
    expect(days.rows.map((r) => r.calendar_days)).toEqual([4, 4, 4, 4, 5, 5, 5]);
    const monday = await sql<{ revenue: string }>(
      `SELECT coalesce(sum(f.line_total), 0) AS revenue FROM warehouse.fact_sales f JOIN warehouse.dim_date d USING (date_key)
        WHERE d.full_date BETWEEN '2024-03-01' AND '2024-03-31' AND d.day_of_week = 1`,
    );
    expect(days.rows[0].avg_revenue_per_day).toBe(Number((Number(monday[0].revenue) / 4).toFixed(2)));
    const split = await data('weekday-weekend', { from: '2024-03-01', to: '2024-03-31' });
    expect(split.rows.map((r) => [r.day_type, r.calendar_days])).toEqual([['Weekday', 21], ['Weekend', 10]]);
  });

  it('answers every endpoint for every filter, and empty (not broken) where nothing matches', async () => {
    for (const endpoint of DASHBOARD_ENDPOINTS) {
      const all = await data(endpoint);
      expect({ endpoint, rows: all.rows.length > 0 }).toEqual({ endpoint, rows: true });
      const none = await data(endpoint, { category: 'No such category' });
      const empty = endpoint === 'kpis' ? none.rows.every((r) => r.current_value === 0 || r.current_value === null) : none.rows.length === 0;
      expect({ endpoint, empty }).toEqual({ endpoint, empty: true });
    }
  });

  it('downloads any chart as CSV with the same filters', async () => {
    const res = await request(http).get('/dashboard/api/payment-methods').query({ format: 'csv', from: '2024-01-01' }).expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.headers['content-disposition']).toBe('attachment; filename="dashboard-payment-methods.csv"');
    const json = await data('payment-methods', { from: '2024-01-01' });
    const lines = res.text.trim().split('\n');
    expect(lines[0]).toBe(json.columns.join(','));
    expect(lines).toHaveLength(json.rows.length + 1);
  });

  it('refuses bad filters with 400 naming the field, and unknown endpoints with 404', async () => {
    const date = await request(http).get('/dashboard/api/kpis?from=2024-02-30').expect(400);
    expect(date.body.message).toEqual(['from must be a date YYYY-MM-DD between 1900-01-01 and 2199-12-31']);
    const order = await request(http).get('/dashboard/api/kpis?from=2024-05-01&to=2024-04-01').expect(400);
    expect(order.body.message).toEqual(['from (2024-05-01) must not be after to (2024-04-01)']);
    const unknown = await request(http).get('/dashboard/api/kpis?region=EU').expect(400);
    expect(unknown.body.message).toEqual(['property region should not exist']);
    await request(http).get('/dashboard/api/kpis?format=xml').expect(400);
    await request(http).get(`/dashboard/api/kpis?category=${'x'.repeat(101)}`).expect(400);
    const missing = await request(http).get('/dashboard/api/best-sellers').expect(404);
    expect(missing.body.message).toMatch(/^dashboard endpoint best-sellers does not exist/);
  });
});
