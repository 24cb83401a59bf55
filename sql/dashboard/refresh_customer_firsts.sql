-- A customer's first purchase day per category (0 = all), over all places and methods.
INSERT INTO
  dashboard.customer_firsts (category_id, customer_no, first_date_key)
SELECT
  c.category_id,
  c.customer_no,
  min(c.date_key)
FROM
  dashboard.customer_days c
GROUP BY
  1,
  2
