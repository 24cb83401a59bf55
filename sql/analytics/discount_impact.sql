-- Order lines bucketed by their discount percentage: 0 %, (0, 10], (10, 20], (20, 30], over 30
-- (percentages may be fractional: 10.5 % falls in '11-20%'). The discount's money amount is a
-- separate measure. orders = distinct transactions with a line in the band (an order whose lines
-- fall in two bands counts in both); avg_order_value = the band's revenue / those orders.
-- Every band is listed, empty ones with zeros.
WITH bands (band_order, discount_band, min_discount_pct, max_discount_pct) AS (
  VALUES (1, '0%', 0::numeric, 0::numeric),
         (2, '1-10%', 0, 10),
         (3, '11-20%', 10, 20),
         (4, '21-30%', 20, 30),
         (5, '>30%', 30, 100)
),
banded AS (
  SELECT CASE WHEN f.discount_percentage <= 0 THEN 1
              WHEN f.discount_percentage <= 10 THEN 2
              WHEN f.discount_percentage <= 20 THEN 3
              WHEN f.discount_percentage <= 30 THEN 4
              ELSE 5 END AS band_order,
         f.*
    FROM warehouse.fact_sales f
),
band_totals AS (
  SELECT b.band_order,
         count(*) AS lines,
         count(DISTINCT b.transaction_id) AS orders,
         sum(b.quantity) AS units_sold,
         sum(b.quantity * b.unit_price) AS gross_revenue,
         sum(b.discount_amount) AS discount_amount,
         sum(b.line_total) AS revenue,
         sum(b.profit) AS profit,
         avg(b.discount_percentage) AS avg_discount_pct
    FROM banded b
   GROUP BY b.band_order
)
SELECT d.band_order,
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
  FROM bands d
  LEFT JOIN band_totals t ON t.band_order = d.band_order
 ORDER BY d.band_order
