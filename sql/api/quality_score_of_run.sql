-- The validator's verdict on a run. $1 run id.
SELECT score, grade, threshold, passed
  FROM ops.quality_scores
 WHERE run_id = $1
