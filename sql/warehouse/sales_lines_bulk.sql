-- The order lines a load into an EMPTY fact_sales reads (facts_empty.sql), in the shape of
-- sales_lines.sql: the same lines (an item or its order changed in the window; every line for a
-- rebuild), with no previous fact to look up. One scan of each production table: at 1M lines the
-- UNION of sales_lines.sql de-duplicates twice as many ids and its per-line probe of every
-- fact_sales partition (empty here) cost ~11 s at 250k lines, most of that load's time.
-- $1, $2: the (from, to] window of transaction_items.updated_at; $3, $4: of transactions.updated_at;
-- $5 true for a rebuild, which reads every line.
CREATE TEMP TABLE warehouse_sales_lines ON
COMMIT
DROP AS
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
  NULL::integer AS previous_date_key,
  NULL::bigint AS previous_customer_key,
  NULL::bigint AS previous_product_key
FROM
  production.transaction_items i
  JOIN production.transactions t ON t.transaction_id = i.transaction_id
WHERE
  $5::boolean
  OR (
    i.updated_at > coalesce($1::timestamptz, '-infinity')
    AND i.updated_at <= $2::timestamptz
  )
  OR (
    t.updated_at > coalesce($3::timestamptz, '-infinity')
    AND t.updated_at <= $4::timestamptz
  )
