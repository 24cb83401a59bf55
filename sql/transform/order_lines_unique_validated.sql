-- Whether the validate stage's stored result of a `unique` check of the order lines' item_id
-- ($2: the names config/quality-checks.yaml gives such checks) settles order_lines_unique.sql's
-- question for run $1 without reading the lines again: true when it found no repeated item_id,
-- false when it found one, NULL when no such result is stored (the check not configured, or the
-- run validated without it): order_lines_unique.sql then decides. The check counts what the proof
-- would: the run's item_ids trimmed, blanks left out (sql/quality/unique.sql, its key being its
-- column), and its violations are exact (repeated hashes compared as text); with `ignore_case`
-- none means no repeat in any case, so none as written either.
SELECT
  bool_and(violations = 0) AS item_ids_unique
FROM
  ops.quality_checks
WHERE
  run_id = $1
  AND check_name = ANY ($2::text[])
  AND check_type = 'unique'
  AND entity = 'transaction_items'
  AND stage = 'validate'
