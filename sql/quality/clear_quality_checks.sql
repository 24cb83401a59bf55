-- Forgets the run's earlier check results, so a rerun replaces them instead of adding to them.
DELETE FROM ops.quality_checks WHERE run_id = $1;
