import { Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import { AppConfig } from '@ecom/config';
import { withTransaction } from '@ecom/db';
import { StageFailure, type StageContext, type StageCounts } from '@ecom/pipeline';
import { QUALITY_CHECKS, type QualityCheck } from './quality-checks';
import { QualityRepository, type CheckResult } from './quality.repository';

/**
 * Scores a run's staging rows against the check registry. It flags, it does not drop: every
 * staged row passes on to the transformer, or the whole run stops here below the threshold.
 */
@Injectable()
export class QualityService {
  constructor(
    private readonly repository: QualityRepository,
    private readonly pool: Pool,
    private readonly config: AppConfig,
  ) {}

  async validateRun(ctx: StageContext, checks: readonly QualityCheck[] = QUALITY_CHECKS): Promise<StageCounts> {
    const results: CheckResult[] = [];
    for (const check of checks) {
      results.push(await this.repository.measure(ctx.client, ctx.runId, check));
      await ctx.progress({ checksDone: results.length, checksTotal: checks.length, lastCheck: check.name });
    }
    const verdict = await this.repository.score(ctx.client, results, this.config.quality.threshold);

    if (!verdict.passed) {
      // Throwing rolls ctx.client back; the results commit on their own so the run report can
      // still show why the run failed.
      await withTransaction(this.pool, (client) => this.repository.replaceResults(client, ctx.runId, results, verdict));
      throw new StageFailure(
        `quality score ${Number(verdict.score)} (${verdict.grade}) is below the threshold ${Number(verdict.threshold)}; ` +
          `worst checks: ${verdict.worstChecks.join(', ')}`,
      );
    }

    await this.repository.replaceResults(ctx.client, ctx.runId, results, verdict);
    const staged = await this.repository.countStagedRows(ctx.client, ctx.runId);
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
