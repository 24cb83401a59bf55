-- The first statements of the transaction that runs the analyses reading only the warehouse beside
-- the summaries' refresh: the stage transaction's snapshot (export_snapshot.sql), so they read the
-- warehouse the stage reads. {{snapshot}} is that snapshot's id as a quoted literal (SET
-- TRANSACTION SNAPSHOT takes no parameter).
SET TRANSACTION ISOLATION LEVEL REPEATABLE READ,
READ ONLY;

SET TRANSACTION SNAPSHOT {{snapshot}}
