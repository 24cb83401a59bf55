-- Every row-level check of one entity (not_null, accepted_values, range, regex, and custom checks
-- written as a row condition, sql/quality/custom/rows/) in one scan of the
-- run's staging rows, instead of one scan per check: the same answers as the single-check
-- templates (not_null.sql, accepted_values.sql, range.sql, regex.sql), each trimmed or parsed
-- column computed once per row. rows_checked is every row of the run, as for those templates.
-- Template, filled by libs/pipeline quality-gate.ts (rowChecksStatement) with identifiers only from
-- the contract, escaped, and every value as a bind parameter. Placeholders (named here without
-- their braces, which would be filled inside this comment too): table, the staging table;
-- record_id, how a row is named (its key trimmed, else file:line; a typed table's record_id); values, "btrim(col) AS trimmed_i" and "ops.safe_*(col) AS parsed_j" for each column
-- the checks read; verdicts, "<condition> AS violated_n" per check, the condition from the
-- sql/quality/row_checks/ file of its type; measures, violations_n and sample_ids_n per check
-- (sql/quality/row_checks/measure.sql). A row condition is computed among the values, as
-- verdict_n, and adds rows_checked_n: the rows whose verdict is not NULL. $1 run id; $2... the
-- checks' parameters.
WITH
  scanned AS (
    SELECT
      {{record_id}} AS record_id,
      {{values}}
    FROM
      {{table}}
    WHERE
      {{run_filter}}
      -- OFFSET 0 keeps each subquery a plan node of its own, so a parsed value or a verdict read by
      -- several expressions is computed once per row rather than once per reference.
    OFFSET
      0
  ),
  judged AS (
    SELECT
      record_id,
      {{verdicts}}
    FROM
      scanned
    OFFSET
      0
  )
SELECT
  count(*) AS rows_checked,
  {{measures}}
FROM
  judged;
