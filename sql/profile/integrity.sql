-- Two counts that must be 0 in generated data. Orders dated before their customer registered
-- (the run's own customer rows first, then production's for customers of earlier runs). And
-- geography mismatches: customer rows and shipping addresses (their last three parts) whose city
-- appears with another (state, country) than the city's usual one. $1 run id.
-- Reads the run's typed tables (values trimmed, blank NULL, parsed once; libs/pipeline typed-tables.ts):
-- {{customers}}, {{products}}, {{transactions}}, {{transaction_items}}, each of the run only.
WITH run_customers AS (
  SELECT DISTINCT ON (customer_id) customer_id, registration_date__date AS registered
    FROM {{customers}}
   WHERE $1::text IS NOT NULL
   ORDER BY customer_id, source_file DESC, source_line DESC
), registrations AS (
  SELECT customer_id, registered FROM run_customers
  UNION ALL
  SELECT c.customer_id, c.registration_date
    FROM production.customers c
   WHERE NOT EXISTS (SELECT 1 FROM run_customers r WHERE r.customer_id = c.customer_id)
), early AS (
  SELECT count(*) AS orders
    FROM {{transactions}} t
    JOIN registrations r ON r.customer_id = t.customer_id
   WHERE t.transaction_date__date < r.registered
), address_parts AS (
  -- What regexp_match(shipping_address, ',([^,]+),([^,]+),([^,]+)$') returns (the last three
  -- comma-separated parts, each non-empty, after at least one comma; else NULL), by splitting:
  -- the capture-group regex cost up to 3 s per 100,000 addresses on a fresh connection. OFFSET 0
  -- splits each address once rather than once per reference.
  SELECT CASE WHEN n >= 4 AND p[n - 2] <> '' AND p[n - 1] <> '' AND p[n] <> '' THEN p[n - 2 : n] END AS m
    FROM (SELECT p, cardinality(p) AS n
            FROM (SELECT string_to_array(shipping_address, ',') AS p FROM {{transactions}} OFFSET 0) s) a
), places AS (
  SELECT city, state, country
    FROM {{customers}}
  UNION ALL
  SELECT btrim(m[1]), btrim(m[2]), btrim(m[3])
    FROM address_parts
), pairings AS (
  SELECT city, state, country, count(*) AS rows FROM places GROUP BY city, state, country
), cities AS (
  SELECT city, sum(rows) AS rows, max(rows) AS usual FROM pairings GROUP BY city
)
SELECT (SELECT orders FROM early) AS orders_before_registration,
       coalesce(sum(rows - usual), 0) AS geography_mismatches
  FROM cities
