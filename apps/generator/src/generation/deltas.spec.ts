import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@ecom/config';
import { ENTITIES, type GenerateParams } from '@ecom/contracts';
import { cents, entityRecords, entityText, type CsvRecord } from './dataset-files.testing';
import { deltaSource } from './deltas';
import { generateToFolder } from './generate-to-folder';
import { DatasetModel, datasetModel } from './model';
import { planParts } from './part-plan';
import { PLACES } from './reference-data';
import { writeGeneratedPart } from './write-part';

/**
 * Daily deltas after a base data set: new customers and orders on the days after endDate, ids
 * continuing, and about 1% of customers moving and 2% of products changing per day, written as
 * full rows with the same id. Deterministic by (seed, day), whatever the batching.
 */
describe('daily deltas', () => {
  const shop = loadConfig({ env: {} }).generator.model;
  const base: GenerateParams = {
    customers: 4000,
    products: 800,
    transactions: 9000,
    seed: 5,
    startDate: '2024-01-01',
    endDate: '2024-12-31',
  };
  const root = mkdtempSync(join(tmpdir(), 'ecom-deltas-'));
  const dir = (name: string) => join(root, name);
  const records = (name: string, entity: (typeof ENTITIES)[number]) => entityRecords(dir(name), entity);

  async function writeDelta(name: string, fromDate: string, toDate: string, partSize = 1000): Promise<void> {
    const source = deltaSource(base, fromDate, toDate, shop);
    for (const part of planParts(source.ranges, partSize)) await writeGeneratedPart(source, dir(name), part);
  }

  let baseCustomers: Map<string, CsvRecord>;
  let baseProducts: Map<string, CsvRecord>;

  beforeAll(async () => {
    await generateToFolder(dir('base'), base, { partSize: 1_000_000, shop });
    await writeDelta('day1', '2025-01-01', '2025-01-01');
    await writeDelta('day2', '2025-01-02', '2025-01-02');
    await writeDelta('both', '2025-01-01', '2025-01-02', 2500);
    baseCustomers = new Map(records('base', 'customers').map((c) => [c.customer_id, c]));
    baseProducts = new Map(records('base', 'products').map((p) => [p.product_id, p]));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const number = (id: string) => Number(id.replace(/^\D+/, ''));

  it("builds a later day's model on the activity sums of the models already built, to the same values", () => {
    // The base's and the two days' models are cached by now: this one copies their sums and draws the rest.
    const reused = datasetModel(base, shop, '2025-01-09');
    const drawn = new DatasetModel(base, shop, '2025-01-09');
    expect(reused).not.toBe(datasetModel(base, shop, '2025-01-02'));
    expect(reused.activitySums.length).toBe(drawn.customerCapacity);
    expect(reused.activitySums.length).toBeGreaterThan(datasetModel(base, shop, '2025-01-02').activitySums.length);
    expect(Array.from(reused.activitySums)).toEqual(Array.from(drawn.activitySums));
  });

  it('places new orders on the delta day, numbered after the base and after the day before', () => {
    const day1 = records('day1', 'transactions');
    const day2 = records('day2', 'transactions');
    expect(day1.length).toBeGreaterThan(5);
    expect(new Set(day1.map((t) => t.transaction_date))).toEqual(new Set(['2025-01-01']));
    expect(new Set(day2.map((t) => t.transaction_date))).toEqual(new Set(['2025-01-02']));
    expect(day1.map((t) => number(t.transaction_id))).toEqual(day1.map((_, i) => base.transactions + 1 + i));
    expect(number(day2[0].transaction_id)).toBe(base.transactions + day1.length + 1);
    const lines = records('day1', 'transaction_items');
    expect(new Set(lines.map((i) => i.transaction_id))).toEqual(new Set(day1.map((t) => t.transaction_id)));
  });

  it('registers new customers on the day, ids continuing, and lets them order', () => {
    const day1 = records('day1', 'customers').filter((c) => !baseCustomers.has(c.customer_id));
    const day2 = records('day2', 'customers').filter((c) => !baseCustomers.has(c.customer_id) && number(c.customer_id) > base.customers + day1.length);
    expect(day1.length).toBeGreaterThan(0);
    expect(day1.map((c) => number(c.customer_id))).toEqual(day1.map((_, i) => base.customers + 1 + i));
    expect(new Set(day1.map((c) => c.registration_date))).toEqual(new Set(['2025-01-01']));
    expect(number(day2[0].customer_id)).toBe(base.customers + day1.length + 1);
    const known = new Map([...baseCustomers, ...day1.map((c) => [c.customer_id, c] as const)]);
    const orders = records('day1', 'transactions');
    expect(orders.filter((t) => !known.has(t.customer_id) || known.get(t.customer_id)!.registration_date > t.transaction_date)).toEqual([]);
  });

  it('moves about 1% of customers a day: same id and person, a new city, state and country together', () => {
    const places = new Set(PLACES.map((p) => `${p.city}|${p.state}|${p.country}`));
    for (const day of ['day1', 'day2']) {
      const moved = records(day, 'customers').filter((c) => baseCustomers.has(c.customer_id));
      expect(moved.length).toBeGreaterThan(base.customers * 0.005);
      expect(moved.length).toBeLessThan(base.customers * 0.02);
      for (const c of moved) {
        const before = baseCustomers.get(c.customer_id)!;
        expect({ ...c, city: '', state: '', country: '' }).toEqual({ ...before, city: '', state: '', country: '' });
        expect(c.city).not.toBe(before.city);
        expect(places.has(`${c.city}|${c.state}|${c.country}`)).toBe(true);
      }
    }
  });

  it('changes about 2% of products a day, price or category, keeping cost below price and the bands true', () => {
    const changed = records('day1', 'products');
    expect(changed.length).toBeGreaterThan(base.products * 0.01);
    expect(changed.length).toBeLessThan(base.products * 0.04);
    let repriced = 0;
    let refiled = 0;
    for (const p of changed) {
      const before = baseProducts.get(p.product_id)!;
      expect({ name: p.product_name, brand: p.brand, supplier: p.supplier_id }).toEqual({
        name: before.product_name,
        brand: before.brand,
        supplier: before.supplier_id,
      });
      if (p.price !== before.price) repriced++;
      if (p.category !== before.category) refiled++;
      expect(p.price !== before.price || p.category !== before.category).toBe(true);
      expect(cents(p.cost)).toBeLessThan(cents(p.price));
      expect(cents(p.cost) * 100).toBeGreaterThanOrEqual(cents(p.price) * 40);
    }
    expect(repriced).toBeGreaterThan(0);
    expect(refiled).toBeGreaterThan(0);
  });

  it("sells at the day's price: a changed product's order lines use its new price", () => {
    const price = new Map([...baseProducts].map(([id, p]) => [id, p.price]));
    for (const p of records('day1', 'products')) price.set(p.product_id, p.price);
    const lines = records('day1', 'transaction_items');
    expect(lines.filter((i) => i.unit_price !== price.get(i.product_id))).toEqual([]);
  });

  it('is the same data whether two days come as one batch or two', () => {
    for (const entity of ['transactions', 'transaction_items'] as const) {
      expect(entityText(dir('both'), entity).body).toBe(entityText(dir('day1'), entity).body + entityText(dir('day2'), entity).body);
    }
    // A customer or product changed on both days appears once, with its values at the end of the batch.
    const ids = (name: string, entity: 'customers' | 'products', key: string) => records(name, entity).map((r) => r[key]);
    const union = new Set([...ids('day1', 'customers', 'customer_id'), ...ids('day2', 'customers', 'customer_id')]);
    expect(new Set(ids('both', 'customers', 'customer_id'))).toEqual(union);
    const lastOf = new Map([...records('day1', 'customers'), ...records('day2', 'customers')].map((c) => [c.customer_id, c]));
    expect(records('both', 'customers')).toEqual([...lastOf.values()].sort((a, b) => a.customer_id.localeCompare(b.customer_id)));
  });
});
