-- When the stage rebuilds the dashboard summaries on other connections, it must read what they
-- commit: each statement its own snapshot. The refresh lock and the warehouse load lock (shared),
-- taken next and held to the commit, keep the summaries and the warehouse as they are meanwhile.
-- Must be the first statement of the stage's transaction.
SET TRANSACTION ISOLATION LEVEL READ COMMITTED,
READ WRITE
