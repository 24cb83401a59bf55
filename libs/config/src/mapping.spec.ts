import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MappingError, loadMapping, parseMapping, shippedMappingNames } from './mapping';

const MINIMAL = `
source: { files: "*.csv" }
lines:
  order_id: { column: Order }
  ordered_at: { column: Date }
  customer_id: { column: Customer }
  product_id: { column: Sku }
  quantity: { column: Qty }
  unit_price: { column: Price }
customers:
  first_name: { constant: Customer }
  last_name: { template: "{customer_id}" }
  email: { template: "c-{customer_id}@shop.invalid" }
  registration_date: { derive: first_order_date }
products:
  product_name: { column: Name, pick: most_frequent }
  category: { constant: Uncategorized }
  price: { derive: latest_positive_unit_price }
  cost: { constant: 0 }
transactions:
  payment_method: { constant: Unknown }
`;

function problems(text: string, file = '/tmp/shop.yaml'): string[] {
  try {
    parseMapping(text, file);
  } catch (error) {
    if (error instanceof MappingError) return error.problems;
    throw error;
  }
  return [];
}

describe('mapping files: read and checked before anything is converted', () => {
  it('loads every shipped mapping by name', () => {
    expect(shippedMappingNames()).toEqual(expect.arrayContaining(['online-retail', 'shopify-orders']));
    for (const name of shippedMappingNames()) expect(loadMapping(name).name).toBe(name);
  });

  it('fills the defaults a small mapping leaves out', () => {
    const mapping = parseMapping(MINIMAL, '/tmp/shop.yaml');
    expect(mapping).toMatchObject({
      name: 'shop',
      source: { files: ['*.csv'], delimiter: ',', timezone: 'UTC', orderFieldsOnFirstRow: [] },
      formats: { datetime: ['YYYY-MM-DD HH:mm:ss'], decimalPoint: '.', thousandsSeparator: '', idsStripZeroFraction: false },
      status: { rules: [], otherwise: 'sold' },
      guests: { action: 'quarantine' },
    });
    expect(mapping.customers.registration_date).toEqual({ derive: 'first_order_date' });
  });

  it('names the file, the key path and what was expected, one line per problem', () => {
    const broken = MINIMAL.replace('order_id: { column: Order }', 'order_id: { colum: Order }')
      .replace('registration_date: { derive: first_order_date }', 'registration_date: { derive: first_visit }')
      .replace('payment_method: { constant: Unknown }', 'shipping_address: { column: Address }')
      .replace('source: { files: "*.csv" }', 'source: { files: "*.csv", timezone: Mars/Olympus }');
    expect(problems(broken)).toEqual([
      "/tmp/shop.yaml: source.timezone: expected an IANA time zone such as Europe/London or UTC, got \"Mars/Olympus\"",
      '/tmp/shop.yaml: lines.order_id.colum: unknown key (expected one of column, constant, template, derive, map, otherwise, default, split, pick)',
      '/tmp/shop.yaml: lines.order_id: expected exactly one of column, constant, template, got none',
      '/tmp/shop.yaml: customers.registration_date.derive: expected one of first_order_date, got "first_visit"',
      '/tmp/shop.yaml: transactions.payment_method: missing (expected { column }, { constant }, { template })',
    ]);
  });

  it('checks formats, status rules, guests and unknown columns', () => {
    const text = `${MINIMAL}
formats: { datetime: "DD.MM.YY", decimal_point: ";" }
status:
  rules:
    - { status: refunded, column: Kind, equals: refund }
    - { status: cancelled, column: Qty, below: 0, starts_with: "-" }
guests: drop
`.replace('category: { constant: Uncategorized }', 'category: { constant: Uncategorized }\n  colour: { column: Colour }');
    expect(problems(text, '/tmp/x.yaml')).toEqual([
      '/tmp/x.yaml: formats.datetime[0]: expected YYYY, M or MM, D or DD (and optionally H/HH, mm, ss, Z) in "DD.MM.YY"',
      '/tmp/x.yaml: formats.decimal_point: expected "." or ",", got ";"',
      '/tmp/x.yaml: status.rules[0].status: expected one of sold, cancelled, adjusted, void, got "refunded"',
      '/tmp/x.yaml: status.rules[1]: expected exactly one test of starts_with, below, present, equals, got starts_with, below',
      '/tmp/x.yaml: guests: expected quarantine or { as: <customer id for lines without one> }, got "drop"',
      '/tmp/x.yaml: products.colour: not a column the mapping gives (expected one of product_name, category, price, cost, sub_category, brand, stock_quantity, supplier_id; the others are derived)',
    ]);
  });

  it('says so when the YAML itself does not parse, or the file is not there', () => {
    expect(problems('source: [unclosed', '/tmp/bad.yaml')[0]).toMatch(/^\/tmp\/bad\.yaml: not valid YAML: /);
    expect(() => loadMapping('no-such-shop')).toThrow(/mappings\/no-such-shop\.yaml: mapping not found \(shipped mappings: .*online-retail/);
  });

  it('reads a mapping from a path as well as by name', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mapping-spec-'));
    writeFileSync(join(dir, 'my-shop.yaml'), MINIMAL);
    expect(loadMapping(join(dir, 'my-shop.yaml')).name).toBe('my-shop');
  });
});
