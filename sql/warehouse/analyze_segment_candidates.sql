-- Temporary tables get no statistics of their own; customer_segments.sql's plan needs them.
ANALYZE pg_temp.warehouse_segment_candidates
