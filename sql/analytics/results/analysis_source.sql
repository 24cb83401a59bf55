-- Whether the analyses may read the dashboard summaries (sql/analytics/from_summaries, refreshed
-- just before in the same transaction) instead of the facts (sql/analytics). They agree exactly
-- unless a line is parked on an unknown customer or product (the summaries group customers and
-- products by the line's own id, the analyses by the member's, and such a line has no profit) or
-- a product version has no cost (no profit either: the summaries count it as 0, the analyses skip
-- it). Both are found through indexes or a small table, without reading the facts.
SELECT
  NOT EXISTS (
    SELECT
      1
    FROM
      warehouse.fact_sales
    WHERE
      customer_key = -1
  )
  AND NOT EXISTS (
    SELECT
      1
    FROM
      warehouse.fact_sales
    WHERE
      product_key = -1
  )
  AND NOT EXISTS (
    SELECT
      1
    FROM
      warehouse.dim_products
    WHERE
      cost IS NULL
      AND product_key <> -1
  ) AS from_summaries
