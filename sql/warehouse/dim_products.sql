-- dim_products: one current version per product_id (full SCD type 2 comes later), carrying the
-- price and cost that fact_sales uses for profit. As in dim_customers, the first version is
-- effective from 1900-01-01 so every fact can join it, and a changed product is updated in
-- place only when an attribute IS DISTINCT FROM the stored one.
--
-- price_range bands on the list price: Budget < 25, Mid-range < 100, Premium < 500, else Luxury.
-- Every production product is compared (the table is small), hence no run parameter.
INSERT INTO warehouse.dim_products AS d
  (product_id, product_name, category, sub_category, brand, price, cost, price_range,
   effective_date, end_date, is_current)
SELECT p.product_id, p.product_name, p.category, p.sub_category, p.brand, p.price, p.cost,
       CASE WHEN p.price < 25 THEN 'Budget'
            WHEN p.price < 100 THEN 'Mid-range'
            WHEN p.price < 500 THEN 'Premium'
            ELSE 'Luxury' END,
       DATE '1900-01-01', DATE '9999-12-31', true
  FROM production.products p
ON CONFLICT (product_id) WHERE is_current DO UPDATE
   SET product_name = EXCLUDED.product_name,
       category = EXCLUDED.category,
       sub_category = EXCLUDED.sub_category,
       brand = EXCLUDED.brand,
       price = EXCLUDED.price,
       cost = EXCLUDED.cost,
       price_range = EXCLUDED.price_range
 WHERE (d.product_name, d.category, d.sub_category, d.brand, d.price, d.cost, d.price_range)
       IS DISTINCT FROM
       (EXCLUDED.product_name, EXCLUDED.category, EXCLUDED.sub_category, EXCLUDED.brand, EXCLUDED.price,
        EXCLUDED.cost, EXCLUDED.price_range);
