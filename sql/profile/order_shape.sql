-- Orders, order lines, revenue, mean basket size (lines per order) and the share of orders placed
-- at night (00:00-05:59) of a run's landed orders. $1 run id.
-- Reads the run's typed tables (values trimmed, blank NULL, parsed once; libs/pipeline typed-tables.ts):
-- {{customers}}, {{products}}, {{transactions}}, {{transaction_items}}, each of the run only.
WITH
  orders AS (
    SELECT
      transaction_time__time AS placed_at,
      total_amount__numeric AS revenue
    FROM
      {{transactions}}
    WHERE
      $1::text IS NOT NULL
  ),
  lines AS (
    SELECT
      count(*) AS order_lines
    FROM
      {{transaction_items}}
  )
SELECT
  count(*) AS orders,
  (
    SELECT
      order_lines
    FROM
      lines
  ) AS order_lines,
  round(coalesce(sum(revenue), 0), 2) AS revenue,
  round(
    (
      SELECT
        order_lines
      FROM
        lines
    )::numeric / nullif(count(*), 0),
    4
  ) AS basket_size_mean,
  round(
    coalesce(
      count(*) FILTER (
        WHERE
          placed_at < time '06:00'
      )::numeric / nullif(count(*), 0),
      0
    ),
    4
  ) AS night_order_share
FROM
  orders
