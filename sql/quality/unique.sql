-- unique: a value of the checked column held twice in one run (values trimmed; $2 true compares them
-- case-insensitively). When the column is the entity's key ($3 true), each row after the first
-- holding a value is a violation. Otherwise the value belongs to the record with the smallest key
-- and every row of another record holding it is a violation: a record repeated with its own value
-- is the key's uniqueness concern, not this column's. Blank values and keys are completeness's.
-- Cost: every value is grouped by its 8-byte hash first (2.6M order-line keys fit in memory as
-- hashes, not as text: the text grouping spilled to disk, ~10 s at 1M orders); only values whose
-- hash repeats are compared as text, and only their rows are ordered to tell which is first. The
-- rows are counted in the hashing pass, and without a repeated hash (the usual case: 2.6M distinct
-- keys repeat ~700 4-byte hashes, but no 8-byte one) they are read only that once: 3.3 -> 2.3 s
-- CPU for the order lines' key at 1M orders.
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
    -- Computed once (the repeated hashes, usually none, and the rows counted in the same pass:
    -- the empty grouping set), not once per parallel worker of the statement using it.
    SELECT
      GROUPING(hashtextextended (value, 0)) = 1 AS total,
      hashtextextended (value, 0) AS hash,
      count(*) AS n
    FROM
      keyed
    GROUP BY
      GROUPING SETS ((hashtextextended (value, 0)), ())
    HAVING
      count(*) > 1
      OR GROUPING(hashtextextended (value, 0)) = 1
  ),
  colliding AS (
    SELECT
      hash
    FROM
      hashes
    WHERE
      NOT total
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
  coalesce(
    (
      SELECT
        n
      FROM
        hashes
      WHERE
        total
    ),
    0
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
