-- Parameters (every dashboard query): $1 from date, $2 to date, $3 category, $4 country,
-- $5 state, $6 payment method name; NULL means "not filtered".
-- Monthly cohorts: a customer's cohort is the month of their first purchase in the selection;
-- retention_pct for months_since n = share of the cohort buying again n months later.
-- Each customer's months with a purchase in the selection as one bit mask (bit k = k months after
-- the first month of the range, or of the sales when the range is open): the whole months from
-- customer_year_months (migration 0036: a row per customer and year holding its months as bits;
-- geo_id 0 = any place, or the rows of the selected places), the edge days (every day with a
-- payment filter, which has no month summary) from customer_days. The cohort is the lowest bit;
-- customers with the same mask count together (~2,000 masks over a year at 1M orders), so only
-- the distinct masks are unfolded into (cohort, months since) cells. A bigint holds 63 months: a
-- selection spanning more takes the fallback, the former query, which groups each customer's
-- months from customer_months to find its cohort.
WITH
  span AS (
    SELECT
      greatest(
        (
          extract(
            year
            FROM
              $1::date
          ) * 12 + extract(
            month
            FROM
              $1::date
          )
        )::int - 1,
        (s.first_key / 10000) * 12 + s.first_key / 100 % 100 - 1
      ) AS base,
      least(
        (
          extract(
            year
            FROM
              $2::date
          ) * 12 + extract(
            month
            FROM
              $2::date
          )
        )::int - 1,
        (s.last_key / 10000) * 12 + s.last_key / 100 % 100 - 1
      ) AS top
    FROM
      (
        SELECT
          min(date_key) AS first_key,
          max(date_key) AS last_key
        FROM
          dashboard.sales_cells
        WHERE
          category_id = 0
      ) AS s
  ),
  mask_rows AS (
    SELECT
      y.customer_no,
      CASE
        WHEN o.shift >= 0 THEN (y.months & o.inside)::bigint << o.shift
        ELSE (y.months & o.inside)::bigint >> - o.shift
      END AS bits
    FROM
      dashboard.customer_year_months y,
      dashboard.range_parts ($1::date, $2::date) p,
      LATERAL (
        SELECT
          y.year * 12 - (
            SELECT
              base
            FROM
              span
          ) AS shift,
          -- The year's months inside the range's whole months [months_lo, months_hi].
          (
            (
              1 << (
                CASE
                  WHEN y.year = p.months_hi / 100 THEN p.months_hi % 100
                  ELSE 12
                END
              )
            ) - 1
          ) & ~ (
            (
              1 << (
                CASE
                  WHEN y.year = p.months_lo / 100 THEN p.months_lo % 100
                  ELSE 1
                END - 1
              )
            ) - 1
          ) AS inside
      ) AS o
    WHERE
      $6::text IS NULL
      AND y.category_id = (
        SELECT
          CASE
            WHEN $3::text IS NULL THEN 0
            ELSE coalesce(max(category_id), -1)
          END
        FROM
          dashboard.categories
        WHERE
          category = $3
      )
      AND y.year BETWEEN p.months_lo / 100 AND p.months_hi / 100
      AND CASE
        WHEN $4::text IS NULL
        AND $5::text IS NULL THEN y.geo_id = 0
        ELSE y.geo_id IN (
          SELECT
            geo_id
          FROM
            dashboard.places
          WHERE
            (
              $4::text IS NULL
              OR country = $4
            )
            AND (
              $5::text IS NULL
              OR state = $5
            )
        )
      END
      AND y.months & o.inside <> 0
    UNION ALL
    SELECT
      d.customer_no,
      1::bigint << (
        (d.date_key / 10000) * 12 + (d.date_key / 100 % 100) - 1 - (
          SELECT
            base
          FROM
            span
        )
      )
    FROM
      dashboard.customer_days d,
      dashboard.range_parts ($1::date, $2::date) p
    WHERE
      d.category_id = (
        SELECT
          CASE
            WHEN $3::text IS NULL THEN 0
            ELSE coalesce(max(category_id), -1)
          END
        FROM
          dashboard.categories
        WHERE
          category = $3
      )
      AND CASE
        WHEN $6::text IS NULL THEN d.date_key BETWEEN p.days_before_lo AND p.days_before_hi
        OR d.date_key BETWEEN p.days_after_lo AND p.days_after_hi
        ELSE d.date_key BETWEEN p.days_before_lo AND p.days_after_hi
      END
      AND (
        (
          $4::text IS NULL
          AND $5::text IS NULL
        )
        OR d.geo_id IN (
          SELECT
            geo_id
          FROM
            dashboard.places
          WHERE
            (
              $4::text IS NULL
              OR country = $4
            )
            AND (
              $5::text IS NULL
              OR state = $5
            )
        )
      )
      AND (
        $6::text IS NULL
        OR d.payment_method_key = (
          SELECT
            payment_method_key
          FROM
            warehouse.dim_payment_method
          WHERE
            payment_method_name = $6
        )
      )
  ),
  customer_masks AS (
    SELECT
      bit_or(r.bits) AS mask
    FROM
      mask_rows r
    WHERE
      (
        SELECT
          top - base
        FROM
          span
      ) <= 62
    GROUP BY
      r.customer_no
  ),
  masks AS (
    SELECT
      mask,
      count(*) AS customers
    FROM
      customer_masks
    GROUP BY
      mask
  ),
  mask_bits AS (
    SELECT
      m.mask,
      m.customers,
      k.bit,
      min(k.bit) OVER (
        PARTITION BY
          m.mask
      ) AS cohort_bit
    FROM
      masks m
      CROSS JOIN span s
      CROSS JOIN generate_series(0, s.top - s.base) AS k (bit)
    WHERE
      (m.mask >> k.bit) & 1 = 1
  ),
  -- Selections over more than 63 months: each customer's months grouped to find its cohort.
  long_active AS (
    SELECT
      m.customer_no,
      (m.month_key / 100) * 12 + m.month_key % 100 - 1 AS month_index,
      CASE
        WHEN m.first_date_key >= p.days_before_lo THEN (m.first_date_key / 10000) * 12 + (m.first_date_key / 100 % 100) - 1
      END AS known_cohort
    FROM
      dashboard.customer_months m,
      dashboard.range_parts ($1::date, $2::date) p
    WHERE
      $4::text IS NULL
      AND $5::text IS NULL
      AND $6::text IS NULL
      AND m.category_id = (
        SELECT
          CASE
            WHEN $3::text IS NULL THEN 0
            ELSE coalesce(max(category_id), -1)
          END
        FROM
          dashboard.categories
        WHERE
          category = $3
      )
      AND m.first_place
      AND m.month_key BETWEEN p.months_lo AND p.months_hi
    UNION ALL
    SELECT DISTINCT
      m.customer_no,
      (m.month_key / 100) * 12 + m.month_key % 100 - 1,
      NULL::int
    FROM
      dashboard.customer_months m,
      dashboard.range_parts ($1::date, $2::date) p
    WHERE
      $6::text IS NULL
      AND NOT (
        $4::text IS NULL
        AND $5::text IS NULL
      )
      AND m.category_id = (
        SELECT
          CASE
            WHEN $3::text IS NULL THEN 0
            ELSE coalesce(max(category_id), -1)
          END
        FROM
          dashboard.categories
        WHERE
          category = $3
      )
      AND m.month_key BETWEEN p.months_lo AND p.months_hi
      AND (
        (
          $4::text IS NULL
          AND $5::text IS NULL
        )
        OR m.geo_id IN (
          SELECT
            geo_id
          FROM
            dashboard.places
          WHERE
            (
              $4::text IS NULL
              OR country = $4
            )
            AND (
              $5::text IS NULL
              OR state = $5
            )
        )
      )
    UNION ALL
    SELECT DISTINCT
      d.customer_no,
      (d.date_key / 10000) * 12 + (d.date_key / 100 % 100) - 1,
      CASE
        WHEN f.first_date_key >= p.days_before_lo THEN (f.first_date_key / 10000) * 12 + (f.first_date_key / 100 % 100) - 1
      END
    FROM
      dashboard.customer_days d
      JOIN dashboard.customer_firsts f ON f.category_id = d.category_id
      AND f.customer_no = d.customer_no,
      dashboard.range_parts ($1::date, $2::date) p
    WHERE
      $4::text IS NULL
      AND $5::text IS NULL
      AND $6::text IS NULL
      AND d.category_id = (
        SELECT
          CASE
            WHEN $3::text IS NULL THEN 0
            ELSE coalesce(max(category_id), -1)
          END
        FROM
          dashboard.categories
        WHERE
          category = $3
      )
      AND (
        d.date_key BETWEEN p.days_before_lo AND p.days_before_hi
        OR d.date_key BETWEEN p.days_after_lo AND p.days_after_hi
      )
    UNION ALL
    SELECT DISTINCT
      d.customer_no,
      (d.date_key / 10000) * 12 + (d.date_key / 100 % 100) - 1,
      NULL::int
    FROM
      dashboard.customer_days d,
      dashboard.range_parts ($1::date, $2::date) p
    WHERE
      NOT (
        $4::text IS NULL
        AND $5::text IS NULL
        AND $6::text IS NULL
      )
      AND d.category_id = (
        SELECT
          CASE
            WHEN $3::text IS NULL THEN 0
            ELSE coalesce(max(category_id), -1)
          END
        FROM
          dashboard.categories
        WHERE
          category = $3
      )
      AND CASE
        WHEN $6::text IS NULL THEN d.date_key BETWEEN p.days_before_lo AND p.days_before_hi
        OR d.date_key BETWEEN p.days_after_lo AND p.days_after_hi
        ELSE d.date_key BETWEEN p.days_before_lo AND p.days_after_hi
      END
      AND (
        (
          $4::text IS NULL
          AND $5::text IS NULL
        )
        OR d.geo_id IN (
          SELECT
            geo_id
          FROM
            dashboard.places
          WHERE
            (
              $4::text IS NULL
              OR country = $4
            )
            AND (
              $5::text IS NULL
              OR state = $5
            )
        )
      )
      AND (
        $6::text IS NULL
        OR d.payment_method_key = (
          SELECT
            payment_method_key
          FROM
            warehouse.dim_payment_method
          WHERE
            payment_method_name = $6
        )
      )
  ),
  long_unknown AS (
    SELECT
      customer_no,
      month_index
    FROM
      long_active
    WHERE
      known_cohort IS NULL
  ),
  long_cohorts AS (
    SELECT
      customer_no,
      min(month_index) AS cohort_index
    FROM
      long_unknown
    GROUP BY
      customer_no
  ),
  long_counts AS (
    SELECT
      c.cohort_index,
      c.month_index - c.cohort_index AS months_since,
      count(*) AS active_customers
    FROM
      (
        SELECT
          known_cohort AS cohort_index,
          month_index
        FROM
          long_active
        WHERE
          known_cohort IS NOT NULL
        UNION ALL
        SELECT
          co.cohort_index,
          u.month_index
        FROM
          long_unknown u
          JOIN long_cohorts co ON co.customer_no = u.customer_no
      ) AS c
    GROUP BY
      1,
      2
  ),
  counts AS (
    SELECT
      (
        SELECT
          base
        FROM
          span
      ) + b.cohort_bit AS cohort_index,
      b.bit - b.cohort_bit AS months_since,
      sum(b.customers)::bigint AS active_customers
    FROM
      mask_bits b
    GROUP BY
      1,
      2
    UNION ALL
    SELECT
      cohort_index,
      months_since,
      active_customers
    FROM
      long_counts
    WHERE
      (
        SELECT
          top - base
        FROM
          span
      ) > 62
  )
SELECT
  to_char(make_date(c.cohort_index / 12, c.cohort_index % 12 + 1, 1), 'YYYY-MM') AS cohort_month,
  c.months_since,
  first_value(c.active_customers) OVER (
    PARTITION BY
      c.cohort_index
    ORDER BY
      c.months_since
  ) AS cohort_customers,
  c.active_customers,
  round(
    100.0 * c.active_customers / first_value(c.active_customers) OVER (
      PARTITION BY
        c.cohort_index
      ORDER BY
        c.months_since
    ),
    2
  ) AS retention_pct
FROM
  counts c
ORDER BY
  c.cohort_index,
  c.months_since
