import { type Entity } from '@ecom/contracts';
import { withTransaction } from '@ecom/db';
import { StageFailure, ensureTypedTables, typedTable, type StageCounts } from '@ecom/pipeline';
import { NO_REJECT_LIMITS } from '@ecom/testing';
import { probesProduction } from './production-lookup';
import type { TransformDetail } from './transform.service';

/** The order the expected quarantine lists below are written in: the contract's entities, parents first. */
const LISTED_ORDER = ['customers', 'products', 'transactions', 'transaction_items'];
import { SOURCE_RUN, transformWorld, type StagedLine } from './transform-world.testing';

const params = SOURCE_RUN;

/**
 * The batch every rule below is read against. Each bad line breaks exactly one rule; the comment
 * names the reason it must get. Line numbers start at 2: line 1 is the header.
 */
const batch: Record<Entity, StagedLine[]> = {
  customers: [
    { customer_id: ' C1 ', first_name: '  jOHN ', last_name: " o'brien ", email: 'A@B.COM ', phone: '(555) 123-4567', registration_date: '2023-01-15', city: ' Austin ', state: 'TX', country: 'USA', age_group: '26-35' },
    { customer_id: 'C2', first_name: 'Mary', last_name: 'Jones', email: 'mary@x.com', phone: '555', registration_date: '2023-02-01', city: 'Boston', state: 'MA', country: 'USA', age_group: '36-45' }, // duplicate_superseded by line 10
    { customer_id: '  ', first_name: 'No', last_name: 'Id', email: 'noid@x.com', phone: '1', registration_date: '2023-01-01', city: 'X', state: 'X', country: 'X', age_group: '18-25' }, // missing_required
    { customer_id: 'C4', first_name: 'Bad', last_name: 'Mail', email: 'not-an-email', phone: '1', registration_date: '2023-01-01', city: 'X', state: 'X', country: 'X', age_group: '18-25' }, // invalid_email
    { customer_id: 'C5', first_name: 'Bad', last_name: 'Date', email: 'c5@x.com', phone: '1', registration_date: '2023-02-30', city: 'X', state: 'X', country: 'X', age_group: '18-25' }, // invalid_date
    { customer_id: 'C6', first_name: 'Time', last_name: 'Traveller', email: 'c6@x.com', phone: '1', registration_date: '2999-01-01', city: 'X', state: 'X', country: 'X', age_group: '18-25' }, // future_date
    { customer_id: 'C7', first_name: 'Too', last_name: 'Young', email: 'c7@x.com', phone: '1', registration_date: '2023-01-01', city: 'X', state: 'X', country: 'X', age_group: '17' }, // invalid_age_group
    { customer_id: 'C8', first_name: 'Same', last_name: 'Mail', email: 'a@b.com', phone: '1', registration_date: '2023-01-01', city: 'X', state: 'X', country: 'X', age_group: '18-25' }, // duplicate_email (C1's)
    { customer_id: 'C2', first_name: 'Mary', last_name: 'Jones-Smith', email: 'mary@x.com', phone: '555-0100', registration_date: '2023-02-01', city: 'Boston', state: 'MA', country: 'USA', age_group: '36-45' },
    { customer_id: 'C3', first_name: 'Ann', last_name: 'Lee', email: 'ann@x.com', phone: null, registration_date: '2022-12-31', city: 'Denver', state: 'CO', country: 'USA', age_group: null },
  ],
  products: [
    { product_id: 'P1', product_name: ' Widget ', category: 'Tools', sub_category: 'Hand', price: '19.99', cost: '10.00', brand: 'Acme', stock_quantity: '100', supplier_id: 'S1' },
    { product_id: 'P2', product_name: 'Drill', category: 'Tools', sub_category: 'Power', price: '250.00', cost: '100.00', brand: 'Acme', stock_quantity: '5', supplier_id: 'S1' },
    { product_id: 'P3', product_name: 'Lamp', category: 'Home', sub_category: 'Light', price: '25', cost: '20', brand: 'Lux', stock_quantity: '', supplier_id: 'S2' },
    { product_id: 'P4', product_name: 'Sofa', category: 'Home', sub_category: 'Living', price: '500', cost: '1', brand: 'Lux', stock_quantity: '1', supplier_id: 'S2' },
    { product_id: 'P5', product_name: 'Rug', category: 'Home', sub_category: 'Living', price: '99.99', cost: '50', brand: 'Lux', stock_quantity: '3', supplier_id: 'S2' },
    { product_id: 'P6', product_name: 'Bad', category: 'X', sub_category: 'X', price: 'abc', cost: '1', brand: 'X', stock_quantity: '1', supplier_id: 'S' }, // invalid_number
    { product_id: 'P7', product_name: 'Free', category: 'X', sub_category: 'X', price: '0', cost: '0', brand: 'X', stock_quantity: '1', supplier_id: 'S' }, // non_positive_price
    { product_id: 'P8', product_name: 'Loss', category: 'X', sub_category: 'X', price: '20', cost: '30', brand: 'X', stock_quantity: '1', supplier_id: 'S' }, // cost_not_below_price
    { product_id: 'P9', product_name: 'Owed', category: 'X', sub_category: 'X', price: '20', cost: '10', brand: 'X', stock_quantity: '-5', supplier_id: 'S' }, // negative_value
    { product_id: 'P10', product_name: null, category: 'X', sub_category: 'X', price: '20', cost: '10', brand: 'X', stock_quantity: '1', supplier_id: 'S' }, // missing_required
    { product_id: 'P11', product_name: 'Typo', category: 'X', sub_category: 'X', price: '1999999.00', cost: '10', brand: 'X', stock_quantity: '1', supplier_id: 'S' }, // implausible_value
    { product_id: 'P5', product_name: 'Rug', category: 'Home', sub_category: 'Living', price: '99.99', cost: '50', brand: 'Lux', stock_quantity: '3', supplier_id: 'S2' }, // the line of P5 above: duplicate_line
  ],
  transactions: [
    { transaction_id: 'T1', customer_id: 'C1', transaction_date: '2024-03-01', transaction_time: '09:00:00', payment_method: 'UPI', shipping_address: 'old', total_amount: '1.00' }, // duplicate_superseded
    { transaction_id: 'T1', customer_id: 'C1', transaction_date: '2024-03-01', transaction_time: '10:15:00', payment_method: ' Credit Card ', shipping_address: ' 1 Main St ', total_amount: '264.98' },
    { transaction_id: 'T2', customer_id: 'C2', transaction_date: '2024-03-02', transaction_time: '11:00:00', payment_method: 'Cash on Delivery', shipping_address: 'b', total_amount: '294.97' }, // order_line_rejected (I6)
    { transaction_id: 'T3', customer_id: 'C404', transaction_date: '2024-03-03', transaction_time: '12:00:00', payment_method: 'UPI', shipping_address: 'c', total_amount: '19.99' }, // orphan_customer
    { transaction_id: 'T4', customer_id: 'C1', transaction_date: '2024-03-04', transaction_time: '12:00:00', payment_method: 'UPI', shipping_address: 'd', total_amount: '50.00' }, // total_amount_mismatch
    { transaction_id: 'T5', customer_id: 'C1', transaction_date: '2024-13-01', transaction_time: '12:00:00', payment_method: 'UPI', shipping_address: 'e', total_amount: '0' }, // invalid_date
    { transaction_id: 'T6', customer_id: 'C1', transaction_date: '2999-01-01', transaction_time: '12:00:00', payment_method: 'UPI', shipping_address: 'f', total_amount: '0' }, // future_date
    { transaction_id: 'T7', customer_id: 'C1', transaction_date: '2024-03-07', transaction_time: '25:61', payment_method: 'UPI', shipping_address: 'g', total_amount: '0' }, // invalid_time
    { transaction_id: 'T8', customer_id: 'C1', transaction_date: '2024-03-08', transaction_time: '12:00:00', payment_method: 'UPI', shipping_address: 'h', total_amount: 'ten' }, // invalid_number
    { transaction_id: 'T9', customer_id: 'C1', transaction_date: '2024-03-09', transaction_time: '12:00:00', payment_method: '', shipping_address: 'i', total_amount: '0' }, // missing_required
    { transaction_id: 'T10', customer_id: 'C1', transaction_date: '2024-03-10', transaction_time: '12:00:00', payment_method: 'UPI', shipping_address: 'j', total_amount: '-5' }, // negative_value
    { transaction_id: 'T11', customer_id: 'C3', transaction_date: '2024-03-11', transaction_time: '', payment_method: 'Net Banking', shipping_address: 'k', total_amount: '5267.00' }, // order_line_rejected (I10, first of its bad lines)
    { transaction_id: 'T12', customer_id: 'C3', transaction_date: '2022-12-30', transaction_time: '12:00:00', payment_method: 'UPI', shipping_address: 'l', total_amount: '0' }, // before_registration (C3 registered 2022-12-31)
  ],
  transaction_items: [
    { item_id: 'I1', transaction_id: 'T1', product_id: 'P1', quantity: '9', unit_price: '19.99', discount_percentage: '0', line_total: '179.91' }, // duplicate_superseded
    { item_id: 'I1', transaction_id: 'T1', product_id: 'P1', quantity: '2', unit_price: '19.99', discount_percentage: '0', line_total: '39.98' },
    { item_id: 'I2', transaction_id: 'T1', product_id: 'P2', quantity: '1', unit_price: '250.00', discount_percentage: '10', line_total: '225.00' },
    { item_id: 'I3', transaction_id: 'T2', product_id: 'P5', quantity: '3', unit_price: '99.99', discount_percentage: '5', line_total: '284.97' }, // order_rejected (T2 goes with I6)
    { item_id: 'I4', transaction_id: 'T4', product_id: 'P1', quantity: '1', unit_price: '19.99', discount_percentage: '0', line_total: '19.99' }, // order_rejected (T4's total is not its lines')
    { item_id: 'I5', transaction_id: 'T3', product_id: 'P1', quantity: '1', unit_price: '19.99', discount_percentage: '0', line_total: '19.99' }, // orphan_transaction (T3 rejected)
    { item_id: 'I6', transaction_id: 'T2', product_id: 'P404', quantity: '1', unit_price: '10', discount_percentage: '0', line_total: '10.00' }, // orphan_product
    { item_id: 'I7', transaction_id: 'T11', product_id: 'P1', quantity: '0', unit_price: '1', discount_percentage: '0', line_total: '1.00' }, // non_positive_quantity
    { item_id: 'I8', transaction_id: 'T11', product_id: 'P1', quantity: 'two', unit_price: '1', discount_percentage: '0', line_total: '1.00' }, // invalid_number
    { item_id: 'I9', transaction_id: 'T11', product_id: 'P1', quantity: '1', unit_price: '1', discount_percentage: '150', line_total: '1.00' }, // discount_out_of_range
    { item_id: 'I10', transaction_id: 'T11', product_id: 'P1', quantity: '1', unit_price: '10', discount_percentage: '0', line_total: '12.00' }, // line_total_mismatch
    { item_id: 'I11', transaction_id: 'T11', product_id: '', quantity: '1', unit_price: '1', discount_percentage: '0', line_total: '1.00' }, // missing_required
    { item_id: 'I12', transaction_id: 'T11', product_id: 'P1', quantity: '1', unit_price: '-1', discount_percentage: '0', line_total: '1.00' }, // negative_value
    { item_id: 'I13', transaction_id: 'T11', product_id: 'P2', quantity: '1', unit_price: '250', discount_percentage: '0', line_total: '250.00' }, // order_rejected (T11 goes with its bad lines)
    { item_id: 'I14', transaction_id: 'T99', product_id: 'P1', quantity: '1', unit_price: '19.99', discount_percentage: '0', line_total: '19.99' }, // orphan_transaction (never seen)
    { item_id: 'I15', transaction_id: 'T11', product_id: 'P1', quantity: '5000', unit_price: '1', discount_percentage: '0', line_total: '5000.00' }, // implausible_value
  ],
};

/** Every quarantined line of the batch above, as [entity, record_key, reason_code]. */
const expectedRejects: Array<[Entity, string | null, string]> = [
  ['customers', null, 'missing_required'],
  ['customers', 'C2', 'duplicate_superseded'],
  ['customers', 'C4', 'invalid_email'],
  ['customers', 'C5', 'invalid_date'],
  ['customers', 'C6', 'future_date'],
  ['customers', 'C7', 'invalid_age_group'],
  ['customers', 'C8', 'duplicate_email'],
  ['products', 'P10', 'missing_required'],
  ['products', 'P11', 'implausible_value'],
  ['products', 'P5', 'duplicate_line'],
  ['products', 'P6', 'invalid_number'],
  ['products', 'P7', 'non_positive_price'],
  ['products', 'P8', 'cost_not_below_price'],
  ['products', 'P9', 'negative_value'],
  ['transactions', 'T1', 'duplicate_superseded'],
  ['transactions', 'T10', 'negative_value'],
  ['transactions', 'T11', 'order_line_rejected'],
  ['transactions', 'T12', 'before_registration'],
  ['transactions', 'T2', 'order_line_rejected'],
  ['transactions', 'T3', 'orphan_customer'],
  ['transactions', 'T4', 'total_amount_mismatch'],
  ['transactions', 'T5', 'invalid_date'],
  ['transactions', 'T6', 'future_date'],
  ['transactions', 'T7', 'invalid_time'],
  ['transactions', 'T8', 'invalid_number'],
  ['transactions', 'T9', 'missing_required'],
  ['transaction_items', 'I1', 'duplicate_superseded'],
  ['transaction_items', 'I10', 'line_total_mismatch'],
  ['transaction_items', 'I11', 'missing_required'],
  ['transaction_items', 'I12', 'negative_value'],
  ['transaction_items', 'I13', 'order_rejected'],
  ['transaction_items', 'I14', 'orphan_transaction'],
  ['transaction_items', 'I15', 'implausible_value'],
  ['transaction_items', 'I3', 'order_rejected'],
  ['transaction_items', 'I4', 'order_rejected'],
  ['transaction_items', 'I5', 'orphan_transaction'],
  ['transaction_items', 'I6', 'orphan_product'],
  ['transaction_items', 'I7', 'non_positive_quantity'],
  ['transaction_items', 'I8', 'invalid_number'],
  ['transaction_items', 'I9', 'discount_out_of_range'],
];

describe('TransformService: staging → production, one transaction per run', () => {
  // One bad line per rule in a handful: far over any reject limit, which is not what this suite tests.
  const world = transformWorld('transformer_service', NO_REJECT_LIMITS);
  const { stage, createRunWith, transform } = world;

  const table = async (name: string, orderBy: string) =>
    (await world.env.pool.query(`SELECT * FROM ${name} ORDER BY ${orderBy}`)).rows;

  const productionSnapshot = async () => ({
    customers: await table('production.customers', 'customer_id'),
    products: await table('production.products', 'product_id'),
    transactions: await table('production.transactions', 'transaction_id'),
    items: await table('production.transaction_items', 'item_id'),
  });

  const quarantineOf = async (runId: string) =>
    (
      await world.env.pool.query(
        `SELECT entity, source_file, source_line, record_key, raw_record, reason_code, message
           FROM ops.quarantine WHERE run_id = $1 AND stage = 'transform'
          ORDER BY array_position($2::text[], entity), record_key COLLATE "C" NULLS FIRST, source_line`,
        [runId, LISTED_ORDER],
      )
    ).rows;

  /** The stored transform-stage checks: [name, stage, rows checked, violations, status, sample ids]. */
  const reconciliationOf = async (runId: string) =>
    (
      await world.env.pool.query(
        `SELECT check_name, check_type, stage, rows_checked, violations, status, sample_ids
           FROM ops.quality_checks WHERE run_id = $1 AND stage = 'transform' ORDER BY check_name`,
        [runId],
      )
    ).rows.map((r) => [r.check_name, `${r.check_type}@${r.stage}`, Number(r.rows_checked), r.violations, r.status, r.sample_ids]);

  describe('a batch with one bad line per rule', () => {
    const runId = 'r-rules';
    let counts: StageCounts & { detail: TransformDetail };
    const progress: Array<Record<string, unknown>> = [];

    beforeAll(async () => {
      await createRunWith(runId, batch);
      counts = await transform(runId, progress);
    });

    it('quarantines each bad line with exactly its reason, and no good line', async () => {
      const rejects = (await quarantineOf(runId)).map((q) => [q.entity, q.record_key, q.reason_code]);
      expect(rejects).toEqual(expectedRejects);
    });

    it('keeps the raw staging line, where it came from and a readable message', async () => {
      const rows = await quarantineOf(runId);
      const badEmail = rows.find((q) => q.record_key === 'C4');
      expect(badEmail).toMatchObject({ source_file: 'customers.csv', source_line: '5', message: "email 'not-an-email' is not a valid address" });
      expect(JSON.parse(badEmail.raw_record)).toMatchObject({ customer_id: 'C4', email: 'not-an-email', run_id: runId });
      expect(rows.find((q) => q.record_key === 'C8')?.message).toBe("email 'a@b.com' already belongs to customer C1");
      expect(rows.find((q) => q.record_key === 'I4')?.message).toBe('order T4 is rejected whole: total_amount 50.00 differs from the sum of its lines 19.99');
      expect(rows.find((q) => q.record_key === 'I5')?.message).toBe('transaction T3 was rejected in this run (orphan_customer)');
      expect(rows.find((q) => q.record_key === 'T2')?.message).toBe('order T2 is rejected whole with its line I6 (orphan_product)');
      expect(rows.find((q) => q.record_key === 'I3')?.message).toBe('order T2 is rejected whole: its line I6 (orphan_product)');
      expect(rows.find((q) => q.record_key === 'T11')?.message).toBe('order T11 is rejected whole with its line I10 (line_total_mismatch)');
      expect(rows.find((q) => q.record_key === 'I14')?.message).toBe('transaction T99 is unknown: not in production, nor among the transactions this run loaded');
      expect(rows.find((q) => q.record_key === 'I10')?.message).toBe(
        'line_total 12.00 differs from quantity x unit_price x (1 - discount/100) = 10.00',
      );
      expect(rows.find((q) => q.record_key === 'P10')?.message).toBe('required value blank: product_name');
      expect(rows.find((q) => q.record_key === 'P5')?.message).toBe('product P5 is repeated unchanged later in the run; the later copy is loaded');
      expect(rows.find((q) => q.record_key === 'T12')?.message).toBe('transaction_date 2022-12-30 is before customer C3 registered on 2022-12-31');
      for (const q of rows) expect(q.reason_code).toMatch(/^[a-z]+(_[a-z]+)*$/);
    });

    it('cleans what it loads: trimmed names and phone as given, lower-cased email, canonical country, E.164 copy', async () => {
      const { rows } = await world.env.pool.query("SELECT * FROM production.customers WHERE customer_id = 'C1'");
      expect(rows[0]).toMatchObject({
        first_name: 'jOHN',
        last_name: "o'brien",
        email: 'a@b.com',
        phone: '(555) 123-4567',
        phone_e164: '+15551234567',
        country: 'United States',
        city: 'Austin',
        age_group: '26-35',
        last_run_id: runId,
      });
      expect(rows[0].registration_date).toEqual(new Date(2023, 0, 15));
      const t1 = await world.env.pool.query("SELECT payment_method, shipping_address, total_amount FROM production.transactions WHERE transaction_id = 'T1'");
      expect(t1.rows[0]).toEqual({ payment_method: 'Credit Card', shipping_address: '1 Main St', total_amount: '264.98' });
    });

    it('lets the latest valid line of a duplicated key win', async () => {
      const c2 = await world.env.pool.query("SELECT last_name, phone FROM production.customers WHERE customer_id = 'C2'");
      expect(c2.rows).toEqual([{ last_name: 'Jones-Smith', phone: '555-0100' }]);
      const i1 = await world.env.pool.query("SELECT quantity, line_total FROM production.transaction_items WHERE item_id = 'I1'");
      expect(i1.rows).toEqual([{ quantity: 2, line_total: '39.98' }]);
    });

    it('derives profit_margin and price_category from the stored price and cost', async () => {
      const { rows } = await world.env.pool.query(
        'SELECT product_id, product_name, price, cost, profit_margin, price_category, stock_quantity FROM production.products ORDER BY product_id',
      );
      expect(rows).toEqual([
        { product_id: 'P1', product_name: 'Widget', price: '19.99', cost: '10.00', profit_margin: '49.97', price_category: 'Budget', stock_quantity: 100 },
        { product_id: 'P2', product_name: 'Drill', price: '250.00', cost: '100.00', profit_margin: '60.00', price_category: 'Premium', stock_quantity: 5 },
        { product_id: 'P3', product_name: 'Lamp', price: '25.00', cost: '20.00', profit_margin: '20.00', price_category: 'Mid-range', stock_quantity: null },
        { product_id: 'P4', product_name: 'Sofa', price: '500.00', cost: '1.00', profit_margin: '99.80', price_category: 'Luxury', stock_quantity: 1 },
        { product_id: 'P5', product_name: 'Rug', price: '99.99', cost: '50.00', profit_margin: '49.99', price_category: 'Mid-range', stock_quantity: 3 },
      ]);
    });

    it('loads only rows whose parents exist and whole orders, in FK order', async () => {
      const loaded = await productionSnapshot();
      expect(loaded.customers.map((r) => r.customer_id)).toEqual(['C1', 'C2', 'C3']);
      // T2 and T11 had rejected lines: they go whole, with their good lines I3 and I13.
      expect(loaded.transactions.map((r) => r.transaction_id)).toEqual(['T1']);
      expect(loaded.items.map((r) => r.item_id)).toEqual(['I1', 'I2']);
    });

    it('accounts for every staged line: in = out + rejected, per entity and in total', () => {
      const byEntity = (entity: Entity, reasons: string[]) => {
        const byReason: Record<string, number> = {};
        for (const [e, , reason] of expectedRejects) if (e === entity) byReason[reason] = (byReason[reason] ?? 0) + 1;
        expect(Object.keys(byReason).sort()).toEqual([...reasons].sort());
        return byReason;
      };
      expect(counts.detail).toEqual({
        customers: { in: 10, out: 3, rejected: 7, byReason: byEntity('customers', ['missing_required', 'duplicate_superseded', 'invalid_email', 'invalid_date', 'future_date', 'invalid_age_group', 'duplicate_email']) },
        products: { in: 12, out: 5, rejected: 7, byReason: byEntity('products', ['missing_required', 'duplicate_line', 'invalid_number', 'non_positive_price', 'implausible_value', 'cost_not_below_price', 'negative_value']) },
        transactions: { in: 13, out: 1, rejected: 12, byReason: byEntity('transactions', ['duplicate_superseded', 'negative_value', 'orphan_customer', 'before_registration', 'total_amount_mismatch', 'invalid_date', 'future_date', 'invalid_time', 'invalid_number', 'missing_required', 'order_line_rejected']) },
        transaction_items: { in: 16, out: 2, rejected: 14, byReason: byEntity('transaction_items', ['duplicate_superseded', 'line_total_mismatch', 'missing_required', 'negative_value', 'implausible_value', 'orphan_transaction', 'non_positive_quantity', 'invalid_number', 'discount_out_of_range', 'orphan_product', 'order_rejected']) },
      });
      expect(counts).toMatchObject({ rowsIn: 51, rowsOut: 11, rowsRejected: 40 });
      expect(counts.rowsIn).toBe(counts.rowsOut + counts.rowsRejected);
    });

    it('reconciles staging with production: staged = delivered + quarantined per entity, and the accepted revenue arrives', async () => {
      const kept = (entity: Entity) => counts.detail[entity].out;
      expect(await reconciliationOf(runId)).toEqual([
        ['reconcile_customers_staging_production', 'reconciliation@transform', batch.customers.length, '0', 'pass', []],
        // Orders checked: the one the run delivered (T1), against all its production lines.
        ['reconcile_order_total_production', 'reconciliation@transform', 1, '0', 'pass', []],
        ['reconcile_products_staging_production', 'reconciliation@transform', batch.products.length, '0', 'pass', []],
        // Lines compared: the accepted ones, each delivered with its line_total.
        ['reconcile_revenue_staging_production', 'reconciliation@transform', kept('transaction_items'), '0.00', 'pass', []],
        ['reconcile_transaction_items_staging_production', 'reconciliation@transform', batch.transaction_items.length, '0', 'pass', []],
        ['reconcile_transactions_staging_production', 'reconciliation@transform', batch.transactions.length, '0', 'pass', []],
      ]);
      expect(progress.at(-1)).toEqual({ step: 'reconciliation', checksDone: 6, checksTotal: 6, lastCheck: 'reconcile_order_total_production' });
    });

    it("puts back the orders' and customers' indexes the first load dropped, last_run_id's among them (the reconciliations' probe)", async () => {
      // Production was empty, so the load took the bulk path (ops.bulk_load_prepare dropped every
      // secondary index, bulk_load_restore rebuilt them from their definitions).
      const { rows } = await world.env.pool.query(
        `SELECT indexdef FROM pg_indexes WHERE schemaname = 'production' AND tablename = 'transactions' ORDER BY indexname`,
      );
      expect(rows.map((r) => r.indexdef)).toEqual([
        'CREATE INDEX transactions_customer_idx ON production.transactions USING btree (customer_id)',
        'CREATE INDEX transactions_date_idx ON production.transactions USING btree (transaction_date)',
        'CREATE INDEX transactions_last_run_idx ON production.transactions USING btree (last_run_id)',
        'CREATE UNIQUE INDEX transactions_pkey ON production.transactions USING btree (transaction_id)',
        'CREATE INDEX transactions_updated_at_idx ON production.transactions USING btree (updated_at)',
      ]);
      const customers = await world.env.pool.query(
        `SELECT indexdef FROM pg_indexes WHERE schemaname = 'production' AND tablename = 'customers' ORDER BY indexname`,
      );
      expect(customers.rows.map((r) => r.indexdef)).toEqual([
        'CREATE UNIQUE INDEX customers_email_key ON production.customers USING btree (email)',
        'CREATE INDEX customers_last_run_idx ON production.customers USING btree (last_run_id)',
        'CREATE UNIQUE INDEX customers_pkey ON production.customers USING btree (customer_id)',
        'CREATE INDEX customers_updated_at_idx ON production.customers USING btree (updated_at)',
      ]);
    });

    it('leaves production and quarantine identical when the same run is transformed again', async () => {
      const productionBefore = await productionSnapshot();
      const quarantineBefore = await quarantineOf(runId);
      const again = await transform(runId);
      expect(again).toEqual(counts);
      expect(await productionSnapshot()).toEqual(productionBefore);
      expect(await quarantineOf(runId)).toEqual(quarantineBefore);
    });

    it('leaves none of its order tables behind (UNLOGGED in schema typed, dropped once it has committed)', async () => {
      const { rows } = await world.env.pool.query(
        `SELECT relname FROM pg_class WHERE relnamespace = 'typed'::regnamespace AND relname LIKE 'transform\\_order\\_%'`,
      );
      expect(rows).toEqual([]);
    });
  });

  describe('a later run over the same production', () => {
    it('updates a changed customer, leaves unchanged rows as they were and rejects a taken email', async () => {
      const before = await productionSnapshot();
      const c1 = batch.customers[0];
      const c3 = batch.customers[9];
      await createRunWith('r-later', {
        customers: [
          c1,
          { ...c3, city: ' Seattle ', state: 'WA' },
          { ...c1, customer_id: 'C10', email: 'a@b.com' },
        ],
        transactions: [
          { transaction_id: 'T12', customer_id: 'C2', transaction_date: '2024-04-01', transaction_time: '08:00:00', payment_method: 'UPI', shipping_address: 'z', total_amount: '19.99' },
        ],
        transaction_items: [
          { item_id: 'I15', transaction_id: 'T12', product_id: 'P1', quantity: '1', unit_price: '19.99', discount_percentage: '0', line_total: '19.99' },
        ],
      });
      const counts = await transform('r-later');
      expect(counts).toMatchObject({ rowsIn: 5, rowsOut: 4, rowsRejected: 1 });
      expect(counts.detail.customers.byReason).toEqual({ duplicate_email: 1 });

      const after = await productionSnapshot();
      const customer = (rows: typeof after.customers, id: string) => rows.find((r) => r.customer_id === id);
      expect(customer(after.customers, 'C3')).toMatchObject({ city: 'Seattle', state: 'WA', last_run_id: 'r-later' });
      expect(customer(after.customers, 'C3')?.updated_at.getTime()).toBeGreaterThan(customer(before.customers, 'C3')?.updated_at.getTime());
      expect(customer(after.customers, 'C3')?.created_at).toEqual(customer(before.customers, 'C3')?.created_at);
      // Delivered again unchanged: left exactly as it was, not even stamped with the run.
      expect(customer(after.customers, 'C1')).toEqual(customer(before.customers, 'C1'));
      expect(customer(after.customers, 'C2')).toEqual(customer(before.customers, 'C2'));
      expect(customer(after.customers, 'C10')).toBeUndefined();
      expect(after.products).toEqual(before.products);
      expect(after.transactions.find((t) => t.transaction_id === 'T12')).toMatchObject({ customer_id: 'C2', total_amount: '19.99' });
      expect(after.items.find((i) => i.item_id === 'I15')).toMatchObject({ transaction_id: 'T12', product_id: 'P1' });

      const rejects = await quarantineOf('r-later');
      expect(rejects.map((q) => [q.record_key, q.reason_code, q.message])).toEqual([
        ['C10', 'duplicate_email', "email 'a@b.com' already belongs to customer C1"],
      ]);
      // The earlier run's rejects are its own and stay.
      expect(await quarantineOf('r-rules')).toHaveLength(expectedRejects.length);
    });
  });

  describe('a run of new orders only: no customers or products file (issue 12 point 7)', () => {
    it('loads the orders of known customers and products, leaves customers and products alone, and says the run had no file for the unknown ones', async () => {
      const before = await productionSnapshot();
      await createRunWith('r-orders-only', {
        transactions: [
          { transaction_id: 'T20', customer_id: 'C1', transaction_date: '2024-04-01', transaction_time: '08:00:00', payment_method: 'UPI', shipping_address: 'y', total_amount: '19.99' },
          { transaction_id: 'T21', customer_id: 'C404', transaction_date: '2024-04-02', transaction_time: '08:00:00', payment_method: 'UPI', shipping_address: 'y', total_amount: '19.99' },
          { transaction_id: 'T22', customer_id: 'C1', transaction_date: '2024-04-03', transaction_time: '08:00:00', payment_method: 'UPI', shipping_address: 'y', total_amount: '5.00' },
        ],
        transaction_items: [
          { item_id: 'I20', transaction_id: 'T20', product_id: 'P1', quantity: '1', unit_price: '19.99', discount_percentage: '0', line_total: '19.99' },
          { item_id: 'I21', transaction_id: 'T21', product_id: 'P1', quantity: '1', unit_price: '19.99', discount_percentage: '0', line_total: '19.99' },
          { item_id: 'I22', transaction_id: 'T22', product_id: 'P404', quantity: '1', unit_price: '5.00', discount_percentage: '0', line_total: '5.00' },
        ],
      });
      const counts = await transform('r-orders-only');
      expect(counts.detail.customers).toMatchObject({ in: 0, out: 0, rejected: 0 });
      expect(counts.detail.products).toMatchObject({ in: 0, out: 0, rejected: 0 });

      const after = await productionSnapshot();
      expect(after.customers).toEqual(before.customers);
      expect(after.products).toEqual(before.products);
      expect(after.transactions.find((t) => t.transaction_id === 'T20')).toMatchObject({ customer_id: 'C1', last_run_id: 'r-orders-only' });
      expect(after.items.find((i) => i.item_id === 'I20')).toMatchObject({ transaction_id: 'T20', product_id: 'P1' });

      const rejects = Object.fromEntries((await quarantineOf('r-orders-only')).map((q) => [q.record_key, [q.reason_code, q.message]]));
      expect(rejects.T21).toEqual(['orphan_customer', 'customer C404 is unknown: not in production, and this run has no customers file']);
      expect(rejects.I21).toEqual(['orphan_transaction', 'transaction T21 was rejected in this run (orphan_customer)']);
      expect(rejects.I22).toEqual(['orphan_product', 'product P404 is unknown: not in production, and this run has no products file']);
    });
  });

  describe('a small run beside a larger production (a delta): customers looked up by key', () => {
    it('takes the key probes (probe_production.sql) and decides as the joins do: taken email, known customer, registration, orphan, E.164 reused', async () => {
      // Production grows to 20+ customers, so a run of 2 customers and 3 orders is under a quarter of it.
      const known = Array.from({ length: 20 }, (_, i) => ({
        customer_id: `C${100 + i}`,
        first_name: 'Known',
        last_name: `Customer${i}`,
        email: `c${100 + i}@x.com`,
        phone: `+1 512 555 01${String(i).padStart(2, '0')}`,
        registration_date: '2023-01-01',
        city: 'Austin',
        state: 'TX',
        country: 'USA',
        age_group: '26-35',
      }));
      await createRunWith('r-known', { customers: known });
      expect((await transform('r-known')).detail.customers).toMatchObject({ in: 20, out: 20, rejected: 0 });
      const before = await productionSnapshot();

      await createRunWith('r-small', {
        customers: [
          { ...known[2], customer_id: 'C200', email: 'C101@x.com ' }, // duplicate_email (C101's)
          known[5], // re-delivered unchanged: its E.164 form copied from production
        ],
        transactions: [
          { transaction_id: 'T200', customer_id: 'C103', transaction_date: '2022-06-01', transaction_time: '08:00:00', payment_method: 'UPI', shipping_address: 'y', total_amount: '0' }, // before_registration (production's 2023-01-01)
          { transaction_id: 'T201', customer_id: 'C404', transaction_date: '2024-05-01', transaction_time: '08:00:00', payment_method: 'UPI', shipping_address: 'y', total_amount: '0' }, // orphan_customer
          { transaction_id: 'T202', customer_id: 'C104', transaction_date: '2024-05-01', transaction_time: '08:00:00', payment_method: 'UPI', shipping_address: 'y', total_amount: '19.99' },
        ],
        transaction_items: [
          { item_id: 'I200', transaction_id: 'T202', product_id: 'P1', quantity: '1', unit_price: '19.99', discount_percentage: '0', line_total: '19.99' },
        ],
      });
      await withTransaction(world.env.pool, async (client) => {
        await ensureTypedTables(client, 'r-small');
        expect(await probesProduction(client, typedTable('customers', 'r-small'), 'production.customers')).toBe(true);
        // Beside a table not four times its size (a handful of products), the join.
        expect(await probesProduction(client, typedTable('customers', 'r-small'), 'production.products')).toBe(false);
      });
      const counts = await transform('r-small');
      expect(counts.detail.customers).toMatchObject({ in: 2, out: 1, rejected: 1, byReason: { duplicate_email: 1 } });
      expect(counts.detail.transactions).toMatchObject({ in: 3, out: 1, rejected: 2, byReason: { before_registration: 1, orphan_customer: 1 } });

      const after = await productionSnapshot();
      expect(after.customers).toEqual(before.customers);
      expect(after.customers.find((c) => c.customer_id === 'C105')?.phone_e164).toBe('+15125550105');
      expect(after.transactions.find((t) => t.transaction_id === 'T202')).toMatchObject({ customer_id: 'C104', last_run_id: 'r-small' });
      const rejects = Object.fromEntries((await quarantineOf('r-small')).map((q) => [q.record_key, [q.reason_code, q.message]]));
      expect(rejects.C200).toEqual(['duplicate_email', "email 'c101@x.com' already belongs to customer C101"]);
      expect(rejects.T200?.[0]).toBe('before_registration');
      expect(rejects.T201?.[0]).toBe('orphan_customer');
    });
  });

  describe('a replay that re-delivers a rejected key exactly as production holds it', () => {
    it('leaves the row as it was, resolves the reject by the key the replay accepted, and its reconciliations count the line', async () => {
      // r-rules rejected an earlier line of I1 (duplicate_superseded); its winning line is in production.
      const [i1] = (
        await world.env.pool.query<Record<string, string>>(
          `SELECT item_id, transaction_id, product_id, quantity::text, unit_price::text, discount_percentage::text,
                  line_total::text, concat_ws(' ', ctid, xmin, updated_at, last_run_id) AS tuple
             FROM production.transaction_items WHERE item_id = 'I1'`,
        )
      ).rows;
      const { tuple, ...line } = i1;
      await world.runtime.ledger.createRun('r-replay-same', { ...params, replayOf: 'r-rules' });
      await stage('r-replay-same', 'transaction_items', [line as StagedLine]);

      await expect(transform('r-replay-same')).resolves.toMatchObject({ rowsIn: 1, rowsOut: 1, rowsRejected: 0 });

      const [after] = (
        await world.env.pool.query<{ tuple: string }>(
          `SELECT concat_ws(' ', ctid, xmin, updated_at, last_run_id) AS tuple FROM production.transaction_items WHERE item_id = 'I1'`,
        )
      ).rows;
      expect(after.tuple).toBe(tuple);
      const resolved = await world.env.pool.query(
        `SELECT record_key, reason_code, resolved_by_run FROM ops.quarantine
          WHERE run_id = 'r-rules' AND entity = 'transaction_items' AND record_key = 'I1'`,
      );
      expect(resolved.rows).toEqual([{ record_key: 'I1', reason_code: 'duplicate_superseded', resolved_by_run: 'r-replay-same' }]);
      const checks = Object.fromEntries((await reconciliationOf('r-replay-same')).map(([name, , rows, violations, status]) => [name, [rows, violations, status]]));
      expect(checks.reconcile_transaction_items_staging_production).toEqual([1, '0', 'pass']);
      expect(checks.reconcile_revenue_staging_production).toEqual([1, '0.00', 'pass']);
    });
  });

  describe('a reconciliation that does not add up', () => {
    it('fails the stage naming the checks, what staging and production hold, and commits nothing of the stage', async () => {
      await createRunWith('r-broken', {
        customers: [
          { ...batch.customers[9], customer_id: 'C20', email: 'c20@x.com' },
          { ...batch.customers[3], customer_id: 'C21' }, // invalid_email
        ],
      });
      // A production line stamped with the run that the run never staged: what a transform writing
      // the wrong rows would leave behind.
      await world.env.pool.query(
        `INSERT INTO production.transaction_items (item_id, transaction_id, product_id, quantity, unit_price, discount_percentage, line_total, last_run_id)
         VALUES ('I99', 'T1', 'P1', 1, 19.99, 0, 19.99, 'r-broken')`,
      );

      const failure = await transform('r-broken').catch((error: unknown) => error);

      expect(failure).toBeInstanceOf(StageFailure);
      expect((failure as StageFailure).message).toBe(
        'error checks over their threshold: reconcile_order_total_production 1/1 (threshold 0), ' +
          'reconcile_revenue_staging_production 19.99/1 (threshold 0), ' +
          'reconcile_transaction_items_staging_production 1/0 (threshold 0); ' +
          'reconcile_transaction_items_staging_production: expected 0, actual 1 (I99); ' +
          'reconcile_revenue_staging_production: expected 0, actual 19.99 (I99); ' +
          // The stray line also leaves its order T1 not adding up: 264.98 against lines of 284.97.
          'reconcile_order_total_production: expected 264.98, actual 284.97 (T1)',
      );
      // The stage rolled back: neither the good customer nor the bad one's reject landed.
      expect((await world.env.pool.query(`SELECT customer_id FROM production.customers WHERE customer_id IN ('C20', 'C21')`)).rows).toEqual([]);
      expect(await quarantineOf('r-broken')).toEqual([]);
      // The verdicts are committed on their own, so the run report shows why.
      expect(await reconciliationOf('r-broken')).toEqual([
        ['reconcile_customers_staging_production', 'reconciliation@transform', 2, '0', 'pass', []],
        ['reconcile_order_total_production', 'reconciliation@transform', 1, '1', 'fail', ['T1']],
        ['reconcile_products_staging_production', 'reconciliation@transform', 0, '0', 'pass', []],
        ['reconcile_revenue_staging_production', 'reconciliation@transform', 1, '19.99', 'fail', ['I99']],
        ['reconcile_transaction_items_staging_production', 'reconciliation@transform', 0, '1', 'fail', ['I99']],
        ['reconcile_transactions_staging_production', 'reconciliation@transform', 0, '0', 'pass', []],
      ]);

      // Repaired, the same run transforms and its verdicts are replaced.
      await world.env.pool.query(`DELETE FROM production.transaction_items WHERE item_id = 'I99'`);
      await expect(transform('r-broken')).resolves.toMatchObject({ rowsIn: 2, rowsOut: 1, rowsRejected: 1 });
      expect((await reconciliationOf('r-broken')).map(([name, , , , status]) => [name, status])).toEqual([
        ['reconcile_customers_staging_production', 'pass'],
        ['reconcile_order_total_production', 'pass'],
        ['reconcile_products_staging_production', 'pass'],
        ['reconcile_revenue_staging_production', 'pass'],
        ['reconcile_transaction_items_staging_production', 'pass'],
        ['reconcile_transactions_staging_production', 'pass'],
      ]);
    });
  });
  describe("staging's BRIN ranges", () => {
    it("summarises the complete ranges landed so far beside its work, so that the next runs' typed builds skip them", async () => {
      // 40k order lines of a run that never transforms fill complete block ranges (128 pages each);
      // a range no summary covers matches every run's run_id, so a later build would read it.
      await world.env.pool.query(
        `INSERT INTO staging.transaction_items (item_id, transaction_id, product_id, quantity, unit_price, discount_percentage, line_total,
                run_id, source_file, source_line)
         SELECT 'F' || g, 'FT' || g, 'P1', '1', '1.00', '0', '1.00', 'r-filler', 'filler.csv', g FROM generate_series(1, 40000) g`,
      );
      await createRunWith('r-after-filler', { customers: [{ ...batch.customers[9], customer_id: 'C30', email: 'c30@x.com' }] });
      await transform('r-after-filler');
      // Summarising again finds nothing left: the transform did it (only a last, partial range stays open).
      const { rows } = await world.env.pool.query<{ ranges: number }>(
        `SELECT brin_summarize_new_values('staging.staging_transaction_items_run_brin')::int AS ranges`,
      );
      expect(rows).toEqual([{ ranges: 0 }]);
    });
  });
});
