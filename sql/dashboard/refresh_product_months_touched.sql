-- refresh_product_months.sql for the touched (month, product) pairs: their rows deleted (the
-- index leads with geo_id, so every place code, 0 = all, is listed) and rebuilt from those
-- months' product_days (date index). The deleted and rebuilt rows are kept for
-- refresh_product_years_touched.sql, which applies their difference.
CREATE TEMP TABLE dashboard_product_months_delta (
  year               integer NOT NULL,
  product_no         integer NOT NULL,
  category_id        smallint NOT NULL,
  geo_id             smallint NOT NULL,
  payment_method_key integer NOT NULL,
  transactions       bigint NOT NULL,
  quantity           bigint NOT NULL,
  revenue_cents      bigint NOT NULL,
  profit_cents       bigint NOT NULL,
  discount_cents     bigint NOT NULL
) ON COMMIT DROP;

WITH touched AS (
  SELECT DISTINCT month_key, product_no FROM pg_temp.dashboard_touched WHERE product_no IS NOT NULL
),
keys AS (
  SELECT ARRAY(SELECT DISTINCT month_key FROM touched) AS month_keys,
         (SELECT min(month_key) * 100 FROM touched) AS first_day,
         (SELECT max(month_key) * 100 + 99 FROM touched) AS last_day,
         ARRAY(SELECT 0::smallint UNION ALL SELECT geo_id FROM dashboard.places) AS geo_ids
),
cleared AS (
  DELETE FROM dashboard.product_months p USING keys k
   WHERE p.geo_id = ANY (k.geo_ids) AND p.month_key = ANY (k.month_keys)
     AND (p.month_key, p.product_no) IN (SELECT month_key, product_no FROM touched)
  RETURNING p.*
),
rebuilt AS (
  INSERT INTO dashboard.product_months
    (month_key, product_no, category_id, geo_id, payment_method_key, transactions, quantity, revenue_cents, profit_cents, discount_cents)
  SELECT p.date_key / 100, p.product_no, p.category_id, coalesce(p.geo_id, 0), coalesce(p.payment_method_key, 0),
         sum(p.transactions), sum(p.quantity), sum(p.revenue_cents), sum(p.profit_cents), sum(p.discount_cents)
    FROM dashboard.product_days p, keys k
   WHERE p.date_key BETWEEN k.first_day AND k.last_day
     AND (p.date_key / 100, p.product_no) IN (SELECT month_key, product_no FROM touched)
   GROUP BY GROUPING SETS ((p.date_key / 100, p.product_no, p.category_id, p.geo_id, p.payment_method_key),
                           (p.date_key / 100, p.product_no, p.category_id))
  RETURNING *
)
INSERT INTO pg_temp.dashboard_product_months_delta
SELECT r.month_key / 100, r.product_no, r.category_id, r.geo_id, r.payment_method_key,
       r.transactions, r.quantity, r.revenue_cents, r.profit_cents, r.discount_cents
  FROM rebuilt r
UNION ALL
SELECT c.month_key / 100, c.product_no, c.category_id, c.geo_id, c.payment_method_key,
       -c.transactions, -c.quantity, -c.revenue_cents, -c.profit_cents, -c.discount_cents
  FROM cleared c
