import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { repoRoot } from '@ecom/config';
import { createTestEnv, type TestEnv } from '@ecom/testing';
import { PipelineApiClient } from '../../tools/api-client';
import { startPipeline, type RunningPipeline } from '../../tools/in-process';
import { createApiApp } from '../../apps/api/src/create-app';
import { DashboardSummariesRepository } from '../../apps/analytics/src/dashboard-summaries/dashboard-summaries.repository';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

const PAGES = [
  { path: '/dashboard', name: 'executive-summary', cards: ['revenue-trend', 'top-categories', 'payment-methods', 'revenue-by-country', 'revenue-by-state'] },
  { path: '/dashboard/products', name: 'product-analysis', cards: ['top-products', 'category-performance', 'product-profitability', 'discount-impact'] },
  {
    path: '/dashboard/customers',
    name: 'customer-insights',
    cards: ['spending-segments', 'top-customers', 'acquisition', 'lifetime-value', 'cohort-retention'],
  },
  { path: '/dashboard/geography', name: 'geographic-trends', cards: ['revenue-by-country', 'revenue-by-state', 'day-of-week', 'weekday-weekend'] },
];

/**
 * The dashboard as a person sees it: Debian's Chromium opens each page on a seeded run, the charts
 * draw, the KPI tiles show the warehouse's own figures, and a filter changes them accordingly.
 * Screenshots of the four pages land in a temporary folder, or in docs/screenshots/ with
 * UPDATE_SCREENSHOTS=1 (they are committed there; a plain test run leaves the tree clean).
 */
describe('dashboard in a browser', () => {
  let env: TestEnv;
  let pipeline: RunningPipeline;
  let browser: Browser;
  let page: Page;
  const consoleErrors: string[] = [];
  const shots = process.env.UPDATE_SCREENSHOTS === '1' ? join(repoRoot(), 'docs', 'screenshots') : join(tmpdir(), `ecom-dashboard-shots-${process.pid}`);

  const warehouseKpis = async (category: string | null) => {
    const row = (
      await env.pool.query<{ revenue: string; transactions: string; aov: string; margin: string }>(
        `SELECT sum(f.line_total) AS revenue,
                count(DISTINCT f.transaction_id) AS transactions,
                round(sum(f.line_total) / count(DISTINCT f.transaction_id), 2) AS aov,
                round(100 * sum(f.profit) / sum(f.line_total), 2) AS margin
           FROM warehouse.fact_sales f
           JOIN warehouse.dim_products p ON p.product_key = f.product_key
          WHERE $1::text IS NULL OR p.category = $1`,
        [category],
      )
    ).rows[0];
    const returns = Number(
      (
        await env.pool.query<{ amount: string }>(
          `SELECT coalesce(sum(r.line_total), 0) AS amount FROM warehouse.fact_returns_keyed r
             JOIN warehouse.dim_products p ON p.product_key = r.product_key
            WHERE $1::text IS NULL OR p.category = $1`,
          [category],
        )
      ).rows[0].amount,
    );
    return {
      revenue: Number(row.revenue),
      returns_amount: returns,
      net_revenue: Number((Number(row.revenue) + returns).toFixed(2)),
      transactions: Number(row.transactions),
      avg_order_value: Number(row.aov),
      profit_margin_pct: Number(row.margin),
    };
  };

  /** Pixels of one colour (a dataset's, #rrggbb) a card's chart painted. */
  const pixelsOf = (p: Page, cardId: string, hex: string) =>
    p.$eval(
      `#card-${cardId}`,
      (card, rgb) => {
        const canvas = card.querySelector('canvas')!;
        const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
        let matching = 0;
        for (let i = 0; i < pixels.length; i += 4) {
          if (pixels[i + 3] > 200 && Math.abs(pixels[i] - rgb[0]) < 8 && Math.abs(pixels[i + 1] - rgb[1]) < 8 && Math.abs(pixels[i + 2] - rgb[2]) < 8) matching++;
        }
        return matching;
      },
      [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)),
    );

  const shownKpis = (p: Page) =>
    p.$$eval('[data-kpi]', (tiles) => Object.fromEntries(tiles.map((t) => [t.getAttribute('data-kpi'), Number(t.getAttribute('data-value'))])));

  const waitReady = (p: Page) => p.waitForSelector('#app[data-state="ready"]', { timeout: 30_000 });

  /** Pixels a chart actually painted: a canvas that drew nothing is all transparent. */
  const paintedPixels = (p: Page, cardId: string) =>
    p.$eval(`#card-${cardId}`, (card) => {
      const canvas = card.querySelector('canvas');
      if (!canvas) return card.querySelectorAll('td').length; // a table (cohort heatmap) has cells instead
      const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      let painted = 0;
      for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) painted++;
      return painted;
    });

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`no browser at ${CHROMIUM}: run bash tools/setup.sh (it installs Debian's chromium)`);
    env = await createTestEnv('e2e_dashboard_browser', { generator: { partSize: 1000 } });
    pipeline = await startPipeline(env.config);
    const client = new PipelineApiClient(pipeline.baseUrl);
    const { runId } = await client.startRun({ customers: 300, products: 60, transactions: 2000, seed: 7, startDate: '2024-01-01', endDate: '2024-12-31' });
    const report = await client.waitForRun(runId, undefined, { intervalMs: 200, timeoutMs: 150_000 });
    expect(report.status).toBe('succeeded');
    // A generated shop has no returns: a few credit notes of its own sold lines (a unit each, three
    // days after the sale), and the summaries rebuilt over them as the analytics stage would.
    await env.pool.query(
      `INSERT INTO warehouse.fact_returns (return_line_id, return_id, kind, date_key, return_date, customer_id, product_id, quantity, unit_price, line_total, last_run_id)
       SELECT 'C' || f.item_id, 'C' || f.transaction_id, 'cancelled', to_char(d.full_date + 3, 'YYYYMMDD')::int, d.full_date + 3,
              f.customer_id, f.product_id, -1, f.unit_price, -round(f.unit_price, 2), $1
         FROM warehouse.fact_sales f JOIN warehouse.dim_date d ON d.date_key = f.date_key
        WHERE d.full_date < '2024-12-20' AND f.sales_key % 40 = 0`,
      [runId],
    );
    const db = await env.pool.connect();
    try {
      await db.query('BEGIN');
      await new DashboardSummariesRepository().refresh(db, runId, { forceFull: true });
      await db.query('COMMIT');
    } finally {
      db.release();
    }
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS, headless: true });
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(error.message));
    mkdirSync(shots, { recursive: true });
  }, 200_000);

  afterAll(async () => {
    await browser?.close();
    await pipeline?.close();
    await env?.teardown();
    if (process.env.UPDATE_SCREENSHOTS !== '1') rmSync(shots, { recursive: true, force: true });
  });

  afterEach(() => {
    expect(consoleErrors).toEqual([]);
  });

  it.each(PAGES)('draws every chart of $name', async ({ path, name, cards }) => {
    await page.goto(`${pipeline.baseUrl}${path}`);
    await waitReady(page);
    for (const card of cards) {
      expect({ card, state: await page.getAttribute(`#card-${card}`, 'data-state') }).toEqual({ card, state: 'drawn' });
      expect(await paintedPixels(page, card)).toBeGreaterThan(100);
    }
    expect(await page.textContent('#run-badge')).toMatch(/^Last successful run \S+ · /);
    await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
  });

  it('shows the warehouse KPIs, and a category filter changes them to that category\'s, in the URL', async () => {
    await page.goto(`${pipeline.baseUrl}/dashboard`);
    await waitReady(page);
    const all = await shownKpis(page);
    expect(all).toEqual(await warehouseKpis(null));
    expect(all.returns_amount).toBeLessThan(0);
    expect(all.net_revenue).toBeLessThan(all.revenue);

    const category = await page.$eval('#filter-category', (s) => (s.querySelector('option:nth-child(2)') as { value: string } | null)?.value ?? '');
    await page.selectOption('#filter-category', category);
    await page.waitForURL(/category=/);
    await waitReady(page);
    const filtered = await shownKpis(page);
    expect(filtered).toEqual(await warehouseKpis(category));
    expect(filtered.revenue).toBeLessThan((await warehouseKpis(null)).revenue);
    expect(new URL(page.url()).searchParams.get('category')).toBe(category);

    // The filtered view can be shared: opening its URL afresh shows the same figures.
    const shared = await browser.newPage();
    shared.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    await shared.goto(page.url());
    await waitReady(shared);
    expect(await shownKpis(shared)).toEqual(filtered);
    await shared.close();
  });

  it('draws the net revenue line beside the gross revenue in the monthly trend', async () => {
    await page.goto(`${pipeline.baseUrl}/dashboard`);
    await waitReady(page);
    expect(await page.getAttribute('#card-revenue-trend', 'data-series')).toBe('gross revenue,net revenue,orders');
    // PALETTE: gross revenue #2563eb, net revenue #16a34a, orders #f59e0b.
    expect(await pixelsOf(page, 'revenue-trend', '#16a34a')).toBeGreaterThan(50);
    expect(await pixelsOf(page, 'revenue-trend', '#2563eb')).toBeGreaterThan(50);
  });

  it('shows an empty state rather than a broken chart when nothing matches', async () => {
    await page.goto(`${pipeline.baseUrl}/dashboard/products?category=${encodeURIComponent('No such category')}`);
    await waitReady(page);
    expect(await page.getAttribute('#card-top-products', 'data-state')).toBe('empty');
    expect(await page.textContent('#card-top-products')).toContain('No data for these filters.');
    expect(await page.$$('#card-top-products canvas')).toHaveLength(0);
  });

  it('says on the badge that the summaries were lost when a crash emptied their record', async () => {
    // A crash empties refresh_state with the UNLOGGED summaries (migration 0057); the faults
    // suite crashes a real server. Here the record alone goes, and comes back after.
    const { rows } = await env.pool.query<Record<string, unknown>>('SELECT * FROM dashboard.refresh_state');
    await env.pool.query('DELETE FROM dashboard.refresh_state');
    try {
      await page.goto(`${pipeline.baseUrl}/dashboard`);
      await waitReady(page);
      expect(await page.textContent('#run-badge')).toBe('Summaries lost in a database crash: the next run rebuilds them');
    } finally {
      const columns = Object.keys(rows[0]);
      await env.pool.query(
        `INSERT INTO dashboard.refresh_state (${columns.join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')})`,
        columns.map((c) => rows[0][c]),
      );
    }
  });

  it('with API_KEY set shows the top-customers card locked, draws the rest, and unlocks it with the key', async () => {
    const key = 'dashboard-browser-key';
    const guarded = await createApiApp({ ...env.config, apiKey: key });
    guarded.useLogger(false);
    await guarded.listen(0, '127.0.0.1');
    const base = `http://127.0.0.1:${(guarded.getHttpServer().address() as { port: number }).port}`;
    const locked = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const errors: string[] = [];
    locked.on('console', (message) => {
      // The browser logs every refused request; the 401 of the locked card is the expected one.
      if (message.type() === 'error' && !/status of 401/.test(message.text())) errors.push(message.text());
    });
    locked.on('pageerror', (error) => errors.push(error.message));
    try {
      await locked.goto(`${base}/dashboard/customers`);
      await waitReady(locked);
      expect(await locked.getAttribute('#card-top-customers', 'data-state')).toBe('locked');
      expect(await locked.textContent('#card-top-customers')).toContain('it needs the API key');
      expect(await locked.$$('#card-top-customers a.csv')).toHaveLength(0);
      const topName = (await env.pool.query<{ name: string }>(
        `SELECT c.full_name AS name FROM warehouse.fact_sales f JOIN warehouse.dim_customers c ON c.customer_key = f.customer_key
          GROUP BY c.customer_id, c.full_name ORDER BY sum(f.line_total) DESC LIMIT 1`,
      )).rows[0].name;
      expect(await locked.textContent('#app')).not.toContain(topName);
      for (const card of ['spending-segments', 'acquisition', 'lifetime-value', 'cohort-retention']) {
        expect({ card, state: await locked.getAttribute(`#card-${card}`, 'data-state') }).toEqual({ card, state: 'drawn' });
      }

      await locked.fill('#card-top-customers input[name="api-key"]', key);
      await locked.click('#card-top-customers button[type="submit"]');
      await locked.waitForSelector('#card-top-customers[data-state="drawn"]', { timeout: 30_000 });
      await waitReady(locked);
      expect(await paintedPixels(locked, 'top-customers')).toBeGreaterThan(100);
      expect(await locked.$$('#card-top-customers a.csv')).toHaveLength(1);
      expect(errors).toEqual([]);
    } finally {
      await locked.close();
      await guarded.close();
    }
  });
});
