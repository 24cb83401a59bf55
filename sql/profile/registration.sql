-- Orders dated before their customer registered: a count that must be 0 in generated data. A
-- customer's registration is the run's own row (its latest line), else production's for customers
-- of earlier runs. $1 run id. {{earlier_customers}}: production.customers, which the transform
-- reads inside its transaction after its loads (production then also holds the run's own
-- customers, which this reads from the run's rows first, so the count is the one measured before
-- the load); or an empty relation where production held no customers before the run (a first
-- load), so the statement reads no production table and can run on any connection.
-- Reads the run's typed tables (values trimmed, blank NULL, parsed once; libs/pipeline typed-tables.ts):
-- {{customers}}, {{products}}, {{transactions}}, {{transaction_items}}, each of the run only.
WITH
  run_customers AS (
    SELECT DISTINCT
      ON (customer_id) customer_id,
      registration_date__date AS registered
    FROM
      {{customers}}
    WHERE
      $1::text IS NOT NULL
    ORDER BY
      customer_id,
      source_file DESC,
      source_line DESC
  ),
  early AS (
    -- A customer has one registration: the run's row (its latest line), else production's. Only
    -- orders whose customer the run does not hold look production up, one probe of its key each,
    -- so a delta's ~2k orders read ~2k customers, not all 100k (semi-joined with all registrations:
    -- 110 ms of the delta's 145); a first load or a re-delivery holds every customer and probes none.
    SELECT
      count(*) AS orders
    FROM
      {{transactions}} t
      LEFT JOIN run_customers r ON r.customer_id = t.customer_id
    WHERE
      t.transaction_date__date < CASE
        WHEN r.customer_id IS NOT NULL THEN r.registered
        ELSE (
          SELECT
            c.registration_date
          FROM
            {{earlier_customers}} c
          WHERE
            c.customer_id = t.customer_id
        )
      END
  )
SELECT
  orders AS orders_before_registration
FROM
  early
