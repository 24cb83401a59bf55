import { createTestEnv, type TestEnv } from '@ecom/testing';
import { costCents, formatCents, lineTotalCents } from './money';

/**
 * Money in integer cents must land on exactly what PostgreSQL's numeric arithmetic gives, since
 * the validator recomputes line totals in SQL and flags any difference.
 */
describe('money in cents', () => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await createTestEnv('generator_money');
  });
  afterAll(async () => {
    await env.teardown();
  });

  it('formats cents with two decimals', () => {
    expect([0, 5, 99, 100, 1999, 123405].map(formatCents)).toEqual(['0.00', '0.05', '0.99', '1.00', '19.99', '1234.05']);
  });

  it('rounds half a cent away from zero', () => {
    expect(lineTotalCents(1, 10, 5)).toBe(10); // 0.095 → 0.10
    expect(lineTotalCents(1, 30, 15)).toBe(26); // 0.255 → 0.26
    expect(lineTotalCents(3, 1999, 0)).toBe(5997);
    expect(lineTotalCents(2, 4999, 50)).toBe(4999);
  });

  it('agrees with round(quantity * unit_price * (1 - discount / 100), 2) on every combination tried', async () => {
    const quantities: number[] = [];
    const prices: string[] = [];
    const discounts: number[] = [];
    const totals: string[] = [];
    for (const quantity of [1, 2, 3, 5])
      for (let unit = 1; unit <= 2500; unit += 7)
        for (const discount of [0, 5, 10, 15, 20, 25, 30, 33, 40, 45, 50]) {
          quantities.push(quantity);
          prices.push(formatCents(unit * 101));
          discounts.push(discount);
          totals.push(formatCents(lineTotalCents(quantity, unit * 101, discount)));
        }
    const { rows } = await env.pool.query<{ checked: number; wrong: number }>(
      `SELECT count(*)::int AS checked, count(*) FILTER (WHERE round(q * p * (1 - d / 100), 2) <> t)::int AS wrong
         FROM unnest($1::int[], $2::numeric[], $3::numeric[], $4::numeric[]) AS x(q, p, d, t)`,
      [quantities, prices, discounts, totals],
    );
    expect(rows[0]).toEqual({ checked: quantities.length, wrong: 0 });
  });

  it('keeps cost within 40%..85% of price and below it, even on tiny prices', () => {
    expect(costCents(100, 4000)).toBe(40);
    expect(costCents(101, 4000)).toBe(41); // 40.4 would round below 40%
    expect(costCents(100, 8500)).toBe(85);
    expect(costCents(199999, 6000)).toBe(119999);
  });
});
