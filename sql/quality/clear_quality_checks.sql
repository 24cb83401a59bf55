-- Forgets the run's earlier results of one stage's checks ($2), so a rerun replaces them instead
-- of adding to them; other stages' results stay.
DELETE FROM ops.quality_checks
WHERE
  run_id = $1
  AND stage = $2;
