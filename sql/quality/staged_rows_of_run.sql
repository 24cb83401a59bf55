-- Every staged row of the run, counted in its typed tables (one per entity, libs/pipeline
-- typed-tables.ts): what the validator looks at (it flags, it does not drop).
-- Template: {{customers}}, {{products}}, {{transactions}}, {{transaction_items}} the typed tables.
SELECT
  (
    SELECT
      count(*)
    FROM
      {{customers}}
  ) + (
    SELECT
      count(*)
    FROM
      {{products}}
  ) + (
    SELECT
      count(*)
    FROM
      {{transactions}}
  ) + (
    SELECT
      count(*)
    FROM
      {{transaction_items}}
  ) AS staged_rows;
