-- A replay run ($2) marks the rejects of the run it replays ($1) resolved where it delivered a
-- production row of the same entity and key: after this run's upserts, in the same transaction,
-- last_run_id = $2 is exactly what this run loaded (its row locks keep other runs off until
-- commit). Rejects already resolved keep their first resolver, so replaying the same folder again
-- changes nothing. Ingest rejects (a line with too many fields, say) are matched like transform
-- rejects: the ingestor stores their entity, and their key wherever it could be read for sure.
-- Rejects without a key (a blank line, a record whose key is unsure) cannot be matched and stay
-- open. Returns how many were resolved.
WITH resolved AS (
  UPDATE ops.quarantine q
     SET resolved_at = clock_timestamp(),
         resolved_by_run = $2
   WHERE q.run_id = $1
     AND q.resolved_at IS NULL
     AND q.record_key IS NOT NULL
     AND CASE q.entity
           WHEN 'customers' THEN EXISTS (
             SELECT 1 FROM production.customers p
              WHERE p.customer_id = btrim(q.record_key) AND p.last_run_id = $2)
           WHEN 'products' THEN EXISTS (
             SELECT 1 FROM production.products p
              WHERE p.product_id = btrim(q.record_key) AND p.last_run_id = $2)
           WHEN 'transactions' THEN EXISTS (
             SELECT 1 FROM production.transactions p
              WHERE p.transaction_id = btrim(q.record_key) AND p.last_run_id = $2)
           WHEN 'transaction_items' THEN EXISTS (
             SELECT 1 FROM production.transaction_items p
              WHERE p.item_id = btrim(q.record_key) AND p.last_run_id = $2)
           ELSE false
         END
  RETURNING 1
)
SELECT count(*) AS resolved FROM resolved
