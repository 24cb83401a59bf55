-- The run's cancelled and adjusted lines (staging.returns, a mapped run's) into fact_returns;
-- a line delivered again replaces its row when it changed. $1 run id. Returns the rows written.
INSERT INTO
  warehouse.fact_returns AS f (
    return_line_id,
    return_id,
    kind,
    date_key,
    return_date,
    customer_id,
    product_id,
    quantity,
    unit_price,
    line_total,
    last_run_id
  )
SELECT
  s.return_line_id,
  s.return_id,
  s.kind,
  to_char(s.return_date, 'YYYYMMDD')::int,
  s.return_date,
  s.customer_id,
  s.product_id,
  s.quantity,
  s.unit_price,
  s.line_total,
  s.run_id
FROM
  staging.returns s
WHERE
  s.run_id = $1
ON CONFLICT (return_line_id) DO UPDATE
SET
  return_id = EXCLUDED.return_id,
  kind = EXCLUDED.kind,
  date_key = EXCLUDED.date_key,
  return_date = EXCLUDED.return_date,
  customer_id = EXCLUDED.customer_id,
  product_id = EXCLUDED.product_id,
  quantity = EXCLUDED.quantity,
  unit_price = EXCLUDED.unit_price,
  line_total = EXCLUDED.line_total,
  last_run_id = EXCLUDED.last_run_id,
  loaded_at = now()
WHERE
  (
    f.return_id,
    f.kind,
    f.return_date,
    f.customer_id,
    f.product_id,
    f.quantity,
    f.unit_price,
    f.line_total
  ) IS DISTINCT FROM (
    EXCLUDED.return_id,
    EXCLUDED.kind,
    EXCLUDED.return_date,
    EXCLUDED.customer_id,
    EXCLUDED.product_id,
    EXCLUDED.quantity,
    EXCLUDED.unit_price,
    EXCLUDED.line_total
  )
