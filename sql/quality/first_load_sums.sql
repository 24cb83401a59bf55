-- A first warehouse load's lines, or all facts, summed for the two production -> warehouse
-- reconciliations of a first load (reconcile_production_warehouse_row_count.sql and
-- _revenue_sum.sql), which compare the two sides' sums before any per-line join: the quality gate
-- computes both once and hands them to both checks as their $3-$6 (quality-gate.ts,
-- warehouseLoadParams). The warehouse stage sums its lines beside its facts' INSERT, which leaves
-- a core idle: production is committed, and no row stamped up to the watermarks can commit later
-- (load_window.sql).
--
-- A first load answers for every fact there is. It compares the multiset of its lines with that of
-- all facts by count and two independent 64-bit hash sums: one scan of each, no join (the per-line
-- join of the checks cost 8-13 s at 2.5M lines). Equal sums (but for a ~2^-64 chance) mean exactly
-- the facts it should have, and both checks skip their per-line comparison; otherwise each runs it
-- and counts and names every gap as always.
--
-- Each line's hash: its item_id hashed with a seed that is the hash of its amount, seeded in turn
-- with its date, the sum's number and the amount's sign (a numeric's own hash leaves the sign out:
-- -5.00 and 5.00 hash alike). Equal (item_id, date_key, line_total) hash alike, as equal as the
-- per-line comparison's numeric = finds them. Equal multisets of (item_id, date_key, line_total)
-- have equal multisets of item_id: every line then has exactly one fact, which is the row count's
-- question too.
--
-- Placeholder lines: the rows summed, with item_id, line_total and date_key: the lines
-- (first_load_lines.sql) or warehouse.fact_sales.
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
  {{lines}} d
