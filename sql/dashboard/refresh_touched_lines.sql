-- The customers and (month, product) pairs the touched days' lines feed now.
INSERT INTO
  pg_temp.dashboard_touched (customer_no, month_key, product_no)
SELECT DISTINCT
  l.customer_no,
  NULL::integer,
  NULL::integer
FROM
  pg_temp.dashboard_lines l
WHERE
  l.customer_no IS NOT NULL
UNION ALL
SELECT DISTINCT
  NULL::integer,
  l.date_key / 100,
  l.product_no
FROM
  pg_temp.dashboard_lines l
WHERE
  l.product_no IS NOT NULL
