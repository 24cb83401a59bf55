import { Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import { AppConfig } from '@ecom/config';
import { withTransaction } from '@ecom/db';
import { QualityChecksConfig, ensureTypedTables, runQualityChecks, type StageContext, type StageCounts, type TypedTablesBuild } from '@ecom/pipeline';
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
   * `checks` lets a test run another set than the configured one. `build`: the typed tables being
   * built for the run (startTypedTables); each check starts as soon as the tables it reads are
   * committed, and the staged rows are the build's own counts. Without it the checks build any
   * missing table first and the staged rows are counted.
   */
  async validateRun(ctx: StageContext, checks: QualityChecksConfig = this.checks, build?: TypedTablesBuild): Promise<StageCounts> {
    // Without a build, the typed tables committed first (when the validator has built them
    // already, this only looks), so that the staged rows are counted on the pool beside the checks.
    if (!build) await withTransaction(this.pool, (own) => ensureTypedTables(own, ctx.runId));
    const [{ verdict }, staged] = await Promise.all([
      runQualityChecks(ctx.client, this.pool, ctx.runId, 'validate', {
        checks,
        scoreThreshold: this.config.quality.threshold,
        progress: (update) => ctx.progress(update),
        // Its checks read only committed rows: two connections measure them at once, so both
        // cores work until the last check rather than one.
        lanes: 2,
        typedReady: build?.ready,
      }),
      build ? build.done.then(sumRows) : this.repository.countStagedRows(this.pool, ctx.runId),
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

/** Every staged row of the run: the rows of its typed tables, as their build counted them. */
function sumRows(rows: Readonly<Record<string, number>>): number {
  return Object.values(rows).reduce((sum, n) => sum + n, 0);
}
