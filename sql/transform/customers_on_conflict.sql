-- The upsert of sql/transform/customers.sql (spliced into its {{on_conflict}}) when production.customers
-- already holds rows: a row already there is updated only when a value differs, and updated_at moves
-- only when a business column changed, so a rerun writes nothing. last_run_id names the run that
-- last wrote the row (inserted or changed it): a re-delivered identical row keeps its tuple, its
-- updated_at and its last_run_id (rewriting ~2.5M lines only to stamp them cost run 2 of the 1M
-- bench ~80 s); what a run delivered is its accepted staged keys (sql/quality/reconcile_*.sql). phone_e164 is derived from phone and
-- country: it is rewritten with them, and alone it does not move updated_at. A first load into the empty table
-- (its primary key dropped by bulk_load_prepare.sql when nothing references it) inserts plainly.
ON CONFLICT (customer_id) DO UPDATE
SET
  first_name = EXCLUDED.first_name,
  last_name = EXCLUDED.last_name,
  email = EXCLUDED.email,
  phone = EXCLUDED.phone,
  phone_e164 = EXCLUDED.phone_e164,
  registration_date = EXCLUDED.registration_date,
  city = EXCLUDED.city,
  state = EXCLUDED.state,
  country = EXCLUDED.country,
  age_group = EXCLUDED.age_group,
  last_run_id = EXCLUDED.last_run_id,
  updated_at = CASE
    WHEN (
      p.first_name,
      p.last_name,
      p.email,
      p.phone,
      p.registration_date,
      p.city,
      p.state,
      p.country,
      p.age_group
    ) IS DISTINCT FROM (
      EXCLUDED.first_name,
      EXCLUDED.last_name,
      EXCLUDED.email,
      EXCLUDED.phone,
      EXCLUDED.registration_date,
      EXCLUDED.city,
      EXCLUDED.state,
      EXCLUDED.country,
      EXCLUDED.age_group
    ) THEN now()
    ELSE p.updated_at
  END
WHERE
  (
    p.first_name,
    p.last_name,
    p.email,
    p.phone,
    p.phone_e164,
    p.registration_date,
    p.city,
    p.state,
    p.country,
    p.age_group
  ) IS DISTINCT FROM (
    EXCLUDED.first_name,
    EXCLUDED.last_name,
    EXCLUDED.email,
    EXCLUDED.phone,
    EXCLUDED.phone_e164,
    EXCLUDED.registration_date,
    EXCLUDED.city,
    EXCLUDED.state,
    EXCLUDED.country,
    EXCLUDED.age_group
  )
