-- Order lines of run $1 with no dimension version valid on their transaction date go to
-- ops.quarantine as `missing_dimension`, replacing what an earlier attempt of this stage put
-- there. The raw record and the input position come from staging when the run landed the line.
WITH cleared AS (
  DELETE FROM ops.quarantine
   WHERE run_id = $1 AND stage = 'warehouse' AND reason_code = 'missing_dimension'
),
rejected AS (
  SELECT * FROM pg_temp.warehouse_sales_lines WHERE NOT resolved
),
landed AS (
  SELECT DISTINCT ON (s.item_id) s.item_id, s.source_file, s.source_line,
         row_to_json(s)::jsonb - 'extra' - 'loaded_at' - 'run_id' - 'source_file' - 'source_line' AS raw
    FROM staging.transaction_items s
   WHERE s.run_id = $1 AND s.item_id IN (SELECT item_id FROM rejected)
   ORDER BY s.item_id, s.source_file, s.source_line
)
INSERT INTO ops.quarantine
  (run_id, stage, entity, source_file, source_line, record_key, raw_record, reason_code, message)
SELECT $1, 'warehouse', 'transaction_items', l.source_file, l.source_line, r.item_id,
       coalesce(l.raw, jsonb_build_object(
         'item_id', r.item_id, 'transaction_id', r.transaction_id, 'product_id', r.product_id,
         'quantity', r.quantity, 'unit_price', r.unit_price,
         'discount_percentage', r.discount_percentage, 'line_total', r.line_total))::text,
       'missing_dimension',
       format('order line %s of transaction %s: no dimension row valid on %s for %s',
              r.item_id, r.transaction_id, r.transaction_date,
              concat_ws(', ',
                CASE WHEN r.date_key IS NULL THEN 'the date' END,
                CASE WHEN r.customer_key IS NULL THEN 'customer ' || r.customer_id END,
                CASE WHEN r.product_key IS NULL THEN 'product ' || r.product_id END,
                CASE WHEN r.payment_method_key IS NULL THEN 'payment method ' || r.payment_method END))
  FROM rejected r
  LEFT JOIN landed l ON l.item_id = r.item_id;
