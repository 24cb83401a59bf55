import { Processor } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import type { Job } from 'bullmq';
import { AppConfig, CategoricalValuesConfig } from '@ecom/config';
import { QUEUES, RunJobPayload, parsePayload } from '@ecom/contracts';
import { Pool } from 'pg';
import { LedgerRepository, StageRuntime, StageWorker, dropTypedTables, profileRun, startTypedTables } from '@ecom/pipeline';
import { QualityService } from './quality.service';

@Injectable()
@Processor(QUEUES.validate)
export class ValidateProcessor extends StageWorker {
  constructor(
    private readonly runtime: StageRuntime,
    private readonly quality: QualityService,
    private readonly pool: Pool,
    private readonly ledger: LedgerRepository,
    private readonly categorical: CategoricalValuesConfig,
    config: AppConfig,
  ) {
    super(config);
  }

  async process(job: Job): Promise<void> {
    const { runId } = parsePayload(RunJobPayload, job.data, `validate job ${job.id}`);
    try {
      await this.runStageWork(job, runId);
    } finally {
      // A stopped or failed validation drops the typed tables again (the transform drops them after
      // a successful one). Only once the stage's transaction has ended: it holds locks on them.
      const stage = await this.ledger.getStage(runId, 'validate');
      if (stage?.status !== 'succeeded') await dropTypedTables(this.pool, runId);
    }
  }

  private async runStageWork(job: Job, runId: string): Promise<void> {
    await this.runtime.runStage(job, 'validate', runId, async (ctx) => {
      // Every staged value parsed once, into the run's typed tables, on both cores; the checks
      // start on each table as it is committed, and the transform (and its data profile) reads them.
      const build = startTypedTables(this.pool, runId, this.categorical);
      try {
        return await this.quality.validateRun(ctx, undefined, build);
      } catch (error) {
        // Nothing of the build left running past the stage: its end drops the tables.
        const built = await build.done.then(
          () => true,
          () => false,
        );
        // The transform measures a passing run's data profile, beside its loads. A run stopped
        // here keeps one too, measured on the tables just built; the checks' error stays the
        // stage's error.
        if (built) {
          await profileRun(this.pool, runId, true).catch((profileError: unknown) =>
            this.logger.warn(`run ${runId}: no data profile: ${profileError instanceof Error ? profileError.message : String(profileError)}`),
          );
        }
        throw error;
      }
    });
  }
}
