import { StageFailure, type StageCounts } from '@ecom/pipeline';
import { NO_REJECT_LIMITS } from '@ecom/testing';
import { type TransformDetail } from './transform.service';
import { transformWorld, type StagedLine } from './transform-world.testing';

const customer = (id: string, extra: StagedLine = {}): StagedLine => ({
  customer_id: id, first_name: 'Ann', last_name: 'Lee', email: `${id.toLowerCase()}@x.com`, phone: '1',
  registration_date: '2023-01-01', city: 'Denver', state: 'CO', country: 'USA', age_group: '26-35', ...extra,
});
const product = (id: string, price: string, extra: StagedLine = {}): StagedLine => ({
  product_id: id, product_name: `Thing ${id}`, category: 'Home', sub_category: 'Light', price, cost: '1.00',
  brand: 'Lux', stock_quantity: '5', supplier_id: 'S1', ...extra,
});
const order = (id: string, total: string, extra: StagedLine = {}): StagedLine => ({
  transaction_id: id, customer_id: 'WC1', transaction_date: '2024-03-01', transaction_time: '10:00:00',
  payment_method: 'UPI', shipping_address: 'a', total_amount: total, ...extra,
});
/** A line of `quantity` x 10.00 (product WP1) with its exact line_total. */
const line = (id: string, txn: string, quantity: number, extra: StagedLine = {}): StagedLine => ({
  item_id: id, transaction_id: txn, product_id: 'WP1', quantity: String(quantity), unit_price: '10.00',
  discount_percentage: '0', line_total: `${quantity * 10}.00`, ...extra,
});

/**
 * Issue 12 points 1 and 2: an order is accepted or rejected whole with its lines, its total equals
 * its lines to the cent, and a conflicting duplicate never loses its valid version.
 */
describe('TransformService: whole orders and the latest valid duplicate', () => {
  // Small batches that reject most of their orders on purpose: no reject limit here.
  const world = transformWorld('transformer_orders', NO_REJECT_LIMITS);
  const { createRunWith, transform } = world;

  /** The run's transform rejects as "key reason: message", by entity and key. */
  const rejectsOf = async (runId: string) =>
    (
      await world.env.pool.query(
        `SELECT entity, record_key, source_line, reason_code, message FROM ops.quarantine
          WHERE run_id = $1 AND stage = 'transform' ORDER BY entity, record_key COLLATE "C", source_line`,
        [runId],
      )
    ).rows.map((q) => `${q.entity} ${q.record_key}@${q.source_line} ${q.reason_code}: ${q.message}`);

  const ids = async (sql: string) => (await world.env.pool.query(sql)).rows.map((r) => Object.values(r).join(' '));

  /** Orders in production whose total is not their lines' sum, or that have no line. */
  const ordersNotAddingUp = () =>
    ids(`SELECT t.transaction_id FROM production.transactions t
           LEFT JOIN production.transaction_items i ON i.transaction_id = t.transaction_id
          GROUP BY t.transaction_id, t.total_amount
         HAVING count(i.item_id) = 0 OR t.total_amount <> sum(i.line_total) ORDER BY 1`);

  describe('a first run', () => {
    let counts: StageCounts & { detail: TransformDetail };

    beforeAll(async () => {
      await createRunWith('w1', {
        customers: [
          customer('WC1'),
          customer('WC2', { phone: '111' }), // the valid version: loads
          customer('WC2', { email: 'broken' }), // later but invalid: invalid_email, WC2 keeps line 3
        ],
        products: [
          product('WP1', '10.00'),
          product('WP2', '20.00'),
          product('WP2', '-20.00'), // later but invalid: non_positive_price
        ],
        transactions: [
          order('W1', '30.00'), // two good lines: accepted
          order('W2', '60.00'), // line W2-b is broken: order_line_rejected
          order('W3', '30.01'), // a cent off its lines: total_amount_mismatch
          order('W4', '0.00'), // no line at all: order_without_lines
          order('W5', '10.00', { customer_id: 'NOBODY' }), // orphan_customer: its line is an orphan
          order('W6', '10.00'), // its line's later version is invalid: the earlier one loads
          order('W7', '10.00', { payment_method: 'Credit Card' }), // the valid version of W7: loads
          order('W7', '10.00', { transaction_date: '2024-02-30' }), // later but invalid_date
          order('W8', '20.00'), // both versions of its line valid: the later wins, the total follows it
          order('W9', '10.00'), // every version of its line invalid: each keeps its reason
        ],
        transaction_items: [
          line('W1-a', 'W1', 1),
          line('W1-b', 'W1', 2),
          line('W2-a', 'W2', 1),
          line('W2-b', 'W2', 2, { quantity: 'two' }),
          line('W2-c', 'W2', 3),
          line('W3-a', 'W3', 3),
          line('W5-a', 'W5', 1),
          line('W6-a', 'W6', 1),
          line('W6-a', 'W6', 5, { line_total: '1.00' }), // later, line_total_mismatch
          line('W7-a', 'W7', 1),
          line('W8-a', 'W8', 1), // superseded by the valid later version
          line('W8-a', 'W8', 2),
          line('W9-a', 'W9', 0), // non_positive_quantity
          line('W9-a', 'W9', 1, { product_id: '' }), // missing_required (the latest: chosen, not valid)
        ],
      });
      counts = await transform('w1');
    });

    it('rejects orders whole, each line with one reason that names the cause', async () => {
      expect(await rejectsOf('w1')).toEqual([
        "customers WC2@4 invalid_email: email 'broken' is not a valid address",
        'products WP2@4 non_positive_price: price -20.00 is not above zero',
        'transaction_items W2-a@4 order_rejected: order W2 is rejected whole: its line W2-b (invalid_number)',
        "transaction_items W2-b@5 invalid_number: not a number: quantity 'two' (an integer)",
        'transaction_items W2-c@6 order_rejected: order W2 is rejected whole: its line W2-b (invalid_number)',
        'transaction_items W3-a@7 order_rejected: order W3 is rejected whole: total_amount 30.01 differs from the sum of its lines 30.00',
        'transaction_items W5-a@8 orphan_transaction: transaction W5 was rejected in this run (orphan_customer)',
        'transaction_items W6-a@10 line_total_mismatch: line_total 1.00 differs from quantity x unit_price x (1 - discount/100) = 50.00',
        'transaction_items W8-a@12 duplicate_superseded: item W8-a appears again later in the run; its latest valid line (transaction_items.csv line 13) wins',
        'transaction_items W9-a@14 non_positive_quantity: quantity 0 is not above zero',
        'transaction_items W9-a@15 missing_required: required value blank: product_id',
        'transactions W2@3 order_line_rejected: order W2 is rejected whole with its line W2-b (invalid_number)',
        "transactions W3@4 total_amount_mismatch: total_amount 30.01 differs from the sum of its lines' line_total 30.00",
        "transactions W4@5 order_without_lines: order W4 has no order lines: none in production, nor in this run's transaction items",
        'transactions W5@6 orphan_customer: customer NOBODY is unknown: not in production, nor among the customers this run loaded',
        "transactions W7@9 invalid_date: transaction_date '2024-02-30' is not a date YYYY-MM-DD",
        'transactions W9@11 order_line_rejected: order W9 is rejected whole with its line W9-a (missing_required)',
      ]);
    });

    it('loads whole orders only, and the valid version of each conflicting duplicate', async () => {
      expect(await ids('SELECT customer_id, phone FROM production.customers ORDER BY 1')).toEqual(['WC1 1', 'WC2 111']);
      expect(await ids('SELECT product_id, price FROM production.products ORDER BY 1')).toEqual(['WP1 10.00', 'WP2 20.00']);
      expect(await ids('SELECT transaction_id, payment_method, total_amount FROM production.transactions ORDER BY 1')).toEqual([
        'W1 UPI 30.00',
        'W6 UPI 10.00',
        'W7 Credit Card 10.00',
        'W8 UPI 20.00',
      ]);
      expect(await ids('SELECT item_id, quantity, line_total FROM production.transaction_items ORDER BY 1')).toEqual([
        'W1-a 1 10.00',
        'W1-b 2 20.00',
        'W6-a 1 10.00',
        'W7-a 1 10.00',
        'W8-a 2 20.00',
      ]);
      expect(await ordersNotAddingUp()).toEqual([]);
    });

    it('accounts for every staged line and shows the order reconciliation', async () => {
      expect(counts.detail.transactions).toMatchObject({ in: 10, out: 4, rejected: 6 });
      expect(counts.detail.transaction_items).toMatchObject({ in: 14, out: 5, rejected: 9 });
      const { rows } = await world.env.pool.query(
        `SELECT rows_checked, violations, status FROM ops.quality_checks
          WHERE run_id = 'w1' AND check_name = 'reconcile_order_total_production'`,
      );
      expect(rows).toEqual([{ rows_checked: '4', violations: '0', status: 'pass' }]);
    });
  });

  describe('a later run over those orders', () => {
    beforeAll(async () => {
      await createRunWith('w2', {
        transactions: [
          order('W1', '30.00', { shipping_address: 'moved' }), // header only: its production lines still add up
          order('W6', '99.00'), // restated with a wrong total: rejected, production keeps W6 as it was
          order('W10', '10.00'), // new, with a line whose product does not exist
        ],
        transaction_items: [
          line('W6-a', 'W6', 1), // goes with its order
          line('W7-b', 'W7', 1), // a new line for W7 without its header: W7 would not add up
          line('W8-a', 'W8', 1, { quantity: 'x' }), // W8's only line restated broken: W8 stays as it was
          line('W10-a', 'W10', 1, { product_id: 'NOPE' }),
          line('W11-a', 'W11', 1), // no such order anywhere
        ],
      });
      await transform('w2');
    });

    it('judges an order on the lines it would have, keeping the production version when it fails', async () => {
      expect(await rejectsOf('w2')).toEqual([
        'transaction_items W10-a@5 orphan_product: product NOPE is unknown: not in production, and this run has no products file',
        'transaction_items W11-a@6 orphan_transaction: transaction W11 is unknown: not in production, nor among the transactions this run loaded',
        'transaction_items W6-a@2 order_rejected: order W6 is rejected whole: total_amount 99.00 differs from the sum of its lines 10.00',
        'transaction_items W7-b@3 order_rejected: order W7 is rejected whole (production keeps its earlier version): ' +
          "its production total_amount 10.00 differs from the sum of its lines with this run's 20.00",
        "transaction_items W8-a@4 invalid_number: not a number: quantity 'x' (an integer)",
        'transactions W10@4 order_line_rejected: order W10 is rejected whole with its line W10-a (orphan_product)',
        "transactions W6@3 total_amount_mismatch: total_amount 99.00 differs from the sum of its lines' line_total 10.00",
      ]);
      expect(await ids('SELECT transaction_id, shipping_address, total_amount, last_run_id FROM production.transactions ORDER BY 1')).toEqual([
        'W1 moved 30.00 w2',
        'W6 a 10.00 w1',
        'W7 a 10.00 w1',
        'W8 a 20.00 w1',
      ]);
      expect(await ids('SELECT item_id, quantity, last_run_id FROM production.transaction_items ORDER BY 1')).toEqual([
        'W1-a 1 w1',
        'W1-b 2 w1',
        'W6-a 1 w1',
        'W7-a 1 w1',
        'W8-a 2 w1',
      ]);
      expect(await ordersNotAddingUp()).toEqual([]);
    });
  });

  describe('the reconciliation "every production order equals its lines"', () => {
    it('fails the run when an order it touched does not add up, naming the order', async () => {
      await createRunWith('w3', { transactions: [order('W1', '30.00')] });
      // What a transform bug would leave: a line of W1 stamped with the run that the run never
      // staged, so W1 no longer equals its lines.
      await world.env.pool.query(
        `INSERT INTO production.transaction_items (item_id, transaction_id, product_id, quantity, unit_price, discount_percentage, line_total, last_run_id)
         VALUES ('W1-z', 'W1', 'WP1', 1, 10, 0, 10, 'w3')`,
      );
      const failure = await transform('w3').catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(StageFailure);
      expect((failure as StageFailure).message).toContain('reconcile_order_total_production: expected 30.00, actual 40.00 (W1)');
      const { rows } = await world.env.pool.query(
        `SELECT rows_checked, violations, status, sample_ids FROM ops.quality_checks
          WHERE run_id = 'w3' AND check_name = 'reconcile_order_total_production'`,
      );
      expect(rows).toEqual([{ rows_checked: '1', violations: '1', status: 'fail', sample_ids: ['W1'] }]);
      await world.env.pool.query(`DELETE FROM production.transaction_items WHERE item_id = 'W1-z'`);
    });
  });

  // An order production already holds as staged is not judged on its lines again (docs/rejects.md):
  // it stays as it is, and its header's own and customer checks still apply.
  describe('a re-delivery of orders production holds', () => {
    it('leaves an identical order as it is, writing nothing', async () => {
      await createRunWith('w4', {
        transactions: [order('W7', '10.00', { payment_method: 'Credit Card' })],
        transaction_items: [line('W7-a', 'W7', 1)],
      });
      const counts = await transform('w4');
      expect(counts.detail.transactions).toMatchObject({ in: 1, out: 1, rejected: 0 });
      expect(counts.detail.transaction_items).toMatchObject({ in: 1, out: 1, rejected: 0 });
      expect(await rejectsOf('w4')).toEqual([]);
      expect(await ids(`SELECT transaction_id, last_run_id FROM production.transactions WHERE transaction_id = 'W7'`)).toEqual(['W7 w1']);
      expect(await ids(`SELECT item_id, last_run_id FROM production.transaction_items WHERE transaction_id = 'W7'`)).toEqual(['W7-a w1']);
    });

    it('still rejects an identical order whose customer now registers after it', async () => {
      await createRunWith('w5', {
        customers: [customer('WC1', { registration_date: '2024-03-02' })],
        transactions: [order('W6', '10.00'), order('W8', '20.00')],
        transaction_items: [line('W6-a', 'W6', 1), line('W8-a', 'W8', 2)],
      });
      await transform('w5');
      expect(await rejectsOf('w5')).toEqual([
        'transaction_items W6-a@2 orphan_transaction: transaction W6 was rejected in this run (before_registration)',
        'transaction_items W8-a@3 orphan_transaction: transaction W8 was rejected in this run (before_registration)',
        'transactions W6@2 before_registration: transaction_date 2024-03-01 is before customer WC1 registered on 2024-03-02',
        'transactions W8@3 before_registration: transaction_date 2024-03-01 is before customer WC1 registered on 2024-03-02',
      ]);
      expect(await ids(`SELECT transaction_id, last_run_id FROM production.transactions WHERE transaction_id IN ('W6', 'W8') ORDER BY 1`)).toEqual([
        'W6 w1',
        'W8 w1',
      ]);
      expect(await ordersNotAddingUp()).toEqual([]);
    });
  });
});
