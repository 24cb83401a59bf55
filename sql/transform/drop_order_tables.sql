-- The run's order tables of the transform (order_lines.sql, transactions_decide.sql: UNLOGGED, in
-- schema typed). Created in the transform's transaction, so a rolled-back attempt takes them away;
-- dropped once it has committed and handed the run on (transform.service.ts), or in the
-- transaction itself where no runtime runs it. Nothing reads them after the transform's loads,
-- and a pair a failed drop leaves is the typed-table sweep's.
DROP TABLE IF EXISTS {{order_lines}},
{{order_verdicts}}
