-- freshness: the newest date in the checked column of this run is at most $2 days older than the run's
-- as-of date: a generated delta's last day or a generated batch's endDate, else today. One comparison: rows_checked
-- 1 (0 when no value parses as a date), violations 1 when stale; dates after the as-of date are the
-- range checks' concern.
-- Template: {{table}} the run's staged rows (typed table or staging), {{parsed}} the date column
-- parsed (a typed table's parsed column, else ops.safe_date of the text). $1 run id, $2 max age in days.
WITH
  judged AS (
    SELECT
      n.newest_date,
      a.as_of_date,
      a.as_of_date - n.newest_date AS age_days
    FROM
      (
        SELECT
          max({{parsed}}) AS newest_date
        FROM
          {{table}}
        WHERE
          {{run_filter}}
      ) n
      CROSS JOIN (
        SELECT
          coalesce(
            (
              SELECT
                ops.safe_date (coalesce(params #>> '{incremental,toDate}', params #>> '{generate,endDate}'))
              FROM
                ops.runs
              WHERE
                run_id = $1
            ),
            current_date
          ) AS as_of_date
      ) a
    WHERE
      n.newest_date IS NOT NULL
  )
SELECT
  count(*) AS rows_checked,
  count(*) FILTER (
    WHERE
      age_days > $2::int
  ) AS violations,
  coalesce(
    array_agg(format('newest %s is %s days before %s', newest_date, age_days, as_of_date)) FILTER (
      WHERE
        age_days > $2::int
    ),
    '{}'
  ) AS sample_ids
FROM
  judged;
