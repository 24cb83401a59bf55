-- First in parsePhonesBeside's transaction: the tables it reads, locked now or not at all. The
-- transform's own transaction, which waits for this one before it loads the customers, may hold
-- one of them exclusively (rebuilding the run's typed customers, or a test's TRUNCATE): waiting for
-- it would wait forever, PostgreSQL seeing no deadlock in a wait that passes through Node.js. On
-- lock_not_available nothing is parsed beside and the transform parses every phone itself. The
-- timeout bounds any other lock this transaction might meet. Placeholder: customers, the run's
-- typed customers.
SELECT
  set_config('lock_timeout', '1s', true);

LOCK TABLE {{customers}},
production.customers IN ACCESS SHARE MODE NOWAIT
