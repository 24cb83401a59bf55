-- dim_customers (SCD type 2): applies warehouse_customer_versions (customer_versions.sql).
--   - a version whose values or validity changed is updated in place (closing the current version
--     sets end_date and is_current = false; a same-day change rewrites that day's version);
--   - a missing version is inserted, in (customer_id, effective_date) order;
--   - a version the history no longer has (a same-day change reverted) is deleted; its facts are
--     re-pointed later in the transaction, which the deferred foreign keys allow.
-- Unchanged versions are not written. One current row per customer is checked at commit.
WITH
  removed AS (
    DELETE FROM warehouse.dim_customers d USING pg_temp.warehouse_customer_versions v
    WHERE
      d.customer_key = v.existing_key
      AND NOT v.desired
    RETURNING
      1
  ),
  updated AS (
    UPDATE warehouse.dim_customers d
    SET
      full_name = v.full_name,
      email = v.email,
      city = v.city,
      state = v.state,
      country = v.country,
      age_group = v.age_group,
      registration_date = v.registration_date,
      end_date = v.end_date,
      is_current = v.is_current
    FROM
      pg_temp.warehouse_customer_versions v
    WHERE
      d.customer_key = v.existing_key
      AND v.desired
      AND v.changed
    RETURNING
      1
  ),
  inserted AS (
    INSERT INTO
      warehouse.dim_customers (
        customer_id,
        full_name,
        email,
        city,
        state,
        country,
        age_group,
        registration_date,
        effective_date,
        end_date,
        is_current
      )
    SELECT
      v.customer_id,
      v.full_name,
      v.email,
      v.city,
      v.state,
      v.country,
      v.age_group,
      v.registration_date,
      v.effective_date,
      v.end_date,
      v.is_current
    FROM
      pg_temp.warehouse_customer_versions v
    WHERE
      v.desired
      AND v.existing_key IS NULL
    ORDER BY
      v.customer_id,
      v.effective_date
    RETURNING
      1
  )
SELECT
  (
    SELECT
      count(*)
    FROM
      removed
  )::int AS removed,
  (
    SELECT
      count(*)
    FROM
      updated
  )::int AS updated,
  (
    SELECT
      count(*)
    FROM
      inserted
  )::int AS inserted
