-- The 100 most valuable customers (customer_id: SCD versions count once) over the warehouse's
-- whole history, with their current name and location. avg_order_value = revenue / orders;
-- lifespan_days = last purchase date - first purchase date.
-- The 100 customers from warehouse.customer_totals (per customer_id, kept equal to a full
-- recompute from the facts by the warehouse stage; with the summaries, see analysis_source.sql,
-- its spent is exactly the summaries' revenue per customer, see from_summaries/customer_segments.sql)
-- through its spent index: ~100 rows read where grouping customer_years read ~87k at 1M. Then
-- their figures from the warehouse's per customer version and day partials: the summaries hold
-- neither units, profit nor the last purchase day per customer.
WITH
  top_customers AS (
    SELECT
      t.customer_id
    FROM
      warehouse.customer_totals t
      -- Ties by customer_id, as by the summaries' customer_no (which numbers customer_id in order).
    ORDER BY
      t.spent DESC,
      t.customer_id
    LIMIT
      100
  ),
  top_versions AS (
    SELECT
      c.customer_id,
      c.customer_key
    FROM
      warehouse.dim_customers c
      -- = ANY of an array: 100 probes of the customer_id index (IN hashed a scan of every version).
    WHERE
      c.customer_id = ANY (
        ARRAY(
          SELECT
            t.customer_id
          FROM
            top_customers t
        )
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
      -- LATERAL: each version's days by the primary key (OFFSET 0 keeps it a probe: joined, the
      -- planner hashed every day row for the ~100 versions it took for thousands).
      CROSS JOIN LATERAL (
        SELECT
          a.transactions,
          a.quantity,
          a.revenue,
          a.profit,
          a.date_key
        FROM
          warehouse.agg_customer_daily a
        WHERE
          a.customer_key = v.customer_key
        OFFSET
          0
      ) AS a
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
