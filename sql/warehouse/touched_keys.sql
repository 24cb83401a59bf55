-- The aggregate keys this load touched: the day, customer version and product version of every
-- fact it wrote, moved, re-pointed or deleted, before and after. The aggregates recompute exactly
-- these keys. For this transaction only.
CREATE TEMP TABLE warehouse_touched (date_key integer, customer_key bigint, product_key bigint) ON
COMMIT
DROP;

-- The days of the returns this load wrote, before and after (load_returns.sql): no aggregate
-- reads them, the load's record does (record_load.sql), for the dashboard's refresh.
CREATE TEMP TABLE warehouse_return_days (date_key integer NOT NULL) ON
COMMIT
DROP
