import { Injectable, NotFoundException } from '@nestjs/common';
import { Pool } from 'pg';
import type { Queryable } from '@ecom/db';
import type {
  FileReport,
  QualityCheckReport,
  QualityCheckStage,
  QualityCheckStatus,
  QualityReport,
  QualitySummary,
  RunProfile,
  RunReport,
  StageReport,
} from '@ecom/contracts';
import { ENTITIES, ENTITY_SPECS } from '@ecom/contracts';
import { rejectRate, type RejectRateRow } from '@ecom/pipeline';
import { mappedRunReport } from './mapping-report';
import { RejectsRepository } from './rejects.repository';
import { rejectTotals } from './rejects.service';
import { ServerPaths } from './server-paths';
import { RunsRepository, type ProfileRow, type QualityCheckRow, type QualityScoreRow, type StageRow } from './runs.repository';

function toNumber(value: string | number): number;
function toNumber(value: string | number | null): number | null;
function toNumber(value: string | number | null): number | null {
  return value === null ? null : Number(value);
}

function elapsedMs(from: Date | null, to: Date | null): number | null {
  return from && to ? to.getTime() - from.getTime() : null;
}

function progressOf(detail: Record<string, unknown>): Record<string, unknown> | null {
  const progress = detail.progress;
  return progress && typeof progress === 'object' && !Array.isArray(progress) ? (progress as Record<string, unknown>) : null;
}

function runProfile(runId: string, row: ProfileRow): RunProfile {
  return { runId, computedAt: row.computed_at.toISOString(), ...row.profile };
}

function qualitySummary(row: QualityScoreRow, rates: RejectRateRow[]): QualitySummary {
  return {
    score: Number(row.score),
    grade: row.grade.trim(),
    threshold: Number(row.threshold),
    passed: row.passed,
    stagingScore: Number(row.staging_score),
    stagingGrade: row.staging_grade.trim(),
    rejectRates: rates.map(rejectRate),
  };
}

function qualityCheckReport(row: QualityCheckRow): QualityCheckReport {
  return {
    checkName: row.check_name,
    checkType: row.check_type,
    stage: row.stage as QualityCheckStage,
    family: row.family,
    entity: row.entity,
    severity: row.severity as QualityCheckReport['severity'],
    threshold: row.threshold,
    allowedViolations: Number(row.allowed_violations),
    weight: Number(row.weight),
    rowsChecked: Number(row.rows_checked),
    violations: Number(row.violations),
    sampleIds: row.sample_ids,
    passed: row.passed,
    status: row.status as QualityCheckStatus,
    description: row.description,
  };
}

/** A succeeded stage must account for every row it took in (docs/contract.md section 3). */
function stageBalances(stage: StageReport): boolean {
  if (stage.status !== 'succeeded') return true;
  if (stage.rowsIn === null) return false;
  return stage.rowsIn === (stage.rowsOut ?? 0) + (stage.rowsRejected ?? 0);
}

function stageReport(row: StageRow): StageReport {
  return {
    stage: row.stage,
    status: row.status,
    attempts: row.attempts,
    startedAt: row.started_at?.toISOString() ?? null,
    finishedAt: row.finished_at?.toISOString() ?? null,
    durationMs: elapsedMs(row.started_at, row.finished_at),
    rowsIn: toNumber(row.rows_in),
    rowsOut: toNumber(row.rows_out),
    rowsRejected: toNumber(row.rows_rejected),
    tasksTotal: row.tasks_total,
    tasksDone: row.tasks_done,
    progress: progressOf(row.detail),
    detail: row.detail,
    error: row.error,
  };
}

/** What GET /runs/:id and /runs/:id/quality say about one run, built from the ledger tables. */
@Injectable()
export class RunReportService {
  constructor(
    private readonly runs: RunsRepository,
    private readonly rejects: RejectsRepository,
    private readonly paths: ServerPaths,
    private readonly pool: Pool,
  ) {}

  private async readReport(db: Queryable, runId: string) {
    const run = await this.runs.findRun(runId, db);
    if (!run) return undefined;
    return {
      run,
      stageRows: await this.runs.stagesOf(runId, db),
      fileRows: await this.runs.fileAccountingOf(runId, db),
      rejectRows: await this.runs.rejectsByReasonOf(runId, db),
      scoreRow: await this.runs.qualityScoreOf(runId, db),
      rateRows: await this.runs.rejectRatesOf(runId, db),
      profileRow: await this.runs.profileOf(runId, db),
      totalsRow: await this.rejects.totals(runId, db),
      mapped: await this.runs.mappingOf(runId, db),
    };
  }

  /**
   * The report's reads one after another on one connection. Polled every half second while a run
   * goes (CLI, bench, dashboard): read at once, they spread over up to nine of the pool's
   * connections, each opened while the run's stages use the same cores (a new backend is ~15 ms
   * of CPU, and each then loads the catalog rows of the statements it runs).
   */
  async report(runId: string): Promise<RunReport> {
    const client = await this.pool.connect();
    let read: Awaited<ReturnType<RunReportService['readReport']>>;
    try {
      read = await this.readReport(client, runId);
    } finally {
      client.release();
    }
    if (!read) throw new NotFoundException(`run ${runId} not found`);
    const { run, stageRows, fileRows, rejectRows, scoreRow, rateRows, profileRow, totalsRow, mapped } = read;
    const stages = await Promise.all(stageRows.map(async (row) => ({ ...stageReport(row), error: await this.paths.text(row.error) })));
    const files: FileReport[] = fileRows.map((row) => ({
      sourceFile: row.source_file,
      entity: row.entity,
      linesRead: toNumber(row.lines_read),
      rowsLanded: toNumber(row.rows_landed),
      rowsQuarantined: toNumber(row.rows_quarantined),
      blankLines: toNumber(row.blank_lines),
    }));
    const ingested = stages.some((s) => s.stage === 'ingest' && s.status === 'succeeded');
    const absentFiles = ingested ? ENTITIES.filter((e) => !files.some((f) => f.entity === e)).map((e) => ENTITY_SPECS[e].fileName) : [];
    const filesBalance = files.every((f) => f.linesRead === f.rowsLanded + f.rowsQuarantined);
    return {
      runId: run.run_id,
      mode: run.mode,
      status: run.status,
      failedStage: run.failed_stage,
      error: await this.paths.text(run.error),
      params: {
        ...run.params,
        inputDir: await this.paths.path(run.params.inputDir),
        // A shipped mapping's file is shown by its name: it lies outside the data and source roots.
        ...(run.params.mapping
          ? { mapping: { ...run.params.mapping, file: await this.paths.path(run.params.mapping.file), sourceDir: await this.paths.path(run.params.mapping.sourceDir) } }
          : {}),
      } as unknown as Record<string, unknown>,
      createdAt: run.created_at.toISOString(),
      startedAt: run.started_at?.toISOString() ?? null,
      finishedAt: run.finished_at?.toISOString() ?? null,
      durationMs: elapsedMs(run.started_at ?? run.created_at, run.finished_at),
      stages,
      files,
      absentFiles,
      quality: scoreRow ? qualitySummary(scoreRow, rateRows) : null,
      rejectsByReason: rejectRows.map((row) => ({ stage: row.stage, reasonCode: row.reason_code, count: Number(row.count) })),
      rejectTotals: rejectTotals(totalsRow),
      accountingBalanced: filesBalance && stages.every(stageBalances),
      profile: profileRow ? runProfile(runId, profileRow) : null,
      mapping: mapped ? mappedRunReport(mapped.run, mapped.warehouse, mapped.returns) : null,
    };
  }

  /** The data profile stored for the run; 404 until it is. */
  async profile(runId: string): Promise<RunProfile> {
    const [run, row] = await Promise.all([this.runs.findRun(runId), this.runs.profileOf(runId)]);
    if (!run) throw new NotFoundException(`run ${runId} not found`);
    if (!row) {
      throw new NotFoundException(`run ${runId} has no data profile yet (status ${run.status}); it is stored when the transform commits, or when the validate or transform stage stops the run`);
    }
    return runProfile(runId, row);
  }

  /** Every stored check of every stage; 404 until some stage has checked the run. */
  async quality(runId: string): Promise<QualityReport> {
    const [run, scoreRow, checkRows, rateRows] = await Promise.all([
      this.runs.findRun(runId),
      this.runs.qualityScoreOf(runId),
      this.runs.qualityChecksOf(runId),
      this.runs.rejectRatesOf(runId),
    ]);
    if (!run) throw new NotFoundException(`run ${runId} not found`);
    if (!scoreRow && checkRows.length === 0) {
      throw new NotFoundException(
        `run ${runId} has no quality report yet (status ${run.status}); the validate stage writes it (a rebuild: the warehouse stage)`,
      );
    }
    const checks = checkRows.map(qualityCheckReport);
    const summary = scoreRow ? qualitySummary(scoreRow, rateRows) : undefined;
    const rejectRates = rateRows.map(rejectRate);
    return {
      runId,
      score: summary?.score ?? null,
      grade: summary?.grade ?? null,
      threshold: summary?.threshold ?? null,
      passed: (summary?.passed ?? true) && rejectRates.every((r) => r.passed) && checks.every((check) => check.status !== 'fail'),
      stagingScore: summary?.stagingScore ?? null,
      stagingGrade: summary?.stagingGrade ?? null,
      rejectRates,
      checks,
    };
  }
}
