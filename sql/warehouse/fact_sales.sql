-- fact_sales: one row per order line read by this load ($1 = run id), joined point-in-time to
-- the customer and product versions valid on the transaction date
-- (effective_date <= transaction_date < end_date). A line whose customer or product has no
-- version yet points at the unknown member (-1) and is re-pointed when it arrives, so no line is
-- rejected for a missing dimension.
--   discount_amount = round(quantity * unit_price * discount_percentage / 100, 2)
--   profit          = round(line_total - cost * quantity, 2), cost of the product version valid on
--                     the transaction date (a late-arriving sale uses the cost of its day);
--                     NULL while the product is unknown.
-- Upserted by (item_id, date_key); a fact is rewritten only when a value changed (last_run_id
-- alone does not count), so sales_key and created_at stay. Written facts touch their keys, new
-- and previous. Returns lines read, facts written and lines parked on an unknown member.
WITH
  resolved AS (
    SELECT
      l.item_id,
      l.date_key,
      l.transaction_id,
      l.customer_id,
      l.product_id,
      l.quantity,
      l.unit_price,
      l.discount_percentage,
      l.line_total,
      l.previous_customer_key,
      l.previous_product_key,
      l.previous_date_key,
      coalesce(dc.customer_key, -1) AS customer_key,
      coalesce(dp.product_key, -1) AS product_key,
      dp.cost,
      pm.payment_method_key
    FROM
      pg_temp.warehouse_sales_lines l
      JOIN warehouse.dim_payment_method pm ON pm.payment_method_name = l.payment_method
      -- The line's customer version by its customer_id (OFFSET 0 keeps this a probe, memoized per
      -- customer and day): joined, the planner hashed all ~100k versions for a day's ~2k customers,
      -- a scan of every page of dim_customers (~4,000, mostly not in shared buffers by then).
      LEFT JOIN LATERAL (
        SELECT
          dc.customer_key
        FROM
          warehouse.dim_customers dc
        WHERE
          dc.customer_id = l.customer_id
          AND dc.customer_key <> -1
          AND dc.effective_date <= l.transaction_date
          AND l.transaction_date < dc.end_date
        OFFSET
          0
      ) dc ON true
      LEFT JOIN warehouse.dim_products dp ON dp.product_id = l.product_id
      AND dp.product_key <> -1
      AND dp.effective_date <= l.transaction_date
      AND l.transaction_date < dp.end_date
  ),
  written AS (
    INSERT INTO
      warehouse.fact_sales AS f (
        item_id,
        date_key,
        customer_key,
        product_key,
        payment_method_key,
        transaction_id,
        customer_id,
        product_id,
        quantity,
        unit_price,
        discount_percentage,
        discount_amount,
        line_total,
        profit,
        last_run_id
      )
    SELECT
      r.item_id,
      r.date_key,
      r.customer_key,
      r.product_key,
      r.payment_method_key,
      r.transaction_id,
      r.customer_id,
      r.product_id,
      r.quantity,
      r.unit_price,
      r.discount_percentage,
      round(r.quantity * r.unit_price * r.discount_percentage / 100, 2),
      r.line_total,
      round(r.line_total - r.cost * r.quantity, 2),
      $1
    FROM
      resolved r
    ORDER BY
      r.date_key,
      r.item_id
    ON CONFLICT (item_id, date_key) DO UPDATE
    SET
      customer_key = EXCLUDED.customer_key,
      product_key = EXCLUDED.product_key,
      payment_method_key = EXCLUDED.payment_method_key,
      transaction_id = EXCLUDED.transaction_id,
      customer_id = EXCLUDED.customer_id,
      product_id = EXCLUDED.product_id,
      quantity = EXCLUDED.quantity,
      unit_price = EXCLUDED.unit_price,
      discount_percentage = EXCLUDED.discount_percentage,
      discount_amount = EXCLUDED.discount_amount,
      line_total = EXCLUDED.line_total,
      profit = EXCLUDED.profit,
      last_run_id = EXCLUDED.last_run_id
    WHERE
      (
        f.customer_key,
        f.product_key,
        f.payment_method_key,
        f.transaction_id,
        f.customer_id,
        f.product_id,
        f.quantity,
        f.unit_price,
        f.discount_percentage,
        f.discount_amount,
        f.line_total,
        f.profit
      ) IS DISTINCT FROM (
        EXCLUDED.customer_key,
        EXCLUDED.product_key,
        EXCLUDED.payment_method_key,
        EXCLUDED.transaction_id,
        EXCLUDED.customer_id,
        EXCLUDED.product_id,
        EXCLUDED.quantity,
        EXCLUDED.unit_price,
        EXCLUDED.discount_percentage,
        EXCLUDED.discount_amount,
        EXCLUDED.line_total,
        EXCLUDED.profit
      )
    RETURNING
      f.item_id,
      f.date_key,
      f.customer_key,
      f.product_key
  ),
  touched AS (
    INSERT INTO
      pg_temp.warehouse_touched (date_key, customer_key, product_key)
    SELECT
      w.date_key,
      w.customer_key,
      w.product_key
    FROM
      written w
    UNION ALL
    SELECT
      r.previous_date_key,
      r.previous_customer_key,
      r.previous_product_key
    FROM
      written w
      JOIN resolved r ON r.item_id = w.item_id
    WHERE
      r.previous_date_key IS NOT NULL
  )
SELECT
  (
    SELECT
      count(*)
    FROM
      resolved
  )::int AS lines,
  (
    SELECT
      count(*)
    FROM
      written
  )::int AS written,
  (
    SELECT
      count(*)
    FROM
      resolved
    WHERE
      customer_key = -1
  )::int AS unknown_customer,
  (
    SELECT
      count(*)
    FROM
      resolved
    WHERE
      product_key = -1
  )::int AS unknown_product
