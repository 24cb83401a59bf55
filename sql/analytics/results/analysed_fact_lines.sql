-- The order lines the analyses read: the whole warehouse.
SELECT count(*)::bigint AS fact_lines FROM warehouse.fact_sales
