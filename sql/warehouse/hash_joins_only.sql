-- Hash joins only ($1 'on') around fact_sales_bulk.sql, the planner's full choice again after it
-- ($1 'off'), for the rest of the transaction. Its lines come from a temporary table with no
-- statistics (a bulk load skips ANALYZE) and its dimensions may have been filled in this very
-- transaction: the planner guessed ~57 customer versions per line and probed dim_customers' index
-- once per line, 2.5M probes (17.0 s of a 22.9 s insert at 1M orders on a loaded machine, against
-- 15.5 s with the three dimensions hashed). After an ANALYZE of the lines it merge-joined instead,
-- sorting every line by customer_id. A bulk load always joins all of its lines to all of each
-- dimension, so a hash per dimension is right whatever the estimates say.
SELECT
  set_config(
    'enable_nestloop',
    CASE
      WHEN $1::text = 'on' THEN 'off'
      ELSE 'on'
    END,
    true
  ) AS enable_nestloop,
  set_config(
    'enable_mergejoin',
    CASE
      WHEN $1::text = 'on' THEN 'off'
      ELSE 'on'
    END,
    true
  ) AS enable_mergejoin
