-- Floor of the ingest stage, step 1: the landing tables the COPYs of ingest_<entity>.sql write.
-- UNLOGGED (no WAL) and every column text, the contract's columns only (docs/contract.md section 1):
-- the least a load of the files into PostgreSQL can write. Created before the floor's timer
-- starts; drop_floor_schema.sql drops them.
CREATE UNLOGGED TABLE bench_floor.ingest_customers (
  customer_id text,
  first_name text,
  last_name text,
  email text,
  phone text,
  registration_date text,
  city text,
  state text,
  country text,
  age_group text
);

CREATE UNLOGGED TABLE bench_floor.ingest_products (
  product_id text,
  product_name text,
  category text,
  sub_category text,
  price text,
  cost text,
  brand text,
  stock_quantity text,
  supplier_id text
);

CREATE UNLOGGED TABLE bench_floor.ingest_transactions (
  transaction_id text,
  customer_id text,
  transaction_date text,
  transaction_time text,
  payment_method text,
  shipping_address text,
  total_amount text
);

CREATE UNLOGGED TABLE bench_floor.ingest_transaction_items (
  item_id text,
  transaction_id text,
  product_id text,
  quantity text,
  unit_price text,
  discount_percentage text,
  line_total text
);
