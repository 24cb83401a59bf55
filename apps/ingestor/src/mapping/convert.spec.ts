import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { loadMapping, parseMapping, repoRoot } from '@ecom/config';
import { convertSource, type ConvertResult } from './convert';

const FIXTURES = join(repoRoot(), 'tests', 'fixtures', 'mapping');

function read(dir: string, file: string): Array<Record<string, string>> {
  return parse(readFileSync(join(dir, file)), { columns: true }) as Array<Record<string, string>>;
}

describe('converting the UCI Online Retail excerpt with mappings/online-retail.yaml', () => {
  let result: ConvertResult;
  let out: string;
  beforeAll(async () => {
    out = mkdtempSync(join(tmpdir(), 'convert-retail-'));
    result = await convertSource({ mapping: loadMapping('online-retail'), from: join(FIXTURES, 'online-retail'), outDir: out });
  });

  it('reports the source’s own control totals by status (tests/fixtures/mapping/online-retail/PROVENANCE.md)', () => {
    const t = result.controlTotals;
    expect(t.lines).toBe(90);
    expect(t.unreadable).toBe(0);
    expect(t.byStatus).toEqual({
      sold: { lines: 85, orders: 15, amount: '172580.861' },
      cancelled: { lines: 2, orders: 2, amount: '-168497.10' },
      adjusted: { lines: 3, orders: 3, amount: '-22124.12' },
      void: { lines: 0, orders: 0, amount: '0.00' },
    });
    expect(t.total).toEqual({ lines: 90, orders: 20, amount: '-18040.359' });
  });

  it('accounts for every sold line: converted (rounded to the cent) or set aside with its amount', () => {
    const t = result.controlTotals;
    expect(t.converted).toMatchObject({ lines: 83, orders: 13, lineTotal: '172580.86', rounding: '0.001' });
    expect(t.rejected).toEqual([{ reason: 'no_product_price', status: 'sold', lines: 2, amount: '0.00' }]);
    expect(t.returned).toEqual({
      cancelled: { lines: 2, lineTotal: '-168497.10', rounding: '0.00' },
      adjusted: { lines: 3, lineTotal: '-22124.12', rounding: '0.00' },
    });
    const items = read(out, 'transaction_items.csv');
    expect(items).toHaveLength(83);
    const cents = items.reduce((sum, i) => sum + Math.round(Number(i.line_total) * 100), 0);
    expect(cents).toBe(17258086);
    // Every order's total is the sum of its lines, as the transform demands.
    for (const order of read(out, 'transactions.csv')) {
      const lines = items.filter((i) => i.transaction_id === order.transaction_id);
      expect(Math.round(Number(order.total_amount) * 100)).toBe(lines.reduce((s, i) => s + Math.round(Number(i.line_total) * 100), 0));
    }
  });

  it('sets unconvertible lines aside with the source file, line and reason', () => {
    const rejects = read(out, 'mapping/rejects.csv');
    expect(rejects.map((r) => [r.source_file, r.source_line, r.record_key, r.reason_code, r.amount])).toEqual([
      ['online_retail_excerpt.csv', '49', '536414', 'no_product_price', '0.00'],
      ['online_retail_excerpt.csv', '64', '536545', 'no_product_price', '0.00'],
    ]);
    expect(rejects[0].raw_record).toBe('536414,22139,,56,2010-12-01 11:52:00,0.0,,United Kingdom');
  });

  it('writes cancellations and adjustments to returns.csv, signed as the source signs them', () => {
    expect(read(out, 'mapping/returns.csv').map((r) => [r.return_line_id, r.kind, r.customer_id, r.product_id, r.return_date, r.quantity, r.unit_price, r.line_total, r.source_line])).toEqual([
      ['C536379-1', 'cancelled', '14527', 'D', '2010-12-01', '-1', '27.50', '-27.50', '48'],
      ['536589-1', 'adjusted', 'GUEST', '21777', '2010-12-01', '-10', '0.00', '0.00', '65'],
      // 13:51 BST is 12:51 UTC: the date stays.
      ['A563186-1', 'adjusted', 'GUEST', 'B', '2011-08-12', '1', '-11062.06', '-11062.06', '86'],
      ['A563187-1', 'adjusted', 'GUEST', 'B', '2011-08-12', '1', '-11062.06', '-11062.06', '87'],
      ['C581484-1', 'cancelled', '16446', '23843', '2011-12-09', '-80995', '2.08', '-168469.60', '91'],
    ]);
  });

  it('converts ids, dates, decimals, guests and two-country customers', () => {
    const customers = read(out, 'customers.csv');
    expect(customers.find((c) => c.customer_id === '17850')).toMatchObject({
      email: 'customer-17850@online-retail.invalid', registration_date: '2010-12-01', country: 'United Kingdom',
    });
    expect(customers.some((c) => c.customer_id.endsWith('.0'))).toBe(false);
    // 12455: Cyprus on one invoice, Spain on two.
    expect(customers.find((c) => c.customer_id === '12455')).toMatchObject({ country: 'Spain', registration_date: '2011-02-17' });
    expect(customers.find((c) => c.customer_id === 'GUEST')).toMatchObject({ first_name: 'Customer', last_name: 'GUEST' });
    const orders = read(out, 'transactions.csv');
    expect(orders.find((o) => o.transaction_id === '559135')).toMatchObject({ transaction_date: '2011-07-06', transaction_time: '12:18:00', payment_method: 'Unknown' });
    expect(orders.find((o) => o.transaction_id === '537411')).toMatchObject({ customer_id: 'GUEST' });
    const items = read(out, 'transaction_items.csv');
    expect(items.filter((i) => i.unit_price === '0.001')).toEqual([expect.objectContaining({ product_id: 'BANK CHARGES', quantity: '1', line_total: '0.00' })]);
    expect(items.find((i) => i.item_id === '581483-1')).toMatchObject({ quantity: '80995', unit_price: '2.08', line_total: '168469.60' });
    const products = read(out, 'products.csv');
    expect(products.find((p) => p.product_id === '22041')).toMatchObject({ product_name: 'RECORD FRAME 7" SINGLE SIZE', price: '2.10', cost: '0' });
  });
});

describe('lines a mapping cannot convert', () => {
  const MAPPING = `
source: { files: "*.csv", delimiter: ";" }
formats: { datetime: "D.M.YYYY H:mm", decimal_point: ",", thousands_separator: "." }
lines:
  order_id: { column: Order }
  ordered_at: { column: Date }
  customer_id: { column: Customer }
  product_id: { column: Sku }
  quantity: { column: Qty }
  unit_price: { column: Price }
status: { rules: [{ status: cancelled, column: Qty, below: 0 }] }
customers:
  first_name: { constant: Customer }
  last_name: { template: "{customer_id}" }
  email: { template: "c-{customer_id}@shop.invalid" }
  registration_date: { derive: first_order_date }
products:
  product_name: { column: Name }
  category: { constant: Uncategorized }
  price: { derive: latest_positive_unit_price }
  cost: { constant: 0 }
transactions:
  payment_method: { constant: Unknown }
`;
  it('quarantines each with its source file, line and reason, and converts the rest', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'convert-bad-'));
    writeFileSync(
      join(dir, 'shop.csv'),
      [
        'Order;Date;Customer;Sku;Name;Qty;Price',
        'O1;1.3.2024 9:00;C1;S1;Mug;2;1.250,50',
        'O1;31.2.2024 9:00;C1;S2;Jug;1;3,00',
        'O2;2.3.2024 10:00;;S1;Mug;1;1.250,50',
        'O2;2.3.2024 10:00;C2;S1;Mug;two;1.250,50',
        'O3;3.3.2024 11:00;C2;S1;Mug;1',
        'O4;4.3.2024 12:00;C1;S1;Mug;-1;1.250,50',
        'O3;3.3.2024 11:00;C2;S1;"Mu"g;1;1,00',
        '',
      ].join('\n'),
    );
    const out = join(dir, 'out');
    const result = await convertSource({ mapping: parseMapping(MAPPING, join(dir, 'shop.yaml')), from: dir, outDir: out });
    expect(read(out, 'mapping/rejects.csv').map((r) => [r.source_file, r.source_line, r.reason_code])).toEqual([
      ['shop.csv', '3', 'invalid_date'],
      ['shop.csv', '4', 'missing_customer'],
      ['shop.csv', '5', 'invalid_number'],
      ['shop.csv', '6', 'field_count'],
      ['shop.csv', '8', 'unparseable_line'],
    ]);
    expect(read(out, 'mapping/returns.csv').map((r) => [r.return_line_id, r.kind, r.quantity, r.line_total, r.source_line])).toEqual([['O4-1', 'cancelled', '-1', '-1250.50', '7']]);
    expect(read(out, 'transaction_items.csv')).toEqual([
      { item_id: 'O1-1', transaction_id: 'O1', product_id: 'S1', quantity: '2', unit_price: '1250.50', discount_percentage: '0.00', line_total: '2501.00' },
    ]);
    expect(result.controlTotals).toMatchObject({
      lines: 7,
      unreadable: 3,
      byStatus: { sold: { lines: 3, amount: '3754.50' }, cancelled: { lines: 1, amount: '-1250.50' } },
      rejected: expect.arrayContaining([{ reason: 'invalid_date', status: 'sold', lines: 1, amount: '3.00' }]),
    });
  });

  it('refuses a source whose header lacks a column the mapping reads, naming it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'convert-header-'));
    writeFileSync(join(dir, 'shop.csv'), 'Order;Date;Customer;Sku;Qty;Price\nO1;1.3.2024 9:00;C1;S1;2;1,00\n');
    await expect(convertSource({ mapping: parseMapping(MAPPING, join(dir, 'shop.yaml')), from: dir, outDir: join(dir, 'out') })).rejects.toThrow(
      /shop\.csv: the header has no column Name that the mapping shop reads/,
    );
  });
});

describe('converting the Shopify fixture with mappings/shopify-orders.yaml', () => {
  it('takes order fields from the first row of each order and maps payments, countries and guests; a cancelled order is void', async () => {
    const out = mkdtempSync(join(tmpdir(), 'convert-shopify-'));
    const result = await convertSource({ mapping: loadMapping('shopify-orders'), from: join(FIXTURES, 'shopify'), outDir: out });
    expect(result.controlTotals.byStatus).toEqual({
      sold: { lines: 7, orders: 4, amount: '133.23' },
      cancelled: { lines: 0, orders: 0, amount: '0.00' },
      adjusted: { lines: 0, orders: 0, amount: '0.00' },
      void: { lines: 1, orders: 1, amount: '37.50' },
    });
    expect(read(out, 'mapping/rejects.csv').map((r) => [r.source_line, r.record_key, r.reason_code, r.status, r.amount])).toEqual([['4', '#1002', 'void', 'void', '37.50']]);
    expect(read(out, 'mapping/returns.csv')).toEqual([]);
    expect(read(out, 'transactions.csv')).toEqual([
      { transaction_id: '#1001', customer_id: 'ada@example.com', transaction_date: '2024-03-01', transaction_time: '10:15:22', payment_method: 'Credit Card', shipping_address: '12 St James Square, London SW1Y 4JH, GB', total_amount: '49.00' },
      { transaction_id: '#1003', customer_id: 'grace@example.com', transaction_date: '2024-03-06', transaction_time: '02:30:00', payment_method: 'Digital Wallet', shipping_address: '1 Navy Way, Arlington 22202, US', total_amount: '54.98' },
      { transaction_id: '#1004', customer_id: 'guest@shop.invalid', transaction_date: '2024-03-06', transaction_time: '08:05:00', payment_method: 'Cash on Delivery', shipping_address: 'London, GB', total_amount: '3.25' },
      { transaction_id: '#1005', customer_id: 'ada@example.com', transaction_date: '2024-04-02', transaction_time: '11:00:00', payment_method: 'Credit Card', shipping_address: '12 St James Square, London SW1Y 4JH, GB', total_amount: '26.00' },
    ]);
    expect(read(out, 'customers.csv').map((c) => [c.customer_id, c.first_name, c.last_name, c.country])).toEqual([
      ['ada@example.com', 'Ada', 'Lovelace', 'United Kingdom'],
      ['grace@example.com', 'Grace', 'Hopper', 'United States'],
      ['guest@shop.invalid', 'Guest', 'Customer', 'United Kingdom'],
    ]);
    expect(read(out, 'products.csv').find((p) => p.product_id === 'TEAPOT-1L')).toMatchObject({ product_name: 'Teapot, 1 litre', price: '26.00', brand: 'Northwind Goods' });
  });
});
