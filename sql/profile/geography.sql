-- Geography mismatches, a count that must be 0 in generated data: customer rows and shipping
-- addresses (their last three parts) whose city appears with another (state, country) than the
-- city's usual one. $1 run id.
-- Reads the run's typed tables (values trimmed, blank NULL, parsed once; libs/pipeline typed-tables.ts):
-- {{customers}}, {{products}}, {{transactions}}, {{transaction_items}}, each of the run only.
WITH
  address_tails AS (
    -- What regexp_match(shipping_address, ',([^,]+),([^,]+),([^,]+)$') returns (the last three
    -- comma-separated parts, each non-empty, after at least one comma; else NULL): split_part
    -- from the end, and three commas by LIKE (the capture-group regex cost up to 3 s per 100,000
    -- addresses on a fresh connection; string_to_array and slicing twice the CPU of split_part).
    -- Counted per untrimmed (city, state, country) first, so each distinct one is trimmed once.
    SELECT
      CASE
        WHEN ok THEN c3
      END AS city,
      CASE
        WHEN ok THEN c2
      END AS state,
      CASE
        WHEN ok THEN c1
      END AS country,
      count(*) AS rows
    FROM
      (
        SELECT
          c1,
          c2,
          c3,
          shipping_address LIKE '%,%,%,%'
          AND c1 <> ''
          AND c2 <> ''
          AND c3 <> '' AS ok
        FROM
          (
            SELECT
              shipping_address,
              split_part(shipping_address, ',', -1) AS c1,
              split_part(shipping_address, ',', -2) AS c2,
              split_part(shipping_address, ',', -3) AS c3
            FROM
              {{transactions}}
            OFFSET
              0
          ) s
      ) a
    GROUP BY
      1,
      2,
      3
  ),
  places AS (
    SELECT
      city,
      state,
      country,
      1::bigint AS rows
    FROM
      {{customers}}
    WHERE
      $1::text IS NOT NULL
    UNION ALL
    SELECT
      btrim(city),
      btrim(state),
      btrim(country),
      rows
    FROM
      address_tails
  ),
  pairings AS (
    SELECT
      city,
      state,
      country,
      sum(rows)::bigint AS rows
    FROM
      places
    GROUP BY
      city,
      state,
      country
  ),
  cities AS (
    SELECT
      city,
      sum(rows) AS rows,
      max(rows) AS usual
    FROM
      pairings
    GROUP BY
      city
  )
SELECT
  coalesce(sum(rows - usual), 0) AS geography_mismatches
FROM
  cities
