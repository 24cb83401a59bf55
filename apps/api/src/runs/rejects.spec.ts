import type { INestApplication } from '@nestjs/common';
import { parse } from 'csv-parse/sync';
import request from 'supertest';
import type { App } from 'supertest/types';
import { REJECT_CSV_COLUMNS, type RejectPage, type RejectRecord, type RunReport } from '@ecom/contracts';
import { LedgerRepository } from '@ecom/pipeline';
import { createTestEnv, type TestEnv } from '@ecom/testing';
import { createApiApp } from '../create-app';
import { CSV_EXPORT_BATCH } from './rejects.service';

/** The CSV export read back into the JSON's shape: numbers as numbers, empty cells as null. */
function csvRejects(text: string): { header: string[]; rejects: RejectRecord[] } {
  const rows = parse(text) as string[][];
  const [header, ...body] = rows;
  const rejects = body.map((cells) => {
    const value = (name: string) => {
      const cell = cells[header.indexOf(name)];
      return cell === '' ? null : cell;
    };
    const record = Object.fromEntries(header.map((name) => [name, value(name)])) as Record<string, unknown>;
    record.id = Number(record.id);
    record.sourceLine = record.sourceLine === null ? null : Number(record.sourceLine);
    return record as unknown as RejectRecord;
  });
  return { header, rejects };
}

describe('GET /runs/:id/rejects: a run quarantined records, paged, filtered and exported as CSV', () => {
  let env: TestEnv;
  let app: INestApplication;
  let http: App;

  /** 250 rejects: ingest field_count on customers.csv, transform rejects on items, 20 resolved. */
  const runId = 'rejects-run';
  /** More rejects than one CSV export batch, so the export must page by keyset. */
  const bigRunId = 'rejects-big';
  const bigCount = CSV_EXPORT_BATCH * 2 + 345;

  beforeAll(async () => {
    env = await createTestEnv('api_rejects');
    app = await createApiApp(env.config);
    await app.init();
    http = app.getHttpServer() as App;
    const ledger = app.get(LedgerRepository);
    for (const id of [runId, bigRunId, 'rejects-none', 'rejects-replay', 'rejects-formula']) await ledger.createRun(id, { mode: 'source', inputDir: '/data/batch' });
    await env.pool.query(
      `INSERT INTO ops.quarantine (run_id, stage, entity, source_file, source_line, record_key, raw_record, reason_code, message)
       SELECT $1, 'ingest', 'customers', 'customers.csv', n + 1, 'C' || n, 'C' || n || ',Ann,"Lee, Jr."', 'field_count',
              'expected 10 fields, found 3'
         FROM generate_series(1, 100) n`,
      [runId],
    );
    await env.pool.query(
      `INSERT INTO ops.quarantine (run_id, stage, entity, source_file, source_line, record_key, raw_record, reason_code, message)
       SELECT $1, 'transform', 'transaction_items', 'transaction_items.part-000' || (n % 2 + 1) || '.csv', n + 1, 'I' || n,
              '{"item_id": "I' || n || '", "note": "line one' || chr(10) || 'line two"}',
              CASE WHEN n % 3 = 0 THEN 'orphan_product' ELSE 'line_total_mismatch' END,
              format('line_total of I%s is off', n)
         FROM generate_series(1, 150) n`,
      [runId],
    );
    await env.pool.query(
      `UPDATE ops.quarantine SET resolved_at = '2024-06-01T12:00:00Z', resolved_by_run = 'rejects-replay'
        WHERE run_id = $1 AND stage = 'transform' AND source_line <= 21`,
      [runId],
    );
    await env.pool.query(
      `INSERT INTO ops.quarantine (run_id, stage, entity, source_file, source_line, record_key, raw_record, reason_code, message)
       SELECT $1, 'transform', 'transactions', 'transactions.csv', n + 1, 'T' || n, 'T' || n, 'orphan_customer', 'customer missing'
         FROM generate_series(1, $2::int) n`,
      [bigRunId, bigCount],
    );
  });
  afterAll(async () => {
    await app?.close();
    await env?.teardown();
  });

  /** Ids straight from the table; `where` is a literal condition written in this spec. */
  const ids = async (runOf: string, where = 'true') => {
    const sql = `SELECT quarantine_id AS id FROM ops.quarantine WHERE run_id = $1 AND ${where} ORDER BY 1`;
    return (await env.pool.query<{ id: string }>(sql, [runOf])).rows.map((r) => Number(r.id));
  };
  const page = async (query: string): Promise<RejectPage> => (await request(http).get(`/runs/${runId}/rejects${query}`).expect(200)).body;

  it('returns the first 100 rejects in id order with the total, every field of the record', async () => {
    const body = await page('');
    expect(body).toMatchObject({ runId, total: 250, limit: 100, offset: 0 });
    expect(body.rejects.map((r) => r.id)).toEqual((await ids(runId)).slice(0, 100));
    expect(body.rejects[0]).toEqual({
      id: expect.any(Number),
      stage: 'ingest',
      entity: 'customers',
      sourceFile: 'customers.csv',
      sourceLine: 2,
      recordKey: 'C1',
      reasonCode: 'field_count',
      message: 'expected 10 fields, found 3',
      rawRecord: 'C1,Ann,"Lee, Jr."',
      resolvedAt: null,
      resolvedByRun: null,
    });
    expect(body.nextAfter).toBe(body.rejects[99].id);
  });

  it('pages by offset and by keyset cursor, each reject once', async () => {
    const all = await ids(runId);
    const last = await page('?limit=100&offset=200');
    expect(last.rejects.map((r) => r.id)).toEqual(all.slice(200));
    expect(last.nextAfter).toBeNull();

    const seen: number[] = [];
    let after: number | null = null;
    do {
      const body: RejectPage = await page(`?limit=70${after === null ? '' : `&after=${after}`}`);
      expect(body.total).toBe(250);
      seen.push(...body.rejects.map((r) => r.id));
      after = body.nextAfter;
    } while (after !== null);
    expect(seen).toEqual(all);
  });

  it('filters by reason, file, stage, entity and resolution, and combines them', async () => {
    const byReason = await page('?reason=orphan_product&limit=1000');
    expect(byReason.total).toBe(50);
    expect(new Set(byReason.rejects.map((r) => r.reasonCode))).toEqual(new Set(['orphan_product']));

    const byFile = await page('?file=transaction_items.part-0001.csv&limit=1000');
    expect(byFile.total).toBe(75);
    expect(byFile.rejects.every((r) => r.sourceFile === 'transaction_items.part-0001.csv')).toBe(true);

    expect((await page('?stage=ingest')).total).toBe(100);
    expect((await page('?entity=transaction_items')).total).toBe(150);

    const resolved = await page('?resolved=true');
    expect(resolved.total).toBe(20);
    expect(resolved.rejects[0]).toMatchObject({ resolvedAt: '2024-06-01T12:00:00.000Z', resolvedByRun: 'rejects-replay' });
    expect((await page('?resolved=false')).total).toBe(230);

    const combined = await page('?stage=transform&reason=line_total_mismatch&resolved=false&file=transaction_items.part-0002.csv');
    const expected = await ids(
      runId,
      `stage = 'transform' AND reason_code = 'line_total_mismatch' AND resolved_at IS NULL AND source_file = 'transaction_items.part-0002.csv'`,
    );
    expect(combined.total).toBe(expected.length);
    expect(combined.rejects.map((r) => r.id)).toEqual(expected);
    expect((await page('?reason=no_such_reason')).rejects).toEqual([]);
  });

  it('refuses bad query parameters with 400, naming the parameter', async () => {
    const cases: Array<[string, string]> = [
      ['limit=0', 'limit must not be less than 1'],
      ['limit=1001', 'limit must not be greater than 1000'],
      ['limit=ten', 'limit must be an integer number'],
      ['offset=-1', 'offset must not be less than 0'],
      ['after=x', 'after must be an integer number'],
      ['resolved=maybe', 'resolved must be true or false'],
      ['stage=load', 'stage must be one of: generate, ingest, validate, transform, warehouse, analytics'],
      ['entity=orders', 'entity must be one of: customers, products, transactions, transaction_items'],
      ['reason=Bad%20Reason', 'reason must be a reason code: 1-64 lower-case letters, digits or _'],
      ['file=', 'file must name an input file'],
      ['file=a.csv&file=b.csv', 'file must be one file name'],
      ['format=xml', 'format must be one of: json, csv'],
      ['sort=id', 'property sort should not exist'],
    ];
    for (const [query, message] of cases) {
      const res = await request(http).get(`/runs/${runId}/rejects?${query}`);
      expect({ query, status: res.status, message: res.body.message }).toEqual({ query, status: 400, message: expect.arrayContaining([message]) });
    }
    const csv = await request(http).get(`/runs/${runId}/rejects.csv?stage=load`).expect(400);
    expect(csv.body.message).toEqual(['stage must be one of: generate, ingest, validate, transform, warehouse, analytics']);
    const badId = await request(http).get('/runs/no%20such/rejects').expect(400);
    expect(badId.body.message).toBe('run id "no such" is not valid: use 1-64 letters, digits, _ or -');
  });

  it('answers 404 for a run that does not exist, as JSON and as CSV', async () => {
    const json = await request(http).get('/runs/no-such-run/rejects').expect(404);
    expect(json.body.message).toBe('run no-such-run not found');
    const csv = await request(http).get('/runs/no-such-run/rejects.csv').expect(404);
    expect(csv.body.message).toBe('run no-such-run not found');
  });

  it('exports the same records as CSV, with a header line, as an attachment named for the run', async () => {
    const res = await request(http).get(`/runs/${runId}/rejects.csv`).expect(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe(`attachment; filename="${runId}-rejects.csv"`);
    const csv = csvRejects(res.text);
    expect(csv.header).toEqual([...REJECT_CSV_COLUMNS]);
    const json = [...(await page('?limit=1000')).rejects];
    expect(csv.rejects).toEqual(json);
    // Quotes, commas and line breaks inside raw records survive the round trip.
    expect(csv.rejects.find((r) => r.recordKey === 'I1')?.rawRecord).toBe('{"item_id": "I1", "note": "line one\nline two"}');

    const viaFormat = await request(http).get(`/runs/${runId}/rejects?format=csv&reason=orphan_product&resolved=false`).expect(200);
    expect(viaFormat.headers['content-disposition']).toBe(`attachment; filename="${runId}-rejects.csv"`);
    expect(csvRejects(viaFormat.text).rejects).toEqual((await page('?reason=orphan_product&resolved=false&limit=1000')).rejects);
  });

  it('streams an export larger than one batch completely, in id order', async () => {
    const res = await request(http).get(`/runs/${bigRunId}/rejects.csv`).expect(200);
    const csv = csvRejects(res.text);
    expect(csv.rejects.length).toBe(bigCount);
    expect(csv.rejects.map((r) => r.id)).toEqual(await ids(bigRunId));
    const json: RejectRecord[] = [];
    for (let offset = 0; offset < bigCount; offset += 1000) {
      json.push(...((await request(http).get(`/runs/${bigRunId}/rejects?limit=1000&offset=${offset}`).expect(200)).body as RejectPage).rejects);
    }
    expect(csv.rejects).toEqual(json);
  });

  it('neutralises formula-like cells in the CSV export, keeping numbers and the stored records as given', async () => {
    await env.pool.query(
      `INSERT INTO ops.quarantine (run_id, stage, entity, source_file, source_line, record_key, raw_record, reason_code, message)
       VALUES ('rejects-formula', 'ingest', 'customers', 'customers.csv', 2, '@C1', '=HYPERLINK("http://evil.example","x"),Ann', 'field_count', '+1 field'),
              ('rejects-formula', 'transform', 'transactions', 'transactions.csv', 3, '-12.50', '-12.50', 'missing_required', 'a' || chr(9))`,
    );
    const res = await request(http).get('/runs/rejects-formula/rejects.csv').expect(200);
    const lines = res.text.split('\n');
    expect(lines[1]).toBe(`${lines[1].split(',')[0]},ingest,customers,customers.csv,2,"'@C1",field_count,"'+1 field","'=HYPERLINK(""http://evil.example"",""x""),Ann",,`);
    // A plain number is a value, not a formula: it stays unquoted and unprefixed.
    expect(lines[2]).toMatch(/,transform,transactions,transactions\.csv,3,-12\.50,missing_required,a\t,-12\.50,,$/);
    // The stored records are untouched: the JSON page shows them as given.
    const stored = ((await request(http).get('/runs/rejects-formula/rejects').expect(200)).body as RejectPage).rejects;
    expect(stored.map((r) => [r.recordKey, r.rawRecord, r.message])).toEqual([
      ['@C1', '=HYPERLINK("http://evil.example","x"),Ann', '+1 field'],
      ['-12.50', '-12.50', 'a\t'],
    ]);
  });

  it('exports only the header for a run without rejects', async () => {
    const res = await request(http).get('/runs/rejects-none/rejects.csv').expect(200);
    expect(res.text).toBe(`${REJECT_CSV_COLUMNS.join(',')}\n`);
    expect((await request(http).get('/runs/rejects-none/rejects').expect(200)).body).toEqual({
      runId: 'rejects-none',
      total: 0,
      limit: 100,
      offset: 0,
      rejects: [],
      nextAfter: null,
    });
  });

  it('reports resolved and unresolved rejects in the run summary, and what a replay run resolved', async () => {
    const report = (await request(http).get(`/runs/${runId}`).expect(200)).body as RunReport;
    expect(report.rejectTotals).toEqual({ total: 250, resolved: 20, unresolved: 230, resolvedByThisRun: 0 });
    const replay = (await request(http).get('/runs/rejects-replay').expect(200)).body as RunReport;
    expect(replay.rejectTotals).toEqual({ total: 0, resolved: 0, unresolved: 0, resolvedByThisRun: 20 });
  });
});
