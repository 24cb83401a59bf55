import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { AGE_GROUPS, ENTITIES, ENTITY_SPECS, csvLine, type GenerateParams } from '@ecom/contracts';
import { cents, entityRecords, entityText, inputFiles, type CsvRecord } from './dataset-files.testing';
import { loadConfig } from '@ecom/config';
import { generatedSource } from './dataset-source';
import { generateToFolder } from './generate-to-folder';
import { planParts } from './part-plan';
import { writeGeneratedPart } from './write-part';
import { PLACES } from './reference-data';

/**
 * The generated data set, read back from the files: the shape of docs/contract.md section 1,
 * byte-for-byte determinism, exact money, and integrity between the four files.
 */
describe('generated data set', () => {
  const params: GenerateParams = {
    customers: 2500,
    products: 300,
    transactions: 4500,
    seed: 7,
    startDate: '2024-01-01',
    endDate: '2024-06-30',
  };
  const shop = loadConfig({ env: {} }).generator.model;
  const root = mkdtempSync(join(tmpdir(), 'ecom-generated-data-'));
  const dirs = {
    whole: join(root, 'whole'),
    partsSerial: join(root, 'parts-serial'),
    partsParallel: join(root, 'parts-parallel'),
    otherSeed: join(root, 'other-seed'),
  };
  let customers: CsvRecord[];
  let products: CsvRecord[];
  let transactions: CsvRecord[];
  let items: CsvRecord[];

  beforeAll(async () => {
    await generateToFolder(dirs.whole, params, { partSize: 1_000_000, shop });
    await generateToFolder(dirs.partsSerial, params, { partSize: 1000, concurrency: 1, shop });
    await generateToFolder(dirs.partsParallel, params, { partSize: 1000, concurrency: 4, shop });
    await generateToFolder(dirs.otherSeed, { ...params, seed: 8 }, { partSize: 1_000_000, shop });
    customers = entityRecords(dirs.partsParallel, 'customers');
    products = entityRecords(dirs.partsParallel, 'products');
    transactions = entityRecords(dirs.partsParallel, 'transactions');
    items = entityRecords(dirs.partsParallel, 'transaction_items');
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  describe('files', () => {
    it('splits entities into parts of partSize records, transaction_items following transactions', () => {
      expect(inputFiles(dirs.whole)).toEqual({
        customers: ['customers.csv'],
        products: ['products.csv'],
        transactions: ['transactions.csv'],
        transaction_items: ['transaction_items.csv'],
      });
      const parts = inputFiles(dirs.partsParallel);
      expect(parts.customers).toEqual(['customers.part-0001.csv', 'customers.part-0002.csv', 'customers.part-0003.csv']);
      expect(parts.products).toEqual(['products.csv']);
      expect(parts.transactions).toHaveLength(5);
      expect(parts.transaction_items).toEqual(parts.transactions.map((n) => n.replace('transactions', 'transaction_items')));
      expect(readdirSync(dirs.partsParallel).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    });

    it('gives every file and part the contract header, in ENTITY_SPECS order', () => {
      for (const entity of ENTITIES) {
        const { headers } = entityText(dirs.partsParallel, entity);
        expect(headers.length).toBeGreaterThan(0);
        for (const header of headers) expect(header).toBe(ENTITY_SPECS[entity].columns.join(','));
      }
    });

    it('writes the requested number of records', () => {
      expect(customers).toHaveLength(2500);
      expect(products).toHaveLength(300);
      expect(transactions).toHaveLength(4500);
      expect(items.length).toBeGreaterThan(4500);
    });

    it('quotes fields exactly as csv-stringify does (RFC 4180)', () => {
      const tricky = [
        ['plain', 'with, comma', 'with "quotes"', 'line\nbreak', "O'Hara", ''],
        ['12 Main St, Pune, Maharashtra, India', 'cr\rhere', '"', ',', 'x', 'y'],
      ];
      expect(tricky.map(csvLine).join('')).toBe(stringify(tricky));
      const addresses = transactions.filter((t) => t.shipping_address.includes(','));
      expect(addresses).toHaveLength(transactions.length);
    });
  });

  describe('determinism', () => {
    it('writes byte-identical files whatever the number of parts written at once', () => {
      for (const entity of ENTITIES) {
        const names = inputFiles(dirs.partsSerial)[entity];
        expect(inputFiles(dirs.partsParallel)[entity]).toEqual(names);
        const differing = names.filter(
          (name) => !readFileSync(join(dirs.partsParallel, name)).equals(readFileSync(join(dirs.partsSerial, name))),
        );
        expect(differing).toEqual([]);
      }
    });

    it('produces the same records whether an entity is one file or many parts', () => {
      for (const entity of ENTITIES) {
        expect(entityText(dirs.partsParallel, entity).body).toBe(entityText(dirs.whole, entity).body);
      }
    });

    it('rewrites a part whole when it runs again (a retry): same bytes, no temporary files left', async () => {
      const dir = join(root, 'rewrite');
      const source = generatedSource(params, shop);
      const [part] = planParts(source.ranges, 1000).filter((p) => p.entity === 'transactions' && p.part === 2);
      const first = await writeGeneratedPart(source, dir, part);
      const bytes = readFileSync(join(dir, 'transaction_items.part-0003.csv'));
      const again = await writeGeneratedPart(source, dir, part);
      expect(again).toEqual(first);
      expect(readdirSync(dir).sort()).toEqual(['transaction_items.part-0003.csv', 'transactions.part-0003.csv']);
      expect(readFileSync(join(dir, 'transaction_items.part-0003.csv')).equals(bytes)).toBe(true);
      expect(bytes.equals(readFileSync(join(dirs.partsSerial, 'transaction_items.part-0003.csv')))).toBe(true);
    });

    it('produces different data for a different seed', () => {
      for (const entity of ENTITIES) {
        expect(entityText(dirs.otherSeed, entity).body).not.toBe(entityText(dirs.whole, entity).body);
      }
    });
  });

  describe('customers', () => {
    it('have unique sequential ids and unique, lower-case, valid emails', () => {
      expect(customers.map((c) => c.customer_id)).toEqual(
        customers.map((_, i) => `CUST${String(i + 1).padStart(8, '0')}`),
      );
      const emails = customers.map((c) => c.email);
      expect(new Set(emails).size).toBe(emails.length);
      expect(emails.filter((e) => !/^[a-z]+\.[a-z]+\d+@[a-z]+\.[a-z]+$/.test(e))).toEqual([]);
    });

    it('have a phone, an age group of the contract, and a real city/state/country triple', () => {
      const places = new Set(PLACES.map((p) => `${p.city}|${p.state}|${p.country}`));
      const odd = customers.filter(
        (c) =>
          !/^\+\d{1,2}-[\d-]{9,14}$/.test(c.phone) ||
          !(AGE_GROUPS as readonly string[]).includes(c.age_group) ||
          !places.has(`${c.city}|${c.state}|${c.country}`) ||
          !c.first_name ||
          !c.last_name,
      );
      expect(odd).toEqual([]);
      expect(new Set(customers.map((c) => c.country)).size).toBeGreaterThan(3);
    });

    it('registered no later than endDate', () => {
      const late = customers.filter((c) => !/^\d{4}-\d{2}-\d{2}$/.test(c.registration_date) || c.registration_date > params.endDate);
      expect(late).toEqual([]);
    });
  });

  describe('products', () => {
    it('have unique ids, a category with its sub-category and brand, and a supplier', () => {
      expect(new Set(products.map((p) => p.product_id)).size).toBe(300);
      expect(new Set(products.map((p) => p.category)).size).toBeGreaterThan(4);
      const odd = products.filter(
        (p) =>
          !/^PROD\d{6}$/.test(p.product_id) ||
          !p.sub_category ||
          !p.product_name.startsWith(`${p.brand} `) ||
          !/^SUP\d{4}$/.test(p.supplier_id) ||
          !/^\d+$/.test(p.stock_quantity),
      );
      expect(odd).toEqual([]);
    });

    it('cost between 40% and 85% of a two-decimal price', () => {
      const odd = products.filter((p) => {
        const price = cents(p.price);
        const cost = cents(p.cost);
        return price < 100 || cost * 100 < price * 40 || cost * 100 > price * 85 || cost >= price;
      });
      expect(odd).toEqual([]);
    });
  });

  describe('transactions and items', () => {
    it('reference existing customers, transactions and products, with unique ids', () => {
      const customerIds = new Set(customers.map((c) => c.customer_id));
      const productIds = new Set(products.map((p) => p.product_id));
      const transactionIds = new Set(transactions.map((t) => t.transaction_id));
      expect(transactionIds.size).toBe(transactions.length);
      expect(new Set(items.map((i) => i.item_id)).size).toBe(items.length);
      expect(transactions.filter((t) => !customerIds.has(t.customer_id))).toEqual([]);
      expect(items.filter((i) => !transactionIds.has(i.transaction_id) || !productIds.has(i.product_id))).toEqual([]);
    });

    it('fall inside the date range, after the customer registered, at a valid time', () => {
      const registered = new Map(customers.map((c) => [c.customer_id, c.registration_date]));
      const odd = transactions.filter(
        (t) =>
          t.transaction_date < params.startDate ||
          t.transaction_date > params.endDate ||
          registered.get(t.customer_id)! > t.transaction_date ||
          !/^([01]\d|2[0-3]):[0-5]\d:[0-5]\d$/.test(t.transaction_time),
      );
      expect(odd).toEqual([]);
      // Customers registered during the window do order: ids are not only the early sign-ups.
      const lateSignups = transactions.filter((t) => registered.get(t.customer_id)! >= params.startDate);
      expect(lateSignups.length).toBeGreaterThan(0);
    });

    it('use the known payment methods, cash on delivery a minority', () => {
      const methods = new Map<string, number>();
      for (const t of transactions) methods.set(t.payment_method, (methods.get(t.payment_method) ?? 0) + 1);
      expect([...methods.keys()].sort()).toEqual(
        ['Cash on Delivery', 'Credit Card', 'Debit Card', 'Digital Wallet', 'Net Banking', 'UPI'],
      );
      expect(methods.get('Cash on Delivery')! / transactions.length).toBeLessThan(0.15);
    });

    it('sell at the product price, with whole-percent discounts of 0..50, mostly none', () => {
      const price = new Map(products.map((p) => [p.product_id, p.price]));
      const odd = items.filter(
        (i) =>
          i.unit_price !== price.get(i.product_id) ||
          !/^\d+$/.test(i.discount_percentage) ||
          Number(i.discount_percentage) > 50 ||
          !/^[1-9]\d*$/.test(i.quantity),
      );
      expect(odd).toEqual([]);
      const undiscounted = items.filter((i) => i.discount_percentage === '0').length;
      expect(undiscounted / items.length).toBeGreaterThan(0.5);
      expect(undiscounted).toBeLessThan(items.length);
    });

    it('compute every line_total and total_amount exactly, in cents', () => {
      const totals = new Map<string, number>();
      const wrongLines = items.filter((i) => {
        // Round half away from zero of quantity × price × (100 − discount) / 100, as round(numeric, 2) does.
        const exact = Number(i.quantity) * cents(i.unit_price) * (100 - Number(i.discount_percentage));
        const expected = Math.floor(exact / 100) + (exact % 100 >= 50 ? 1 : 0);
        totals.set(i.transaction_id, (totals.get(i.transaction_id) ?? 0) + expected);
        return cents(i.line_total) !== expected;
      });
      expect(wrongLines).toEqual([]);
      expect(transactions.filter((t) => cents(t.total_amount) !== totals.get(t.transaction_id))).toEqual([]);
    });

    it('hold baskets of 1 to 6 lines, about 2.5 on average', () => {
      const lines = new Map<string, number>();
      for (const i of items) lines.set(i.transaction_id, (lines.get(i.transaction_id) ?? 0) + 1);
      expect(lines.size).toBe(transactions.length);
      expect([...lines.values()].filter((n) => n < 1 || n > 6)).toEqual([]);
      const mean = items.length / transactions.length;
      expect(mean).toBeGreaterThan(2.3);
      expect(mean).toBeLessThan(2.7);
    });
  });
});
