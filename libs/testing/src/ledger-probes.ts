import type { Pool } from 'pg';
import type { LedgerRepository, StageRuntime } from '@ecom/pipeline';

/**
 * What the resume (api) and recovery (ops worker) specs look at after a round: the ledger's stage
 * statuses, one job's state where the api or the round put it (no workers run there), and the
 * clean-up that ends every open run so the next case's round sees only its own. `world` is read at
 * each call: the specs create the app in beforeAll.
 */
export function ledgerProbes(world: () => { pool: Pool; ledger: LedgerRepository; runtime: StageRuntime }) {
  return {
    stageStatuses: async (runId: string) =>
      (await world().ledger.getStages(runId)).filter((s) => s.status !== 'skipped').map((s) => [s.stage, s.status]),
    jobState: async (stage: 'ingest' | 'transform' | 'warehouse', jobId: string) =>
      (await world().runtime.queue(stage).getJob(jobId))?.getState() ?? 'missing',
    settle: () => world().pool.query(`UPDATE ops.runs SET status = 'succeeded', finished_at = now() WHERE status IN ('queued', 'running')`),
  };
}
