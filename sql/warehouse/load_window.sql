-- The production window and the business as-of date of run $1's load.
-- $1 run id, $2 as-of date the run itself names (a generated run's endDate) or NULL.
--
-- Loading a run that already loaded reuses the window and as-of date it recorded, so a duplicate
-- load reads exactly the same rows and writes nothing. Otherwise, per production table, the window
-- is (highest `to` of earlier loads, newest updated_at now], with the newest bound held below the
-- start of any transaction that may still write production: a transformer that started before us
-- stamps its rows with its own start time (now()) but commits later, and those rows must fall in
-- the NEXT window, not behind this one. Such a transaction is one whose connection holds the
-- production writer lock, which the transform takes before its BEGIN and keeps past its end
-- (transform/production_writer_lock.sql): from the moment it can stamp a row, it shows here. Other
-- transactions open in the database (readers, the queue store, autovacuum, an analyst's session)
-- write no production row and hold nothing back.
--
-- As-of date: the run's own date when it names one; else the latest transaction date among the
-- lines the window delivers; else the day the run was created.
WITH
  recorded AS (
    SELECT
      *
    FROM
      ops.warehouse_loads
    WHERE
      run_id = $1
  ),
  previous AS (
    SELECT
      max(customers_to) AS customers,
      max(products_to) AS products,
      max(transactions_to) AS transactions,
      max(items_to) AS items
    FROM
      ops.warehouse_loads
    WHERE
      run_id <> $1
  ),
  open_writers AS (
    SELECT
      min(a.xact_start) - interval '1 microsecond' AS horizon
    FROM
      pg_locks l
      JOIN pg_stat_activity a ON a.pid = l.pid
    WHERE
      l.locktype = 'advisory'
      AND l.database = (
        SELECT
          oid
        FROM
          pg_database
        WHERE
          datname = current_database()
      )
      AND l.classid = hashtext ('ecom.production')::oid
      AND l.objid = hashtext ('writer')::oid
      AND l.objsubid = 2
      AND l.granted
      AND l.pid <> pg_backend_pid()
  ),
  newest AS (
    SELECT
      (
        SELECT
          max(updated_at)
        FROM
          production.customers
      ) AS customers,
      (
        SELECT
          max(updated_at)
        FROM
          production.products
      ) AS products,
      (
        SELECT
          max(updated_at)
        FROM
          production.transactions
      ) AS transactions,
      (
        SELECT
          max(updated_at)
        FROM
          production.transaction_items
      ) AS items
  ),
  fresh AS (
    -- least() ignores NULL (no writer open); greatest() keeps the previous bound when the
    -- horizon lies behind it, so windows never run backwards.
    SELECT
      p.customers AS customers_from,
      greatest(p.customers, least(n.customers, o.horizon)) AS customers_to,
      p.products AS products_from,
      greatest(p.products, least(n.products, o.horizon)) AS products_to,
      p.transactions AS transactions_from,
      greatest(p.transactions, least(n.transactions, o.horizon)) AS transactions_to,
      p.items AS items_from,
      greatest(p.items, least(n.items, o.horizon)) AS items_to
    FROM
      previous p
      CROSS JOIN newest n
      CROSS JOIN open_writers o
  ),
  fresh_as_of AS (
    SELECT
      coalesce(
        $2::date,
        (
          SELECT
            max(t.transaction_date)
          FROM
            production.transaction_items i
            JOIN production.transactions t ON t.transaction_id = i.transaction_id
          WHERE
            (
              i.updated_at > coalesce(f.items_from, '-infinity')
              AND i.updated_at <= f.items_to
            )
            OR (
              t.updated_at > coalesce(f.transactions_from, '-infinity')
              AND t.updated_at <= f.transactions_to
            )
        ),
        (
          SELECT
            created_at::date
          FROM
            ops.runs
          WHERE
            run_id = $1
        )
      ) AS as_of_date
    FROM
      fresh f
  )
  -- Timestamps travel as text: a JavaScript Date would drop their microseconds and shift the bounds.
SELECT
  true AS recorded,
  r.as_of_date::text AS as_of_date,
  r.customers_from::text AS customers_from,
  r.customers_to::text AS customers_to,
  r.products_from::text AS products_from,
  r.products_to::text AS products_to,
  r.transactions_from::text AS transactions_from,
  r.transactions_to::text AS transactions_to,
  r.items_from::text AS items_from,
  r.items_to::text AS items_to
FROM
  recorded r
UNION ALL
SELECT
  false,
  a.as_of_date::text,
  f.customers_from::text,
  f.customers_to::text,
  f.products_from::text,
  f.products_to::text,
  f.transactions_from::text,
  f.transactions_to::text,
  f.items_from::text,
  f.items_to::text
FROM
  fresh f
  CROSS JOIN fresh_as_of a
WHERE
  NOT EXISTS (
    SELECT
      1
    FROM
      recorded
  )
