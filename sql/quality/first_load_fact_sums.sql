-- All facts, summed as first_load_line_sums.sql sums a first load's lines (the same expressions),
-- for the two production -> warehouse reconciliations of a first load: a first load answers for
-- every fact there is.
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
