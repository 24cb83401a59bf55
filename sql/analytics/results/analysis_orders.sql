-- Distinct orders (transactions), in one pass over the facts (dropped at commit): per customer
-- version, day and payment method (kind 'order'; a transaction has one of each, so these rows add
-- up to orders per customer_id, place, day, month or method), and per product version ('product'),
-- category of the version sold ('category') and discount band ('band', as in analysis_sums.sql),
-- where a transaction counts once per group it has a line in. Grouping by transaction first and
-- counting the groups replaces a count(DISTINCT) per analysis; no sums here, so the per-transaction
-- hash entries stay small. transaction_id in the "C" collation: the same equality, cheaper to hash.
CREATE TEMP TABLE analysis_orders ON
COMMIT
DROP AS
SELECT
  t.kind,
  t.customer_key,
  t.date_key,
  t.payment_method_key,
  t.product_key,
  t.category,
  t.band,
  count(*) AS orders
FROM
  (
    SELECT
      CASE
        WHEN grouping(f.customer_key) = 0 THEN 'order'
        WHEN grouping(f.product_key) = 0 THEN 'product'
        WHEN grouping(p.category) = 0 THEN 'category'
        ELSE 'band'
      END AS kind,
      f.customer_key,
      f.date_key,
      f.payment_method_key,
      f.product_key,
      p.category,
      b.band
    FROM
      warehouse.fact_sales f
      JOIN warehouse.dim_products p ON p.product_key = f.product_key
      CROSS JOIN LATERAL (
        SELECT
          CASE
            WHEN f.discount_percentage <= 0 THEN 1
            WHEN f.discount_percentage <= 10 THEN 2
            WHEN f.discount_percentage <= 20 THEN 3
            WHEN f.discount_percentage <= 30 THEN 4
            ELSE 5
          END AS band
      ) AS b
    GROUP BY
      GROUPING SETS (
        (f.transaction_id COLLATE "C", f.customer_key, f.date_key, f.payment_method_key),
        (f.transaction_id COLLATE "C", f.product_key),
        (f.transaction_id COLLATE "C", p.category),
        (f.transaction_id COLLATE "C", b.band)
      )
  ) AS t
GROUP BY
  t.kind,
  t.customer_key,
  t.date_key,
  t.payment_method_key,
  t.product_key,
  t.category,
  t.band
