import { Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import type { RunProfile, Stage, StageStatus } from '@ecom/contracts';
import { runSqlFile, type Queryable } from '@ecom/db';
import type { RejectRateRow, RunRecord } from '@ecom/pipeline';
import type { MappingRunRow, ReturnsRow, WarehouseTotalsRow } from './mapping-report';

/** Rows as pg returns them: bigint and numeric arrive as strings, timestamptz as Date. Runs are the ledger's RunRecord. */
export interface StageRow {
  stage: Stage;
  status: StageStatus;
  attempts: number;
  started_at: Date | null;
  finished_at: Date | null;
  rows_in: string | null;
  rows_out: string | null;
  rows_rejected: string | null;
  tasks_total: number | null;
  tasks_done: number;
  detail: Record<string, unknown>;
  error: string | null;
}

export interface FileAccountingRow {
  source_file: string;
  entity: string;
  lines_read: string;
  rows_landed: string;
  rows_quarantined: string;
  blank_lines: string;
}

export interface RejectCountRow {
  stage: string;
  reason_code: string;
  count: string;
}

export interface QualityScoreRow {
  score: string;
  grade: string;
  threshold: string;
  passed: boolean;
  staging_score: string;
  staging_grade: string;
}

export interface QualityCheckRow {
  check_name: string;
  check_type: string;
  stage: string;
  family: string;
  entity: string;
  severity: string;
  threshold: string;
  allowed_violations: string;
  weight: string;
  rows_checked: string;
  violations: string;
  sample_ids: string[];
  passed: boolean;
  status: string;
  description: string;
}

export interface ProfileRow {
  profile: Omit<RunProfile, 'runId' | 'computedAt'>;
  computed_at: Date;
}

/** Reads of the run ledger for the API; runs are created through StageRuntime, not here. */
@Injectable()
export class RunsRepository {
  constructor(private readonly pool: Pool) {}

  async listNewestFirst(limit: number, offset: number): Promise<RunRecord[]> {
    return (await runSqlFile<RunRecord>(this.pool, 'api/runs_newest_first', [limit, offset])).rows;
  }

  async findRun(runId: string, db: Queryable = this.pool): Promise<RunRecord | undefined> {
    return (await runSqlFile<RunRecord>(db, 'api/run_by_id', [runId])).rows[0];
  }

  async stagesOf(runId: string, db: Queryable = this.pool): Promise<StageRow[]> {
    return (await runSqlFile<StageRow>(db, 'api/stages_of_run', [runId])).rows;
  }

  async fileAccountingOf(runId: string, db: Queryable = this.pool): Promise<FileAccountingRow[]> {
    return (await runSqlFile<FileAccountingRow>(db, 'api/file_accounting_of_run', [runId])).rows;
  }

  async rejectsByReasonOf(runId: string, db: Queryable = this.pool): Promise<RejectCountRow[]> {
    return (await runSqlFile<RejectCountRow>(db, 'api/rejects_by_reason_of_run', [runId])).rows;
  }

  async qualityScoreOf(runId: string, db: Queryable = this.pool): Promise<QualityScoreRow | undefined> {
    return (await runSqlFile<QualityScoreRow>(db, 'api/quality_score_of_run', [runId])).rows[0];
  }

  async rejectRatesOf(runId: string, db: Queryable = this.pool): Promise<RejectRateRow[]> {
    return (await runSqlFile<RejectRateRow>(db, 'api/reject_rates_of_run', [runId])).rows;
  }

  async qualityChecksOf(runId: string): Promise<QualityCheckRow[]> {
    return (await runSqlFile<QualityCheckRow>(this.pool, 'api/quality_checks_of_run', [runId])).rows;
  }

  /** A mapped run's control totals and the warehouse's side of them; undefined for other runs. */
  async mappingOf(
    runId: string,
    db: Queryable = this.pool,
  ): Promise<{ run: MappingRunRow; warehouse: WarehouseTotalsRow; returns: ReturnsRow[] } | undefined> {
    const run = (await runSqlFile<MappingRunRow>(db, 'mapping/mapping_run_of', [runId])).rows[0];
    if (!run) return undefined;
    // The kept totals outlive the staging rows; a run not yet through the warehouse stage (or
    // loaded before they were kept) is read live.
    const warehouse = run.warehouse_totals ?? (await runSqlFile<WarehouseTotalsRow>(db, 'mapping/warehouse_totals_of_run', [runId])).rows[0];
    const returns = await runSqlFile<ReturnsRow>(db, 'mapping/returns_of_run', [runId]);
    return { run, warehouse, returns: returns.rows };
  }

  async profileOf(runId: string, db: Queryable = this.pool): Promise<ProfileRow | undefined> {
    return (await runSqlFile<ProfileRow>(db, 'api/profile_of_run', [runId])).rows[0];
  }
}
