import type { Stage } from '@ecom/contracts';
import type { StageCounts } from '../ledger.repository';
import { pipelineMetrics } from './pipeline-metrics';

/**
 * Counts a committed stage or task in the process's metrics. Called after the commit only, so a
 * rolled-back attempt is never counted; fan-out stages are counted per task, never again at close.
 */
export function recordStageCounts(stage: Stage, counts: StageCounts): void {
  const metrics = pipelineMetrics();
  metrics.rowsProcessed.inc({ stage }, counts.rowsIn);
  metrics.rowsRejected.inc({ stage }, counts.rowsRejected);
  const score = counts.detail?.score;
  if (stage === 'validate' && typeof score === 'number' && Number.isFinite(score)) metrics.qualityScore.set(score);
}
