-- The run's cancelled and adjusted lines (staging.returns, a mapped run's) into fact_returns;
-- a line delivered again replaces its row when it changed. $1 run id. Returns the rows written
-- (written) and notes the days they fall on, and the day a line moved away from, in
-- pg_temp.warehouse_return_days (touched_keys.sql): the dashboard's refresh rebuilds those days.
WITH
  written AS (
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
    RETURNING
      f.date_key
  ),
  -- The statement's snapshot: the row as it was before this load rewrote it.
  moved_from AS (
    SELECT
      f.date_key
    FROM
      warehouse.fact_returns f
      JOIN staging.returns s ON s.return_line_id = f.return_line_id
    WHERE
      s.run_id = $1
      AND f.return_date <> s.return_date
  ),
  noted AS (
    INSERT INTO
      pg_temp.warehouse_return_days (date_key)
    SELECT
      date_key
    FROM
      written
    UNION
    SELECT
      date_key
    FROM
      moved_from
  )
SELECT
  count(*)::integer AS written
FROM
  written
