-- The run's order tables of the transform (order_lines.sql, transactions_decide.sql: UNLOGGED, in
-- schema typed), dropped at the end of the transform, in its transaction: created and dropped
-- there, they are never seen by another session, and a rolled-back attempt takes them away.
DROP TABLE IF EXISTS {{order_lines}},
{{order_verdicts}}
