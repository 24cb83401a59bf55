-- Up Migration
-- Raw landing: every column as text exactly as read, plus where it came from.
CREATE SCHEMA IF NOT EXISTS staging;

CREATE TABLE staging.customers (
  customer_id text, first_name text, last_name text, email text, phone text,
  registration_date text, city text, state text, country text, age_group text,
  run_id text NOT NULL, source_file text NOT NULL, source_line bigint NOT NULL,
  extra jsonb, loaded_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE staging.products (
  product_id text, product_name text, category text, sub_category text, price text, cost text,
  brand text, stock_quantity text, supplier_id text,
  run_id text NOT NULL, source_file text NOT NULL, source_line bigint NOT NULL,
  extra jsonb, loaded_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE staging.transactions (
  transaction_id text, customer_id text, transaction_date text, transaction_time text,
  payment_method text, shipping_address text, total_amount text,
  run_id text NOT NULL, source_file text NOT NULL, source_line bigint NOT NULL,
  extra jsonb, loaded_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE staging.transaction_items (
  item_id text, transaction_id text, product_id text, quantity text, unit_price text,
  discount_percentage text, line_total text,
  run_id text NOT NULL, source_file text NOT NULL, source_line bigint NOT NULL,
  extra jsonb, loaded_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX staging_customers_run_idx ON staging.customers (run_id, source_file);
CREATE INDEX staging_products_run_idx ON staging.products (run_id, source_file);
CREATE INDEX staging_transactions_run_idx ON staging.transactions (run_id, source_file);
CREATE INDEX staging_transaction_items_run_idx ON staging.transaction_items (run_id, source_file);

-- Down Migration
DROP SCHEMA staging CASCADE;
