import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { repoRoot } from '@ecom/config';
import { createTestEnv, type TestEnv } from '@ecom/testing';
import { PipelineApiClient } from '../../tools/api-client';
import { startPipeline, type RunningPipeline } from '../../tools/in-process';
import { createApiApp } from '../../apps/api/src/create-app';

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
    return { revenue: Number(row.revenue), transactions: Number(row.transactions), avg_order_value: Number(row.aov), profit_margin_pct: Number(row.margin) };
  };

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
    expect(await shownKpis(page)).toEqual(await warehouseKpis(null));

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

  it('shows an empty state rather than a broken chart when nothing matches', async () => {
    await page.goto(`${pipeline.baseUrl}/dashboard/products?category=${encodeURIComponent('No such category')}`);
    await waitReady(page);
    expect(await page.getAttribute('#card-top-products', 'data-state')).toBe('empty');
    expect(await page.textContent('#card-top-products')).toContain('No data for these filters.');
    expect(await page.$$('#card-top-products canvas')).toHaveLength(0);
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
