-- Appends to warehouse.customer_changes the customers production changed inside this load's window
-- ($2, $3] of updated_at, when what the warehouse keeps of them differs from the latest state
-- already recorded. $1 run id, $4 the load's as-of date.
--
-- Effective date of a recorded state:
--   - a customer's first state: 1900-01-01, so every sale, however old, finds a version;
--   - a later change: the as-of date, or the latest recorded state's date if that is later (a run
--     delivering an older batch cannot slip a change in before one already recorded). When that is
--     the latest state's own date (two changes the same day), the state is overwritten in place.
-- A re-delivered unchanged customer is not in the window (the transformer leaves updated_at alone)
-- and, if it were, would match its latest state: either way nothing is written.
WITH
  delivered AS (
    SELECT
      c.customer_id,
      c.first_name || ' ' || c.last_name AS full_name,
      c.email,
      c.city,
      c.state,
      c.country,
      c.age_group,
      c.registration_date
    FROM
      production.customers c
    WHERE
      c.updated_at > coalesce($2::timestamptz, '-infinity')
      AND c.updated_at <= $3::timestamptz
  ),
  latest AS (
    SELECT DISTINCT
      ON (l.customer_id) l.*
    FROM
      warehouse.customer_changes l
    WHERE
      l.customer_id IN (
        SELECT
          customer_id
        FROM
          delivered
      )
    ORDER BY
      l.customer_id,
      l.effective_date DESC
  )
INSERT INTO
  warehouse.customer_changes AS l (
    customer_id,
    effective_date,
    full_name,
    email,
    city,
    state,
    country,
    age_group,
    registration_date,
    run_id
  )
SELECT
  d.customer_id,
  CASE
    WHEN p.customer_id IS NULL THEN DATE '1900-01-01'
    ELSE greatest($4::date, p.effective_date)
  END,
  d.full_name,
  d.email,
  d.city,
  d.state,
  d.country,
  d.age_group,
  d.registration_date,
  $1
FROM
  delivered d
  LEFT JOIN latest p ON p.customer_id = d.customer_id
WHERE
  p.customer_id IS NULL
  OR (d.full_name, d.email, d.city, d.state, d.country, d.age_group, d.registration_date) IS DISTINCT FROM (p.full_name, p.email, p.city, p.state, p.country, p.age_group, p.registration_date)
ORDER BY
  d.customer_id
ON CONFLICT (customer_id, effective_date) DO UPDATE
SET
  full_name = EXCLUDED.full_name,
  email = EXCLUDED.email,
  city = EXCLUDED.city,
  state = EXCLUDED.state,
  country = EXCLUDED.country,
  age_group = EXCLUDED.age_group,
  registration_date = EXCLUDED.registration_date,
  run_id = EXCLUDED.run_id
