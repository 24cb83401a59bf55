-- dim_customers: one current version per customer_id (full SCD type 2 comes later).
-- A new customer's first version has effective_date 1900-01-01: it stands for the customer's
-- whole history, so every fact, however old, finds the version valid on its date.
-- A changed customer is updated in place (type 1), and only when some attribute IS DISTINCT
-- FROM the stored one, so reloading the same data writes nothing.
--
-- customer_segment, from what the customer has spent across all production transactions:
--   'New'        no purchase yet
--   'VIP'        top 10% of buying customers by total spent   (cume_dist > 0.9)
--   'Regular'    the next 40%                                  (cume_dist > 0.5)
--   'Occasional' the lower half of buying customers
-- Quantiles follow the data's scale, so the bands never collapse into one.
-- Every production customer is considered, because one customer's new orders shift the
-- quantiles of everyone else; hence no run parameter.
WITH spend AS (
  SELECT customer_id, sum(total_amount) AS total_spent
    FROM production.transactions
   GROUP BY customer_id
),
ranked AS (
  SELECT customer_id, cume_dist() OVER (ORDER BY total_spent) AS spend_rank
    FROM spend
),
source AS (
  SELECT c.customer_id,
         c.first_name || ' ' || c.last_name AS full_name,
         c.email, c.city, c.state, c.country, c.age_group,
         CASE WHEN r.spend_rank IS NULL THEN 'New'
              WHEN r.spend_rank > 0.9 THEN 'VIP'
              WHEN r.spend_rank > 0.5 THEN 'Regular'
              ELSE 'Occasional' END AS customer_segment,
         c.registration_date
    FROM production.customers c
    LEFT JOIN ranked r ON r.customer_id = c.customer_id
)
INSERT INTO warehouse.dim_customers AS d
  (customer_id, full_name, email, city, state, country, age_group, customer_segment, registration_date,
   effective_date, end_date, is_current)
SELECT customer_id, full_name, email, city, state, country, age_group, customer_segment, registration_date,
       DATE '1900-01-01', DATE '9999-12-31', true
  FROM source
ON CONFLICT (customer_id) WHERE is_current DO UPDATE
   SET full_name = EXCLUDED.full_name,
       email = EXCLUDED.email,
       city = EXCLUDED.city,
       state = EXCLUDED.state,
       country = EXCLUDED.country,
       age_group = EXCLUDED.age_group,
       customer_segment = EXCLUDED.customer_segment,
       registration_date = EXCLUDED.registration_date
 WHERE (d.full_name, d.email, d.city, d.state, d.country, d.age_group, d.customer_segment, d.registration_date)
       IS DISTINCT FROM
       (EXCLUDED.full_name, EXCLUDED.email, EXCLUDED.city, EXCLUDED.state, EXCLUDED.country, EXCLUDED.age_group,
        EXCLUDED.customer_segment, EXCLUDED.registration_date);
