-- Order lines whose line_total is not round(quantity * unit_price * (1 - discount/100), 2) within
-- 0.01. A blank discount is no discount. Lines whose numbers do not parse are left to the range
-- checks, so one bad value is not counted here as well: the verdict is then NULL, and a NULL
-- verdict is a line not checked.
-- A row condition (a custom check's form under sql/quality/custom/rows/): one expression over
-- one row of the run's typed order lines (values trimmed, blank NULL, numbers parsed once;
-- libs/pipeline typed-tables.ts), measured in the scan the order lines' row checks share
-- (sql/quality/row_checks.sql): ~0.5 CPU-s less at 1M orders than a scan of its own.
-- Without a discount the formula is round(quantity * unit_price, 2) exactly (numeric
-- multiplication is exact, and 1 - 0 / 100 is 1): ~80% of lines in usual data skip the division
-- and two operations. A discount that does not parse takes the other branch, which is NULL.
abs(
  line_total__numeric - CASE
    WHEN discount_percentage IS NULL
    OR discount_percentage__numeric = 0 THEN round(quantity__int * unit_price__numeric, 2)
    ELSE round(quantity__int * unit_price__numeric * (1 - discount_percentage__numeric / 100), 2)
  END
) > 0.01
