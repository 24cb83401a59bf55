import { Processor } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import type { Job } from 'bullmq';
import { AppConfig, CategoricalValuesConfig } from '@ecom/config';
import { QUEUES, RunJobPayload, parsePayload } from '@ecom/contracts';
import { Pool } from 'pg';
import { LedgerRepository, StageRuntime, StageWorker, dropTypedTables, startTypedTables } from '@ecom/pipeline';
import { ProfileService } from '../profile/profile.service';
import { QualityService } from './quality.service';

@Injectable()
@Processor(QUEUES.validate)
export class ValidateProcessor extends StageWorker {
  constructor(
    private readonly runtime: StageRuntime,
    private readonly quality: QualityService,
    private readonly profile: ProfileService,
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
      // Every staged value parsed once, into the run's typed tables, on both cores; the checks, the
      // profile and the transform read them.
      const build = startTypedTables(this.pool, runId, this.categorical);
      // The profile reads the typed tables through the pool while the checks run in the stage's transaction:
      // on separate connections they overlap. Each profile statement starts once the tables it reads
      // are built: those without order lines while the order lines' build (the longer lane) still
      // runs, on the core the other lane has left. It is stored on its own, and awaited even when the
      // gate stops the run, so a stopped run keeps its profile. A build error wins, then a profile
      // error, as when they ran one after another.
      const profiling = this.profile.profileRun(runId, build);
      const validating = build.done.then((rows) => this.quality.validateRun(ctx, undefined, sumRows(rows)));
      const [built, profiled, validated] = await Promise.allSettled([build.done, profiling, validating]);
      if (built.status === 'rejected') throw built.reason;
      if (profiled.status === 'rejected') throw profiled.reason;
      if (validated.status === 'rejected') throw validated.reason;
      return validated.value;
    });
  }
}

/** Every staged row of the run: the rows of its typed tables, as their build counted them. */
function sumRows(rows: Readonly<Record<string, number>>): number {
  return Object.values(rows).reduce((sum, n) => sum + n, 0);
}
