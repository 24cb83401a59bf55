-- The 100 most valuable customers (customer_id: SCD versions count once) over the warehouse's
-- whole history, with their current name and location. avg_order_value = revenue / orders;
-- lifespan_days = last purchase date - first purchase date.
-- The 100 customers from the dashboard's customer_years (all categories, places and methods; see
-- analysis_source.sql), then their figures from the warehouse's per customer version and day
-- partials: the summaries hold neither units, profit nor the last purchase day per customer.
WITH
  top_customers AS (
    SELECT
      y.customer_no
    FROM
      dashboard.customer_years y
    WHERE
      y.category_id = 0
      AND y.geo_id = 0
    GROUP BY
      y.customer_no
      -- customer_no numbers customer_id in order, so ties fall as by customer_id.
    ORDER BY
      ops.sum_bigint (y.revenue_cents) DESC,
      y.customer_no
    LIMIT
      100
  ),
  top_versions AS (
    SELECT
      c.customer_id,
      c.customer_key
    FROM
      warehouse.dim_customers c
    WHERE
      c.customer_id IN (
        SELECT
          u.customer_id
        FROM
          top_customers t
          JOIN dashboard.customers u ON u.customer_no = t.customer_no
      )
  ),
  -- Their days from warehouse.agg_customer_daily (per customer version and day, kept equal to a full
  -- recompute of fact_sales by the warehouse stage) through its primary key: ~40k day rows for the
  -- top 100 at 1M orders, where their fact lines were ~109k (~0.3 s). A transaction has one date
  -- and one version, so the per-day distinct counts add up.
  per_customer AS (
    SELECT
      v.customer_id,
      sum(a.transactions) AS orders,
      sum(a.quantity)::bigint AS units_sold,
      sum(a.revenue) AS revenue,
      sum(a.profit) AS profit,
      min(d.full_date) AS first_purchase_date,
      max(d.full_date) AS last_purchase_date
    FROM
      top_versions v
      JOIN warehouse.agg_customer_daily a ON a.customer_key = v.customer_key
      JOIN warehouse.dim_date d ON d.date_key = a.date_key
    GROUP BY
      v.customer_id
  ),
  current_customer AS (
    SELECT DISTINCT
      ON (c.customer_id) c.customer_id,
      c.full_name,
      c.country,
      c.state,
      c.age_group
    FROM
      warehouse.dim_customers c
      -- = ANY of an array: 100 probes of the customer_id index, where IN hashed a scan of every version.
    WHERE
      c.customer_id = ANY (
        ARRAY(
          SELECT
            customer_id
          FROM
            per_customer
        )
      )
    ORDER BY
      c.customer_id,
      c.is_current DESC,
      c.effective_date DESC
  )
  -- The ranked rows (shared/customer_lifetime_value.sql).
  {{customer_lifetime_value}}
