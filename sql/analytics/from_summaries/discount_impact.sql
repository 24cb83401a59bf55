-- Order lines bucketed by their discount percentage: 0 %, (0, 10], (10, 20], (20, 30], over 30
-- (percentages may be fractional: 10.5 % falls in '11-20%'). The discount's money amount is a
-- separate measure. orders = distinct transactions with a line in the band (an order whose lines
-- fall in two bands counts in both); avg_order_value = the band's revenue / those orders.
-- Every band is listed, empty ones with zeros. From the dashboard's discount_cells (see
-- analysis_source.sql); avg(x) is sum(x) / count, as avg() computes it.
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
      c.discount_band AS band_order,
      sum(c.lines)::bigint AS lines,
      sum(c.transactions)::bigint AS orders,
      ops.sum_bigint (c.quantity) AS units_sold,
      round(ops.sum_bigint (c.gross_cents) / 100.0, 2) AS gross_revenue,
      round(ops.sum_bigint (c.discount_cents) / 100.0, 2) AS discount_amount,
      round(ops.sum_bigint (c.revenue_cents) / 100.0, 2) AS revenue,
      round(ops.sum_bigint (c.profit_cents) / 100.0, 2) AS profit,
      round(ops.sum_bigint (c.discount_pct_cents) / 100.0, 2) / sum(c.lines)::bigint AS avg_discount_pct
    FROM
      dashboard.discount_cells c
    WHERE
      c.category_id = 0
    GROUP BY
      c.discount_band
  )
  -- One row per band (shared/discount_impact.sql).
  {{discount_impact}}
