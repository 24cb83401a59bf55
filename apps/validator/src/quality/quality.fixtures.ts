import { ENTITIES, ENTITY_SPECS, type Entity } from '@ecom/contracts';
import type { Queryable } from '@ecom/db';

/** Staged rows as the ingestor lands them: raw text, a missing key is a NULL column. */
export type StagedBatch = Record<Entity, Array<Record<string, string | null>>>;

/** Lands a batch in staging for a run, one file per entity, source lines from 2 (after the header). */
export async function stageBatch(db: Queryable, runId: string, batch: StagedBatch): Promise<void> {
  for (const entity of ENTITIES) {
    // Column names come from the contract's constants, never from the data.
    const columns = ENTITY_SPECS[entity].columns.join(', ');
    await db.query(
      `INSERT INTO staging.${entity} (${columns}, run_id, source_file, source_line)
       SELECT ${columns}, $1, $2, r.ordinality + 1
         FROM jsonb_populate_recordset(NULL::staging.${entity}, $3::jsonb) WITH ORDINALITY AS r`,
      [runId, ENTITY_SPECS[entity].fileName, JSON.stringify(batch[entity])],
    );
  }
}

/** What production already holds from an earlier run: references to these are not orphans. */
export async function seedProduction(db: Queryable): Promise<void> {
  await db.query(
    `INSERT INTO production.customers (customer_id, first_name, last_name, email, registration_date, last_run_id)
     VALUES ('C900', 'Old', 'Timer', 'old@example.com', '2020-01-01', 'earlier')`,
  );
  await db.query(
    `INSERT INTO production.products (product_id, product_name, category, price, cost, profit_margin, price_category, last_run_id)
     VALUES ('P900', 'Old Chair', 'Furniture', 50.00, 20.00, 60.00, 'Medium', 'earlier')`,
  );
  await db.query(
    `INSERT INTO production.transactions (transaction_id, customer_id, transaction_date, payment_method, total_amount, last_run_id)
     VALUES ('T900', 'C900', '2023-12-01', 'Cash on Delivery', 50.00, 'earlier')`,
  );
}

/** 3 customers, 2 products, 2 transactions, 3 order lines: every rule holds. */
export const CLEAN_BATCH: StagedBatch = {
  customers: [
    { customer_id: 'C1', first_name: 'Ana', last_name: 'Lima', email: 'ana@example.com', registration_date: '2023-01-10', age_group: '26-35' },
    { customer_id: 'C2', first_name: 'Ben', last_name: 'Ode', email: 'ben@example.com', registration_date: '2023-02-11', age_group: '36-45' },
    { customer_id: 'C3', first_name: 'Cy', last_name: 'Po', email: 'cy@example.com', registration_date: '2023-03-12', age_group: '60+' },
  ],
  products: [
    { product_id: 'P1', product_name: 'Desk', category: 'Furniture', price: '100.00', cost: '60.00', stock_quantity: '5' },
    { product_id: 'P2', product_name: 'Lamp', category: 'Lighting', price: '20.00', cost: '8.50', stock_quantity: '0' },
  ],
  transactions: [
    { transaction_id: 'T1', customer_id: 'C1', transaction_date: '2024-05-01', transaction_time: '10:15:00', payment_method: 'UPI', total_amount: '200.00' },
    { transaction_id: 'T2', customer_id: 'C2', transaction_date: '2024-05-02', transaction_time: '18:40', payment_method: 'Cash on Delivery', total_amount: '57.00' },
  ],
  transaction_items: [
    { item_id: 'I1', transaction_id: 'T1', product_id: 'P1', quantity: '2', unit_price: '100.00', discount_percentage: '10', line_total: '180.00' },
    { item_id: 'I2', transaction_id: 'T1', product_id: 'P2', quantity: '1', unit_price: '20.00', discount_percentage: '0', line_total: '20.00' },
    { item_id: 'I3', transaction_id: 'T2', product_id: 'P2', quantity: '3', unit_price: '20.00', discount_percentage: '5', line_total: '57.00' },
  ],
};

/**
 * One known defect per rule (see the expectations in quality.service.spec.ts), plus look-alikes
 * that must not count: a padded id, a line total off by exactly 0.01, references to rows that
 * only production holds (C900, P900, T900; see seedProduction).
 */
export const DEFECT_BATCH: StagedBatch = {
  customers: [
    { customer_id: 'C1', first_name: 'Ana', last_name: 'Lima', email: 'ana@example.com', registration_date: '2023-01-10', age_group: '26-35' },
    { customer_id: 'C2', first_name: 'Ben', last_name: 'Ode', email: null, registration_date: '2023-02-11' },
    { customer_id: 'C3', first_name: 'Cy', last_name: 'Po', email: 'cy@example.com', registration_date: '2023-03-12' },
    { customer_id: 'C3', first_name: 'Cy', last_name: 'Po', email: 'cy@example.com', registration_date: '2023-03-12' },
    { customer_id: 'C4', first_name: 'Dee', last_name: 'Ray', email: 'ANA@Example.com', registration_date: '2023-04-13' },
    { customer_id: 'C5', first_name: 'Eve', last_name: 'Sun', email: 'eve@example.com', registration_date: '2999-01-01' },
  ],
  products: [
    { product_id: 'P1', product_name: 'Desk', category: 'Furniture', price: '100.00', cost: '60.00' },
    { product_id: 'P2', product_name: 'Lamp', category: 'Lighting', price: '20.00', cost: '20.00' },
  ],
  transactions: [
    { transaction_id: 'T1', customer_id: ' C1 ', transaction_date: '2024-05-01', payment_method: 'UPI', total_amount: '189.99' },
    { transaction_id: 'T2', customer_id: 'C404', transaction_date: '2024-05-01', payment_method: 'UPI', total_amount: '100.00' },
    { transaction_id: 'T3', customer_id: 'C900', transaction_date: '2024-02-30', payment_method: 'UPI', total_amount: '5.00' },
    { transaction_id: 'T4', customer_id: 'C1', transaction_date: '2024-05-02', payment_method: 'UPI', total_amount: '99.99' },
  ],
  transaction_items: [
    { item_id: 'I1', transaction_id: 'T1', product_id: 'P1', quantity: '2', unit_price: '100.00', discount_percentage: '10', line_total: '180.00' },
    { item_id: 'I2', transaction_id: 'T1', product_id: 'P2', quantity: '1', unit_price: '10.00', discount_percentage: '0', line_total: '9.99' },
    { item_id: 'I3', transaction_id: 'T2', product_id: 'P1', quantity: '1', unit_price: '100.00', discount_percentage: '120', line_total: '100.00' },
    { item_id: 'I4', transaction_id: 'T4', product_id: 'P1', quantity: '1', unit_price: '12.00', discount_percentage: '0', line_total: '21.00' },
    { item_id: 'I5', transaction_id: 'T3', product_id: 'P1', quantity: '0', unit_price: '10.00', discount_percentage: '0', line_total: '0.00' },
    { item_id: 'I6', transaction_id: 'T999', product_id: 'P1', quantity: '1', unit_price: '10.00', line_total: '10.00' },
    { item_id: 'I7', transaction_id: 'T3', product_id: 'P404', quantity: '1', unit_price: '3.00', line_total: '3.00' },
    { item_id: 'I8', transaction_id: 'T3', product_id: 'P900', quantity: '1', unit_price: '2.00', line_total: '2.00' },
    { item_id: 'I9', transaction_id: 'T900', product_id: 'P1', quantity: '1', unit_price: '10.00', line_total: '10.00' },
  ],
};
