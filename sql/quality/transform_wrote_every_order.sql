-- Whether run $1 wrote every production order: no order of another run is there (a first load).
-- reconcile_staging_production_order_total.sql's $2. A run after the first finds an older order
-- on the table's first page.
SELECT
  NOT EXISTS (
    SELECT
      1
    FROM
      production.transactions t
    WHERE
      t.last_run_id <> $1
  ) AS yes
