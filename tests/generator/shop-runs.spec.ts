import type { RunProfile, RunReport } from '@ecom/contracts';
import { createTestEnv, type TestEnv } from '@ecom/testing';
import { ApiError, PipelineApiClient } from '../../tools/api-client';
import { startPipeline, type RunningPipeline } from '../../tools/in-process';

/**
 * Issue 3 through the real pipeline and REST: a seeded generated run lands and its data profile
 * (measured in SQL over the landed staging rows by the validate stage) shows the shop's shape;
 * then two daily deltas continue the data set, and are refused before any data set exists.
 */
describe('generated shop runs', () => {
  let env: TestEnv;
  let pipeline: RunningPipeline;
  let client: PipelineApiClient;

  const getJson = async <T>(path: string): Promise<{ status: number; body: T }> => {
    const response = await fetch(`${pipeline.baseUrl}${path}`);
    return { status: response.status, body: (await response.json()) as T };
  };
  const run = async (body: Record<string, unknown>): Promise<RunReport> => {
    const { runId } = await client.startRun(body);
    return client.waitForRun(runId, undefined, { intervalMs: 200, timeoutMs: 120_000 });
  };
  const refusal = async (body: Record<string, unknown>): Promise<string> => {
    try {
      await client.startRun(body);
    } catch (error) {
      if (error instanceof ApiError && error.status === 400) return error.message;
      throw error;
    }
    throw new Error(`expected ${JSON.stringify(body)} to be refused`);
  };

  beforeAll(async () => {
    env = await createTestEnv('shop_runs', { generator: { partSize: 2000 } });
    pipeline = await startPipeline(env.config);
    client = new PipelineApiClient(pipeline.baseUrl);
  });
  afterAll(async () => {
    await pipeline?.close();
    await env.teardown();
  });

  it('refuses a delta while there is no generated data set to continue', async () => {
    expect(await refusal({ mode: 'incremental', days: 1 })).toMatch(/mode incremental needs an earlier generated run to continue/);
  });

  describe('a seeded full year', () => {
    let generated: RunReport;
    let profile: RunProfile;

    beforeAll(async () => {
      generated = await run({ customers: 1200, products: 300, transactions: 6000, seed: 2024, startDate: '2024-01-01', endDate: '2024-12-31' });
      profile = (await getJson<RunProfile>(`/runs/${generated.runId}/profile`)).body;
    });

    it('succeeds, and reports its profile in the run report too', () => {
      expect(generated.status).toBe('succeeded');
      expect(generated.profile).toEqual(profile);
      expect(profile).toMatchObject({ runId: generated.runId, orders: 6000, buyers: expect.any(Number) });
    });

    it('measures the shop targets on the landed data', () => {
      expect(profile.monthlyRevenue.map((m) => m.month)).toEqual(Array.from({ length: 12 }, (_, i) => `2024-${String(i + 1).padStart(2, '0')}`));
      expect(profile.q4PeakIndex).toBeGreaterThanOrEqual(1.4);
      expect(profile.weekendWeekdayRatio).toBeGreaterThanOrEqual(1.15);
      expect(profile.topCustomerRevenueShare).toBeGreaterThanOrEqual(0.6);
      expect(profile.repeatBuyers).toBeGreaterThan(0);
      expect(profile.oneTimeBuyers).toBeGreaterThan(0);
      expect(profile.categories[0].category).toBe('Electronics');
      const byPrice = [...profile.categories].sort((a, b) => b.avgPrice - a.avgPrice).map((c) => c.category);
      expect([byPrice[0], byPrice[byPrice.length - 1]]).toEqual(['Electronics', 'Books']);
      expect(profile.basketSizeMean).toBeGreaterThan(2.3);
      expect(profile.basketSizeMean).toBeLessThan(2.7);
      expect(profile.nightOrderShare).toBeLessThan(0.06);
      const cod = profile.paymentMix.find((p) => p.paymentMethod === 'Cash on Delivery')!;
      expect(cod.share).toBeLessThan(0.12);
      expect(profile.paymentMix[0].share).toBeGreaterThan(cod.share);
      expect({ before: profile.ordersBeforeRegistration, geography: profile.geographyMismatches }).toEqual({ before: 0, geography: 0 });
      // Discounts concentrate in promotions: December (pre-Christmas sales) against March.
      const month = (m: string) => profile.monthlyRevenue.find((r) => r.month === m)!;
      expect(month('2024-12').discountedLineShare).toBeGreaterThan(2 * month('2024-03').discountedLineShare);
    });

    it('answers 404 for the profile of an unknown run', async () => {
      const missing = await getJson<{ message: string }>('/runs/no-such-run/profile');
      expect(missing).toEqual({ status: 404, body: expect.objectContaining({ message: 'run no-such-run not found' }) });
    });

    describe('then two daily deltas', () => {
      let first: RunReport;
      let second: RunReport;

      beforeAll(async () => {
        first = await run({ mode: 'incremental', days: 1 });
        second = await run({ mode: 'incremental' });
      });

      it("date a delta's changes from its own day, so earlier sales keep the versions they were made under", async () => {
        const q = async (sql: string, params: unknown[] = []) => (await env.pool.query(sql, params)).rows;
        expect(await q('SELECT run_id, as_of_date::text FROM ops.warehouse_loads WHERE run_id = ANY($1) ORDER BY as_of_date', [[first.runId, second.runId]])).toEqual([
          { run_id: first.runId, as_of_date: '2025-01-01' },
          { run_id: second.runId, as_of_date: '2025-01-02' },
        ]);
        // Versions a delta opened start on its day, never on the base's last day (2024-12-31).
        const opened = await q(`SELECT effective_date::text AS day, count(*)::int AS versions
                                  FROM (SELECT effective_date FROM warehouse.dim_customers
                                        UNION ALL SELECT effective_date FROM warehouse.dim_products) v
                                 WHERE effective_date > '1900-01-01' GROUP BY 1 ORDER BY 1`);
        expect(opened.length).toBeGreaterThan(0);
        expect(opened.map((r) => r.day).every((day) => day === '2025-01-01' || day === '2025-01-02')).toBe(true);
        // A moved customer's 2024 sales stay on the version that was current then.
        const movedBefore = await q(`SELECT count(*)::int AS n
                                       FROM warehouse.fact_sales f
                                       JOIN warehouse.dim_customers c ON c.customer_key = f.customer_key
                                      WHERE f.date_key < 20250101 AND c.effective_date >= '2025-01-01'`);
        expect(movedBefore).toEqual([{ n: 0 }]);
        const oldVersionSales = await q(`SELECT count(*)::int AS n
                                           FROM warehouse.fact_sales f
                                           JOIN warehouse.dim_customers c ON c.customer_key = f.customer_key
                                          WHERE f.date_key < 20250101 AND NOT c.is_current`);
        expect(oldVersionSales[0].n).toBeGreaterThan(0);
      });

      it('keep history for moved customers, and a rebuild from production gives the same warehouse', async () => {
        const snapshot = async () => {
          const q = async (sql: string) => (await env.pool.query(sql)).rows;
          return {
            customers: await q(`SELECT customer_id, email, city, state, country, age_group, customer_segment,
                                       effective_date::text, end_date::text, is_current
                                  FROM warehouse.dim_customers ORDER BY customer_id, effective_date`),
            products: await q(`SELECT product_id, product_name, category, price, cost, price_range,
                                      effective_date::text, end_date::text, is_current
                                 FROM warehouse.dim_products ORDER BY product_id, effective_date`),
            facts: await q(`SELECT f.item_id, f.date_key, c.customer_id, c.effective_date::text AS customer_version,
                                   p.product_id, p.effective_date::text AS product_version, f.line_total, f.profit
                              FROM warehouse.fact_sales f
                              JOIN warehouse.dim_customers c ON c.customer_key = f.customer_key
                              JOIN warehouse.dim_products p ON p.product_key = f.product_key
                             ORDER BY f.item_id`),
            daily: await q('SELECT * FROM warehouse.agg_daily_sales ORDER BY date_key'),
            customerMetrics: await q(`SELECT c.customer_id, c.effective_date::text, a.total_transactions, a.total_spent, a.last_purchase_date::text
                                        FROM warehouse.agg_customer_metrics a JOIN warehouse.dim_customers c USING (customer_key)
                                       ORDER BY 1, 2`),
            productPerformance: await q(`SELECT p.product_id, p.effective_date::text, a.total_quantity_sold, a.total_revenue, a.total_profit
                                           FROM warehouse.agg_product_performance a JOIN warehouse.dim_products p USING (product_key)
                                          ORDER BY 1, 2`),
          };
        };
        const loaded = await snapshot();
        // The deltas moved customers: their history has a closed version and a current one.
        const versions = new Map<string, number>();
        for (const row of loaded.customers as Array<{ customer_id: string }>) {
          versions.set(row.customer_id, (versions.get(row.customer_id) ?? 0) + 1);
        }
        expect([...versions.values()].filter((n) => n > 1).length).toBeGreaterThan(2);
        expect(loaded.facts.length).toBeGreaterThan(6000);

        const rebuild = await run({ mode: 'rebuild' });
        expect(rebuild.status).toBe('succeeded');
        expect(await snapshot()).toEqual(loaded);
      });

      it('refuses sizes, seed, dates or a source with mode incremental, and days without it', async () => {
        expect(await refusal({ mode: 'incremental', transactions: 5, seed: 3 })).toMatch(/remove transactions, seed$/);
        expect(await refusal({ days: 2 })).toMatch(/days is only for mode incremental/);
        expect(await refusal({ mode: 'incremental', days: 0 })).toMatch(/days must not be less than 1/);
      });

      it('continue the days after the last generated date, from the same data set', () => {
        expect([first.status, second.status]).toEqual(['succeeded', 'succeeded']);
        expect(first.params).toMatchObject({
          mode: 'incremental',
          generate: { seed: 2024, customers: 1200, endDate: '2024-12-31' },
          incremental: { baseRunId: generated.runId, previousRunId: generated.runId, fromDate: '2025-01-01', toDate: '2025-01-01', days: 1 },
        });
        expect(second.params).toMatchObject({
          incremental: { baseRunId: generated.runId, previousRunId: first.runId, fromDate: '2025-01-02', toDate: '2025-01-02' },
        });
      });

      it('land new orders with ids after the last ones, and changed customers and products as full rows', async () => {
        const { rows } = await env.pool.query<{ run_id: string; first_id: string; last_id: string; dates: string[]; orders: number }>(
          `SELECT run_id, min(transaction_id) AS first_id, max(transaction_id) AS last_id,
                  array_agg(DISTINCT transaction_date) AS dates, count(*)::int AS orders
             FROM staging.transactions WHERE run_id = ANY($1) GROUP BY run_id`,
          [[first.runId, second.runId]],
        );
        const byRun = new Map(rows.map((r) => [r.run_id, r]));
        expect(byRun.get(first.runId)).toMatchObject({ first_id: 'TXN0000006001', dates: ['2025-01-01'] });
        const firstLast = Number(byRun.get(first.runId)!.last_id.slice(3));
        expect(byRun.get(second.runId)).toMatchObject({ first_id: `TXN${String(firstLast + 1).padStart(10, '0')}`, dates: ['2025-01-02'] });

        // Moved customers: same id, other city, coherent geography; production holds the new address.
        const moved = await env.pool.query<{ customer_id: string; city: string; base_city: string }>(
          `SELECT d.customer_id, d.city, b.city AS base_city
             FROM staging.customers d JOIN staging.customers b ON b.customer_id = d.customer_id AND b.run_id = $2
            WHERE d.run_id = $1`,
          [first.runId, generated.runId],
        );
        expect(moved.rows.length).toBeGreaterThan(2);
        expect(moved.rows.length).toBeLessThan(40);
        expect(moved.rows.filter((r) => r.city === r.base_city)).toEqual([]);
        const changedProducts = await env.pool.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM staging.products d JOIN staging.products b ON b.product_id = d.product_id AND b.run_id = $2
            WHERE d.run_id = $1 AND (d.price <> b.price OR d.category <> b.category)`,
          [first.runId, generated.runId],
        );
        expect(changedProducts.rows[0].n).toBeGreaterThan(0);
        expect(changedProducts.rows[0].n).toBeLessThan(20);

        for (const delta of [first, second]) {
          const p = (await getJson<RunProfile>(`/runs/${delta.runId}/profile`)).body;
          expect({ before: p.ordersBeforeRegistration, geography: p.geographyMismatches }).toEqual({ before: 0, geography: 0 });
        }
      });
    });
  });
});
