-- Orders per payment method of a run's landed orders, most used first, with their share. $1 run id.
-- Reads the run's typed tables (values trimmed, blank NULL, parsed once; libs/pipeline typed-tables.ts):
-- {{customers}}, {{products}}, {{transactions}}, {{transaction_items}}, each of the run only.
SELECT
  coalesce(payment_method, '(none)') AS payment_method,
  count(*) AS orders,
  round(count(*)::numeric / sum(count(*)) OVER (), 4) AS share
FROM
  {{transactions}}
WHERE
  $1::text IS NOT NULL
GROUP BY
  1
ORDER BY
  orders DESC,
  payment_method
