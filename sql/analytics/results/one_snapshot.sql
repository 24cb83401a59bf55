-- Every analysis of a run reads the same warehouse state, even while another run loads it.
-- Must be the first statement of the stage's transaction.
SET TRANSACTION ISOLATION LEVEL REPEATABLE READ,
READ WRITE
