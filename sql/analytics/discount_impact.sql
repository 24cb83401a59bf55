-- Order lines bucketed by their discount percentage: 0 %, (0, 10], (10, 20], (20, 30], over 30
-- (percentages may be fractional: 10.5 % falls in '11-20%'). The discount's money amount is a
-- separate measure. orders = distinct transactions with a line in the band (an order whose lines
-- fall in two bands counts in both); avg_order_value = the band's revenue / those orders.
-- Every band is listed, empty ones with zeros. From the per-band sums and order counts
-- (analysis_sums.sql, analysis_orders.sql); avg(x) is sum(x) / count, as avg() computes it.
WITH
  bands (band_order, discount_band, min_discount_pct, max_discount_pct) AS (
    VALUES
      (1, '0%', 0::numeric, 0::numeric),
      (2, '1-10%', 0, 10),
      (3, '11-20%', 10, 20),
      (4, '21-30%', 20, 30),
      (5, '>30%', 30, 100)
  ),
  band_totals AS (
    SELECT
      s.band AS band_order,
      s.lines,
      o.orders,
      s.units_sold,
      s.gross_revenue,
      s.discount_amount,
      s.revenue,
      s.profit,
      s.discount_pct_sum / s.lines AS avg_discount_pct
    FROM
      pg_temp.analysis_sums s
      JOIN pg_temp.analysis_orders o ON o.kind = 'band'
      AND o.band = s.band
    WHERE
      s.kind = 'band'
  )
  -- One row per band (shared/discount_impact.sql).
  {{discount_impact}}
