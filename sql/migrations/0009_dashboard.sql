-- Up Migration
-- The dashboard's summaries of the warehouse (docs/dashboard_guide.md). Every filter combination
-- must answer in well under a second on millions of fact lines, which joins over fact_sales with
-- distinct counts on text keys cannot do. These tables hold the same facts pre-grouped at the
-- grain the filters need (day, category, place, payment method), with integer codes and money in
-- cents, and are rebuilt from the warehouse in one transaction whenever a newer warehouse load
-- exists (dashboard.refresh_state records which load they reflect).
-- category_id 0 stands for "all categories": a transaction with lines in two categories counts
-- once there and once in each category, so distinct transaction counts stay exact either way.
CREATE SCHEMA IF NOT EXISTS dashboard;

CREATE TABLE dashboard.refresh_state (
  singleton    boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  load_run_id  text,
  loaded_at    timestamptz,
  refreshed_at timestamptz NOT NULL DEFAULT clock_timestamp()
);

CREATE TABLE dashboard.categories (
  category_id smallint PRIMARY KEY CHECK (category_id > 0),
  category    text NOT NULL UNIQUE
);

-- A place is where a customer lived when buying (the SCD version on the fact).
CREATE TABLE dashboard.places (
  geo_id  smallint PRIMARY KEY,
  country text NOT NULL,
  state   text NOT NULL,
  UNIQUE (country, state)
);

-- Products and customers by business id, shown with their current name.
CREATE TABLE dashboard.products (
  product_no   integer PRIMARY KEY,
  product_id   text NOT NULL UNIQUE,
  product_name text NOT NULL,
  category     text NOT NULL
);

CREATE TABLE dashboard.customers (
  customer_no       integer PRIMARY KEY,
  customer_id       text NOT NULL UNIQUE,
  full_name         text NOT NULL,
  country           text,
  state             text,
  registration_date date
);

-- Per day x category (0 = all) x place x payment method.
CREATE TABLE dashboard.sales_cells (
  category_id        smallint NOT NULL,
  date_key           integer NOT NULL,
  geo_id             smallint NOT NULL,
  payment_method_key integer NOT NULL,
  transactions       integer NOT NULL,
  lines              integer NOT NULL,
  quantity           bigint NOT NULL,
  revenue_cents      bigint NOT NULL,
  profit_cents       bigint NOT NULL,
  discount_cents     bigint NOT NULL,
  PRIMARY KEY (category_id, date_key, geo_id, payment_method_key)
);

-- Per customer x day x category (0 = all) x place x payment method: what customer analyses group.
CREATE TABLE dashboard.customer_days (
  category_id        smallint NOT NULL,
  date_key           integer NOT NULL,
  customer_no        integer NOT NULL,
  geo_id             smallint NOT NULL,
  payment_method_key integer NOT NULL,
  transactions       integer NOT NULL,
  revenue_cents      bigint NOT NULL
);
CREATE INDEX customer_days_filter_idx ON dashboard.customer_days (category_id, date_key);

-- Per product x day x place x payment method (the product's category as sold).
CREATE TABLE dashboard.product_days (
  date_key           integer NOT NULL,
  product_no         integer NOT NULL,
  category_id        smallint NOT NULL,
  geo_id             smallint NOT NULL,
  payment_method_key integer NOT NULL,
  transactions       integer NOT NULL,
  quantity           bigint NOT NULL,
  revenue_cents      bigint NOT NULL,
  profit_cents       bigint NOT NULL,
  discount_cents     bigint NOT NULL
);
CREATE INDEX product_days_date_idx ON dashboard.product_days (date_key);

-- Per discount band x day x category (0 = all) x place x payment method. A transaction with lines
-- in two bands counts in both (as in the discount_impact analysis).
CREATE TABLE dashboard.discount_cells (
  category_id        smallint NOT NULL,
  date_key           integer NOT NULL,
  geo_id             smallint NOT NULL,
  payment_method_key integer NOT NULL,
  discount_band      smallint NOT NULL,
  transactions       integer NOT NULL,
  lines              integer NOT NULL,
  quantity           bigint NOT NULL,
  gross_cents        bigint NOT NULL,
  revenue_cents      bigint NOT NULL,
  profit_cents       bigint NOT NULL,
  discount_cents     bigint NOT NULL,
  PRIMARY KEY (category_id, date_key, geo_id, payment_method_key, discount_band)
);

-- Down Migration
DROP SCHEMA dashboard CASCADE;
