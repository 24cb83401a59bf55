-- Parameters (every dashboard query): $1 from date, $2 to date, $3 category, $4 country,
-- $5 state, $6 payment method name; NULL means "not filtered".
-- Order lines bucketed by discount percentage: 0 %, (0, 10], (10, 20], (20, 30], over 30. The
-- discount's money amount is a separate measure. orders = transactions with a line in the band.
-- Every band is listed; with no sales at all the result is empty.
WITH
  bands (discount_band, band, min_discount_pct, max_discount_pct) AS (
    VALUES
      (1, '0%', 0, 0),
      (2, '1-10%', 0, 10),
      (3, '11-20%', 10, 20),
      (4, '21-30%', 20, 30),
      (5, '>30%', 30, 100)
  ),
  totals AS (
    SELECT
      s.discount_band,
      sum(s.lines) AS lines,
      sum(s.transactions) AS orders,
      sum(s.quantity) AS units_sold,
      sum(s.gross_cents) / 100.0 AS gross_revenue,
      sum(s.discount_cents) / 100.0 AS discount_amount,
      sum(s.revenue_cents) / 100.0 AS revenue,
      sum(s.profit_cents) / 100.0 AS profit
    FROM
      dashboard.discount_cells_in ($1::date, $2::date, $3::text, $4::text, $5::text, $6::text) s
    GROUP BY
      s.discount_band
  )
SELECT
  b.band AS discount_band,
  b.min_discount_pct,
  b.max_discount_pct,
  coalesce(t.lines, 0) AS lines,
  coalesce(t.orders, 0) AS orders,
  coalesce(t.units_sold, 0) AS units_sold,
  round(coalesce(t.gross_revenue, 0), 2) AS gross_revenue,
  round(coalesce(t.discount_amount, 0), 2) AS discount_amount,
  round(coalesce(t.revenue, 0), 2) AS revenue,
  round(coalesce(t.profit, 0), 2) AS profit,
  round(100 * t.profit / nullif(t.revenue, 0), 2) AS profit_margin_pct,
  round(t.revenue / nullif(t.orders, 0), 2) AS avg_order_value
FROM
  bands b
  LEFT JOIN totals t ON t.discount_band = b.discount_band
WHERE
  EXISTS (
    SELECT
      1
    FROM
      totals
  )
ORDER BY
  b.discount_band
