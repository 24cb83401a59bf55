-- The sums both production -> warehouse reconciliations of a FIRST load compare
-- (reconcile_production_warehouse_row_count.sql and _revenue_sum.sql), computed once and handed to
-- both as their $3-$6 by the quality gate (quality-gate.ts, warehouseLoadParams): each check read
-- all of production's lines and all facts for its own sums before (1M orders, in a rolled-back
-- replay: the row count's 0.83-0.85 s and the revenue's 2.02-2.04 s against 2.12-2.13 s for
-- these).
--
-- A first load answers for every fact there is. It compares the multiset of its lines with that of
-- all facts by count and two independent 64-bit hash sums: one scan of each, no join (the per-line
-- join of the checks cost 8-13 s at 2.5M lines). Equal sums (but for a ~2^-64 chance) mean exactly
-- the facts it should have, and both checks skip their per-line comparison; otherwise each runs
-- it and counts and names every gap as always.
--
-- Each line's hash: its item_id hashed with a seed that is the hash of its amount, seeded in turn
-- with its date, the sum's number and the amount's sign (a numeric's own hash leaves the sign out:
-- -5.00 and 5.00 hash alike). Equal (item_id, date_key, line_total) hash alike, as equal as the
-- per-line comparison's numeric = finds them. The line's text (item_id || '|' || date_key || '|' ||
-- line_total) cost a numeric_out per line and side; sum over bigint (128-bit state) instead of over
-- numeric gives the same exact sum. Without workers, backend CPU on a 1M clone: 5.4-5.7 -> 3.7-3.8 s.
--
-- Equal multisets of (item_id, date_key, line_total) have equal multisets of item_id: every line
-- then has exactly one fact, which is the row count's question too. When they differ, the row count
-- runs its per-line comparison even if only an amount or a date is wrong (the revenue check fails
-- that load anyway).
--
-- matched: the sums agree; lines: the load's lines; line_total, fact_total: the revenue of each
-- side. $1 run id, $2 the load's kind (quality/warehouse_load_kind.sql); the gate runs this only for
-- 'first' (for another kind it would scan nothing and return matched false, 0 lines).
WITH
  {{load_lines}}
SELECT
  coalesce(
    l.n = f.n
    AND l.h0 = f.h0
    AND l.h1 = f.h1,
    false
  ) AS matched,
  l.n AS lines,
  l.total AS line_total,
  f.total AS fact_total
FROM
  (
    SELECT
      count(*) AS n,
      sum(
        hashtextextended (d.item_id, hash_numeric_extended (d.line_total, d.date_key * 4 + 0 + (d.line_total < 0)::int))
      ) AS h0,
      sum(
        hashtextextended (d.item_id, hash_numeric_extended (d.line_total, d.date_key * 4 + 2 + (d.line_total < 0)::int))
      ) AS h1,
      sum(d.line_total) AS total
    FROM
      first_load_lines d
  ) l,
  (
    SELECT
      count(*) AS n,
      sum(
        hashtextextended (d.item_id, hash_numeric_extended (d.line_total, d.date_key * 4 + 0 + (d.line_total < 0)::int))
      ) AS h0,
      sum(
        hashtextextended (d.item_id, hash_numeric_extended (d.line_total, d.date_key * 4 + 2 + (d.line_total < 0)::int))
      ) AS h1,
      sum(d.line_total) AS total
    FROM
      warehouse.fact_sales d
    WHERE
      $2::text = 'first'
  ) f
