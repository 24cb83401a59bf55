-- The customers the load the summaries do not reflect yet may have changed (the newest load,
-- unless refresh_state names it: refresh_plan.sql's new_load_run_id, read here so that the file
-- takes no parameter), as a full refresh would write them (refresh_customers.sql), beside their
-- current codes, to check and merge (refresh_codes_kept.sql, refresh_merge_dimensions.sql). A load
-- writes dim_customers only for the customers whose change log it wrote (warehouse.customer_changes
-- of its run: customer_versions.sql, dim_customers.sql; customer_segments.sql sets only the
-- segment, which the summaries do not keep), as refresh_touched_days.sql also relies on; every
-- other customer's row is as the last refresh wrote it. So only these are compared, where every
-- customer was (its name and home picked by sorting all ~100k by customer_id, then an EXCEPT and a
-- join of them all: ~0.4 s of a 1M one-day delta).
-- Codes are row numbers in customer_id order (refresh_customers.sql, and the merge appends new
-- customers in that order), so every code stays when no customer goes and every new customer_id
-- sorts after the greatest one coded: the new ones then take the codes after the last, in order.
-- kept is false for a customer that went or a new one that would renumber others.
CREATE TEMP TABLE dashboard_next_customers ON
COMMIT
DROP AS
WITH
  touched AS ({{touched_customers}}),
  -- = ANY of an array: index conditions (customer_id leads both indexes); as a semi-join the
  -- planner guessed half the table and hashed a scan of every version.
  chosen AS (
    SELECT DISTINCT
      ON (d.customer_id) d.customer_id,
      d.full_name,
      d.country,
      d.state,
      d.registration_date
    FROM
      warehouse.dim_customers d
    WHERE
      d.customer_id = ANY (
        ARRAY(
          SELECT
            customer_id
          FROM
            touched
        )
      )
      AND d.customer_key <> -1
    ORDER BY
      d.customer_id,
      d.is_current DESC,
      d.effective_date DESC
  ),
  coded AS (
    SELECT
      o.customer_no,
      o.customer_id
    FROM
      dashboard.customers o
    WHERE
      o.customer_id = ANY (
        ARRAY(
          SELECT
            customer_id
          FROM
            touched
        )
      )
  ),
  -- Through the indexes (primary key, unique customer_id).
  last AS (
    SELECT
      max(customer_no) AS customer_no,
      max(customer_id) AS customer_id
    FROM
      dashboard.customers
  )
SELECT
  coalesce(
    e.customer_no,
    coalesce(z.customer_no, 0) + row_number() OVER (
      PARTITION BY
        e.customer_no IS NULL
      ORDER BY
        c.customer_id
    )
  )::integer AS customer_no,
  coalesce(c.customer_id, e.customer_id) AS customer_id,
  c.full_name,
  c.country,
  c.state,
  c.registration_date,
  CASE
    WHEN e.customer_no IS NOT NULL THEN c.customer_id IS NOT NULL
    ELSE z.customer_id IS NULL
    OR c.customer_id > z.customer_id
  END AS kept
FROM
  chosen c
  FULL JOIN coded e ON e.customer_id = c.customer_id
  CROSS JOIN last z
