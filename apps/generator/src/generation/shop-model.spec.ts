import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@ecom/config';
import { ENTITIES, type GenerateParams } from '@ecom/contracts';
import { ShopCalendar, blackFriday, epochDay, isoDate } from './calendar';
import { cents, entityRecords, entityText, inputFiles, type CsvRecord } from './dataset-files.testing';
import { generateToFolder } from './generate-to-folder';

/**
 * The generated data models a real shop (issue 3): a seeded full year, read back from the files,
 * shows seasonality, weekend lift, heavy buyers, category price bands and country payment mixes,
 * with the default model of config/config.yaml. The run profile measures the same in SQL.
 */
describe('shop model', () => {
  const shop = loadConfig({ env: {} }).generator.model;
  const params: GenerateParams = {
    customers: 1500,
    products: 400,
    transactions: 8000,
    seed: 2024,
    startDate: '2024-01-01',
    endDate: '2024-12-31',
  };
  const root = mkdtempSync(join(tmpdir(), 'ecom-shop-model-'));
  let customers: CsvRecord[];
  let products: CsvRecord[];
  let transactions: CsvRecord[];
  let items: CsvRecord[];

  beforeAll(async () => {
    await generateToFolder(join(root, 'one'), params, { partSize: 1_000_000, shop });
    customers = entityRecords(join(root, 'one'), 'customers');
    products = entityRecords(join(root, 'one'), 'products');
    transactions = entityRecords(join(root, 'one'), 'transactions');
    items = entityRecords(join(root, 'one'), 'transaction_items');
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const revenueBy = (key: (t: CsvRecord) => string): Map<string, number> => {
    const out = new Map<string, number>();
    for (const t of transactions) out.set(key(t), (out.get(key(t)) ?? 0) + cents(t.total_amount));
    return out;
  };
  const sum = (values: Iterable<number>): number => [...values].reduce((a, b) => a + b, 0);

  describe('calendar', () => {
    it('peaks in Q4: November and December together at least 1.4x the average month', () => {
      const months = revenueBy((t) => t.transaction_date.slice(0, 7));
      expect(months.size).toBe(12);
      const average = sum(months.values()) / 12;
      const q4 = (months.get('2024-11')! + months.get('2024-12')!) / 2 / average;
      expect(q4).toBeGreaterThanOrEqual(1.4);
      const others = [...months].filter(([m]) => m < '2024-11').map(([, r]) => r / average);
      expect(Math.max(...others)).toBeLessThan(Math.min(months.get('2024-11')!, months.get('2024-12')!) / average);
    });

    it('spikes on Black Friday, Cyber Monday and before Christmas', () => {
      const perDay = new Map<string, number>();
      for (const t of transactions) perDay.set(t.transaction_date, (perDay.get(t.transaction_date) ?? 0) + 1);
      const meanDay = transactions.length / 366;
      const bf = blackFriday(2024);
      expect(isoDate(bf)).toBe('2024-11-29');
      expect(perDay.get(isoDate(bf))!).toBeGreaterThan(3 * meanDay);
      expect(perDay.get(isoDate(bf + 3))!).toBeGreaterThan(2 * meanDay);
      const preChristmas = Array.from({ length: 15 }, (_, i) => perDay.get(`2024-12-${String(8 + i).padStart(2, '0')}`) ?? 0);
      expect(sum(preChristmas) / 15).toBeGreaterThan(1.8 * meanDay);
    });

    it('sells at least 1.15x more per weekend day than per weekday (per calendar day)', () => {
      const byKind = revenueBy((t) => ([0, 6].includes(new Date(`${t.transaction_date}T00:00:00Z`).getUTCDay()) ? 'weekend' : 'weekday'));
      // 2024 has 104 weekend days and 262 weekdays.
      const ratio = byKind.get('weekend')! / 104 / (byKind.get('weekday')! / 262);
      expect(ratio).toBeGreaterThanOrEqual(1.15);
    });

    it('has few orders at night and most in the day and evening', () => {
      const hour = (t: CsvRecord) => Number(t.transaction_time.slice(0, 2));
      const night = transactions.filter((t) => hour(t) < 6).length / transactions.length;
      const evening = transactions.filter((t) => hour(t) >= 18 && hour(t) < 22).length / transactions.length;
      expect(night).toBeLessThan(0.06);
      expect(evening).toBeGreaterThan(4 * night);
    });

    it('puts discounts in promotion periods', () => {
      const calendar = new ShopCalendar(shop);
      const dayOf = new Map(transactions.map((t) => [t.transaction_id, t.transaction_date]));
      const share = (promotion: boolean) => {
        const lines = items.filter((i) => calendar.isPromotion(epochDay(dayOf.get(i.transaction_id)!)!) === promotion);
        return lines.filter((i) => i.discount_percentage !== '0').length / lines.length;
      };
      expect(share(true)).toBeGreaterThan(0.45);
      expect(share(false)).toBeLessThan(0.15);
      expect(calendar.isPromotion(epochDay('2024-12-02')!)).toBe(true); // Cyber Monday
      expect(calendar.isPromotion(epochDay('2024-03-12')!)).toBe(false);
    });
  });

  describe('customers', () => {
    it('registered over the two years before the window and within it, every order after registration', () => {
      const registered = new Map(customers.map((c) => [c.customer_id, c.registration_date]));
      expect(customers.filter((c) => c.registration_date < '2023-01-01').length).toBeGreaterThan(customers.length / 4);
      expect(customers.filter((c) => c.registration_date >= params.startDate).length).toBeGreaterThan(customers.length / 5);
      expect(customers.every((c, i) => i === 0 || customers[i - 1].registration_date <= c.registration_date)).toBe(true);
      expect(transactions.filter((t) => t.transaction_date < registered.get(t.customer_id)!)).toEqual([]);
    });

    it('are heavy-tailed buyers: the top 20% make at least 60% of revenue, with repeat and one-time buyers', () => {
      const spend = [...revenueBy((t) => t.customer_id).values()].sort((a, b) => b - a);
      const top = Math.ceil(spend.length * 0.2);
      expect(sum(spend.slice(0, top)) / sum(spend)).toBeGreaterThanOrEqual(0.6);
      const orders = new Map<string, number>();
      for (const t of transactions) orders.set(t.customer_id, (orders.get(t.customer_id) ?? 0) + 1);
      const counts = [...orders.values()];
      expect(counts.filter((n) => n === 1).length).toBeGreaterThan(spend.length * 0.05);
      expect(counts.filter((n) => n > 1).length).toBeGreaterThan(spend.length * 0.5);
      expect(Math.max(...counts)).toBeGreaterThan(10 * (transactions.length / spend.length));
    });

    it('fall into every age group', () => {
      expect(new Set(customers.map((c) => c.age_group))).toEqual(new Set(['18-25', '26-35', '36-45', '46-60', '60+']));
    });
  });

  describe('products', () => {
    const meanPrice = (category: string) => {
      const prices = products.filter((p) => p.category === category).map((p) => cents(p.price));
      return sum(prices) / prices.length;
    };

    it('have price bands that fit the category: Electronics dearest, Books cheapest', () => {
      const categories = [...new Set(products.map((p) => p.category))];
      const byPrice = categories.sort((a, b) => meanPrice(b) - meanPrice(a));
      expect(byPrice[0]).toBe('Electronics');
      expect(byPrice[byPrice.length - 1]).toBe('Books');
    });

    it('make Electronics the top category by revenue', () => {
      const category = new Map(products.map((p) => [p.product_id, p.category]));
      const revenue = new Map<string, number>();
      for (const i of items) revenue.set(category.get(i.product_id)!, (revenue.get(category.get(i.product_id)!) ?? 0) + cents(i.line_total));
      const ranking = [...revenue].sort((a, b) => b[1] - a[1]);
      expect(ranking[0][0]).toBe('Electronics');
      expect(ranking[0][1]).toBeGreaterThan(1.3 * ranking[1][1]);
    });

    it('sell heavy-tailed within each category: the top 20% of products sell at least half the units', () => {
      const category = new Map(products.map((p) => [p.product_id, p.category]));
      const units = new Map<string, Map<string, number>>();
      for (const p of products) units.set(p.category, units.get(p.category) ?? new Map());
      for (const i of items) {
        const perProduct = units.get(category.get(i.product_id)!)!;
        perProduct.set(i.product_id, (perProduct.get(i.product_id) ?? 0) + Number(i.quantity));
      }
      for (const [name, perProduct] of units) {
        const catalogue = products.filter((p) => p.category === name).length;
        const sold = [...perProduct.values()].sort((a, b) => b - a);
        const top = sum(sold.slice(0, Math.ceil(catalogue * 0.2)));
        expect({ name, share: top / sum(sold) >= 0.5 }).toEqual({ name, share: true });
      }
    });
  });

  describe('orders', () => {
    it('hold 1 to 6 lines, about 2.5 on average, 5 or more in some', () => {
      const lines = new Map<string, number>();
      for (const i of items) lines.set(i.transaction_id, (lines.get(i.transaction_id) ?? 0) + 1);
      const sizes = [...lines.values()];
      expect(Math.min(...sizes)).toBe(1);
      expect(sizes.filter((n) => n >= 5).length).toBeGreaterThan(sizes.length * 0.05);
      expect(items.length / transactions.length).toBeGreaterThan(2.3);
      expect(items.length / transactions.length).toBeLessThan(2.7);
    });

    it("pay by the payer's country: UPI in India only, online methods dominant, cash on delivery a minority", () => {
      const country = new Map(customers.map((c) => [c.customer_id, c.country]));
      const mix = (where: string) => {
        const orders = transactions.filter((t) => country.get(t.customer_id) === where);
        const counts = new Map<string, number>();
        for (const t of orders) counts.set(t.payment_method, (counts.get(t.payment_method) ?? 0) + 1 / orders.length);
        return counts;
      };
      const india = mix('India');
      expect([...india].sort((a, b) => b[1] - a[1])[0][0]).toBe('UPI');
      expect(mix('United States').get('UPI')).toBeUndefined();
      expect([...mix('United States')].sort((a, b) => b[1] - a[1])[0][0]).toBe('Credit Card');
      const cod = transactions.filter((t) => t.payment_method === 'Cash on Delivery').length / transactions.length;
      expect(cod).toBeGreaterThan(0.02);
      expect(cod).toBeLessThan(0.12);
    });
  });

  it('writes the same bytes in 1 part and in 4 parts, and in 4 parts written at once', async () => {
    const quarter = (n: number) => Math.max(1000, Math.ceil(n / 4));
    const small: GenerateParams = { ...params, customers: 4000, transactions: 4000 };
    await generateToFolder(join(root, 'single'), small, { partSize: 1_000_000, shop });
    await generateToFolder(join(root, 'four'), small, { partSize: quarter(4000), shop, concurrency: 4 });
    expect(inputFiles(join(root, 'four')).transactions).toHaveLength(4);
    expect(inputFiles(join(root, 'four')).customers).toHaveLength(4);
    for (const entity of ENTITIES) {
      expect(entityText(join(root, 'four'), entity).body).toBe(entityText(join(root, 'single'), entity).body);
    }
  });
});
