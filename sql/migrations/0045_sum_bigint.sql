-- Up Migration
-- sum(bigint) returns numeric: PostgreSQL adds each value into a 128-bit state allocated per
-- group and turns the total into a numeric, which the summaries then cast back to bigint (their
-- columns are bigint). This sum keeps a bigint state in place and adds with int8pl: the dashboard
-- summaries' statements (sql/dashboard/refresh_*.sql) and the analyses from them sum cents and
-- quantities with it (sales_cells at 100k orders: 760-850 against 860-1,150 ms of backend CPU;
-- docs/performance.md). Same result for every total that fits a bigint, NULL for no rows or only
-- NULLs as sum() gives (int8pl is strict: the first non-NULL value becomes the state). int8pl
-- raises "bigint out of range" on overflow, which is what the summaries need: the numeric total
-- would have failed the same way when written into a bigint column, and a total must never wrap.
-- (Only a running total of positive and negative differences, as the incremental refresh sums,
-- could overflow where the final total would not: at 9.2e16 in currency units, never.)
-- The combine step is the same addition, so the sum still runs in parallel plans.
CREATE AGGREGATE ops.sum_bigint(bigint) (
  SFUNC = int8pl,
  STYPE = bigint,
  COMBINEFUNC = int8pl,
  PARALLEL = SAFE
);

-- Down Migration
DROP AGGREGATE ops.sum_bigint(bigint);
