-- Every day summary of the touched customers (all their days, not only the touched ones): what
-- their firsts, months and years are rebuilt from, read once (customer_days has no customer index).
CREATE TEMP TABLE dashboard_touched_customer_days ON COMMIT DROP AS
SELECT c.*
  FROM dashboard.customer_days c
 WHERE c.customer_no IN (SELECT customer_no FROM pg_temp.dashboard_touched WHERE customer_no IS NOT NULL)
