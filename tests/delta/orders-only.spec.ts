import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { QualityReport, RejectPage, RunReport } from '@ecom/contracts';
import { NO_REJECT_LIMITS, createTestEnv, type TestEnv } from '@ecom/testing';
import { ApiError, PipelineApiClient } from '../../tools/api-client';
import { startPipeline, type RunningPipeline } from '../../tools/in-process';

/**
 * Issue 12 point 7: a folder of new orders only is a valid delta. A generated batch loads first;
 * then a folder with just transactions.csv and transaction_items.csv runs through every stage:
 * orders of known customers and products land in production and the warehouse, orders and lines
 * naming a customer, product or order that is neither in production nor in the run are
 * quarantined as orphans with a message saying so (and that the run had no such file), customers
 * and products are not touched, and every line is accounted for. A replay with such a folder
 * resolves the orphans it fixes. A folder with none of the four files is refused in one line.
 */
describe('a source folder with only some of the four files', () => {
  let env: TestEnv;
  let pipeline: RunningPipeline;
  let client: PipelineApiClient;
  let base: RunReport;
  let delta: RunReport;
  let replay: RunReport;
  let known: { customers: Array<{ id: string }>; products: Array<{ id: string }> };
  let untouched: Record<string, string>;

  const TRANSACTIONS = 'transaction_id,customer_id,transaction_date,transaction_time,payment_method,shipping_address,total_amount';
  const ITEMS = 'item_id,transaction_id,product_id,quantity,unit_price,discount_percentage,line_total';

  const writeFolder = (name: string, files: Record<string, string[]>): string => {
    const dir = join(env.config.dataRoot, 'sources', name);
    mkdirSync(dir, { recursive: true });
    for (const [file, lines] of Object.entries(files)) writeFileSync(join(dir, file), `${lines.join('\n')}\n`);
    return dir;
  };

  const runToEnd = async (start: Promise<{ runId: string }>): Promise<RunReport> =>
    client.waitForRun((await start).runId, undefined, { intervalMs: 100, timeoutMs: 120_000 });

  const post = (path: string, body: unknown) =>
    fetch(`${pipeline.baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  const startReplay = async (runId: string, source: string): Promise<{ runId: string }> => {
    const res = await post(`/runs/${runId}/replay`, { source });
    if (res.status !== 202) throw new ApiError(`replay of ${runId} answered ${res.status}: ${await res.text()}`, res.status);
    return (await res.json()) as { runId: string };
  };

  const rejectsOf = async (runId: string, query = ''): Promise<RejectPage> =>
    (await (await fetch(`${pipeline.baseUrl}/runs/${runId}/rejects${query}`)).json()) as RejectPage;

  const keys = async (sql: string, params: unknown[] = []): Promise<string[]> =>
    (await env.pool.query<{ key: string }>(sql, params)).rows.map((r) => r.key);

  /**
   * A fingerprint of every customer and product row, in production and in the warehouse's SCD2
   * dimensions (their versions): a run that must not touch them leaves it equal.
   */
  const masterData = async () =>
    (
      await env.pool.query<Record<string, string>>(
        `SELECT (SELECT md5(string_agg(c::text, '|' ORDER BY customer_id)) FROM production.customers c) AS customers,
                (SELECT md5(string_agg(p::text, '|' ORDER BY product_id)) FROM production.products p) AS products,
                -- customer_segment left out: it follows the customer's orders (type 1), not the customer row.
                (SELECT md5(string_agg(row(d.customer_key, d.customer_id, d.full_name, d.email, d.city, d.state, d.country,
                                           d.age_group, d.registration_date, d.effective_date, d.end_date, d.is_current)::text,
                                       '|' ORDER BY d.customer_key))
                   FROM warehouse.dim_customers d) AS dim_customers,
                (SELECT md5(string_agg(d::text, '|' ORDER BY product_key)) FROM warehouse.dim_products d) AS dim_products`,
      )
    ).rows[0];

  const expectBalanced = (report: RunReport) => {
    expect(report.accountingBalanced).toBe(true);
    for (const f of report.files) expect(f.linesRead).toBe(f.rowsLanded + f.rowsQuarantined);
    for (const s of report.stages.filter((st) => st.status === 'succeeded' && st.rowsIn !== null)) {
      expect({ stage: s.stage, rows: s.rowsIn }).toEqual({ stage: s.stage, rows: (s.rowsOut ?? 0) + (s.rowsRejected ?? 0) });
    }
    const ingest = report.stages.find((s) => s.stage === 'ingest')!;
    const transform = report.stages.find((s) => s.stage === 'transform')!;
    expect(transform.rowsIn).toBe(ingest.rowsOut);
  };

  beforeAll(async () => {
    // Hand-made folders whose few orders are half orphans on purpose: no reject limit here (the
    // limits would stop them at the transform, which is not what this suite tests).
    env = await createTestEnv('delta_orders_only', NO_REJECT_LIMITS);
    pipeline = await startPipeline(env.config);
    client = new PipelineApiClient(pipeline.baseUrl);
    base = await runToEnd(client.startRun({ customers: 40, products: 12, transactions: 120, seed: 12 }));
    known = {
      customers: (await env.pool.query<{ id: string }>('SELECT customer_id AS id FROM production.customers ORDER BY customer_id LIMIT 3')).rows,
      products: (await env.pool.query<{ id: string }>('SELECT product_id AS id FROM production.products ORDER BY product_id LIMIT 3')).rows,
    };
    untouched = await masterData();
  });

  afterAll(async () => {
    await pipeline?.close();
    await env?.teardown();
  });

  it('loads the generated batch first', () => {
    expect(base.error).toBeNull();
    expect(base.status).toBe('succeeded');
  });

  it('runs a folder of new orders only through every stage: good orders land, orphans are quarantined with clear reasons', async () => {
    const [c1, c2] = known.customers.map((c) => c.id);
    const [p1, p2, p3] = known.products.map((p) => p.id);
    const folder = writeFolder('new-orders', {
      'transactions.csv': [
        TRANSACTIONS,
        `D001,${c1},2025-01-10,10:00:00,Credit Card,"1 Main St, Austin",45.00`,
        `D002,${c2},2025-01-11,11:30:00,UPI,"2 Side St, Pune",12.50`,
        // A customer production has never seen, and the folder has no customers file.
        'D003,CUST-NOBODY,2025-01-12,12:00:00,Debit Card,"3 Nowhere Rd",20.00',
        `D004,${c2},2025-01-13,09:45:00,UPI,"2 Side St, Pune",5.00`,
      ],
      'transaction_items.csv': [
        ITEMS,
        `DI01,D001,${p1},1,25.00,0,25.00`,
        `DI02,D001,${p2},2,10.00,0,20.00`,
        `DI03,D002,${p3},1,12.50,0,12.50`,
        // The line of the orphan order goes with it.
        `DI04,D003,${p1},2,10.00,0,20.00`,
        // A product production has never seen, and the folder has no products file. (What
        // becomes of its order follows the order/lines rule of docs/rejects.md, not this test.)
        'DI05,D004,PROD-NOWHERE,1,5.00,0,5.00',
        // An order that is neither in production nor in the folder.
        `DI06,D999,${p1},1,9.00,0,9.00`,
      ],
    });

    delta = await runToEnd(client.startRun({ source: folder }));

    expect(delta.error).toBeNull();
    expect(delta.status).toBe('succeeded');
    expect(delta.mode).toBe('source');
    expect(delta.stages.map((s) => [s.stage, s.status])).toEqual([
      ['generate', 'skipped'],
      ['ingest', 'succeeded'],
      ['validate', 'succeeded'],
      ['transform', 'succeeded'],
      ['warehouse', 'succeeded'],
      ['analytics', 'succeeded'],
    ]);
    // The files it had, line for line; the two it did not have are said to be absent, not empty.
    expect(delta.files.map((f) => [f.sourceFile, f.linesRead, f.rowsLanded, f.rowsQuarantined])).toEqual([
      ['transaction_items.csv', 6, 6, 0],
      ['transactions.csv', 4, 4, 0],
    ]);
    expect(delta.absentFiles).toEqual(['customers.csv', 'products.csv']);
    expectBalanced(delta);
    // The checks of the absent entities see no rows: they pass, none warns of a drop to zero.
    const quality = (await (await fetch(`${pipeline.baseUrl}/runs/${delta.runId}/quality`)).json()) as QualityReport;
    const absentChecks = quality.checks.filter((c) => c.entity === 'customers' || c.entity === 'products');
    expect(absentChecks.length).toBeGreaterThan(0);
    for (const c of absentChecks) expect([c.checkName, c.rowsChecked, c.status]).toEqual([c.checkName, 0, 'pass']);

    // Customers and products are exactly as the first run left them.
    expect(await masterData()).toEqual(untouched);

    // The good orders and their lines are in production and in the star schema.
    expect(await keys(`SELECT transaction_id AS key FROM production.transactions WHERE transaction_id LIKE 'D%' ORDER BY 1`)).toEqual(
      expect.arrayContaining(['D001', 'D002']),
    );
    expect(await keys(`SELECT item_id AS key FROM production.transaction_items WHERE item_id LIKE 'DI%' ORDER BY 1`)).toEqual(['DI01', 'DI02', 'DI03']);
    expect(await keys(`SELECT DISTINCT transaction_id AS key FROM warehouse.fact_sales WHERE transaction_id LIKE 'D%' ORDER BY 1`)).toEqual(
      expect.arrayContaining(['D001', 'D002']),
    );
    expect(await keys(`SELECT transaction_id AS key FROM production.transactions WHERE transaction_id = 'D003'`)).toEqual([]);

    // Every orphan says which parent is unknown and that the run brought no such file.
    const page = await rejectsOf(delta.runId);
    const byKey = Object.fromEntries(page.rejects.map((r) => [r.recordKey, r]));
    expect(byKey.D003).toMatchObject({ stage: 'transform', entity: 'transactions', reasonCode: 'orphan_customer' });
    expect(byKey.D003.message).toBe('customer CUST-NOBODY is unknown: not in production, and this run has no customers file');
    expect(byKey.DI04).toMatchObject({ entity: 'transaction_items', reasonCode: 'orphan_transaction' });
    expect(byKey.DI04.message).toBe('transaction D003 was rejected in this run (orphan_customer)');
    expect(byKey.DI05).toMatchObject({ entity: 'transaction_items', reasonCode: 'orphan_product' });
    expect(byKey.DI05.message).toBe('product PROD-NOWHERE is unknown: not in production, and this run has no products file');
    expect(byKey.DI06).toMatchObject({ entity: 'transaction_items', reasonCode: 'orphan_transaction' });
    expect(byKey.DI06.message).toBe('transaction D999 is unknown: not in production, nor among the transactions this run loaded');
    expect(page.rejects.every((r) => r.stage === 'transform')).toBe(true);

    // Production and warehouse agree on the lines this run loaded.
    const facts = await env.pool.query<{ lines: string; facts: string }>(
      `SELECT (SELECT sum(line_total) FROM production.transaction_items WHERE item_id LIKE 'DI%') AS lines,
              (SELECT sum(line_total) FROM warehouse.fact_sales WHERE transaction_id LIKE 'D%') AS facts`,
    );
    expect(facts.rows[0].facts).toBe(facts.rows[0].lines);
  });

  it('replays the orphans with a folder of orders only: the fixed ones land and close their rejects', async () => {
    const [, c2, c3] = known.customers.map((c) => c.id);
    const [p1, p2] = known.products.map((p) => p.id);
    // Each order with all of its lines, as docs/operations.md asks of a replay.
    const corrections = writeFolder('corrections', {
      'transactions.csv': [
        TRANSACTIONS,
        `D003,${c3},2025-01-12,12:00:00,Debit Card,"3 Nowhere Rd",20.00`,
        `D004,${c2},2025-01-13,09:45:00,UPI,"2 Side St, Pune",5.00`,
      ],
      'transaction_items.csv': [ITEMS, `DI04,D003,${p1},2,10.00,0,20.00`, `DI05,D004,${p2},1,5.00,0,5.00`],
    });
    replay = await runToEnd(startReplay(delta.runId, corrections));

    expect(replay.error).toBeNull();
    expect(replay.status).toBe('succeeded');
    expect(replay.params).toMatchObject({ replayOf: delta.runId });
    expect(replay.absentFiles).toEqual(['customers.csv', 'products.csv']);
    expectBalanced(replay);
    expect(await masterData()).toEqual(untouched);

    expect(await keys(`SELECT item_id AS key FROM production.transaction_items WHERE item_id LIKE 'DI%' ORDER BY 1`)).toEqual([
      'DI01',
      'DI02',
      'DI03',
      'DI04',
      'DI05',
    ]);
    expect(await keys(`SELECT DISTINCT transaction_id AS key FROM warehouse.fact_sales WHERE transaction_id LIKE 'D%' ORDER BY 1`)).toEqual([
      'D001',
      'D002',
      'D003',
      'D004',
    ]);
    // What the corrections fixed is resolved; the line of an order nobody sent stays open.
    const open = await rejectsOf(delta.runId, '?resolved=false');
    expect(open.rejects.map((r) => [r.recordKey, r.reasonCode])).toEqual([['DI06', 'orphan_transaction']]);
    const resolved = await rejectsOf(delta.runId, '?resolved=true');
    expect(resolved.rejects.map((r) => r.recordKey)).toEqual(expect.arrayContaining(['D003', 'DI04', 'DI05']));
    expect(resolved.rejects.every((r) => r.resolvedByRun === replay.runId)).toBe(true);
  });

  it('runs a folder of products only: the price change lands and is versioned, orders and customers stay', async () => {
    const product = known.products[0].id;
    const { rows } = await env.pool.query<Record<string, string>>('SELECT * FROM production.products WHERE product_id = $1', [product]);
    const p = rows[0];
    const newPrice = (Number(p.price) + 1).toFixed(2);
    const csvField = (v: string | null) => (v === null ? '' : `"${String(v).replace(/"/g, '""')}"`);
    const folder = writeFolder('price-change', {
      'products.csv': [
        'product_id,product_name,category,sub_category,price,cost,brand,stock_quantity,supplier_id',
        [p.product_id, p.product_name, p.category, p.sub_category, newPrice, p.cost, p.brand, p.stock_quantity, p.supplier_id].map(csvField).join(','),
      ],
    });
    const counts = async () =>
      (
        await env.pool.query<{ customers: string; orders: string; lines: string; facts: string }>(
          `SELECT (SELECT count(*) FROM production.customers) AS customers, (SELECT count(*) FROM production.transactions) AS orders,
                  (SELECT count(*) FROM production.transaction_items) AS lines, (SELECT count(*) FROM warehouse.fact_sales) AS facts`,
        )
      ).rows[0];
    const before = await counts();

    const run = await runToEnd(client.startRun({ source: folder }));

    expect(run.error).toBeNull();
    expect(run.status).toBe('succeeded');
    expect(run.absentFiles).toEqual(['customers.csv', 'transactions.csv', 'transaction_items.csv']);
    expectBalanced(run);
    expect(run.rejectsByReason).toEqual([]);
    expect(await counts()).toEqual(before);
    expect((await env.pool.query('SELECT price FROM production.products WHERE product_id = $1', [product])).rows[0].price).toBe(newPrice);
    const versions = await env.pool.query<{ is_current: boolean }>(
      'SELECT is_current FROM warehouse.dim_products WHERE product_id = $1 ORDER BY effective_date, product_key',
      [product],
    );
    expect(versions.rows.map((v) => v.is_current)).toEqual([false, true]);
  });

  it('runs a folder of order lines only: a line loads when its production order still adds up, others are rejected saying why', async () => {
    // Two orders of the generated batch, with one of their lines each.
    const { rows: orders } = await env.pool.query<{ transaction_id: string; total_amount: string; item: string }>(
      `SELECT t.transaction_id, t.total_amount::text,
              (SELECT row(i.item_id, i.transaction_id, i.product_id, i.quantity, i.unit_price::text, i.discount_percentage::text, i.line_total::text)::text
                 FROM production.transaction_items i WHERE i.transaction_id = t.transaction_id ORDER BY i.item_id LIMIT 1) AS item
         FROM production.transactions t WHERE t.transaction_id NOT LIKE 'D%' ORDER BY t.transaction_id LIMIT 2`,
    );
    const [grown, restated] = orders;
    const restatedLine = restated.item.slice(1, -1); // the composite's text without its parentheses: the CSV line as stored
    const p1 = known.products[0].id;
    const folder = writeFolder('lines-only', {
      'transaction_items.csv': [
        ITEMS,
        // A new line for a production order: its total would no longer equal its lines.
        `DL01,${grown.transaction_id},${p1},1,7.00,0,7.00`,
        // A line delivered again as production holds it: the order still adds up.
        restatedLine,
        // A line of an order nobody has sent.
        `DL02,DX99,${p1},1,7.00,0,7.00`,
      ],
    });
    const restatedItem = restatedLine.split(',')[0];
    const masterBefore = await masterData();
    const restatedTuple = async () =>
      (
        await env.pool.query<{ tuple: string }>(
          `SELECT concat_ws(' ', ctid, xmin, updated_at, last_run_id) AS tuple FROM production.transaction_items WHERE item_id = $1`,
          [restatedItem],
        )
      ).rows;
    const restatedBefore = await restatedTuple();

    const run = await runToEnd(client.startRun({ source: folder }));

    expect(run.error).toBeNull();
    expect(run.status).toBe('succeeded');
    expect(run.absentFiles).toEqual(['customers.csv', 'products.csv', 'transactions.csv']);
    expectBalanced(run);
    expect(await masterData()).toEqual(masterBefore);
    const byKey = Object.fromEntries((await rejectsOf(run.runId)).rejects.map((r) => [r.recordKey, r]));
    expect(Object.keys(byKey).sort()).toEqual(['DL01', 'DL02']);
    expect(byKey.DL01.reasonCode).toBe('order_rejected');
    expect(byKey.DL01.message).toMatch(new RegExp(`^order ${grown.transaction_id} is rejected whole \\(production keeps its earlier version\\)`));
    expect(byKey.DL02.reasonCode).toBe('orphan_transaction');
    expect(byKey.DL02.message).toBe('transaction DX99 is unknown: not in production, and this run has no transactions file');
    // The restated line is loaded (it counts in rows out) but, identical, it is not rewritten: the
    // run wrote no line at all.
    expect(await keys(`SELECT item_id AS key FROM production.transaction_items WHERE last_run_id = $1`, [run.runId])).toEqual([]);
    expect(await restatedTuple()).toEqual(restatedBefore);
    expect(restatedBefore).toHaveLength(1);
    const total = await env.pool.query<{ total: string; lines: string }>(
      `SELECT total_amount::text AS total, (SELECT sum(line_total)::text FROM production.transaction_items WHERE transaction_id = $1) AS lines
         FROM production.transactions WHERE transaction_id = $1`,
      [grown.transaction_id],
    );
    expect(total.rows[0]).toEqual({ total: grown.total_amount, lines: grown.total_amount });
  });

  it('runs a folder of order headers only: a restated order loads, a new order without lines is rejected saying the run had no lines file', async () => {
    const { rows } = await env.pool.query<Record<string, string>>(
      `SELECT transaction_id, customer_id, transaction_date::text, transaction_time::text, payment_method, total_amount::text
         FROM production.transactions WHERE transaction_id NOT LIKE 'D%' ORDER BY transaction_id DESC LIMIT 1`,
    );
    const t = rows[0];
    const folder = writeFolder('headers-only', {
      'transactions.csv': [
        TRANSACTIONS,
        // The same order with a corrected shipping address: its production lines still add up.
        `${t.transaction_id},${t.customer_id},${t.transaction_date},${t.transaction_time},${t.payment_method},"99 Corrected Rd",${t.total_amount}`,
        `DX30,${known.customers[0].id},2025-02-01,10:00:00,UPI,"1 Main St",10.00`,
      ],
    });

    const run = await runToEnd(client.startRun({ source: folder }));

    expect(run.error).toBeNull();
    expect(run.status).toBe('succeeded');
    expect(run.absentFiles).toEqual(['customers.csv', 'products.csv', 'transaction_items.csv']);
    expectBalanced(run);
    const rejects = (await rejectsOf(run.runId)).rejects;
    expect(rejects.map((r) => [r.recordKey, r.reasonCode, r.message])).toEqual([
      ['DX30', 'order_without_lines', 'order DX30 has no order lines: none in production, and this run has no transaction_items file'],
    ]);
    const stored = await env.pool.query<{ shipping_address: string }>('SELECT shipping_address FROM production.transactions WHERE transaction_id = $1', [
      t.transaction_id,
    ]);
    expect(stored.rows[0].shipping_address).toBe('99 Corrected Rd');
  });

  it('refuses a folder with none of the four files in one line, for a run and for a replay', async () => {
    const empty = writeFolder('notes-only', { 'README.txt': ['nothing here yet'] });
    const expected = `no input file in ${empty}: expected at least one of customers.csv, products.csv, transactions.csv, transaction_items.csv (or their .part-NNNN.csv parts)`;

    const run = await post('/runs', { source: empty });
    expect(run.status).toBe(400);
    expect(((await run.json()) as { message: string }).message).toBe(expected);

    const again = await post(`/runs/${delta.runId}/replay`, { source: empty });
    expect(again.status).toBe(400);
    expect(((await again.json()) as { message: string }).message).toBe(expected);

    const { rows } = await env.pool.query<{ n: string }>(`SELECT count(*) AS n FROM ops.runs`);
    expect(Number(rows[0].n)).toBe(6);
  });
});
