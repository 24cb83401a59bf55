import { Injectable } from '@nestjs/common';
import type { Pool, PoolClient } from 'pg';
import { ENTITY_SPECS, type Entity } from '@ecom/contracts';
import { copyChunks, copyRows, runSqlFile, withTransaction, type Queryable } from '@ecom/db';
import { LedgerRepository } from '@ecom/pipeline';

/** A staging row in COPY order: the entity's columns, then extra, run_id, source_file, source_line. */
export type StagingRow = ReadonlyArray<string | null>;

export interface QuarantinedRecord {
  sourceLine: number;
  recordKey?: string;
  rawRecord: string;
  reasonCode: 'field_count' | 'parse_error' | 'invalid_utf8' | 'nul_character';
  message: string;
}

export interface FileAccounting {
  runId: string;
  sourceFile: string;
  entity: Entity;
  linesRead: number;
  rowsLanded: number;
  rowsQuarantined: number;
  extraColumns: string[];
  /** Blank lines skipped: no record, so neither landed nor quarantined. */
  blankLines: number;
}

/** The COPY column list comes from the contract's constants, never from a file's header. */
const COPY_TARGETS: Record<Entity, string> = Object.fromEntries(
  Object.values(ENTITY_SPECS).map((spec) => [
    spec.entity,
    `staging.${spec.entity} (${[...spec.columns, 'extra', 'run_id', 'source_file', 'source_line'].join(', ')})`,
  ]),
) as Record<Entity, string>;

/** Where the ingestor writes: staging tables, ops.quarantine, ops.file_accounting. */
@Injectable()
export class LandingRepository {
  constructor(private readonly ledger: LedgerRepository) {}

  async clearFile(db: Queryable, runId: string, sourceFile: string): Promise<void> {
    await runSqlFile(db, 'ingest/clear_file_landing', [runId, sourceFile]);
  }

  /** Streams rows into staging with COPY; returns how many landed. */
  landRows(client: PoolClient, entity: Entity, rows: AsyncIterable<StagingRow>): Promise<number> {
    return copyRows(client, COPY_TARGETS[entity], rows);
  }

  /**
   * Streams clean CSV lines, each already prefixed with its source_line, into staging with
   * PostgreSQL's CSV parser; run_id and source_file come from the columns' defaults, set here for
   * the transaction. `fileColumns` are the contract's columns in the file's order (names from the
   * contract, never from the file). FORCE_NOT_NULL: an empty field is '' as the exact path lands
   * it, not NULL. Returns how many rows landed.
   */
  async landCleanLines(
    client: PoolClient,
    target: { runId: string; sourceFile: string; entity: Entity },
    fileColumns: readonly string[],
    chunks: AsyncIterable<Buffer>,
  ): Promise<number> {
    const known = new Set<string>(ENTITY_SPECS[target.entity].columns);
    if (!fileColumns.every((c) => known.has(c))) throw new Error(`not a column list of ${target.entity}: ${fileColumns.join(', ')}`);
    await runSqlFile(client, 'ingest/set_landing_values', [target.runId, target.sourceFile]);
    const columns = fileColumns.join(', ');
    const sql = `COPY staging.${target.entity} (source_line, ${columns}) FROM STDIN (FORMAT csv, FORCE_NOT_NULL (${columns}))`;
    return copyChunks(client, sql, chunks);
  }

  async quarantine(db: Queryable, runId: string, entity: Entity, sourceFile: string, records: readonly QuarantinedRecord[]): Promise<void> {
    await this.ledger.quarantine(
      db,
      records.map((r) => ({ runId, stage: 'ingest' as const, entity, sourceFile, ...r })),
    );
  }

  async recordFileAccounting(db: Queryable, a: FileAccounting): Promise<void> {
    await runSqlFile(db, 'ingest/file_accounting', [
      a.runId,
      a.sourceFile,
      a.entity,
      a.linesRead,
      a.rowsLanded,
      a.rowsQuarantined,
      a.extraColumns,
      a.blankLines,
    ]);
  }

  /**
   * Locks the run row until the caller's transaction ends and says whether the run is still
   * going; see sql/ingest/lock_run_for_landing.sql.
   */
  async lockRunForLanding(client: PoolClient, runId: string): Promise<boolean> {
    const { rows } = await runSqlFile<{ status: string }>(client, 'ingest/lock_run_for_landing', [runId]);
    return rows[0] !== undefined && rows[0].status !== 'failed';
  }

  /**
   * Analyses the entity's staging table when this part is the last of the run's parts of that
   * entity to commit and the run brought a tenth of the table or more, inside the part's own
   * transaction (see sql/ingest/analyze_decision.sql). Returns whether it did.
   */
  async analyzeIfLastOfEntity(client: PoolClient, runId: string, taskKey: string, entity: Entity, rowsLanded: number): Promise<boolean> {
    await runSqlFile(client, 'ingest/lock_stage_end', [runId, entity]);
    const { rows } = await runSqlFile<{ open: number; landed: number; reltuples: number | null }>(client, 'ingest/analyze_decision', [
      runId,
      taskKey,
      entity,
      rowsLanded,
    ]);
    const { open, landed, reltuples } = rows[0];
    if (open > 0) return false;
    if (reltuples !== null && reltuples >= 0 && landed * 10 < reltuples) return false;
    await runSqlFile(client, 'ingest/analyze_sample');
    await runSqlFile(client, `ingest/analyze_${ENTITY_SPECS[entity].entity}`);
    return true;
  }

  /** Removes everything the ingest stage wrote for a failed run (after parts committing now). */
  async discardRunLanding(pool: Pool, runId: string): Promise<void> {
    await withTransaction(pool, async (client) => {
      await runSqlFile(client, 'ingest/lock_run_for_discard', [runId]);
      await runSqlFile(client, 'ingest/discard_run_landing', [runId]);
    });
  }

  async noteIgnoredFiles(db: Queryable, runId: string, fileNames: readonly string[]): Promise<void> {
    if (fileNames.length === 0) return;
    await runSqlFile(db, 'ingest/note_ignored_files', [runId, fileNames]);
  }
}
