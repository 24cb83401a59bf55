-- unique: a value of the checked column held twice in one run (values trimmed; $2 true compares them
-- case-insensitively). When the column is the entity's key ($3 true), each row after the first
-- holding a value is a violation. Otherwise the value belongs to the record with the smallest key
-- and every row of another record holding it is a violation: a record repeated with its own value
-- is the key's uniqueness concern, not this column's. Blank values and keys are completeness's.
-- Cost: every value's 8-byte hash is counted first, with the rows, in one pass: count(DISTINCT)
-- sorts the hashes as plain int8 datums, ~3x cheaper than a hash table of 2.5M groups (order
-- lines' key at 1M orders, backend CPU without workers: 2.5-2.7 -> 0.8 s; grouping the text
-- itself spilled to disk, ~10 s). Without a repeated hash (the usual case: 2.6M distinct keys
-- repeat ~700 4-byte hashes, but no 8-byte one) the rows are read only that once. Otherwise the
-- repeated hashes are found by a second pass, only values holding one are compared as text, and
-- only their rows are ordered to tell which is first.
-- keyed is NOT MATERIALIZED: a scan of the table per use is cheaper than storing 2.6M rows.
-- Template: {{table}} the run's staged rows (typed table or staging; run_filter picks the run's),
-- trimmed_key and trimmed_column the key and the checked column trimmed (a typed table holds them
-- trimmed already, blank as NULL). $1 run id.
WITH
  keyed AS NOT MATERIALIZED (
    SELECT
      {{trimmed_key}} AS record_id,
      CASE
        WHEN $2::boolean THEN lower({{trimmed_column}})
        ELSE {{trimmed_column}}
      END AS value,
      source_file,
      source_line
    FROM
      {{table}}
    WHERE
      {{run_filter}}
      AND {{trimmed_column}} <> ''
      AND {{trimmed_key}} <> ''
  ),
  hashes AS MATERIALIZED (
    -- Computed once, not once per use (the gates below and the rows checked).
    SELECT
      count(*) AS n,
      count(DISTINCT hashtextextended (value, 0)) AS distinct_hashes
    FROM
      keyed
  ),
  colliding AS MATERIALIZED (
    -- EXISTS gates the scan: without a repeated hash the rows are not read again.
    SELECT
      hashtextextended (value, 0) AS hash
    FROM
      keyed
    WHERE
      EXISTS (
        SELECT
          1
        FROM
          hashes
        WHERE
          distinct_hashes < n
      )
    GROUP BY
      1
    HAVING
      count(*) > 1
  ),
  repeated AS MATERIALIZED (
    -- EXISTS gates the scan: without a repeated hash (the usual case) the rows are not read again.
    SELECT
      value
    FROM
      keyed
    WHERE
      EXISTS (
        SELECT
          1
        FROM
          colliding
      )
      AND hashtextextended (value, 0) IN (
        SELECT
          hash
        FROM
          colliding
      )
    GROUP BY
      value
    HAVING
      count(*) > 1
  ),
  checked AS (
    SELECT
      k.record_id,
      CASE
        WHEN $3::boolean THEN row_number() OVER (
          PARTITION BY
            k.value
          ORDER BY
            k.source_file,
            k.source_line
        ) > 1
        ELSE k.record_id <> min(k.record_id) OVER (
          PARTITION BY
            k.value
        )
      END AS violated
    FROM
      keyed k
    WHERE
      EXISTS (
        SELECT
          1
        FROM
          repeated
      )
      AND hashtextextended (k.value, 0) IN (
        SELECT
          hash
        FROM
          colliding
      )
      AND k.value IN (
        SELECT
          value
        FROM
          repeated
      )
  )
SELECT
  (
    SELECT
      n
    FROM
      hashes
  ) AS rows_checked,
  count(*) FILTER (
    WHERE
      violated
  ) AS violations,
  coalesce(
    (
      SELECT
        array_agg(
          record_id
          ORDER BY
            record_id
        )
      FROM
        (
          SELECT DISTINCT
            record_id
          FROM
            checked
          WHERE
            violated
          ORDER BY
            record_id
          LIMIT
            10
        ) s
    ),
    '{}'
  ) AS sample_ids
FROM
  checked;
