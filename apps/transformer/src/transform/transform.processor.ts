import { Processor } from '@nestjs/bullmq';
import type { Job } from 'bullmq';
import { Pool } from 'pg';
import { AppConfig } from '@ecom/config';
import { QUEUES, RunJobPayload, parsePayload } from '@ecom/contracts';
import { withTransaction } from '@ecom/db';
import { LedgerRepository, PRODUCTION_WRITER, StageRuntime, StageWorker, ensureTypedTables, profileRun } from '@ecom/pipeline';
import { TransformService } from './transform.service';

@Processor(QUEUES.transform)
export class TransformProcessor extends StageWorker {
  constructor(
    private readonly runtime: StageRuntime,
    private readonly transform: TransformService,
    private readonly pool: Pool,
    private readonly ledger: LedgerRepository,
    config: AppConfig,
  ) {
    super(config);
  }

  async process(job: Job): Promise<void> {
    const { runId } = parsePayload(RunJobPayload, job.data, `transform job ${job.id}`);
    try {
      await this.runtime.runStage(job, 'transform', runId, (ctx) => this.transform.transformRun(ctx), PRODUCTION_WRITER);
    } finally {
      // The transform stores a run's data profile with its commit. A run it stops (a
      // reconciliation, the reject-rate gate) keeps one too, as a run the validate stage stops
      // does: measured once the rollback has released production's locks.
      if ((await this.ledger.getStage(runId, 'transform'))?.status === 'failed') await this.profileStopped(runId);
    }
  }

  private async profileStopped(runId: string): Promise<void> {
    try {
      await withTransaction(this.pool, (client) => ensureTypedTables(client, runId));
      await profileRun(this.pool, runId, true);
    } catch (error) {
      this.logger.warn(`run ${runId}: no data profile: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
