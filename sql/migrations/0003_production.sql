-- Up Migration
-- Cleaned, typed, 3NF. last_run_id records which run last delivered the row.
CREATE SCHEMA IF NOT EXISTS production;

CREATE TABLE production.customers (
  customer_id       text PRIMARY KEY,
  first_name        text NOT NULL,
  last_name         text NOT NULL,
  email             text NOT NULL UNIQUE,
  phone             text,
  registration_date date NOT NULL,
  city              text,
  state             text,
  country           text,
  age_group         text CHECK (age_group IN ('18-25', '26-35', '36-45', '46-60', '60+')),
  last_run_id       text NOT NULL,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE production.products (
  product_id     text PRIMARY KEY,
  product_name   text NOT NULL,
  category       text NOT NULL,
  sub_category   text,
  price          numeric(12,2) NOT NULL CHECK (price > 0),
  cost           numeric(12,2) NOT NULL CHECK (cost >= 0),
  profit_margin  numeric(7,2) NOT NULL,
  price_category text NOT NULL,
  brand          text,
  stock_quantity integer CHECK (stock_quantity >= 0),
  supplier_id    text,
  last_run_id    text NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT products_cost_below_price CHECK (cost < price)
);

CREATE TABLE production.transactions (
  transaction_id   text PRIMARY KEY,
  customer_id      text NOT NULL REFERENCES production.customers,
  transaction_date date NOT NULL,
  transaction_time time,
  payment_method   text NOT NULL,
  shipping_address text,
  total_amount     numeric(12,2) NOT NULL CHECK (total_amount >= 0),
  last_run_id      text NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX transactions_customer_idx ON production.transactions (customer_id);
CREATE INDEX transactions_date_idx ON production.transactions (transaction_date);

CREATE TABLE production.transaction_items (
  item_id             text PRIMARY KEY,
  transaction_id      text NOT NULL REFERENCES production.transactions,
  product_id          text NOT NULL REFERENCES production.products,
  quantity            integer NOT NULL CHECK (quantity > 0),
  unit_price          numeric(12,2) NOT NULL CHECK (unit_price >= 0),
  discount_percentage numeric(5,2) NOT NULL CHECK (discount_percentage BETWEEN 0 AND 100),
  line_total          numeric(12,2) NOT NULL,
  last_run_id         text NOT NULL,
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX transaction_items_transaction_idx ON production.transaction_items (transaction_id);
CREATE INDEX transaction_items_product_idx ON production.transaction_items (product_id);
CREATE INDEX transaction_items_last_run_idx ON production.transaction_items (last_run_id);

-- Down Migration
DROP SCHEMA production CASCADE;
