import type { INestApplicationContext } from '@nestjs/common';
import type { Pool } from 'pg';
import { stageJobId, type RunParams } from '@ecom/contracts';
import { withTransaction } from '@ecom/db';
import { createWorkerContext, StageRuntime, type StageCounts } from '@ecom/pipeline';
import { createTestEnv, type TestEnv } from '@ecom/testing';
import { WarehouseLoaderAppModule } from '../app.module';
import { WarehouseService } from './warehouse.service';

/**
 * The warehouse stage on real PostgreSQL and Redis. Production rows are inserted directly (the
 * transformer is not part of this suite), tagged with the run that delivers them.
 *
 * Run 1 (2024-01-05 Fri .. 2024-01-08 Mon):
 *   T1  C1  Fri 05  Credit Card       I1 P1 2 x 100.00 -10%  = 180.00   I2 P2 1 x 20.00 = 20.00
 *   T2  C2  Fri 05  Cash on Delivery  I3 P2 3 x  19.99  -5%  =  56.97
 *   T4  C3  Sat 06  Credit Card       I5 P1 1 x 100.00       = 100.00
 *   T3  C1  Mon 08  UPI               I4 P3 1 x 800.00 -12.5% = 700.00
 * P1 costs 60.00, P2 12.00, P3 500.00. C4 has bought nothing.
 */
interface CustomerRow {
  customer_id: string;
  first_name: string;
  last_name: string;
  email: string;
  registration_date: string;
  city: string;
  state: string;
  country: string;
  age_group: string;
}
interface ProductRow {
  product_id: string;
  product_name: string;
  category: string;
  price: string;
  cost: string;
}
interface TransactionRow {
  transaction_id: string;
  customer_id: string;
  transaction_date: string;
  payment_method: string;
  total_amount: string;
}
interface ItemRow {
  item_id: string;
  transaction_id: string;
  product_id: string;
  quantity: number;
  unit_price: string;
  discount_percentage: string;
  line_total: string;
}

const customer = (id: string, first: string, last: string, city: string): CustomerRow => ({
  customer_id: id,
  first_name: first,
  last_name: last,
  email: `${id.toLowerCase()}@example.com`,
  registration_date: '2023-03-01',
  city,
  state: 'Maharashtra',
  country: 'India',
  age_group: '26-35',
});

const RUN_1_CUSTOMERS = [
  customer('C1', 'Alice', 'Smith', 'Mumbai'),
  customer('C2', 'Bob', 'Jones', 'Nagpur'),
  customer('C3', 'Cara', 'Diaz', 'Nashik'),
  customer('C4', 'Dev', 'Patel', 'Thane'),
];
const RUN_1_PRODUCTS: ProductRow[] = [
  { product_id: 'P1', product_name: 'Widget', category: 'Home', price: '100.00', cost: '60.00' },
  { product_id: 'P2', product_name: 'Gadget', category: 'Electronics', price: '20.00', cost: '12.00' },
  { product_id: 'P3', product_name: 'Sofa', category: 'Home', price: '800.00', cost: '500.00' },
];
const RUN_1_TRANSACTIONS: TransactionRow[] = [
  { transaction_id: 'T1', customer_id: 'C1', transaction_date: '2024-01-05', payment_method: 'Credit Card', total_amount: '200.00' },
  { transaction_id: 'T2', customer_id: 'C2', transaction_date: '2024-01-05', payment_method: 'Cash on Delivery', total_amount: '56.97' },
  { transaction_id: 'T3', customer_id: 'C1', transaction_date: '2024-01-08', payment_method: 'UPI', total_amount: '700.00' },
  { transaction_id: 'T4', customer_id: 'C3', transaction_date: '2024-01-06', payment_method: 'Credit Card', total_amount: '100.00' },
];
const RUN_1_ITEMS: ItemRow[] = [
  { item_id: 'I1', transaction_id: 'T1', product_id: 'P1', quantity: 2, unit_price: '100.00', discount_percentage: '10.00', line_total: '180.00' },
  { item_id: 'I2', transaction_id: 'T1', product_id: 'P2', quantity: 1, unit_price: '20.00', discount_percentage: '0.00', line_total: '20.00' },
  { item_id: 'I3', transaction_id: 'T2', product_id: 'P2', quantity: 3, unit_price: '19.99', discount_percentage: '5.00', line_total: '56.97' },
  { item_id: 'I4', transaction_id: 'T3', product_id: 'P3', quantity: 1, unit_price: '800.00', discount_percentage: '12.50', line_total: '700.00' },
  { item_id: 'I5', transaction_id: 'T4', product_id: 'P1', quantity: 1, unit_price: '100.00', discount_percentage: '0.00', line_total: '100.00' },
];

const WAREHOUSE_TABLES: ReadonlyArray<[table: string, orderBy: string]> = [
  ['dim_date', 'date_key'],
  ['dim_payment_method', 'payment_method_key'],
  ['dim_customers', 'customer_key'],
  ['dim_products', 'product_key'],
  ['fact_sales', 'sales_key'],
  ['agg_daily_sales', 'date_key'],
  ['agg_product_performance', 'product_key'],
  ['agg_customer_metrics', 'customer_key'],
];

async function deliverProduction(
  pool: Pool,
  runId: string,
  data: { customers?: CustomerRow[]; products?: ProductRow[]; transactions?: TransactionRow[]; items?: ItemRow[] },
): Promise<void> {
  await pool.query(
    `INSERT INTO production.customers
       (customer_id, first_name, last_name, email, registration_date, city, state, country, age_group, last_run_id)
     SELECT c.*, $2 FROM jsonb_to_recordset($1::jsonb) AS c(customer_id text, first_name text, last_name text,
            email text, registration_date date, city text, state text, country text, age_group text)
     ON CONFLICT (customer_id) DO UPDATE SET city = EXCLUDED.city, last_run_id = EXCLUDED.last_run_id, updated_at = now()`,
    [JSON.stringify(data.customers ?? []), runId],
  );
  await pool.query(
    `INSERT INTO production.products (product_id, product_name, category, price, cost, profit_margin, price_category, last_run_id)
     SELECT p.product_id, p.product_name, p.category, p.price, p.cost,
            round((p.price - p.cost) / p.price * 100, 2), 'Standard', $2
       FROM jsonb_to_recordset($1::jsonb) AS p(product_id text, product_name text, category text, price numeric, cost numeric)`,
    [JSON.stringify(data.products ?? []), runId],
  );
  await pool.query(
    `INSERT INTO production.transactions (transaction_id, customer_id, transaction_date, payment_method, total_amount, last_run_id)
     SELECT t.*, $2 FROM jsonb_to_recordset($1::jsonb) AS t(transaction_id text, customer_id text,
            transaction_date date, payment_method text, total_amount numeric)`,
    [JSON.stringify(data.transactions ?? []), runId],
  );
  await pool.query(
    `INSERT INTO production.transaction_items
       (item_id, transaction_id, product_id, quantity, unit_price, discount_percentage, line_total, last_run_id)
     SELECT i.*, $2 FROM jsonb_to_recordset($1::jsonb) AS i(item_id text, transaction_id text, product_id text,
            quantity int, unit_price numeric, discount_percentage numeric, line_total numeric)`,
    [JSON.stringify(data.items ?? []), runId],
  );
}

describe('warehouse-loader: production order lines into the star schema', () => {
  let env: TestEnv;
  let app: INestApplicationContext;
  let runtime: StageRuntime;
  const params: RunParams = { mode: 'source', inputDir: '/nowhere' };

  const query = async <R extends Record<string, unknown>>(sql: string, values: unknown[] = []): Promise<R[]> =>
    (await env.pool.query<R>(sql, values)).rows;

  const snapshotWarehouse = async (): Promise<Record<string, unknown[]>> => {
    const snapshot: Record<string, unknown[]> = {};
    for (const [table, orderBy] of WAREHOUSE_TABLES) {
      // Identifiers come from the constant list above, never from input.
      snapshot[table] = await query(`SELECT * FROM warehouse.${table} ORDER BY ${orderBy}`);
    }
    return snapshot;
  };

  /** Launches the stage through BullMQ, as the transformer's hand-off would, and waits for it. */
  const loadThroughQueue = async (runId: string) => {
    await runtime.ledger.createRun(runId, params);
    await runtime.enqueueStage(runId, 'warehouse');
    const deadline = Date.now() + 20_000;
    for (;;) {
      const [stage] = await query<{ status: string; rows_in: string; rows_out: string; rows_rejected: string; error: string | null; detail: Record<string, unknown> }>(
        `SELECT status, rows_in, rows_out, rows_rejected, error, detail FROM ops.run_stages WHERE run_id = $1 AND stage = 'warehouse'`,
        [runId],
      );
      if (stage.status === 'succeeded' || stage.status === 'failed') return stage;
      if (Date.now() > deadline) throw new Error(`warehouse stage of ${runId} still ${stage.status}: ${stage.error}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  /** The stage's work once more, as a retry after a crash between commit and ack would do it. */
  const loadAgain = async (runId: string): Promise<StageCounts> => {
    const run = await runtime.ledger.getRun(runId);
    if (!run) throw new Error(`no run ${runId}`);
    const service = app.get(WarehouseService);
    return withTransaction(env.pool, (client) =>
      service.loadRun({ runId, run, client, progress: async () => undefined }),
    );
  };

  beforeAll(async () => {
    env = await createTestEnv('warehouse_loader');
    app = await createWorkerContext(WarehouseLoaderAppModule.forRoot, env.config, false);
    runtime = app.get(StageRuntime);
  });
  afterAll(async () => {
    await app?.close();
    await env?.teardown();
  });

  describe('run 1: a first delivery', () => {
    let stage: Awaited<ReturnType<typeof loadThroughQueue>>;

    beforeAll(async () => {
      await deliverProduction(env.pool, 'wh-run-1', {
        customers: RUN_1_CUSTOMERS,
        products: RUN_1_PRODUCTS,
        transactions: RUN_1_TRANSACTIONS,
        items: RUN_1_ITEMS,
      });
      stage = await loadThroughQueue('wh-run-1');
    });

    it('loads one fact per order line and accounts for every line', async () => {
      expect(stage).toMatchObject({ status: 'succeeded', rows_in: '5', rows_out: '5', rows_rejected: '0', error: null });
      expect(stage.detail).toMatchObject({
        dimDates: 4,
        dimPaymentMethods: 3,
        dimCustomers: 4,
        dimProducts: 3,
        facts: 5,
        quarantined: 0,
        aggregates: { dailySales: 3, productPerformance: 3, customerMetrics: 3 },
      });
      const facts = await query<{ n: number }>('SELECT count(*)::int AS n FROM warehouse.fact_sales');
      expect(facts[0].n).toBe(RUN_1_ITEMS.length);
    });

    it('points each fact at the customer, product, day and payment method its line names', async () => {
      const facts = await query(
        `SELECT f.item_id, f.transaction_id, c.customer_id, p.product_id, d.full_date::text AS day, m.payment_method_name
           FROM warehouse.fact_sales f
           JOIN warehouse.dim_customers c ON c.customer_key = f.customer_key
           JOIN warehouse.dim_products p ON p.product_key = f.product_key
           JOIN warehouse.dim_date d ON d.date_key = f.date_key
           JOIN warehouse.dim_payment_method m ON m.payment_method_key = f.payment_method_key
          ORDER BY f.item_id`,
      );
      expect(facts).toEqual([
        { item_id: 'I1', transaction_id: 'T1', customer_id: 'C1', product_id: 'P1', day: '2024-01-05', payment_method_name: 'Credit Card' },
        { item_id: 'I2', transaction_id: 'T1', customer_id: 'C1', product_id: 'P2', day: '2024-01-05', payment_method_name: 'Credit Card' },
        { item_id: 'I3', transaction_id: 'T2', customer_id: 'C2', product_id: 'P2', day: '2024-01-05', payment_method_name: 'Cash on Delivery' },
        { item_id: 'I4', transaction_id: 'T3', customer_id: 'C1', product_id: 'P3', day: '2024-01-08', payment_method_name: 'UPI' },
        { item_id: 'I5', transaction_id: 'T4', customer_id: 'C3', product_id: 'P1', day: '2024-01-06', payment_method_name: 'Credit Card' },
      ]);
    });

    it('computes discount_amount and profit exactly, in numeric, from the product cost of the day', async () => {
      const lines = await query(
        `SELECT item_id, date_key, quantity, unit_price, discount_amount, line_total, profit
           FROM warehouse.fact_sales ORDER BY item_id`,
      );
      expect(lines).toEqual([
        { item_id: 'I1', date_key: 20240105, quantity: 2, unit_price: '100.00', discount_amount: '20.00', line_total: '180.00', profit: '60.00' },
        { item_id: 'I2', date_key: 20240105, quantity: 1, unit_price: '20.00', discount_amount: '0.00', line_total: '20.00', profit: '8.00' },
        // 3 x 19.99 x 5% = 2.9985 -> 3.00; profit 56.97 - 3 x 12.00 = 20.97
        { item_id: 'I3', date_key: 20240105, quantity: 3, unit_price: '19.99', discount_amount: '3.00', line_total: '56.97', profit: '20.97' },
        { item_id: 'I4', date_key: 20240108, quantity: 1, unit_price: '800.00', discount_amount: '100.00', line_total: '700.00', profit: '200.00' },
        { item_id: 'I5', date_key: 20240106, quantity: 1, unit_price: '100.00', discount_amount: '0.00', line_total: '100.00', profit: '40.00' },
      ]);
    });

    it('types cash on delivery as Offline and every other method as Online', async () => {
      expect(await query('SELECT payment_method_name, payment_type FROM warehouse.dim_payment_method ORDER BY 1')).toEqual([
        { payment_method_name: 'Cash on Delivery', payment_type: 'Offline' },
        { payment_method_name: 'Credit Card', payment_type: 'Online' },
        { payment_method_name: 'UPI', payment_type: 'Online' },
      ]);
    });

    it('covers every day from the first to the last sale, Sunday without sales included', async () => {
      expect(
        await query(
          `SELECT date_key, year, quarter, month, day, month_name, day_name, day_of_week, week_of_year, is_weekend
             FROM warehouse.dim_date ORDER BY date_key`,
        ),
      ).toEqual([
        { date_key: 20240105, year: 2024, quarter: 1, month: 1, day: 5, month_name: 'January', day_name: 'Friday', day_of_week: 5, week_of_year: 1, is_weekend: false },
        { date_key: 20240106, year: 2024, quarter: 1, month: 1, day: 6, month_name: 'January', day_name: 'Saturday', day_of_week: 6, week_of_year: 1, is_weekend: true },
        { date_key: 20240107, year: 2024, quarter: 1, month: 1, day: 7, month_name: 'January', day_name: 'Sunday', day_of_week: 7, week_of_year: 1, is_weekend: true },
        { date_key: 20240108, year: 2024, quarter: 1, month: 1, day: 8, month_name: 'January', day_name: 'Monday', day_of_week: 1, week_of_year: 2, is_weekend: false },
      ]);
    });

    it('gives every customer and product one current version valid for all history', async () => {
      expect(
        await query(
          `SELECT customer_id, full_name, city, customer_segment, effective_date::text, end_date::text, is_current
             FROM warehouse.dim_customers ORDER BY customer_id`,
        ),
      ).toEqual([
        // Spent: C1 900.00 (top of 3 buyers), C3 100.00, C2 56.97; C4 nothing yet.
        { customer_id: 'C1', full_name: 'Alice Smith', city: 'Mumbai', customer_segment: 'VIP', effective_date: '1900-01-01', end_date: '9999-12-31', is_current: true },
        { customer_id: 'C2', full_name: 'Bob Jones', city: 'Nagpur', customer_segment: 'Occasional', effective_date: '1900-01-01', end_date: '9999-12-31', is_current: true },
        { customer_id: 'C3', full_name: 'Cara Diaz', city: 'Nashik', customer_segment: 'Regular', effective_date: '1900-01-01', end_date: '9999-12-31', is_current: true },
        { customer_id: 'C4', full_name: 'Dev Patel', city: 'Thane', customer_segment: 'New', effective_date: '1900-01-01', end_date: '9999-12-31', is_current: true },
      ]);
      expect(
        await query('SELECT product_id, product_name, price, cost, price_range, is_current FROM warehouse.dim_products ORDER BY product_id'),
      ).toEqual([
        { product_id: 'P1', product_name: 'Widget', price: '100.00', cost: '60.00', price_range: 'Premium', is_current: true },
        { product_id: 'P2', product_name: 'Gadget', price: '20.00', cost: '12.00', price_range: 'Budget', is_current: true },
        { product_id: 'P3', product_name: 'Sofa', price: '800.00', cost: '500.00', price_range: 'Luxury', is_current: true },
      ]);
    });

    it('aggregates per day, product and customer, with order value = revenue / distinct orders', async () => {
      expect(
        await query(
          `SELECT date_key, total_transactions, total_items, total_revenue, total_profit, total_discount, unique_customers
             FROM warehouse.agg_daily_sales ORDER BY date_key`,
        ),
      ).toEqual([
        { date_key: 20240105, total_transactions: 2, total_items: 3, total_revenue: '256.97', total_profit: '88.97', total_discount: '23.00', unique_customers: 2 },
        { date_key: 20240106, total_transactions: 1, total_items: 1, total_revenue: '100.00', total_profit: '40.00', total_discount: '0.00', unique_customers: 1 },
        { date_key: 20240108, total_transactions: 1, total_items: 1, total_revenue: '700.00', total_profit: '200.00', total_discount: '100.00', unique_customers: 1 },
      ]);
      expect(
        await query(
          `SELECT p.product_id, a.total_quantity_sold, a.total_transactions, a.total_revenue, a.total_profit, a.avg_discount_percentage
             FROM warehouse.agg_product_performance a JOIN warehouse.dim_products p USING (product_key) ORDER BY 1`,
        ),
      ).toEqual([
        { product_id: 'P1', total_quantity_sold: '3', total_transactions: 2, total_revenue: '280.00', total_profit: '100.00', avg_discount_percentage: '5.00' },
        { product_id: 'P2', total_quantity_sold: '4', total_transactions: 2, total_revenue: '76.97', total_profit: '28.97', avg_discount_percentage: '2.50' },
        { product_id: 'P3', total_quantity_sold: '1', total_transactions: 1, total_revenue: '700.00', total_profit: '200.00', avg_discount_percentage: '12.50' },
      ]);
      expect(
        await query(
          `SELECT c.customer_id, a.total_transactions, a.total_spent, a.avg_order_value,
                  a.first_purchase_date::text, a.last_purchase_date::text
             FROM warehouse.agg_customer_metrics a JOIN warehouse.dim_customers c USING (customer_key) ORDER BY 1`,
        ),
      ).toEqual([
        // Three lines over two orders: 900.00 / 2 orders = 450.00, not 900.00 / 3 lines.
        { customer_id: 'C1', total_transactions: 2, total_spent: '900.00', avg_order_value: '450.00', first_purchase_date: '2024-01-05', last_purchase_date: '2024-01-08' },
        { customer_id: 'C2', total_transactions: 1, total_spent: '56.97', avg_order_value: '56.97', first_purchase_date: '2024-01-05', last_purchase_date: '2024-01-05' },
        { customer_id: 'C3', total_transactions: 1, total_spent: '100.00', avg_order_value: '100.00', first_purchase_date: '2024-01-06', last_purchase_date: '2024-01-06' },
      ]);
    });

    it('hands the run on to analytics once the warehouse is loaded', async () => {
      const job = await runtime.queue('analytics').getJob(stageJobId('wh-run-1', 'analytics'));
      expect(job?.name).toBe('run');
      expect(job?.data).toEqual({ runId: 'wh-run-1' });
    });

    it('leaves every warehouse table identical when the same run is loaded again', async () => {
      const before = await snapshotWarehouse();
      const counts = await loadAgain('wh-run-1');
      expect(await snapshotWarehouse()).toEqual(before);
      expect(counts).toEqual({
        rowsIn: 5,
        rowsOut: 5,
        rowsRejected: 0,
        detail: {
          dimDates: 0,
          dimPaymentMethods: 0,
          dimCustomers: 0,
          dimProducts: 0,
          facts: 0,
          quarantined: 0,
          aggregates: { dailySales: 0, productPerformance: 0, customerMetrics: 0 },
        },
      });
    });
  });

  describe('run 2: a customer moves, new sales arrive, one line has no valid customer version', () => {
    let stage: Awaited<ReturnType<typeof loadThroughQueue>>;
    let keysBefore: Array<{ customer_id: string; customer_key: string }>;

    beforeAll(async () => {
      keysBefore = await query('SELECT customer_id, customer_key FROM warehouse.dim_customers ORDER BY customer_id');
      // C9's only version starts mid-2024 (as a later SCD2 history would leave it): a January sale
      // of C9 has no version valid on its date.
      await deliverProduction(env.pool, 'wh-run-2', { customers: [customer('C9', 'Eve', 'Khan', 'Pune')] });
      await env.pool.query(
        `INSERT INTO warehouse.dim_customers (customer_id, full_name, effective_date, is_current)
         VALUES ('C9', 'Eve Khan', '2024-06-01', true)`,
      );
      await deliverProduction(env.pool, 'wh-run-2', {
        customers: [{ ...RUN_1_CUSTOMERS[0], city: 'Pune' }],
        transactions: [
          { transaction_id: 'T5', customer_id: 'C9', transaction_date: '2024-01-10', payment_method: 'Cash', total_amount: '50.00' },
          { transaction_id: 'T6', customer_id: 'C2', transaction_date: '2024-01-10', payment_method: 'Net Banking', total_amount: '20.00' },
        ],
        items: [
          { item_id: 'I6', transaction_id: 'T5', product_id: 'P2', quantity: 1, unit_price: '50.00', discount_percentage: '0.00', line_total: '50.00' },
          { item_id: 'I7', transaction_id: 'T6', product_id: 'P2', quantity: 1, unit_price: '20.00', discount_percentage: '0.00', line_total: '20.00' },
        ],
      });
      stage = await loadThroughQueue('wh-run-2');
    });

    it('loads the resolvable line and quarantines the other as missing_dimension', async () => {
      expect(stage).toMatchObject({ status: 'succeeded', rows_in: '2', rows_out: '1', rows_rejected: '1' });
      expect(
        await query(
          `SELECT stage, entity, record_key, reason_code, message, raw_record::jsonb ->> 'line_total' AS line_total
             FROM ops.quarantine WHERE run_id = 'wh-run-2'`,
        ),
      ).toEqual([
        {
          stage: 'warehouse',
          entity: 'transaction_items',
          record_key: 'I6',
          reason_code: 'missing_dimension',
          message: 'order line I6 of transaction T5: no dimension row valid on 2024-01-10 for customer C9',
          line_total: '50.00',
        },
      ]);
      expect(await query(`SELECT item_id FROM warehouse.fact_sales WHERE last_run_id = 'wh-run-2'`)).toEqual([{ item_id: 'I7' }]);
    });

    it("updates the moved customer's current row in place: same key, one current row per customer", async () => {
      expect(await query('SELECT customer_id, customer_key FROM warehouse.dim_customers WHERE customer_id <> $1 ORDER BY customer_id', ['C9'])).toEqual(
        keysBefore,
      );
      expect(
        await query(`SELECT city, is_current FROM warehouse.dim_customers WHERE customer_id = 'C1'`),
      ).toEqual([{ city: 'Pune', is_current: true }]);
      expect(
        await query(
          `SELECT customer_id, count(*)::int AS current_rows FROM warehouse.dim_customers
            WHERE is_current GROUP BY customer_id HAVING count(*) <> 1`,
        ),
      ).toEqual([]);
    });

    it('extends dim_date without gaps and adds the new payment methods', async () => {
      const days = await query<{ date_key: number }>('SELECT date_key FROM warehouse.dim_date ORDER BY date_key');
      expect(days.map((d) => d.date_key)).toEqual([20240105, 20240106, 20240107, 20240108, 20240109, 20240110]);
      expect(
        await query(`SELECT payment_method_name, payment_type FROM warehouse.dim_payment_method WHERE payment_method_name IN ('Cash', 'Net Banking') ORDER BY 1`),
      ).toEqual([
        { payment_method_name: 'Cash', payment_type: 'Offline' },
        { payment_method_name: 'Net Banking', payment_type: 'Online' },
      ]);
    });

    it('refreshes only the touched aggregates, which then equal a full recompute over both runs', async () => {
      expect(
        await query(`SELECT date_key, total_transactions, total_revenue, unique_customers FROM warehouse.agg_daily_sales WHERE date_key = 20240110`),
      ).toEqual([{ date_key: 20240110, total_transactions: 1, total_revenue: '20.00', unique_customers: 1 }]);
      expect(
        await query(
          `SELECT c.customer_id, a.total_transactions, a.total_spent, a.avg_order_value, a.last_purchase_date::text
             FROM warehouse.agg_customer_metrics a JOIN warehouse.dim_customers c USING (customer_key)
            WHERE c.customer_id = 'C2'`,
        ),
      ).toEqual([
        // 76.97 over two orders = 38.485, rounded half up in numeric.
        { customer_id: 'C2', total_transactions: 2, total_spent: '76.97', avg_order_value: '38.49', last_purchase_date: '2024-01-10' },
      ]);
      const mismatches = await query(
        `WITH full_recompute AS (
           SELECT date_key, count(DISTINCT transaction_id)::int AS total_transactions, count(*)::int AS total_items,
                  sum(line_total) AS total_revenue, sum(profit) AS total_profit, sum(discount_amount) AS total_discount,
                  count(DISTINCT customer_key)::int AS unique_customers
             FROM warehouse.fact_sales GROUP BY date_key)
         (SELECT * FROM full_recompute EXCEPT SELECT * FROM warehouse.agg_daily_sales)
         UNION ALL
         (SELECT * FROM warehouse.agg_daily_sales EXCEPT SELECT * FROM full_recompute)`,
      );
      expect(mismatches).toEqual([]);
      const products = await query<{ product_id: string; total_quantity_sold: string; total_revenue: string }>(
        `SELECT p.product_id, a.total_quantity_sold, a.total_revenue
           FROM warehouse.agg_product_performance a JOIN warehouse.dim_products p USING (product_key) WHERE p.product_id = 'P2'`,
      );
      expect(products).toEqual([{ product_id: 'P2', total_quantity_sold: '5', total_revenue: '96.97' }]);
    });

    it('is a no-op when run 2 is loaded again, quarantine included', async () => {
      const before = await snapshotWarehouse();
      const counts = await loadAgain('wh-run-2');
      expect(await snapshotWarehouse()).toEqual(before);
      expect(counts).toMatchObject({ rowsIn: 2, rowsOut: 1, rowsRejected: 1, detail: { facts: 0, dimCustomers: 0 } });
      const quarantined = await query<{ n: number }>(`SELECT count(*)::int AS n FROM ops.quarantine WHERE run_id = 'wh-run-2'`);
      expect(quarantined[0].n).toBe(1);
    });
  });
});
