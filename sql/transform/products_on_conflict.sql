-- The upsert of sql/transform/products.sql (spliced into its {{on_conflict}}) when production.products
-- already holds rows: a row already there is updated only when a value differs, and updated_at moves
-- only when a business column changed, so a rerun writes nothing. last_run_id names the run that
-- last wrote the row (inserted or changed it): a re-delivered identical row keeps its tuple, its
-- updated_at and its last_run_id (rewriting ~2.5M lines only to stamp them cost run 2 of the 1M
-- bench ~80 s); what a run delivered is its accepted staged keys (sql/quality/reconcile_*.sql). A first load into the empty table
-- (its primary key dropped by bulk_load_prepare.sql when nothing references it) inserts plainly.
ON CONFLICT (product_id) DO UPDATE
SET
  product_name = EXCLUDED.product_name,
  category = EXCLUDED.category,
  sub_category = EXCLUDED.sub_category,
  price = EXCLUDED.price,
  cost = EXCLUDED.cost,
  profit_margin = EXCLUDED.profit_margin,
  price_category = EXCLUDED.price_category,
  brand = EXCLUDED.brand,
  stock_quantity = EXCLUDED.stock_quantity,
  supplier_id = EXCLUDED.supplier_id,
  last_run_id = EXCLUDED.last_run_id,
  updated_at = CASE
    WHEN (
      p.product_name,
      p.category,
      p.sub_category,
      p.price,
      p.cost,
      p.brand,
      p.stock_quantity,
      p.supplier_id
    ) IS DISTINCT FROM (
      EXCLUDED.product_name,
      EXCLUDED.category,
      EXCLUDED.sub_category,
      EXCLUDED.price,
      EXCLUDED.cost,
      EXCLUDED.brand,
      EXCLUDED.stock_quantity,
      EXCLUDED.supplier_id
    ) THEN now()
    ELSE p.updated_at
  END
WHERE
  (
    p.product_name,
    p.category,
    p.sub_category,
    p.price,
    p.cost,
    p.brand,
    p.stock_quantity,
    p.supplier_id
  ) IS DISTINCT FROM (
    EXCLUDED.product_name,
    EXCLUDED.category,
    EXCLUDED.sub_category,
    EXCLUDED.price,
    EXCLUDED.cost,
    EXCLUDED.brand,
    EXCLUDED.stock_quantity,
    EXCLUDED.supplier_id
  )
