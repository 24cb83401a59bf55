-- Whether fact_sales holds no fact at all (a first load, or a rebuild after its TRUNCATE): such a
-- load takes the bulk path (sales_lines_bulk.sql, fact_sales_bulk_*.sql), as no line can have a
-- fact to compare with, move or re-point.
SELECT
  NOT EXISTS (
    SELECT
      1
    FROM
      warehouse.fact_sales
  ) AS empty
