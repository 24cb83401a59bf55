-- The plan of transactions_decide.sql ($1 'on' before it, 'off' after: the session's own settings
-- again for the rest of the transaction). At 1M orders its two big inputs, 1M headers sorted for
-- their window and 2.5M lines summed per order, are each sorted by the order key in the parallel
-- workers; the lines' sums grouped by sorting (enable_hashagg off) come out in key order like the
-- headers, so the two meet in a merge join in the leader and the table is written in key order.
-- With a hash aggregate the leader alone summed the 2.5M lines into a 507 MB hash table (a spill
-- past ~1.2M orders) and hashed the 1M headers again for the join; and at the default cost of 0.1
-- per row gathered the planner keeps the lines' sums in the leader (parallel_tuple_cost 0.01, as
-- sql/warehouse/parallel_lines.sql). Leader CPU of the statement at 1M orders: 8.3 → 6.0 s.
SELECT
  set_config(
    'parallel_tuple_cost',
    CASE
      WHEN $1::text = 'on' THEN '0.01'
      ELSE (
        SELECT
          reset_val
        FROM
          pg_settings
        WHERE
          name = 'parallel_tuple_cost'
      )
    END,
    true
  ) AS parallel_tuple_cost,
  set_config(
    'enable_hashagg',
    CASE
      WHEN $1::text = 'on' THEN 'off'
      ELSE (
        SELECT
          reset_val
        FROM
          pg_settings
        WHERE
          name = 'enable_hashagg'
      )
    END,
    true
  ) AS enable_hashagg
