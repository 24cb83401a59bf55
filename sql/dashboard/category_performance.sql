-- Parameters (every dashboard query): $1 from date, $2 to date, $3 category, $4 country,
-- $5 state, $6 payment method name; NULL means "not filtered".
-- Categories as sold (the product version valid on the sale date carries the category), by revenue.
-- orders = distinct transactions with a line in the category; profit_margin_pct = profit / revenue.
-- Whole months of the range from sales_months, its edge days from sales_cells (range_parts).
WITH
  sales AS (
    SELECT
      m.category_id,
      m.transactions,
      m.quantity,
      m.revenue_cents,
      m.profit_cents
    FROM
      dashboard.sales_months m,
      dashboard.range_parts ($1::date, $2::date) p
    WHERE
      m.category_id IN (
        SELECT
          category_id
        FROM
          dashboard.categories
        WHERE
          $3::text IS NULL
          OR category = $3
      )
      AND m.month_key BETWEEN p.months_lo AND p.months_hi
      AND (
        (
          $4::text IS NULL
          AND $5::text IS NULL
        )
        OR m.geo_id IN (
          SELECT
            geo_id
          FROM
            dashboard.places
          WHERE
            (
              $4::text IS NULL
              OR country = $4
            )
            AND (
              $5::text IS NULL
              OR state = $5
            )
        )
      )
      AND (
        $6::text IS NULL
        OR m.payment_method_key IN (
          SELECT
            payment_method_key
          FROM
            warehouse.dim_payment_method
          WHERE
            payment_method_name = $6
        )
      )
    UNION ALL
    SELECT
      s.category_id,
      s.transactions,
      s.quantity,
      s.revenue_cents,
      s.profit_cents
    FROM
      dashboard.sales_cells s,
      dashboard.range_parts ($1::date, $2::date) p
      -- One index range per category (the key leads with category_id, then the date).
    WHERE
      s.category_id IN (
        SELECT
          category_id
        FROM
          dashboard.categories
        WHERE
          $3::text IS NULL
          OR category = $3
      )
      AND (
        s.date_key BETWEEN p.days_before_lo AND p.days_before_hi
        OR s.date_key BETWEEN p.days_after_lo AND p.days_after_hi
      )
      AND (
        (
          $4::text IS NULL
          AND $5::text IS NULL
        )
        OR s.geo_id IN (
          SELECT
            geo_id
          FROM
            dashboard.places
          WHERE
            (
              $4::text IS NULL
              OR country = $4
            )
            AND (
              $5::text IS NULL
              OR state = $5
            )
        )
      )
      AND (
        $6::text IS NULL
        OR s.payment_method_key IN (
          SELECT
            payment_method_key
          FROM
            warehouse.dim_payment_method
          WHERE
            payment_method_name = $6
        )
      )
  ),
  categories AS (
    SELECT
      s.category_id,
      sum(s.transactions) AS orders,
      sum(s.quantity) AS units_sold,
      sum(s.revenue_cents) / 100.0 AS revenue,
      sum(s.profit_cents) / 100.0 AS profit
    FROM
      sales s
    GROUP BY
      s.category_id
  )
SELECT
  c.category,
  t.orders,
  t.units_sold,
  round(t.revenue, 2) AS revenue,
  round(t.revenue - t.profit, 2) AS cost,
  round(t.profit, 2) AS profit,
  round(100 * t.profit / nullif(t.revenue, 0), 2) AS profit_margin_pct,
  round(100 * t.revenue / nullif(sum(t.revenue) OVER (), 0), 2) AS revenue_share_pct
FROM
  categories t
  JOIN dashboard.categories c ON c.category_id = t.category_id
ORDER BY
  t.revenue DESC,
  c.category
