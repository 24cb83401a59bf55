-- The customers whose segment customer_segments.sql re-evaluates (it says why these suffice):
-- everyone when $1 (a rebuild or a bulk load) is true or a segment bound appeared or went;
-- otherwise the customers this load touched (metrics or versions) and those whose value a moved
-- bound crossed: the latest sale date moved past its last purchase + 90 days or its first purchase
-- + 30 days, or the VIP bound moved past its total. A table of its own with statistics
-- (analyze_segment_candidates.sql), so the update's plan fits a few thousand customers or all.
-- For this transaction only.
CREATE TEMP TABLE warehouse_segment_candidates ON
COMMIT
DROP AS
WITH
  before AS (
    SELECT
      *
    FROM
      pg_temp.warehouse_segment_bounds_before
  ),
  after AS (
    SELECT
      *
    FROM
      pg_temp.warehouse_segment_bounds_after
  ),
  everyone AS (
    SELECT
      $1::boolean
      OR (b.latest_sale_date IS NULL) <> (a.latest_sale_date IS NULL)
      OR (b.vip_min_spent IS NULL) <> (a.vip_min_spent IS NULL) AS yes
    FROM
      before b,
      after a
  ),
  -- Each bound's old and new value, lower first: the values whose verdict may flip. A bound that
  -- did not move leaves the values equal to it (a harmless extra).
  moved AS (
    SELECT
      least(b.latest_sale_date, a.latest_sale_date) - 90 AS risk_from,
      greatest(b.latest_sale_date, a.latest_sale_date) - 90 AS risk_to,
      least(b.latest_sale_date, a.latest_sale_date) - 30 AS new_from,
      greatest(b.latest_sale_date, a.latest_sale_date) - 30 AS new_to,
      least(b.vip_min_spent, a.vip_min_spent) AS vip_from,
      greatest(b.vip_min_spent, a.vip_min_spent) AS vip_to
    FROM
      before b,
      after a
  )
SELECT
  c.customer_id
FROM
  warehouse.dim_customers c
WHERE
  c.customer_key <> -1
  AND (
    SELECT
      yes
    FROM
      everyone
  )
UNION
-- = ANY of an array: the keys probe the primary key (joined, the planner hashed every version).
SELECT
  c.customer_id
FROM
  warehouse.dim_customers c
WHERE
  NOT (
    SELECT
      yes
    FROM
      everyone
  )
  AND c.customer_key <> -1
  AND c.customer_key = ANY (
    ARRAY(
      SELECT DISTINCT
        customer_key
      FROM
        pg_temp.warehouse_touched
    )
  )
UNION
-- Customers whose versions this load re-derived (new, changed, split or merged versions).
SELECT
  v.customer_id
FROM
  pg_temp.warehouse_customer_versions v
WHERE
  NOT (
    SELECT
      yes
    FROM
      everyone
  )
UNION
-- Each range through its index.
SELECT
  t.customer_id
FROM
  warehouse.customer_totals t,
  moved m
WHERE
  NOT (
    SELECT
      yes
    FROM
      everyone
  )
  AND t.last_purchase_date BETWEEN m.risk_from AND m.risk_to
UNION
SELECT
  t.customer_id
FROM
  warehouse.customer_totals t,
  moved m
WHERE
  NOT (
    SELECT
      yes
    FROM
      everyone
  )
  AND t.first_purchase_date BETWEEN m.new_from AND m.new_to
UNION
SELECT
  t.customer_id
FROM
  warehouse.customer_totals t,
  moved m
WHERE
  NOT (
    SELECT
      yes
    FROM
      everyone
  )
  AND t.spent BETWEEN m.vip_from AND m.vip_to
