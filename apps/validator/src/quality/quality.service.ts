import { Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import { AppConfig } from '@ecom/config';
import { withTransaction } from '@ecom/db';
import { QualityChecksConfig, ensureTypedTables, runQualityChecks, type StageContext, type StageCounts } from '@ecom/pipeline';
import { QualityRepository } from './quality.repository';

/**
 * Scores a run's staging rows against the validate-stage checks of config/quality-checks.yaml.
 * It flags, it does not drop: every staged row passes on to the transformer, or the whole run
 * stops here, before production is touched, when an error check exceeds its threshold or the
 * score is below config.quality.threshold.
 */
@Injectable()
export class QualityService {
  constructor(
    private readonly repository: QualityRepository,
    private readonly pool: Pool,
    private readonly config: AppConfig,
    private readonly checks: QualityChecksConfig,
  ) {}

  /**
   * `checks` lets a test run another set than the configured one. `stagedRows`: the rows the typed
   * tables were just built with (their build's own counts), so they need not be counted again.
   */
  async validateRun(ctx: StageContext, checks: QualityChecksConfig = this.checks, stagedRows?: number): Promise<StageCounts> {
    // The typed tables committed first (the validator has built them already: then this only
    // looks), so the staged rows are counted on the pool beside the checks, not after them.
    await withTransaction(this.pool, (own) => ensureTypedTables(own, ctx.runId));
    const [{ verdict }, staged] = await Promise.all([
      runQualityChecks(ctx.client, this.pool, ctx.runId, 'validate', {
        checks,
        scoreThreshold: this.config.quality.threshold,
        progress: (update) => ctx.progress(update),
        // Its checks read only committed rows: two connections measure them at once, so both
        // cores work until the last check rather than one.
        lanes: 2,
      }),
      stagedRows ?? this.repository.countStagedRows(this.pool, ctx.runId),
    ]);
    return {
      rowsIn: staged,
      rowsOut: staged,
      rowsRejected: 0,
      detail: {
        score: Number(verdict.score),
        grade: verdict.grade,
        threshold: Number(verdict.threshold),
        passed: verdict.passed,
        failedChecks: verdict.failedChecks,
      },
    };
  }
}
