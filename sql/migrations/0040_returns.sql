-- Up Migration
-- Cancellations and returns, first-class (docs/warehouse.md "Cancellations and returns"): the
-- cancelled and adjusted lines of a mapped export land in staging.returns (the mapped ingest, from
-- the converter's returns.csv) and the warehouse stage loads them into fact_returns, beside
-- fact_sales and never inside it. Amounts are signed as the source signs them: a credit note's
-- quantity and line_total are negative, so net = gross + Σ fact_returns.line_total.
-- The returns are kept with the run that brought them (ON DELETE CASCADE): no retention of their own.
CREATE TABLE staging.returns (
  run_id         text NOT NULL REFERENCES ops.runs ON DELETE CASCADE,
  return_line_id text NOT NULL,
  return_id      text NOT NULL,
  kind           text NOT NULL CHECK (kind IN ('cancelled', 'adjusted')),
  customer_id    text,
  product_id     text NOT NULL,
  return_date    date NOT NULL,
  return_time    time NOT NULL,
  quantity       integer NOT NULL,
  unit_price     numeric NOT NULL,
  line_total     numeric(14,2) NOT NULL,
  source_file    text NOT NULL,
  source_line    bigint NOT NULL,
  PRIMARY KEY (run_id, return_line_id)
);

-- Grain: one cancelled or adjusted source line. Natural customer and product ids instead of
-- dimension keys: a return may name a product or customer the warehouse never sold to, and a
-- rebuild redraws the dimensions' keys from production history, which holds no returns.
CREATE TABLE warehouse.fact_returns (
  return_line_id text PRIMARY KEY,
  return_id      text NOT NULL,
  kind           text NOT NULL CHECK (kind IN ('cancelled', 'adjusted')),
  date_key       integer NOT NULL,
  return_date    date NOT NULL,
  customer_id    text,
  product_id     text NOT NULL,
  quantity       integer NOT NULL,
  unit_price     numeric NOT NULL,
  line_total     numeric(14,2) NOT NULL,
  last_run_id    text NOT NULL,
  loaded_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX fact_returns_date_idx ON warehouse.fact_returns (date_key);
CREATE INDEX fact_returns_product_idx ON warehouse.fact_returns (product_id);

-- Gross, returns and net per day: gross from agg_daily_sales, returns from fact_returns.
CREATE VIEW warehouse.sales_net_daily AS
WITH r AS (
  SELECT date_key,
         sum(line_total) FILTER (WHERE kind = 'cancelled') AS cancelled_amount,
         sum(line_total) FILTER (WHERE kind = 'adjusted')  AS adjusted_amount,
         count(*) AS return_lines
    FROM warehouse.fact_returns
   GROUP BY date_key
)
SELECT coalesce(a.date_key, r.date_key)          AS date_key,
       coalesce(a.total_revenue, 0)              AS gross_revenue,
       coalesce(r.cancelled_amount, 0)           AS cancelled_amount,
       coalesce(r.adjusted_amount, 0)            AS adjusted_amount,
       coalesce(r.return_lines, 0)               AS return_lines,
       coalesce(a.total_revenue, 0) + coalesce(r.cancelled_amount, 0) + coalesce(r.adjusted_amount, 0) AS net_revenue
  FROM warehouse.agg_daily_sales a
  FULL JOIN r ON r.date_key = a.date_key;

-- Down Migration
DROP VIEW warehouse.sales_net_daily;
DROP TABLE warehouse.fact_returns;
DROP TABLE staging.returns;
