-- Revenue per product category of a run's landed order lines, highest first, with each
-- category's product count and mean list price among the run's products. A line's product is
-- looked up in the run's own products first, then in production (a delta sells products
-- delivered by earlier runs). $1 run id. {{earlier_products}}: production.products, or an empty
-- relation where production held no products before the run (registration.sql says why).
-- Reads the run's typed tables (values trimmed, blank NULL, parsed once; libs/pipeline typed-tables.ts):
-- {{customers}}, {{products}}, {{transactions}}, {{transaction_items}}, each of the run only.
WITH
  run_products AS (
    SELECT DISTINCT
      ON (product_id) product_id,
      category,
      price__numeric AS price
    FROM
      {{products}}
    WHERE
      $1::text IS NOT NULL
    ORDER BY
      product_id,
      source_file DESC,
      source_line DESC
  ),
  catalogue AS (
    SELECT
      product_id,
      category
    FROM
      run_products
    UNION ALL
    SELECT
      p.product_id,
      p.category
    FROM
      {{earlier_products}} p
    WHERE
      NOT EXISTS (
        SELECT
          1
        FROM
          run_products r
        WHERE
          r.product_id = p.product_id
      )
  ),
  product_sales AS (
    -- Lines summed per product first (a few hundred groups), then per category: the lines are not
    -- joined one by one to the catalogue.
    SELECT
      product_id,
      sum(line_total__numeric) AS revenue
    FROM
      {{transaction_items}}
    GROUP BY
      product_id
  ),
  sales AS (
    SELECT
      coalesce(c.category, '(unknown)') AS category,
      coalesce(sum(s.revenue), 0) AS revenue
    FROM
      product_sales s
      LEFT JOIN catalogue c ON c.product_id = s.product_id
    GROUP BY
      1
  ),
  prices AS (
    SELECT
      category,
      count(*) AS products,
      avg(price) AS avg_price
    FROM
      run_products
    GROUP BY
      category
  )
SELECT
  s.category,
  round(s.revenue, 2) AS revenue,
  round(s.revenue / nullif(sum(s.revenue) OVER (), 0), 4) AS share,
  coalesce(p.products, 0) AS products,
  round(coalesce(p.avg_price, 0), 2) AS avg_price
FROM
  sales s
  LEFT JOIN prices p ON p.category = s.category
ORDER BY
  s.revenue DESC,
  s.category
