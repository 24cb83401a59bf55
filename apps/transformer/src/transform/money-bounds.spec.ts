import { NO_REJECT_LIMITS } from '@ecom/testing';
import { transformWorld, type StagedLine } from './transform-world.testing';

const product = (id: string, price: string): StagedLine => ({
  product_id: id, product_name: `Thing ${id}`, category: 'Home', sub_category: 'Light', price, cost: '1.00',
  brand: 'Lux', stock_quantity: '5', supplier_id: 'S1',
});
const order = (id: string, total: string): StagedLine => ({
  transaction_id: id, customer_id: 'MC1', transaction_date: '2024-03-01', transaction_time: '10:00:00',
  payment_method: 'UPI', shipping_address: 'a', total_amount: total,
});
const line = (id: string, txn: string, extra: StagedLine = {}): StagedLine => ({
  item_id: id, transaction_id: txn, product_id: 'MP1', quantity: '1', unit_price: '10.00',
  discount_percentage: '0', line_total: '10.00', ...extra,
});

/**
 * Money is stored as numeric(12,2): at most 9,999,999,999.99. A value from 9,999,999,999.995 up
 * rounds to 10^10 and cannot be stored; it must be quarantined as not a number, not stop the run
 * with "numeric field overflow" (which a guard of `< 1e10` on the unrounded value let through).
 */
describe('TransformService: money too large to store', () => {
  const world = transformWorld('transformer_money_bounds', NO_REJECT_LIMITS);

  const rejectsOf = async (runId: string) =>
    (
      await world.env.pool.query<{ record_key: string; reason_code: string; message: string }>(
        `SELECT record_key, reason_code, message FROM ops.quarantine
          WHERE run_id = $1 AND stage = 'transform' ORDER BY record_key COLLATE "C"`,
        [runId],
      )
    ).rows;

  it('quarantines what rounds to 10^10 as invalid_number, and reads what rounds below it as a number', async () => {
    await world.createRunWith('m1', {
      customers: [{ customer_id: 'MC1', first_name: 'Ann', last_name: 'Lee', email: 'mc1@x.com', phone: '1',
        registration_date: '2023-01-01', city: 'Denver', state: 'CO', country: 'USA', age_group: '26-35' }],
      products: [
        product('MP1', '10.00'),
        product('MP2', '9999999999.995'), // rounds to 10^10: invalid_number
        product('MP3', '9999999999.994'), // 9,999,999,999.99: a number, but no real price
      ],
      transactions: [
        order('MT1', '10.00'), // good, with its line ML1
        order('MT2', '9999999999.995'), // invalid_number
        order('MT3', '10.00'), // rejected with its line ML3
        order('MT4', '10.00'), // rejected with its line ML4
      ],
      transaction_items: [
        line('ML1', 'MT1'),
        line('ML3', 'MT3', { unit_price: '9999999999.999' }), // invalid_number
        line('ML4', 'MT4', { line_total: '-9999999999.995' }), // invalid_number
      ],
    });
    const counts = await world.transform('m1');
    const rejects = await rejectsOf('m1');
    expect(rejects.map((row) => `${row.record_key} ${row.reason_code}`)).toEqual([
      'ML3 invalid_number',
      'ML4 invalid_number',
      'MP2 invalid_number',
      'MP3 implausible_value',
      'MT2 invalid_number',
      'MT3 order_line_rejected',
      'MT4 order_line_rejected',
    ]);
    // The message says the number is too large, not that it is no number.
    const message = (key: string) => rejects.find((row) => row.record_key === key)?.message;
    expect(message('MP2')).toBe("not a number: price '9999999999.995' (too large to store: money is at most 9,999,999,999.99)");
    expect(message('ML3')).toBe("not a number: unit_price '9999999999.999' (too large to store: money is at most 9,999,999,999.99)");
    expect(message('ML4')).toBe("not a number: line_total '-9999999999.995' (too large to store: money is at most 9,999,999,999.99)");
    expect(message('MT2')).toBe('total_amount 9999999999.995 is too large to store (money is at most 9,999,999,999.99)');
    expect(counts.rowsRejected).toBe(7);
    const { rows } = await world.env.pool.query<{ status: string; n: string }>(
      `SELECT status, count(*) AS n FROM ops.quality_checks WHERE run_id = 'm1' AND stage = 'transform' GROUP BY status`,
    );
    // The revenue reconciliation reads line totals with the same bound: every check balances.
    expect(rows).toEqual([{ status: 'pass', n: '6' }]);
  });
});
