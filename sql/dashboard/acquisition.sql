-- Parameters (every dashboard query): $1 from date, $2 to date, $3 category, $4 country,
-- $5 state, $6 payment method name; NULL means "not filtered".
-- Acquisition: customers who bought in the selection, by the month they registered; with a date
-- range, only customers who registered inside it (acquired in the period).
-- customer_spend: the selection's sales per customer (dashboard.customer_totals, migration 0015).
WITH
  customer_spend AS (
    SELECT
      customer_no,
      spent_cents,
      orders
    FROM
      dashboard.customer_totals ($1::date, $2::date, $3::text, $4::text, $5::text, $6::text)
  ),
  -- Materialized so the planner hashes both sides instead of probing the customer index per buyer.
  registered AS MATERIALIZED (
    SELECT
      cu.customer_no,
      to_char(cu.registration_date, 'YYYY-MM') AS registration_month
    FROM
      dashboard.customers cu
    WHERE
      cu.registration_date IS NOT NULL
      AND cu.registration_date BETWEEN coalesce($1::date, '-infinity'::date) AND coalesce($2::date, 'infinity'::date)
  )
SELECT
  r.registration_month,
  count(*) AS customers,
  round(sum(b.spent_cents) / 100.0, 2) AS revenue
FROM
  customer_spend b
  JOIN registered r ON r.customer_no = b.customer_no
GROUP BY
  1
ORDER BY
  1
