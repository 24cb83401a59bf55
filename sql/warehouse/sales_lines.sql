-- The order lines this load reads, with the keys of the fact each already has. For this
-- transaction only. $1, $2: the (from, to] window of transaction_items.updated_at; $3, $4: the
-- window of transactions.updated_at (a changed date, customer or payment method of an order
-- reloads all its lines); $5 true for a rebuild, which reads every line.
-- A line whose production row did not change since the last load is not read at all.
CREATE TEMP TABLE warehouse_sales_lines ON
COMMIT
DROP AS
-- The delivered lines carry their item columns: re-joining their ids to transaction_items made the
-- planner hash all of it (a 2.5M-row scan for a daily delta of 7k lines).
WITH
  delivered AS (
    SELECT
      i.item_id,
      i.transaction_id,
      i.product_id,
      i.quantity,
      i.unit_price,
      i.discount_percentage,
      i.line_total
    FROM
      production.transaction_items i
    WHERE
      $5::boolean
      OR (
        i.updated_at > coalesce($1::timestamptz, '-infinity')
        AND i.updated_at <= $2::timestamptz
      )
      -- The lines of the changed orders the first branch does not hold (UNION ALL, no hash of both
      -- branches' ~10k rows to drop the day's lines, which are in both: ~5 ms of ~35).
    UNION ALL
    SELECT
      i.item_id,
      i.transaction_id,
      i.product_id,
      i.quantity,
      i.unit_price,
      i.discount_percentage,
      i.line_total
    FROM
      production.transactions t
      JOIN production.transaction_items i ON i.transaction_id = t.transaction_id
    WHERE
      NOT $5::boolean
      AND t.updated_at > coalesce($3::timestamptz, '-infinity')
      AND t.updated_at <= $4::timestamptz
      AND (
        i.updated_at > coalesce($1::timestamptz, '-infinity')
        AND i.updated_at <= $2::timestamptz
      ) IS NOT TRUE
  ),
  -- Each month's lowest and highest item_id (warehouse/fact_month_item_ranges.sql, shared with the
  -- row-count reconciliation), so the probe below skips months that cannot hold a line. A rebuild
  -- starts empty: no months.
  fact_months AS MATERIALIZED ({{fact_months}})
SELECT
  i.item_id,
  i.transaction_id,
  i.product_id,
  t.customer_id,
  t.transaction_date,
  to_char(t.transaction_date, 'YYYYMMDD')::integer AS date_key,
  t.payment_method,
  i.quantity,
  i.unit_price,
  i.discount_percentage,
  i.line_total,
  f.date_key AS previous_date_key,
  f.customer_key AS previous_customer_key,
  f.product_key AS previous_product_key
FROM
  delivered i
  -- Its order by primary key, per line: a join hashed all of production.transactions (1M rows,
  -- ~0.85 s) for a daily delta; OFFSET 0 keeps the planner from flattening it into that join.
  -- The lines of a first load or a rebuild are read by sales_lines_bulk.sql instead.
  CROSS JOIN LATERAL (
    SELECT
      t.customer_id,
      t.transaction_date,
      t.payment_method
    FROM
      production.transactions t
    WHERE
      t.transaction_id = i.transaction_id
    OFFSET
      0
  ) t
  -- One index probe per line in each month whose item_id range holds it (fact_months), the month's
  -- bounds pruning the probe to its partition at run time: a plain join hashes every partition of
  -- fact_sales (about 2 s at 1M facts against 0.07 s, docs/warehouse.md), and a probe of every
  -- partition per line cost ~80 ms for a day's 5k lines at 1M (14 partitions).
  LEFT JOIN LATERAL (
    SELECT
      f.date_key,
      f.customer_key,
      f.product_key
    FROM
      fact_months m
      CROSS JOIN LATERAL (
        SELECT
          f.date_key,
          f.customer_key,
          f.product_key
        FROM
          warehouse.fact_sales f
        WHERE
          f.item_id = i.item_id
          AND f.date_key >= m.lo
          AND f.date_key < m.hi
        OFFSET
          0
      ) f
    WHERE
      i.item_id BETWEEN m.min_id AND m.max_id
    LIMIT
      1
  ) f ON true
