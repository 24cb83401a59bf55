-- The final SELECT of discount_impact.sql and from_summaries/discount_impact.sql, written once
-- (spliced in where they name this file): one row per discount band, empty bands with zeros, from
-- the CTEs bands and band_totals (each band's sums) each of them defines.
SELECT
  d.band_order,
  d.discount_band,
  d.min_discount_pct,
  d.max_discount_pct,
  coalesce(t.lines, 0) AS lines,
  coalesce(t.orders, 0) AS orders,
  coalesce(t.units_sold, 0) AS units_sold,
  coalesce(t.gross_revenue, 0) AS gross_revenue,
  coalesce(t.discount_amount, 0) AS discount_amount,
  coalesce(t.revenue, 0) AS revenue,
  coalesce(t.profit, 0) AS profit,
  round(t.revenue / nullif(t.orders, 0), 2) AS avg_order_value,
  round(100 * t.profit / nullif(t.revenue, 0), 2) AS profit_margin_pct,
  round(100 * coalesce(t.revenue, 0) / nullif(sum(t.revenue) OVER (), 0), 2) AS revenue_share_pct,
  round(t.avg_discount_pct, 2) AS avg_discount_pct
FROM
  bands d
  LEFT JOIN band_totals t ON t.band_order = d.band_order
ORDER BY
  d.band_order
