-- Buyers of a run's landed orders: how many, how many came back, and the revenue share of the
-- top 20% of buyers by revenue (heavy buyers). $1 run id.
-- Reads the run's typed tables (values trimmed, blank NULL, parsed once; libs/pipeline typed-tables.ts):
-- {{customers}}, {{products}}, {{transactions}}, {{transaction_items}}, each of the run only.
WITH
  spend AS (
    SELECT
      customer_id,
      count(*) AS orders,
      coalesce(sum(total_amount__numeric), 0) AS revenue
    FROM
      {{transactions}}
    WHERE
      $1::text IS NOT NULL
      AND customer_id IS NOT NULL
    GROUP BY
      customer_id
  ),
  ranked AS (
    SELECT
      orders,
      revenue,
      row_number() OVER (
        ORDER BY
          revenue DESC,
          customer_id
      ) AS rank,
      count(*) OVER () AS buyers
    FROM
      spend
  )
SELECT
  count(*) AS buyers,
  count(*) FILTER (
    WHERE
      orders > 1
  ) AS repeat_buyers,
  count(*) FILTER (
    WHERE
      orders = 1
  ) AS one_time_buyers,
  round(
    sum(revenue) FILTER (
      WHERE
        rank <= ceil(buyers * 0.2)
    ) / nullif(sum(revenue), 0),
    4
  ) AS top_customer_revenue_share
FROM
  ranked
