-- The run's staged transactions ($1), trimmed, blanks NULL, parsed once (__date as ops.safe_date,
-- __time as ops.safe_time, __numeric as ops.safe_numeric). As typed/customers.sql. The casts give
-- what those functions (migrations 0001, 0014) give, on the value trimmed once and with their
-- patterns tested on the value's non-digits and fixed positions instead of by regular expression,
-- as in typed/transaction_items.sql: YYYY-MM-DD is 10 characters whose non-digits are the two '-'
-- at 5 and 8, month 01-12, day 01-31 and within the month; HH:MM[:SS] is 5 or 8 characters whose
-- non-digits are the ':' at 3 (and 6), hour <= 23, minutes and seconds <= 59. payment_method is
-- categorical, as in typed/customers.sql (canonical spelling; unknown_field / unknown_text /
-- unknown_reason). Template: {{table}} the typed table.
CREATE UNLOGGED TABLE {{table}} AS
SELECT
  s.ctid AS line_ctid,
  s.source_file,
  s.source_line,
  coalesce(t.transaction_id, s.source_file || ':' || s.source_line) AS record_id,
  t.transaction_id,
  t.customer_id,
  t.transaction_date,
  t.transaction_time,
  CASE
    WHEN t.payment_method IS NOT NULL THEN coalesce(payment_method.value, f.payment_method_default, t.payment_method)
  END AS payment_method,
  t.shipping_address,
  t.total_amount,
  CASE
    WHEN octet_length(t.transaction_date) = 10
    AND t.transaction_date__nondigits = '--'
    AND substr(t.transaction_date, 5, 1) = '-'
    AND substr(t.transaction_date, 8, 1) = '-'
    AND substr(t.transaction_date, 6, 2) COLLATE "C" BETWEEN '01' AND '12'
    AND substr(t.transaction_date, 9, 2) COLLATE "C" BETWEEN '01' AND '31'
    -- Only a 29th, 30th or 31st needs its month's length.
    AND (
      substr(t.transaction_date, 9, 2) COLLATE "C" <= '28'
      OR substr(t.transaction_date, 9, 2)::int <= extract(
        day
        FROM
          (date_trunc('month', (substr(t.transaction_date, 1, 8) || '01')::date) + interval '1 month - 1 day')
      )
    ) THEN t.transaction_date::date
  END AS transaction_date__date,
  CASE
    WHEN substr(t.transaction_time, 3, 1) = ':'
    AND left(t.transaction_time, 2) COLLATE "C" <= '23'
    AND substr(t.transaction_time, 4, 2) COLLATE "C" <= '59'
    AND (
      (
        octet_length(t.transaction_time) = 5
        AND t.transaction_time__nondigits = ':'
      )
      OR (
        octet_length(t.transaction_time) = 8
        AND t.transaction_time__nondigits = '::'
        AND substr(t.transaction_time, 6, 1) = ':'
        AND substr(t.transaction_time, 7, 2) COLLATE "C" <= '59'
      )
    ) THEN t.transaction_time::time
  END AS transaction_time__time,
  CASE
    WHEN (
      t.total_amount__nondigits IN ('', '.')
      OR (
        t.total_amount__nondigits IN ('+', '-', '+.', '-.')
        AND left(t.total_amount, 1) = left(t.total_amount__nondigits, 1)
      )
    )
    AND octet_length(t.total_amount) > octet_length(t.total_amount__nondigits)
    AND octet_length(t.total_amount) <= 30 THEN t.total_amount::numeric
  END AS total_amount__numeric,
  CASE
    WHEN t.payment_method IS NOT NULL
    AND payment_method.value IS NULL
    AND f.payment_method_default IS NULL THEN 'payment_method'
  END AS unknown_field,
  CASE
    WHEN t.payment_method IS NOT NULL
    AND payment_method.value IS NULL
    AND f.payment_method_default IS NULL THEN t.payment_method
  END AS unknown_text,
  CASE
    WHEN t.payment_method IS NOT NULL
    AND payment_method.value IS NULL
    AND f.payment_method_default IS NULL THEN f.payment_method_reason
  END AS unknown_reason
FROM
  staging.transactions s
  CROSS JOIN LATERAL (
    -- The text of the parsed columns without its digits: what the casts below test a value's
    -- shape on (a regular expression per value cost ~25% of the build at 1M orders).
    SELECT
      x.*,
      translate(x.transaction_date, '0123456789', '') AS transaction_date__nondigits,
      translate(x.transaction_time, '0123456789', '') AS transaction_time__nondigits,
      translate(x.total_amount, '0123456789', '') AS total_amount__nondigits
    FROM
      (
        SELECT
          nullif(btrim(s.transaction_id), '') AS transaction_id,
          nullif(btrim(s.customer_id), '') AS customer_id,
          nullif(btrim(s.transaction_date), '') AS transaction_date,
          nullif(btrim(s.transaction_time), '') AS transaction_time,
          nullif(btrim(s.payment_method), '') AS payment_method,
          nullif(btrim(s.shipping_address), '') AS shipping_address,
          nullif(btrim(s.total_amount), '') AS total_amount
        OFFSET
          0
      ) x
    OFFSET
      0
  ) t
  CROSS JOIN (
    SELECT
      max(default_value) FILTER (
        WHERE
          field = 'payment_method'
      ) AS payment_method_default,
      max(reason_code) FILTER (
        WHERE
          field = 'payment_method'
      ) AS payment_method_reason
    FROM
      ops.categorical_fields
  ) f
  LEFT JOIN LATERAL (
    SELECT
      v.value
    FROM
      ops.categorical_values v
    WHERE
      v.field = 'payment_method'
      AND v.key = ops.fold_key (t.payment_method)
    LIMIT
      1
  ) payment_method ON true
WHERE
  s.run_id = $1
