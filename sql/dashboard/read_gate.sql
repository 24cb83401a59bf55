-- Every dashboard read takes this first in its transaction, shared; the swap of a full refresh on
-- lanes takes it exclusively before it locks the summary tables (refresh_next_swap.sql). So the
-- swap waits only for reads already under way, later reads wait for the swap's commit holding no
-- summary table, and no read can hold one table while waiting for another the swap holds (a
-- deadlock, which PostgreSQL would end by failing the read). Released at commit.
SELECT
  pg_advisory_xact_lock_shared(hashtext ('dashboard.swap'))
