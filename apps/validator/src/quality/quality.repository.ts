import { Injectable } from '@nestjs/common';
import { runSqlFile, type Queryable } from '@ecom/db';
import type { QualityCheck } from './quality-checks';

/** What one check found in one run. Counts stay as pg returns bigint: exact decimal strings. */
export interface CheckResult {
  check: QualityCheck;
  rowsChecked: string;
  violations: string;
  sampleIds: string[];
}

/** The run's score as PostgreSQL computed it; numeric values are exact decimal strings. */
export interface QualityVerdict {
  score: string;
  grade: string;
  threshold: string;
  passed: boolean;
  failedChecks: string[];
  worstChecks: string[];
}

/** The only place that knows the sql/quality files and the ops.quality_* tables. */
@Injectable()
export class QualityRepository {
  async measure(db: Queryable, runId: string, check: QualityCheck): Promise<CheckResult> {
    const { rows } = await runSqlFile<{ rows_checked: string; violations: string; sample_ids: string[] }>(db, check.sql, [
      runId,
    ]);
    const row = rows[0];
    if (!row) throw new Error(`sql/${check.sql}.sql returned no row for run ${runId}`);
    return { check, rowsChecked: row.rows_checked, violations: row.violations, sampleIds: row.sample_ids };
  }

  async score(db: Queryable, results: readonly CheckResult[], threshold: number): Promise<QualityVerdict> {
    const { rows } = await runSqlFile<{
      score: string;
      grade: string;
      threshold: string;
      passed: boolean;
      failed_checks: string[];
      worst_checks: string[];
    }>(db, 'quality/run_score', [JSON.stringify(results.map(toRecord)), threshold]);
    const row = rows[0];
    return {
      score: row.score,
      grade: row.grade,
      threshold: row.threshold,
      passed: row.passed,
      failedChecks: row.failed_checks,
      worstChecks: row.worst_checks,
    };
  }

  /** Replaces the run's stored checks and score; `db` decides which transaction they land in. */
  async replaceResults(db: Queryable, runId: string, results: readonly CheckResult[], verdict: QualityVerdict): Promise<void> {
    await runSqlFile(db, 'quality/clear_quality_checks', [runId]);
    await runSqlFile(db, 'quality/store_quality_checks', [runId, JSON.stringify(results.map(toRecord))]);
    await runSqlFile(db, 'quality/store_quality_score', [runId, verdict.score, verdict.grade, verdict.threshold, verdict.passed]);
  }

  async countStagedRows(db: Queryable, runId: string): Promise<number> {
    const { rows } = await runSqlFile<{ staged_rows: string }>(db, 'quality/staged_rows_of_run', [runId]);
    return Number(rows[0].staged_rows);
  }
}

function toRecord(result: CheckResult) {
  const { check } = result;
  return {
    check_name: check.name,
    family: check.family,
    entity: check.entity,
    weight: check.weight,
    description: check.description,
    rows_checked: result.rowsChecked,
    violations: result.violations,
    sample_ids: result.sampleIds,
  };
}
