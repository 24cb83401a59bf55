import { buildTypedTables, typedTable } from '@ecom/pipeline';
import { createTestEnv, type TestEnv } from '@ecom/testing';

/**
 * The typed tables parse numbers, dates and times without regular expressions
 * (sql/quality/typed/transactions.sql, transaction_items.sql); what they parse must be exactly what
 * the ops.safe_* functions (migrations 0001, 0014) parse, on the values where the two could part.
 */
const NUMBERS = [
  '1', '-1', '+1', '1.', '.5', '-.5', '+.5', '+5.', '-5.', '0', '-0', '00', '007', '1.50', '12.345',
  '.', '-', '+', '-.', '+.', '+-1', '-+1', '--1', '1-2', '5+', '5.-', '.-5', '1.2.3', '1,5', '1 2',
  '1e5', 'NaN', 'Infinity', '0x1F', '1_000', '١٢', '٣', 'abc', ' 7 ', '',
  '123456789', '1234567890', '-123456789', '+999999999', '2147483648',
  '12345678901234567890123456789', '123456789012345678901234567890', '1234567890123456789012345678901',
];
const DATES = [
  '2024-01-01', '2024-02-29', '2023-02-29', '2024-02-30', '2024-04-30', '2024-04-31', '2024-06-31', '2024-12-31',
  '2024-13-01', '2024-00-10', '2024-01-00', '2024-01-32', '2024-1-01', '24-01-01', '2024/01/01', '2024-01-01x',
  '2024-01-1', '20240-1-01', '2024--1-01', '2024-0101-', '١٢٣٤-01-01', '1900-02-29', '2000-02-29', ' 2024-05-03 ', '',
];
const TIMES = [
  '00:00', '23:59', '24:00', '23:60', '12:30:59', '12:30:60', '12:30:', '1:30', '12:3', '12-30', '12:30:5',
  '12:30:591', '9:00:00', '09:00:00', '23:59:59', '12::30', ':12:30', '12:30:00.5', '٣٣:00', ' 08:15 ', '',
];

describe('typed tables parse as the ops.safe_* functions', () => {
  let env: TestEnv;
  const runId = 'typed-casts';

  beforeAll(async () => {
    env = await createTestEnv('validator_typed_casts');
    await env.pool.query(`INSERT INTO ops.runs (run_id, mode, params) VALUES ($1, 'source', '{}')`, [runId]);
    await env.pool.query(
      `INSERT INTO staging.transaction_items (item_id, quantity, unit_price, discount_percentage, line_total, run_id, source_file, source_line)
       SELECT 'I' || n, v, v, v, v, $1, 'items.csv', n FROM unnest($2::text[]) WITH ORDINALITY AS u(v, n)`,
      [runId, NUMBERS],
    );
    const rows = Math.max(NUMBERS.length, DATES.length, TIMES.length);
    await env.pool.query(
      `INSERT INTO staging.transactions (transaction_id, transaction_date, transaction_time, total_amount, run_id, source_file, source_line)
       SELECT 'T' || n, ($2::text[])[n], ($3::text[])[n], ($4::text[])[n], $1, 'transactions.csv', n FROM generate_series(1, $5::int) AS n`,
      [runId, DATES, TIMES, NUMBERS, rows],
    );
    await buildTypedTables(env.pool, runId);
  });
  afterAll(() => env.teardown());

  it('parses order-line numbers as ops.safe_int and ops.safe_numeric', async () => {
    const { rows } = await env.pool.query(
      `SELECT s.quantity AS value,
              t.quantity__int AS int, ops.safe_int(s.quantity) AS safe_int,
              t.unit_price__numeric::text AS unit_price, t.discount_percentage__numeric::text AS discount,
              t.line_total__numeric::text AS line_total, ops.safe_numeric(s.quantity)::text AS safe_numeric
         FROM ${typedTable('transaction_items', runId)} t
         JOIN staging.transaction_items s ON s.ctid = t.line_ctid
        WHERE s.run_id = $1`,
      [runId],
    );
    expect(rows).toHaveLength(NUMBERS.length);
    for (const row of rows) {
      expect({ value: row.value, int: row.int }).toEqual({ value: row.value, int: row.safe_int });
      expect({ value: row.value, parsed: [row.unit_price, row.discount, row.line_total] }).toEqual({
        value: row.value,
        parsed: [row.safe_numeric, row.safe_numeric, row.safe_numeric],
      });
    }
    // Both kinds of value are among them: ones that parse and ones that do not.
    expect(rows.filter((row) => row.safe_numeric !== null).length).toBeGreaterThan(10);
    expect(rows.filter((row) => row.safe_numeric === null).length).toBeGreaterThan(10);
  });

  it('parses order dates, times and totals as ops.safe_date, ops.safe_time and ops.safe_numeric', async () => {
    const { rows } = await env.pool.query(
      `SELECT s.transaction_date, s.transaction_time, s.total_amount,
              t.transaction_date__date::text AS date, ops.safe_date(s.transaction_date)::text AS safe_date,
              t.transaction_time__time::text AS time, ops.safe_time(s.transaction_time)::text AS safe_time,
              t.total_amount__numeric::text AS amount, ops.safe_numeric(s.total_amount)::text AS safe_amount
         FROM ${typedTable('transactions', runId)} t
         JOIN staging.transactions s ON s.ctid = t.line_ctid
        WHERE s.run_id = $1`,
      [runId],
    );
    for (const row of rows) {
      expect([row.transaction_date, row.date]).toEqual([row.transaction_date, row.safe_date]);
      expect([row.transaction_time, row.time]).toEqual([row.transaction_time, row.safe_time]);
      expect([row.total_amount, row.amount]).toEqual([row.total_amount, row.safe_amount]);
    }
    expect(rows.filter((row) => row.safe_date !== null).length).toBeGreaterThan(5);
    expect(rows.filter((row) => row.safe_time !== null).length).toBeGreaterThan(5);
  });
});
