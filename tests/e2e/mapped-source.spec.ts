import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { join } from 'node:path';
import type { RejectPage, RunReport } from '@ecom/contracts';
import { NO_REJECT_LIMITS, createTestEnv, type TestEnv } from '@ecom/testing';
import { repoRoot } from '@ecom/config';
import { PipelineApiClient } from '../../tools/api-client';
import { startPipeline, type RunningPipeline } from '../../tools/in-process';
import { formatRunSummary } from '../../tools/report-format';

/**
 * Issue 16: a shop's own export runs through every stage with a mapping (docs/mappings.md). The
 * 90-line excerpt of UCI Online Retail and the Shopify fixture go in through POST /runs
 * {source, mapping}; the run report sets the source's control totals beside the warehouse's and
 * they agree to the cent, every line not in the warehouse being a reject with its reason.
 */
describe('a mapped source folder through the whole pipeline', () => {
  let env: TestEnv;
  let pipeline: RunningPipeline;
  let client: PipelineApiClient;
  let retail: RunReport;
  let shopify: RunReport;

  const runToEnd = async (start: Promise<{ runId: string }>): Promise<RunReport> =>
    client.waitForRun((await start).runId, undefined, { intervalMs: 100, timeoutMs: 120_000 });

  const fixture = (name: string): string => {
    const dir = join(env.config.dataRoot, 'exports', name);
    mkdirSync(dir, { recursive: true });
    cpSync(join(repoRoot(), 'tests', 'fixtures', 'mapping', name), dir, { recursive: true });
    return dir;
  };

  const post = (body: unknown) =>
    fetch(`${pipeline.baseUrl}/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  beforeAll(async () => {
    // One order of the excerpt (80,995 units on one line) is rejected on purpose by the transform's
    // plausibility rule: 1 of 13 orders is over the 5% limit a real export of thousands never reaches.
    env = await createTestEnv('e2e_mapped_source', NO_REJECT_LIMITS);
    pipeline = await startPipeline(env.config);
    client = new PipelineApiClient(pipeline.baseUrl);
    retail = await runToEnd(client.startRun({ source: fixture('online-retail'), mapping: 'online-retail' }));
    shopify = await runToEnd(client.startRun({ source: fixture('shopify'), mapping: 'shopify-orders' }));
  });

  afterAll(async () => {
    await pipeline?.close();
    await env?.teardown();
  });

  it('runs the Online Retail excerpt through every stage, accounting for every line', () => {
    expect(retail.error).toBeNull();
    expect(retail.status).toBe('succeeded');
    expect(retail.accountingBalanced).toBe(true);
    expect(retail.files.map((f) => [f.sourceFile, f.linesRead, f.rowsQuarantined])).toEqual([
      ['customers.csv', 9, 0],
      ['products.csv', 74, 0],
      ['transaction_items.csv', 83, 0],
      ['transactions.csv', 13, 0],
    ]);
    expect(retail.params).toMatchObject({ mapping: { name: 'online-retail', file: 'online-retail.yaml', sourceDir: 'exports/online-retail' } });
  });

  it('reconciles the source’s control totals with the warehouse to the cent, the rest explained by rejects', () => {
    const m = retail.mapping!;
    expect(m.source.total).toEqual({ lines: 90, orders: 20, amount: '-18040.359' });
    expect(m.reconciliation).toEqual({
      sold: '172580.861',
      setAsideByMapping: { lines: 2, amount: '0.00' },
      roundingToCents: '0.001',
      // Order 581483: 80,995 units on one line, over the transform's plausible 1,000 (implausible_value);
      // order 568375: its two products cost 0.001, below the cent production prices keep
      // (non_positive_price, its lines orphan_product).
      rejectedInPipeline: { lines: 3, orders: 2, amount: '168484.60' },
      warehouseGross: '4096.26',
      difference: '0.00',
      returns: [
        { status: 'cancelled', lines: 2, source: '-168497.10', setAsideByMapping: { lines: 0, amount: '0.00' }, roundingToCents: '0.00', warehouse: { lines: 2, amount: '-168497.10' }, difference: '0.00' },
        { status: 'adjusted', lines: 3, source: '-22124.12', setAsideByMapping: { lines: 0, amount: '0.00' }, roundingToCents: '0.00', warehouse: { lines: 3, amount: '-22124.12' }, difference: '0.00' },
      ],
      notLoaded: [],
      balanced: true,
    });
    expect(m.warehouse).toEqual({
      lines: 80,
      orders: 11,
      gross: '4096.26',
      returns: { cancelled: { lines: 2, amount: '-168497.10' }, adjusted: { lines: 3, amount: '-22124.12' } },
      net: '-186524.96',
    });
    expect(retail.rejectsByReason.filter((r) => r.stage === 'transform')).toEqual([
      { stage: 'transform', reasonCode: 'implausible_value', count: 1 },
      { stage: 'transform', reasonCode: 'non_positive_price', count: 1 },
      { stage: 'transform', reasonCode: 'order_line_rejected', count: 2 },
      { stage: 'transform', reasonCode: 'orphan_product', count: 2 },
    ]);
    expect(formatRunSummary(retail)).toContain('warehouse: gross 4096.26, cancelled -168497.10, adjusted -22124.12, net -186524.96 (agrees with the source to the cent)');
  });

  it('puts the lines the mapping could not convert in the rejects with the source file, line and reason', async () => {
    const page = (await (await fetch(`${pipeline.baseUrl}/runs/${retail.runId}/rejects?limit=50`)).json()) as RejectPage;
    expect(page.rejects.filter((r) => r.stage === 'mapping').map((r) => [r.sourceFile, r.sourceLine, r.reasonCode, r.recordKey, r.entity])).toEqual([
      ['online_retail_excerpt.csv', 49, 'no_product_price', '536414', 'transaction_items'],
      ['online_retail_excerpt.csv', 64, 'no_product_price', '536545', 'transaction_items'],
    ]);
  });

  it('keeps cancellations and adjustments in fact_returns, beside the sales: gross, returns and net apart', async () => {
    const returns = await env.pool.query<{ return_line_id: string; kind: string; date_key: number; customer_id: string | null; line_total: string }>(
      'SELECT return_line_id, kind, date_key, customer_id, line_total FROM warehouse.fact_returns ORDER BY return_line_id');
    expect(returns.rows).toEqual(expect.arrayContaining([
      { return_line_id: 'C536379-1', kind: 'cancelled', date_key: 20101201, customer_id: '14527', line_total: '-27.50' },
      { return_line_id: 'A563186-1', kind: 'adjusted', date_key: 20110812, customer_id: 'GUEST', line_total: '-11062.06' },
    ]));
    expect(await env.pool.query('SELECT 1 FROM warehouse.fact_sales WHERE transaction_id LIKE $1', ['C%'])).toHaveProperty('rowCount', 0);
    const day = await env.pool.query<Record<string, string>>(
      'SELECT gross_revenue, cancelled_amount, adjusted_amount, net_revenue FROM warehouse.sales_net_daily WHERE date_key = 20101201');
    const gross = (await env.pool.query<{ s: string }>(
      'SELECT sum(line_total) AS s FROM warehouse.fact_sales WHERE date_key = 20101201')).rows[0].s;
    expect(day.rows[0]).toEqual({ gross_revenue: gross, cancelled_amount: '-27.50', adjusted_amount: '0.00', net_revenue: (Number(gross) - 27.5).toFixed(2) });
  });

  it('shows returns and net beside the revenue in the monthly trend', async () => {
    const res = await fetch(`${pipeline.baseUrl}/analytics/monthly_sales_trend?format=json`);
    const body = (await res.json()) as { rows: Array<Record<string, unknown>> };
    const december = body.rows.find((r) => r.month === '2010-12')!;
    expect(december.returns_amount).toBe(-27.5);
    expect(december.net_revenue).toBeCloseTo((december.revenue as number) - 27.5, 2);
    expect(body.rows.find((r) => r.month === '2011-08')).toMatchObject({ returns_amount: -22124.12 });
  });

  it('loads the shop’s real months, countries and products', async () => {
    const rows = await env.pool.query<{ month: string; country: string; n: string }>(
      `SELECT to_char(d.full_date, 'YYYY-MM') AS month, c.country, count(*) AS n
         FROM warehouse.fact_sales f JOIN warehouse.dim_date d USING (date_key) JOIN warehouse.dim_customers c USING (customer_key)
        WHERE f.transaction_id IN ('536365', '559135') GROUP BY 1, 2 ORDER BY 1`);
    expect(rows.rows).toEqual([
      { month: '2010-12', country: 'United Kingdom', n: '7' },
      { month: '2011-07', country: 'Spain', n: '11' },
    ]);
  });

  it('puts the shop’s real months, countries and products on the dashboard', async () => {
    const get = async (endpoint: string, query = '') => (await (await fetch(`${pipeline.baseUrl}/dashboard/api/${endpoint}${query}`)).json()) as unknown;
    const text = JSON.stringify(await get('revenue-trend', '?from=2010-12-01&to=2011-12-31')) + JSON.stringify(await get('geography', '?from=2010-12-01&to=2011-12-31'))
      + JSON.stringify(await get('top-products', '?from=2010-12-01&to=2011-12-31'));
    for (const shown of ['2010-12', '2011-07', 'Spain', 'United Kingdom', 'BLACK RECORD COVER FRAME']) expect(text).toContain(shown);
  });

  it('shows gross, returns and net on the dashboard as the excerpt itself sums them', async () => {
    // The excerpt's lines by the mapping's status rules (mappings/online-retail.yaml): C invoices
    // cancelled, A invoices and negative quantities adjusted, the rest sold; each line's amount
    // rounded to the cent as the converter does.
    const lines = (parse(readFileSync(join(repoRoot(), 'tests', 'fixtures', 'mapping', 'online-retail', 'online_retail_excerpt.csv')), {
      columns: true,
    }) as Array<Record<string, string>>).map((r, i) => ({
      sourceLine: i + 2,
      order: r.InvoiceNo,
      product: r.StockCode,
      customer: r.CustomerID === '' ? 'GUEST' : r.CustomerID.replace(/\.0$/, ''),
      day: r.InvoiceDate.slice(0, 10),
      cents: Math.round(Number(r.Quantity) * Number(r.UnitPrice) * 100),
      returned: r.InvoiceNo.startsWith('C') || r.InvoiceNo.startsWith('A') || Number(r.Quantity) < 0,
    }));
    // Sold lines the warehouse holds: all but those the run set aside, by source line (mapping) or
    // by order (the transform rejects a bad line's whole order).
    const rejects = ((await (await fetch(`${pipeline.baseUrl}/runs/${retail.runId}/rejects?limit=100`)).json()) as RejectPage).rejects;
    const setAside = new Set(rejects.filter((r) => r.stage === 'mapping').map((r) => r.sourceLine));
    const rejectedOrders = new Set(
      (await env.pool.query<{ transaction_id: string }>(
        `SELECT DISTINCT s.transaction_id FROM staging.transaction_items s JOIN ops.quarantine q
            ON q.run_id = s.run_id AND q.stage = 'transform' AND q.source_file = s.source_file AND q.source_line = s.source_line
          WHERE s.run_id = $1`, [retail.runId])).rows.map((r) => r.transaction_id),
    );
    expect(rejectedOrders.size).toBeGreaterThan(0);
    const sold = lines.filter((l) => !l.returned && !setAside.has(l.sourceLine) && !rejectedOrders.has(l.order));
    const returned = lines.filter((l) => l.returned);
    const sum = (ls: typeof lines) => ls.reduce((total, l) => total + l.cents, 0) / 100;
    const money = (n: number) => Math.round(n * 100) / 100;
    const range = '?from=2010-12-01&to=2011-12-31';
    const get = async (endpoint: string, query = range) =>
      ((await (await fetch(`${pipeline.baseUrl}/dashboard/api/${endpoint}${query}`)).json()) as { rows: Array<Record<string, string | number | null>> }).rows;

    const kpis = Object.fromEntries((await get('kpis')).map((r) => [r.metric, r.current_value]));
    expect(kpis).toMatchObject({ revenue: money(sum(sold)), returns_amount: money(sum(returned)), net_revenue: money(sum(sold) + sum(returned)) });
    expect(kpis.returns_amount).toBeLessThan(0);

    const months = [...new Set(lines.map((l) => l.day.slice(0, 7)))].sort();
    const expectedTrend = months
      .map((month) => {
        const inMonth = (l: (typeof lines)[number]) => l.day.startsWith(month);
        return { month, revenue: money(sum(sold.filter(inMonth))), returns_amount: money(sum(returned.filter(inMonth))) };
      })
      .filter((m) => m.revenue !== 0 || m.returns_amount !== 0)
      .map((m) => ({ ...m, net_revenue: money(m.revenue + m.returns_amount) }));
    expect((await get('revenue-trend')).map((r) => ({ month: r.month, revenue: r.revenue, returns_amount: r.returns_amount, net_revenue: r.net_revenue })))
      .toEqual(expectedTrend);

    // A return counts where its customer lived on the return date, as a sale would: the country of
    // the customer version valid then, 'Unknown' where the warehouse has none.
    const placeOf = new Map(
      (await env.pool.query<{ return_line_id: string; country: string }>(
        `SELECT r.return_line_id, coalesce(c.country, 'Unknown') AS country FROM warehouse.fact_returns r
           LEFT JOIN warehouse.dim_customers c ON c.customer_id = r.customer_id AND c.effective_date <= r.return_date AND r.return_date < c.end_date`,
      )).rows.map((r) => [r.return_line_id, r.country]),
    );
    const byOrder = new Map<string, number>();
    const returnsByCountry = new Map<string, number>();
    for (const l of returned) {
      const position = (byOrder.get(l.order) ?? 0) + 1;
      byOrder.set(l.order, position);
      const country = placeOf.get(`${l.order}-${position}`)!;
      returnsByCountry.set(country, (returnsByCountry.get(country) ?? 0) + l.cents / 100);
    }
    expect(returnsByCountry.size).toBeGreaterThan(0);
    const geography = (await get('geography')).filter((r) => r.level === 'country');
    for (const [country, amount] of returnsByCountry) {
      const row = geography.find((r) => r.country === country)!;
      expect({ country, returns_amount: row.returns_amount, net_revenue: row.net_revenue })
        .toEqual({ country, returns_amount: money(amount), net_revenue: money(Number(row.revenue) + amount) });
    }
    expect(money(geography.reduce((total, r) => total + Number(r.returns_amount), 0))).toBe(money(sum(returned)));
    // The geography analysis of the run places them the same way.
    const analysed = ((await (await fetch(`${pipeline.baseUrl}/analytics/geography?run=${retail.runId}&format=json`)).json()) as {
      rows: Array<Record<string, string | number | null>>;
    }).rows.filter((r) => r.level === 'country');
    for (const [country, amount] of returnsByCountry) {
      expect({ country, returns_amount: Number(analysed.find((r) => r.country === country)!.returns_amount) }).toEqual({ country, returns_amount: money(amount) });
    }

    // Per product: the products on the chart with the excerpt's returns of that product (none of
    // the excerpt's returned products sold in it but the one whose order the transform rejected).
    for (const row of await get('top-products')) {
      const amount = sum(returned.filter((l) => l.product === row.product_id));
      expect({ product: row.product_id, returns_amount: row.returns_amount, net_revenue: row.net_revenue })
        .toEqual({ product: row.product_id, returns_amount: money(amount), net_revenue: money(Number(row.revenue) + amount) });
    }

    // A payment filter cannot apply to a return (it has no payment method): unknown, not unfiltered.
    const paid = Object.fromEntries((await get('kpis', `${range}&payment=Unknown`)).map((r) => [r.metric, r.current_value]));
    expect(paid).toMatchObject({ revenue: money(sum(sold)), returns_amount: null, net_revenue: null });
  });

  it('runs the Shopify fixture with its mapping, the cancelled order void: counted, loaded nowhere', () => {
    expect(shopify.status).toBe('succeeded');
    expect(shopify.mapping!.reconciliation).toMatchObject({ sold: '133.23', warehouseGross: '133.23', difference: '0.00', balanced: true });
    expect(shopify.mapping!.reconciliation.notLoaded).toEqual([{ status: 'void', lines: 1, amount: '37.50' }]);
    expect(shopify.mapping!.warehouse).toMatchObject({ gross: '133.23', net: '133.23', returns: { cancelled: { lines: 0, amount: '0.00' } } });
    expect(shopify.rejectsByReason).toEqual([{ stage: 'mapping', reasonCode: 'void', count: 1 }]);
  });

  it('keeps the control totals once retention has deleted the run’s staging rows', async () => {
    const kept = await env.pool.query<{ warehouse_totals: Record<string, string> }>('SELECT warehouse_totals FROM ops.mapping_runs WHERE run_id = $1', [retail.runId]);
    expect(kept.rows[0].warehouse_totals).toMatchObject({ fact_lines: '80', fact_total: '4096.26', rejected_lines: '3', rejected_total: '168484.60' });
    // What retention's delete_staging.sql does to a run past retention.stagingDays.
    for (const table of ['customers', 'products', 'transactions', 'transaction_items']) {
      await env.pool.query(`DELETE FROM staging.${table} WHERE run_id = $1`, [retail.runId]);
    }
    const after = await client.waitForRun(retail.runId, undefined, { intervalMs: 100, timeoutMs: 10_000 });
    expect(after.mapping).toEqual(retail.mapping);
  });

  it('refuses a mapping with a mistake before a run starts, naming file, key and what was expected', async () => {
    const dir = join(env.config.dataRoot, 'exports', 'broken');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'shop.yaml'), 'source: { files: "*.csv" }\nlines: { order_id: Order }\n');
    const res = await post({ source: fixture('online-retail'), mapping: join(dir, 'shop.yaml') });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { message: string };
    expect(body.message).toContain('shop.yaml: lines.ordered_at: missing (expected { column: <source column> })');
    const outside = await post({ source: fixture('online-retail'), mapping: '/etc/hostname' });
    expect(outside.status).toBe(400);
    expect(((await outside.json()) as { message: string }).message).toMatch(/neither a shipped mapping nor a file inside the allowed folders/);
    const none = await post({ source: dir, mapping: 'online-retail' });
    expect(none.status).toBe(400);
    expect(((await none.json()) as { message: string }).message).toContain('holds no file the mapping online-retail reads (source.files: *.csv, *.csv.gz)');
  });
});
