-- What the filter bar offers: the sales span, categories, payment methods, countries with states.
SELECT
  (
    SELECT
      to_date(min(date_key)::text, 'YYYYMMDD')::text
    FROM
      dashboard.sales_cells
    WHERE
      category_id = 0
  ) AS first_date,
  (
    SELECT
      to_date(max(date_key)::text, 'YYYYMMDD')::text
    FROM
      dashboard.sales_cells
    WHERE
      category_id = 0
  ) AS last_date,
  coalesce(
    (
      SELECT
        array_agg(
          category
          ORDER BY
            category
        )
      FROM
        dashboard.categories
    ),
    '{}'
  ) AS categories,
  coalesce(
    (
      SELECT
        array_agg(
          payment_method_name
          ORDER BY
            payment_method_name
        )
      FROM
        warehouse.dim_payment_method
    ),
    '{}'
  ) AS payments,
  coalesce(
    (
      SELECT
        json_agg(
          json_build_object('country', country, 'states', states)
          ORDER BY
            country
        )
      FROM
        (
          SELECT
            country,
            array_agg(
              state
              ORDER BY
                state
            ) AS states
          FROM
            dashboard.places
          GROUP BY
            country
        ) AS p
    ),
    '[]'
  ) AS places
