-- The sample the analyze_<entity>.sql that follows takes, for the rest of the part's transaction:
-- 9,000 rows (300 x 30) instead of 30,000. ANALYZE's cost is sorting the sample per column under
-- the database's collation (0.56 s for transaction items at 100k orders, 0.26 s with this), and
-- what the stages after ingest plan with does not need more: run_id has a handful of values, all
-- in its most-common list with their shares, and the keys' distinct counts come out the same
-- (n_distinct of transaction_id -0.155 vs -0.157, 483 vs 499 product ids in the sample).
SELECT
  set_config('default_statistics_target', '30', true)
