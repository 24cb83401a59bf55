import { withTransaction } from '@ecom/db';
import { transformTable } from '@ecom/pipeline';
import { NO_REJECT_LIMITS } from '@ecom/testing';
import { ProductionRepository } from './production.repository';
import { transformWorld, type StagedLine } from './transform-world.testing';

const line = (id: string, txn: string, extra: StagedLine = {}): StagedLine => ({
  item_id: id, transaction_id: txn, product_id: 'OP1', quantity: '2', unit_price: '10.00',
  discount_percentage: '0', line_total: '20.00', ...extra,
});

/**
 * order_lines.sql builds the run's checked lines with the window that finds repeated item_ids, or,
 * when order_lines_unique.sql proves the item_ids unique, without it: both must build the same rows.
 */
describe('ProductionRepository.checkOrderLines: with and without the duplicates window', () => {
  const world = transformWorld('transformer_order_lines', NO_REJECT_LIMITS);
  const repository = new ProductionRepository();

  /** The run's checked lines as built (window forced or not), and whether the window ran. */
  const build = (runId: string, window?: boolean) =>
    withTransaction(world.env.pool, async (client) => {
      await repository.tuneSession(client);
      await repository.ensureTypedTables(client, runId);
      const path = await repository.checkOrderLines(client, runId, { window });
      const table = transformTable('transform_order_lines', runId);
      const { rows } = await client.query(`SELECT * FROM ${table} ORDER BY source_file, source_line`);
      // As stored: production's lines are written in this order (transaction_items.sql).
      const stored = await client.query<{ item_id: string | null }>(`SELECT item_id FROM ${table} ORDER BY ctid`);
      await repository.dropOrderTables(client, runId);
      return { ...path, rows, stored: stored.rows.map((row) => row.item_id) };
    });

  beforeAll(async () => {
    // Production holds product OP1 and order O1 with its line O1-a.
    await world.createRunWith('ol0', {
      customers: [{ customer_id: 'OC1', first_name: 'Ann', last_name: 'Lee', email: 'oc1@x.com', phone: '1',
        registration_date: '2023-01-01', city: 'Denver', state: 'CO', country: 'USA', age_group: '26-35' }],
      products: [{ product_id: 'OP1', product_name: 'Thing', category: 'Home', sub_category: 'Light', price: '10.00',
        cost: '1.00', brand: 'Lux', stock_quantity: '5', supplier_id: 'S1' }],
      transactions: [{ transaction_id: 'O1', customer_id: 'OC1', transaction_date: '2024-03-01', transaction_time: '10:00:00',
        payment_method: 'UPI', shipping_address: 'a', total_amount: '20.00' }],
      transaction_items: [line('O1-a', 'O1')],
    });
    await world.transform('ol0');
    const lines = [
      line('O1-a', 'O1'), // as production holds it
      line('O2-a', 'O2', { quantity: '3', line_total: '30.00' }),
      line('O2-b', 'O2', { quantity: 'x' }), // invalid_number
      line('', 'O2'), // blank item_id: missing_required, chosen on its own
      line(' ', 'O3'), // another blank one
      line('O3-a', 'O3', { product_id: 'NOPE' }), // orphan_product
      line('O3-b', 'O3', { line_total: '19.00' }), // line_total_mismatch
      line('O4-a', 'O4', { discount_percentage: '150' }), // discount_out_of_range
    ];
    await world.createRunWith('ol1', { transaction_items: lines });
    // The same lines with O2-a repeated: its earlier line is superseded.
    await world.createRunWith('ol2', { transaction_items: [line('O2-a', 'O2'), ...lines] });
  });

  it('builds the same rows without the window when the item_ids are unique', async () => {
    const unique = await build('ol1');
    const windowed = await build('ol1', true);
    expect(unique.window).toBe(false);
    expect(windowed.window).toBe(true);
    expect(unique.rows).toHaveLength(8);
    expect(unique.rows.every((row) => row.chosen === true)).toBe(true);
    expect(unique.rows).toEqual(windowed.rows);
    // Stored by item_id on both paths (blank ones last), not in the staged order: a first load's
    // production lines keep the order that makes index probes by transaction_id look sequential.
    expect(unique.stored).toEqual(['O1-a', 'O2-a', 'O2-b', 'O3-a', 'O3-b', 'O4-a', null, null]);
    expect(windowed.stored).toEqual(unique.stored);
    expect(unique.rows.map((row) => [row.item_id, row.line_reason, row.same_in_production])).toEqual([
      ['O1-a', null, true],
      ['O2-a', null, false],
      ['O2-b', 'invalid_number', false],
      [null, 'missing_required', false],
      [null, 'missing_required', false],
      ['O3-a', 'orphan_product', false],
      ['O3-b', 'line_total_mismatch', false],
      ['O4-a', 'discount_out_of_range', false],
    ]);
  });

  it('takes the window when an item_id repeats', async () => {
    const repeated = await build('ol2');
    expect(repeated.window).toBe(true);
    expect(repeated.rows.filter((row) => row.item_id === 'O2-a').map((row) => [row.source_line, row.chosen, row.line_reason])).toEqual([
      ['2', false, 'duplicate_superseded'],
      ['4', true, null],
    ]);
  });
});
