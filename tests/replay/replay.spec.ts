import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RejectPage, RunReport } from '@ecom/contracts';
import { NO_REJECT_LIMITS, createTestEnv, type TestEnv } from '@ecom/testing';
import { ApiError, PipelineApiClient } from '../../tools/api-client';
import { startPipeline, type RunningPipeline } from '../../tools/in-process';

/**
 * Quarantine and replay end to end: a batch with bad rows runs through every stage; its rejects
 * are read through the API; a folder holding only the corrected rows is replayed as a new run;
 * the corrections land once in production and the warehouse and close their rejects, the rest
 * stay open, and replaying the same folder again changes nothing.
 */
describe('replaying corrected rows for a run rejects', () => {
  let env: TestEnv;
  let pipeline: RunningPipeline;
  let client: PipelineApiClient;
  let original: RunReport;
  let replay: RunReport;
  let countsAfterReplay: Record<string, number>;

  const CUSTOMERS = 'customer_id,first_name,last_name,email,phone,registration_date,city,state,country,age_group';
  const PRODUCTS = 'product_id,product_name,category,sub_category,price,cost,brand,stock_quantity,supplier_id';
  const TRANSACTIONS = 'transaction_id,customer_id,transaction_date,transaction_time,payment_method,shipping_address,total_amount';
  const ITEMS = 'item_id,transaction_id,product_id,quantity,unit_price,discount_percentage,line_total';

  // The corrected lines, as the original batch should have had them.
  const C003 = 'C003,Mia,Schulz,mia.schulz@example.com,+49-30-123456,2024-03-20,Berlin,Berlin,Germany,18-25';
  const C007 = 'C007,Lia,Rossi,lia.rossi@example.com,+39-06-1234567,2024-03-05,"Rome, RM",Lazio,Italy,26-35';
  const C008 = 'C008,Noa,Levi,noa.levi@example.com,+972-3-1234567,2024-03-06,Haifa,Haifa,Israel,36-45';
  const T003 = 'T003,C003,2024-04-05,12:00:00,Debit Card,"3 Hauptstr, Berlin",30.00';
  const T004 = 'T004,C004,2024-04-06,15:30:00,UPI,"9 Park Lane, Leeds",90.00';
  const I004 = 'I004,T003,P002,2,15.00,0,30.00';
  const I005 = 'I005,T004,P001,2,25.00,0,50.00';
  const I006 = 'I006,T004,P003,1,40.00,0,40.00';

  const writeFolder = (name: string, files: Record<string, string[]>): string => {
    const dir = join(env.config.dataRoot, 'sources', name);
    mkdirSync(dir, { recursive: true });
    for (const [file, lines] of Object.entries(files)) writeFileSync(join(dir, file), `${lines.join('\n')}\n`);
    return dir;
  };

  const runToEnd = async (start: Promise<{ runId: string }>): Promise<RunReport> =>
    client.waitForRun((await start).runId, undefined, { intervalMs: 100, timeoutMs: 30_000 });

  const replayRun = (runId: string, source: string) =>
    fetch(`${pipeline.baseUrl}/runs/${runId}/replay`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ source }),
    });

  const startReplay = async (runId: string, source: string): Promise<{ runId: string }> => {
    const res = await replayRun(runId, source);
    if (res.status !== 202) throw new ApiError(`replay of ${runId} answered ${res.status}: ${await res.text()}`, res.status);
    return (await res.json()) as { runId: string };
  };

  const rejectsOf = async (runId: string, query = ''): Promise<RejectPage> =>
    (await (await fetch(`${pipeline.baseUrl}/runs/${runId}/rejects${query}`)).json()) as RejectPage;

  const productionCounts = async (): Promise<Record<string, number>> => {
    const { rows } = await env.pool.query<Record<string, string>>(
      `SELECT (SELECT count(*) FROM production.customers) AS customers,
              (SELECT count(*) FROM production.products) AS products,
              (SELECT count(*) FROM production.transactions) AS transactions,
              (SELECT count(*) FROM production.transaction_items) AS transaction_items,
              (SELECT count(*) FROM warehouse.fact_sales) AS fact_sales,
              (SELECT count(DISTINCT item_id) FROM warehouse.fact_sales) AS fact_items`,
    );
    return Object.fromEntries(Object.entries(rows[0]).map(([k, v]) => [k, Number(v)]));
  };

  const keysOf = async (sql: string): Promise<string[]> => (await env.pool.query<{ key: string }>(sql)).rows.map((r) => r.key);

  beforeAll(async () => {
    // The batch below rejects most of its few rows on purpose (to have rejects to replay): far over
    // the reject limits, which would stop it at the transform. Replay is what this suite tests; the
    // limits are tested in libs/pipeline (reject-gate) and tests/tools/bench-reject-heavy.
    env = await createTestEnv('replay', NO_REJECT_LIMITS);
    pipeline = await startPipeline(env.config);
    client = new PipelineApiClient(pipeline.baseUrl);

    const batch = writeFolder('batch', {
      'customers.csv': [
        CUSTOMERS,
        'C001,Ann,Lee,ann.lee@example.com,+1-555-0101,2024-01-03,Austin,TX,United States,26-35',
        'C002,Raj,Patel,raj.patel@example.com,+91-98765-43210,2024-02-11,Pune,Maharashtra,India,36-45',
        // Malformed email: rejected, and with it T003 and T003's item.
        'C003,Mia,Schulz,mia.schulz(at)example.com,+49-30-123456,2024-03-20,Berlin,Berlin,Germany,18-25',
        'C004,Tom,Baker,tom.baker@example.com,+44-20-7946-0000,2024-03-01,Leeds,England,United Kingdom,46-60',
        // Never corrected: stays rejected.
        'C005,Eva,Nowak,eva.nowak@example.com,+48-22-1234567,2024-03-02,Warsaw,Masovia,Poland,99+',
        'C006,Short,Row',
        // Rejected at ingest, their keys still readable: an unquoted comma makes one field too
        // many, a stray quote makes the line unparseable (the key comes before it).
        'C007,Lia,Rossi,lia.rossi@example.com,+39-06-1234567,2024-03-05,Rome, RM,Lazio,Italy,26-35',
        'C008,Noa,Le"vi,noa.levi@example.com,+972-3-1234567,2024-03-06,Haifa,Haifa,Israel,36-45',
      ],
      'products.csv': [
        PRODUCTS,
        'P001,Wireless Mouse,Electronics,Accessories,25.00,12.50,Logi,120,S01',
        'P002,Cotton T-Shirt,Clothing,Tops,15.00,6.00,Basix,300,S02',
        'P003,Chef Knife,Home & Kitchen,Cutlery,40.00,18.00,Sharp,45,S03',
      ],
      'transactions.csv': [
        TRANSACTIONS,
        'T001,C001,2024-04-02,09:15:00,Credit Card,"12 Oak St, Austin",55.00',
        'T002,C002,2024-04-03,18:40:30,UPI,"7 MG Road, Pune",40.00',
        T003,
        // Its total is right, but I005's line_total is wrong: the order goes whole with that line
        // (T004 order_line_rejected, I006 order_rejected; docs/rejects.md "Orders add up").
        T004,
      ],
      'transaction_items.csv': [
        ITEMS,
        'I001,T001,P001,1,25.00,0,25.00',
        'I002,T001,P002,2,15.00,0,30.00',
        'I003,T002,P003,1,40.00,0,40.00',
        I004,
        'I005,T004,P001,2,25.00,0,45.00',
        I006,
      ],
    });
    original = await runToEnd(client.startRun({ source: batch }));
  });

  afterAll(async () => {
    await pipeline?.close();
    await env?.teardown();
  });

  it('runs the batch with bad rows to the end and lists each reject with its reason', async () => {
    expect(original.error).toBeNull();
    expect(original.status).toBe('succeeded');
    const page = await rejectsOf(original.runId);
    expect(page.total).toBe(10);
    expect(page.rejects.map((r) => [r.stage, r.entity, r.recordKey, r.reasonCode]).sort()).toEqual(
      [
        ['ingest', 'customers', 'C006', 'field_count'],
        ['ingest', 'customers', 'C007', 'field_count'],
        ['ingest', 'customers', 'C008', 'parse_error'],
        ['transform', 'customers', 'C003', 'invalid_email'],
        ['transform', 'customers', 'C005', 'invalid_age_group'],
        ['transform', 'transactions', 'T003', 'orphan_customer'],
        ['transform', 'transactions', 'T004', 'order_line_rejected'],
        ['transform', 'transaction_items', 'I004', 'orphan_transaction'],
        ['transform', 'transaction_items', 'I005', 'line_total_mismatch'],
        ['transform', 'transaction_items', 'I006', 'order_rejected'],
      ].sort(),
    );
    expect(page.rejects.every((r) => r.resolvedAt === null && r.resolvedByRun === null)).toBe(true);
    expect(original.rejectTotals).toEqual({ total: 10, resolved: 0, unresolved: 10, resolvedByThisRun: 0 });
    expect(original.accountingBalanced).toBe(true);
    expect(await productionCounts()).toEqual({ customers: 3, products: 3, transactions: 2, transaction_items: 3, fact_sales: 3, fact_items: 3 });
  });

  it('lands a folder holding only the corrected rows once, and resolves exactly the rejects it fixed', async () => {
    const corrections = writeFolder('corrections', {
      'customers.csv': [CUSTOMERS, C003, C007, C008],
      'transactions.csv': [TRANSACTIONS, T003, T004],
      'transaction_items.csv': [ITEMS, I004, I005, I006],
    });
    const accepted = await startReplay(original.runId, corrections);
    replay = await runToEnd(Promise.resolve(accepted));

    expect(replay.error).toBeNull();
    expect(replay.status).toBe('succeeded');
    expect(replay.mode).toBe('source');
    expect(replay.params).toMatchObject({ replayOf: original.runId });
    expect(replay.files.map((f) => f.sourceFile).sort()).toEqual(['customers.csv', 'transaction_items.csv', 'transactions.csv']);
    expect(replay.accountingBalanced).toBe(true);
    expect(replay.rejectsByReason).toEqual([]);
    expect(replay.rejectTotals).toEqual({ total: 0, resolved: 0, unresolved: 0, resolvedByThisRun: 8 });

    // Originally loaded + corrected, nothing twice; every order line once in fact_sales.
    countsAfterReplay = await productionCounts();
    expect(countsAfterReplay).toEqual({ customers: 6, products: 3, transactions: 4, transaction_items: 6, fact_sales: 6, fact_items: 6 });
    expect(await keysOf('SELECT transaction_id AS key FROM warehouse.fact_sales ORDER BY transaction_id, line_total')).toEqual([
      'T001',
      'T001',
      'T002',
      'T003',
      'T004',
      'T004',
    ]);
    const fixed = await env.pool.query<{ email: string; line_total: string; total_amount: string }>(
      `SELECT (SELECT email FROM production.customers WHERE customer_id = 'C003') AS email,
              (SELECT line_total FROM production.transaction_items WHERE item_id = 'I005') AS line_total,
              (SELECT total_amount FROM production.transactions WHERE transaction_id = 'T004') AS total_amount`,
    );
    expect(fixed.rows[0]).toEqual({ email: 'mia.schulz@example.com', line_total: '50.00', total_amount: '90.00' });
    const money = await env.pool.query<{ facts: string; orders: string }>(
      `SELECT (SELECT sum(line_total) FROM warehouse.fact_sales) AS facts,
              (SELECT sum(total_amount) FROM production.transactions) AS orders`,
    );
    expect(money.rows[0].facts).toBe(money.rows[0].orders);

    const resolved = await rejectsOf(original.runId, '?resolved=true');
    expect(resolved.rejects.map((r) => [r.recordKey, r.stage]).sort()).toEqual(
      [
        ['C003', 'transform'],
        ['C007', 'ingest'],
        ['C008', 'ingest'],
        ['I004', 'transform'],
        ['I005', 'transform'],
        ['I006', 'transform'],
        ['T003', 'transform'],
        ['T004', 'transform'],
      ].sort(),
    );
    expect(resolved.rejects.every((r) => r.resolvedByRun === replay.runId && r.resolvedAt !== null)).toBe(true);
    const open = await rejectsOf(original.runId, '?resolved=false');
    expect(open.rejects.map((r) => [r.recordKey, r.reasonCode])).toEqual([
      ['C006', 'field_count'],
      ['C005', 'invalid_age_group'],
    ]);
    expect((await client.getRun(original.runId)).rejectTotals).toEqual({ total: 10, resolved: 8, unresolved: 2, resolvedByThisRun: 0 });
  });

  it('changes nothing when the same folder is replayed again: no new rows, the first replay stays the resolver', async () => {
    const before = await rejectsOf(original.runId);
    const again = await runToEnd(startReplay(original.runId, join(env.config.dataRoot, 'sources', 'corrections')));

    expect(again.status).toBe('succeeded');
    expect(await productionCounts()).toEqual(countsAfterReplay);
    expect(again.rejectTotals).toEqual({ total: 0, resolved: 0, unresolved: 0, resolvedByThisRun: 0 });
    expect(await rejectsOf(original.runId)).toEqual(before);
  });

  it('refuses to replay a run that does not exist (404) or has not finished (409)', async () => {
    const source = join(env.config.dataRoot, 'sources', 'corrections');
    const missing = await replayRun('no-such-run', source);
    expect(missing.status).toBe(404);
    const { runId } = await client.startRun({ source: join(env.config.dataRoot, 'sources', 'batch') });
    const busy = await replayRun(runId, source);
    expect(busy.status).toBe(409);
    const { message } = (await busy.json()) as { message: string };
    expect(message).toMatch(new RegExp(`^run ${runId} is still (queued|running); replay it once it has finished$`));
    expect((await client.waitForRun(runId, undefined, { intervalMs: 100, timeoutMs: 30_000 })).status).toBe('succeeded');
  });
});
