import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Entity } from '@ecom/contracts';
import { withTransaction } from '@ecom/db';
import { LedgerRepository, StageFailure, type StageCounts } from '@ecom/pipeline';
import { createTestEnv, type TestEnv } from '@ecom/testing';
import { FileLandingService } from './file-landing.service';
import { LandingRepository } from './landing.repository';

const TX_HEADER = 'transaction_id,customer_id,transaction_date,transaction_time,payment_method,shipping_address,total_amount';

describe('FileLandingService: one input file into staging, every record landed or quarantined', () => {
  let env: TestEnv;
  let ledger: LedgerRepository;
  let landing: FileLandingService;
  let runSeq = 0;

  beforeAll(async () => {
    env = await createTestEnv('ingestor_file_landing');
    ledger = new LedgerRepository(env.pool);
    landing = new FileLandingService(new LandingRepository(ledger));
  });
  afterAll(async () => {
    await env.teardown();
  });

  async function newRun(): Promise<string> {
    const runId = `landing-${++runSeq}`;
    const inputDir = join(env.config.dataRoot, runId);
    mkdirSync(inputDir, { recursive: true });
    await ledger.createRun(runId, { mode: 'source', inputDir });
    return runId;
  }

  function writeInput(runId: string, sourceFile: string, content: string | Buffer): string {
    const path = join(env.config.dataRoot, runId, sourceFile);
    writeFileSync(path, content);
    return path;
  }

  function land(runId: string, entity: Entity, sourceFile: string): Promise<StageCounts> {
    const path = join(env.config.dataRoot, runId, sourceFile);
    return withTransaction(env.pool, (client) =>
      landing.landFile({ runId, client, progress: async () => undefined }, { entity, sourceFile, path }),
    );
  }

  const staged = (runId: string, table: Entity = 'transactions') =>
    env.pool
      .query(`SELECT * FROM staging.${table} WHERE run_id = $1 ORDER BY source_line`, [runId])
      .then((r) => r.rows);
  const quarantined = (runId: string) =>
    env.pool
      .query(
        `SELECT stage, entity, source_file, source_line::int AS line, record_key, raw_record, reason_code, message
           FROM ops.quarantine WHERE run_id = $1 ORDER BY source_line`,
        [runId],
      )
      .then((r) => r.rows);
  const accounting = (runId: string) =>
    env.pool
      .query(
        `SELECT source_file, entity, lines_read::int, rows_landed::int, rows_quarantined::int, extra_columns, blank_lines::int
           FROM ops.file_accounting WHERE run_id = $1`,
        [runId],
      )
      .then((r) => r.rows);

  it('lands every record of a clean file with the physical line it came from', async () => {
    const runId = await newRun();
    writeInput(
      runId,
      'transactions.csv',
      [TX_HEADER, 'T1,C1,2024-01-05,10:00:00,UPI,1 Main St,12.50', 'T2,C2,2024-01-06,11:30:00,Cash on Delivery,2 High St,99.99', ''].join('\n'),
    );

    const counts = await land(runId, 'transactions', 'transactions.csv');

    expect(counts).toMatchObject({ rowsIn: 2, rowsOut: 2, rowsRejected: 0 });
    const rows = await staged(runId);
    expect(rows.map((r) => [r.transaction_id, r.source_line, r.total_amount, r.source_file, r.extra])).toEqual([
      ['T1', '2', '12.50', 'transactions.csv', null],
      ['T2', '3', '99.99', 'transactions.csv', null],
    ]);
    expect(rows[1]).toMatchObject({ customer_id: 'C2', payment_method: 'Cash on Delivery', shipping_address: '2 High St' });
    expect(await accounting(runId)).toEqual([
      { source_file: 'transactions.csv', entity: 'transactions', lines_read: 2, rows_landed: 2, rows_quarantined: 0, extra_columns: [], blank_lines: 0 },
    ]);
  });

  it('keeps quoted commas, doubled quotes, line breaks, emoji and accents byte-exact (BOM and CRLF too)', async () => {
    const runId = await newRun();
    const address = 'Flat 3, "Le Château" \r\n Straße 5 😀 São Paulo';
    const csv =
      '\uFEFF' +
      [
        TX_HEADER,
        'T1,C1,2024-01-05,10:00:00,"Credit Card, Visa","Flat 3, ""Le Château"" \r\n Straße 5 😀 São Paulo",10.00',
        'T2,C2,2024-01-06,11:00:00,UPI,"multi\nline\naddress",20.00',
        'T3,Zoë,2024-01-07,12:00:00,Net Banking,"",30.00',
      ].join('\r\n') +
      '\r\n';
    writeInput(runId, 'transactions.csv', csv);

    const counts = await land(runId, 'transactions', 'transactions.csv');

    expect(counts).toMatchObject({ rowsIn: 3, rowsOut: 3, rowsRejected: 0 });
    const rows = await staged(runId);
    expect(rows.map((r) => [r.transaction_id, r.source_line])).toEqual([
      ['T1', '2'],
      ['T2', '4'],
      ['T3', '7'],
    ]);
    expect(rows[0].payment_method).toBe('Credit Card, Visa');
    expect(Buffer.from(rows[0].shipping_address, 'utf8').equals(Buffer.from(address, 'utf8'))).toBe(true);
    expect(rows[1].shipping_address).toBe('multi\nline\naddress');
    expect(rows[2]).toMatchObject({ customer_id: 'Zoë', shipping_address: '' });
    const header = await env.pool.query(
      `SELECT count(*)::int AS n FROM staging.transactions WHERE run_id = $1 AND transaction_id LIKE '%transaction_id%'`,
      [runId],
    );
    expect(header.rows[0].n).toBe(0);
  });

  it('lands a clean file through COPY exactly as the per-record path lands the same records', async () => {
    // Columns in another order and case, BOM, CRLF, quoted commas and quotes, empty and blank
    // fields, non-ASCII text, a backslash, more than one read chunk, no final line end.
    const header = 'Total_Amount,transaction_id,customer_id,transaction_date,transaction_time,payment_method,shipping_address';
    const lines: string[] = [];
    for (let i = 0; i < 30_000; i++) {
      const address = i % 3 === 0 ? `"${i} Rue de l'Église, ""Bâtiment"" B, Zoë 😀"` : i % 3 === 1 ? '' : '""';
      lines.push(`${i % 7 === 0 ? '' : `${i}.50`},T${i},C\\${i}, 2024-01-05 ,10:00:00,Credit Card,${address}`);
    }
    const body = '\uFEFF' + [header, ...lines].join('\r\n');
    const fastRun = await newRun();
    writeInput(fastRun, 'transactions.csv', body);
    const exactRun = await newRun();
    // A line of spaces makes the whole file take the per-record path (which skips it as blank).
    writeInput(exactRun, 'transactions.csv', body + '\r\n   \r\n');

    const fast = await land(fastRun, 'transactions', 'transactions.csv');
    const exact = await land(exactRun, 'transactions', 'transactions.csv');

    expect(fast).toMatchObject({ rowsIn: 30_000, rowsOut: 30_000, rowsRejected: 0, detail: expect.objectContaining({ landedBy: 'copy' }) });
    expect(exact).toMatchObject({ rowsIn: 30_000, rowsOut: 30_000, rowsRejected: 0, detail: expect.objectContaining({ landedBy: 'records', blankLines: 1 }) });
    const strip = (rows: Array<Record<string, unknown>>) => rows.map(({ run_id: _run, loaded_at: _at, ...rest }) => rest);
    const fastRows = strip(await staged(fastRun));
    expect(fastRows).toEqual(strip(await staged(exactRun)));
    expect(fastRows[0]).toMatchObject({ total_amount: '', transaction_id: 'T0', customer_id: 'C\\0', source_line: '2', extra: null });
    expect(fastRows[1]).toMatchObject({ shipping_address: '', transaction_date: ' 2024-01-05 ' });
    expect(fastRows[3].shipping_address).toBe(`3 Rue de l'Église, "Bâtiment" B, Zoë 😀`);
    expect((await staged(fastRun)).every((r) => r.run_id === fastRun)).toBe(true);
  });

  it('skips blank lines at the end and in the middle, counted as blank, on the COPY path and the per-record path alike', async () => {
    const records = ['T1,C1,2024-01-05,10:00:00,UPI,1 Main St,12.50', 'T2,C2,2024-01-06,11:00:00,UPI,2 Main St,7.00'];
    // Empty lines only: the COPY path takes the file. A line of spaces and a tab: the per-record path.
    const fastBody = [TX_HEADER, records[0], '', records[1], '', '', ''].join('\n');
    const exactBody = [TX_HEADER, records[0], ' \t ', records[1], '', '', ''].join('\r\n');
    const fastRun = await newRun();
    writeInput(fastRun, 'transactions.csv', fastBody);
    const exactRun = await newRun();
    writeInput(exactRun, 'transactions.csv', exactBody);

    const fast = await land(fastRun, 'transactions', 'transactions.csv');
    const exact = await land(exactRun, 'transactions', 'transactions.csv');

    expect(fast).toMatchObject({ rowsIn: 2, rowsOut: 2, rowsRejected: 0, detail: expect.objectContaining({ landedBy: 'copy', blankLines: 3 }) });
    expect(exact).toMatchObject({ rowsIn: 2, rowsOut: 2, rowsRejected: 0, detail: expect.objectContaining({ landedBy: 'records', blankLines: 3 }) });
    for (const runId of [fastRun, exactRun]) {
      expect((await staged(runId)).map((r) => [r.transaction_id, r.source_line])).toEqual([
        ['T1', '2'],
        ['T2', '4'],
      ]);
      expect(await quarantined(runId)).toEqual([]);
      expect(await accounting(runId)).toEqual([
        expect.objectContaining({ lines_read: 2, rows_landed: 2, rows_quarantined: 0, blank_lines: 3 }),
      ]);
    }
  });

  it('quarantines short, long and unparsable records with reason and line, skips a blank one, and lands the rest', async () => {
    const runId = await newRun();
    writeInput(
      runId,
      'transactions.csv',
      [
        TX_HEADER,
        'T1,C1,2024-01-05,10:00:00,UPI,1 Main St,12.50', // line 2
        'T2,C2,2024-01-06,11:00:00,UPI,12.50', // line 3: one field short
        'T3,C3,2024-01-07,12:00:00,UPI,3 Main St,12.50,surplus', // line 4: one field too many
        '', // line 5: blank
        'T5,C5,2024-01-08,13:00:00,UPI,5 Main St,7.00', // line 6
        'T6,C6,2024-01-09,14:00:00,UPI,"6 Main St,8.00', // line 7: quote never closed
        'T7,C7,2024-01-10,15:00:00,UPI,7 Main St,9.00', // swallowed by the open quote
      ].join('\n') + '\n',
    );

    const counts = await land(runId, 'transactions', 'transactions.csv');

    expect(counts).toMatchObject({ rowsIn: 5, rowsOut: 2, rowsRejected: 3 });
    expect(counts.detail).toMatchObject({ quarantined: { field_count: 2, parse_error: 1 }, blankLines: 1 });
    expect((await staged(runId)).map((r) => [r.transaction_id, r.source_line])).toEqual([
      ['T1', '2'],
      ['T5', '6'],
    ]);
    const rejects = await quarantined(runId);
    expect(rejects).toEqual([
      expect.objectContaining({
        stage: 'ingest',
        entity: 'transactions',
        source_file: 'transactions.csv',
        line: 3,
        record_key: 'T2',
        raw_record: 'T2,C2,2024-01-06,11:00:00,UPI,12.50',
        reason_code: 'field_count',
        message: 'expected 7 fields, found 6',
      }),
      expect.objectContaining({ line: 4, record_key: 'T3', reason_code: 'field_count', message: 'expected 7 fields, found 8' }),
      expect.objectContaining({ line: 7, record_key: 'T6', reason_code: 'parse_error' }),
    ]);
    expect(rejects[2].raw_record).toContain('T6,C6');
    expect(rejects[2].message).toMatch(/line 7 cannot be parsed: Quote Not Closed/);
    expect(await accounting(runId)).toEqual([
      expect.objectContaining({ lines_read: 5, rows_landed: 2, rows_quarantined: 3, blank_lines: 1 }),
    ]);
  });

  it('quarantines a stray quote inside an unquoted field as a parse error at its line', async () => {
    const runId = await newRun();
    writeInput(
      runId,
      'transactions.csv',
      [TX_HEADER, 'T1,C1,2024-01-05,10:00:00,UPI,1 "Main" St,12.50', 'T2,C2,2024-01-06,11:00:00,UPI,2 Main St,13.50'].join('\n') + '\n',
    );

    const counts = await land(runId, 'transactions', 'transactions.csv');

    expect(counts).toMatchObject({ rowsIn: 2, rowsOut: 1, rowsRejected: 1 });
    expect((await staged(runId)).map((r) => [r.transaction_id, r.source_line])).toEqual([['T2', '3']]);
    expect(await quarantined(runId)).toEqual([
      expect.objectContaining({ line: 2, record_key: 'T1', reason_code: 'parse_error', message: expect.stringMatching(/Invalid Opening Quote/) }),
    ]);
  });

  it('keeps the key of a reject only where it can be read for sure, trimmed like the transformer reads it', async () => {
    const runId = await newRun();
    // Key column first: a parse error's key is the plain text before the first comma.
    writeInput(
      runId,
      'transactions.csv',
      [
        TX_HEADER,
        ' T1 ,C1,2024-01-05,10:00:00,UPI,1 "Main" St,12.50', // line 2: stray quote, key padded
        '"T2",C2,2024-01-05,10:00:00,UPI,2 "Main" St,12.50', // line 3: stray quote, key quoted: unsure
        '  ,C3,2024-01-05,10:00:00,UPI,3 Main St,12.50,surplus', // line 4: field_count, key blank
      ].join('\n') + '\n',
    );
    // Key column not first: a field_count reject still has parsed fields, a parse error has none.
    writeInput(
      runId,
      'customers.csv',
      [
        'first_name,customer_id,last_name,email,phone,registration_date,city,state,country,age_group',
        'Ann, C9 ,Lee,ann@example.com,+1-555-0101,2024-01-03,Austin,TX,United States,26-35,surplus', // line 2
        'Raj,C8,Patel,raj "p" @example.com,+1-555-0102,2024-01-03,Austin,TX,United States,26-35', // line 3
      ].join('\n') + '\n',
    );

    await land(runId, 'transactions', 'transactions.csv');
    await land(runId, 'customers', 'customers.csv');

    const rejects = (await quarantined(runId)).map((r) => [r.source_file, r.line, r.reason_code, r.record_key]);
    expect(rejects.sort()).toEqual(
      [
        ['customers.csv', 2, 'field_count', 'C9'],
        ['customers.csv', 3, 'parse_error', null],
        ['transactions.csv', 2, 'parse_error', 'T1'],
        ['transactions.csv', 3, 'parse_error', null],
        ['transactions.csv', 4, 'field_count', null],
      ].sort(),
    );
  });

  it('quarantines a record holding a NUL byte instead of failing the whole COPY', async () => {
    const runId = await newRun();
    writeInput(runId, 'transactions.csv', [TX_HEADER, 'T1,C1,2024-01-05,10:00:00,UPI,bad\u0000addr,1.00', 'T2,C2,2024-01-05,10:00:00,UPI,ok,2.00'].join('\n'));

    const counts = await land(runId, 'transactions', 'transactions.csv');

    expect(counts).toMatchObject({ rowsIn: 2, rowsOut: 1, rowsRejected: 1 });
    expect(await quarantined(runId)).toEqual([
      expect.objectContaining({ line: 2, record_key: 'T1', reason_code: 'nul_character', raw_record: expect.stringContaining('bad\uFFFDaddr') }),
    ]);
  });

  it('matches columns by name in any order and case, keeping unknown columns in extra', async () => {
    const runId = await newRun();
    writeInput(
      runId,
      'transaction_items.csv',
      [
        ' Line_Total ,gift_wrap,item_id,quantity,PRODUCT_ID,unit_price,transaction_id,discount_percentage,channel',
        '19.80,yes,I1,2,P9,10.00,T1,1,web',
      ].join('\n'),
    );

    const counts = await land(runId, 'transaction_items', 'transaction_items.csv');

    expect(counts).toMatchObject({ rowsIn: 1, rowsOut: 1, rowsRejected: 0, detail: expect.objectContaining({ extraColumns: ['gift_wrap', 'channel'] }) });
    const [row] = await staged(runId, 'transaction_items');
    expect(row).toMatchObject({
      item_id: 'I1',
      transaction_id: 'T1',
      product_id: 'P9',
      quantity: '2',
      unit_price: '10.00',
      discount_percentage: '1',
      line_total: '19.80',
      source_line: '2',
      extra: { gift_wrap: 'yes', channel: 'web' },
    });
    expect(await accounting(runId)).toEqual([expect.objectContaining({ extra_columns: ['gift_wrap', 'channel'] })]);
  });

  it('refuses a file whose header lacks a required column or repeats one, naming line and column', async () => {
    const runId = await newRun();
    writeInput(runId, 'transactions.csv', 'transaction_id,customer_id,transaction_date,transaction_time,payment_method,shipping_address\nT1,C1,2024-01-05,10:00:00,UPI,x\n');
    writeInput(runId, 'customers.part-0001.csv', 'customer_id,first_name,last_name,email,phone,registration_date,city,state,country,age_group,Email\n');
    writeInput(runId, 'products.csv', '');

    // No file name: the runtime prefixes the task key, which is the file name.
    await expect(land(runId, 'transactions', 'transactions.csv')).rejects.toThrow(new StageFailure('line 1: missing column total_amount'));
    await expect(land(runId, 'customers', 'customers.part-0001.csv')).rejects.toThrow('line 1: duplicated column email');
    await expect(land(runId, 'products', 'products.csv')).rejects.toThrow(new StageFailure('line 1: the file is empty (no header line)'));
    expect(await staged(runId)).toEqual([]);
    expect(await accounting(runId)).toEqual([]);
  });

  it('reads LF, CRLF and lone CR line endings mixed in one file, with the right source lines', async () => {
    const runId = await newRun();
    const rows = ['T1,C1,2024-01-05,10:00:00,UPI,a,1.00', 'T2,C2,2024-01-05,10:00:00,UPI,b,2.00', 'T3,C3,2024-01-05,10:00:00,UPI,c,3.00'];
    writeInput(runId, 'transactions.csv', `${TX_HEADER}\r\n${rows[0]}\n${rows[1]}\r${rows[2]}\r\n`);

    const counts = await land(runId, 'transactions', 'transactions.csv');

    expect(counts).toMatchObject({ rowsIn: 3, rowsOut: 3, rowsRejected: 0 });
    expect((await staged(runId)).map((r) => [r.transaction_id, r.source_line, r.total_amount])).toEqual([
      ['T1', '2', '1.00'],
      ['T2', '3', '2.00'],
      ['T3', '4', '3.00'],
    ]);
  });

  it('quarantines a record holding bytes that are not UTF-8 as invalid_utf8 and lands the rest unchanged', async () => {
    const runId = await newRun();
    const good = Buffer.from(`${TX_HEADER}\nT1,C1,2024-01-05,10:00:00,UPI,São Paulo \uFFFD ok,1.00\n`);
    const bad = Buffer.concat([Buffer.from('T2,C2,2024-01-05,10:00:00,UPI,S'), Buffer.from([0xe3, 0x6f]), Buffer.from(' Paulo,2.00\n')]);
    writeInput(runId, 'transactions.csv', Buffer.concat([good, bad, Buffer.from('T3,C3,2024-01-05,10:00:00,UPI,c,3.00\n')]));

    const counts = await land(runId, 'transactions', 'transactions.csv');

    expect(counts).toMatchObject({ rowsIn: 3, rowsOut: 2, rowsRejected: 1, detail: expect.objectContaining({ quarantined: { invalid_utf8: 1 } }) });
    // A real U+FFFD in the file is valid UTF-8 and lands as it is.
    expect((await staged(runId)).map((r) => [r.transaction_id, r.shipping_address])).toEqual([
      ['T1', 'São Paulo \uFFFD ok'],
      ['T3', 'c'],
    ]);
    expect(await quarantined(runId)).toEqual([
      expect.objectContaining({
        line: 3,
        record_key: 'T2',
        reason_code: 'invalid_utf8',
        raw_record: 'T2,C2,2024-01-05,10:00:00,UPI,S\uFFFDo Paulo,2.00',
        message: 'line 3 holds bytes that are not UTF-8 (shown as U+FFFD)',
      }),
    ]);
  });

  it('fails a file whose record runs past 8 MiB, naming the line where it starts', async () => {
    const runId = await newRun();
    const open = 'T2,C2,2024-01-05,10:00:00,UPI,"never closed,2.00\n';
    writeInput(runId, 'transactions.csv', `${TX_HEADER}\nT1,C1,2024-01-05,10:00:00,UPI,a,1.00\n${open}${'T9,C9,2024-01-05,10:00:00,UPI,x,9.00\n'.repeat(260_000)}`);

    await expect(land(runId, 'transactions', 'transactions.csv')).rejects.toThrow(
      new StageFailure('line 3: the record starting here is longer than 8 MiB, most likely a quote that is never closed'),
    );
    expect(await staged(runId)).toEqual([]);
  });

  it('rolls a file back when its run failed while it was landing, so no row outlives a failed run', async () => {
    const runId = await newRun();
    writeInput(runId, 'transactions.csv', `${TX_HEADER}\nT1,C1,2024-01-05,10:00:00,UPI,a,1.00\n`);
    await ledger.failStage(runId, 'ingest', 'customers.csv: line 1: missing column email');

    await expect(land(runId, 'transactions', 'transactions.csv')).rejects.toThrow('discarded: the run failed while this file was landing');
    expect(await staged(runId)).toEqual([]);
    expect(await accounting(runId)).toEqual([]);
  });

  it('lands the same file twice as if once (a retried or re-delivered part job)', async () => {
    const runId = await newRun();
    writeInput(runId, 'transactions.csv', [TX_HEADER, 'T1,C1,2024-01-05,10:00:00,UPI,1 Main St,12.50', 'T2,too,short', ''].join('\n'));

    const first = await land(runId, 'transactions', 'transactions.csv');
    const second = await land(runId, 'transactions', 'transactions.csv');

    expect(second).toEqual(first);
    expect((await staged(runId)).length).toBe(1);
    expect((await quarantined(runId)).length).toBe(1);
    expect(await accounting(runId)).toEqual([expect.objectContaining({ lines_read: 2, rows_landed: 1, rows_quarantined: 1 })]);
  });

  it('writes quarantine rows in batches while landing the good rows around them', async () => {
    const runId = await newRun();
    const lines = [TX_HEADER];
    for (let i = 0; i < 5000; i++) {
      lines.push(i % 2 === 0 ? `T${i},C${i},2024-01-05,10:00:00,UPI,addr ${i},1.00` : `T${i},short`);
    }
    writeInput(runId, 'transactions.csv', lines.join('\n') + '\n');

    const counts = await land(runId, 'transactions', 'transactions.csv');

    expect(counts).toMatchObject({ rowsIn: 5000, rowsOut: 2500, rowsRejected: 2500 });
    const lineCheck = await env.pool.query(
      `SELECT count(*) FILTER (WHERE source_line % 2 = 0)::int AS even, count(*)::int AS n
         FROM staging.transactions WHERE run_id = $1`,
      [runId],
    );
    expect(lineCheck.rows[0]).toEqual({ even: 2500, n: 2500 });
    const rejectLines = await env.pool.query(
      `SELECT count(*)::int AS n, min(source_line)::int AS first, max(source_line)::int AS last
         FROM ops.quarantine WHERE run_id = $1 AND reason_code = 'field_count'`,
      [runId],
    );
    expect(rejectLines.rows[0]).toEqual({ n: 2500, first: 3, last: 5001 });
  });
});
