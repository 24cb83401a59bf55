import { Injectable } from '@nestjs/common';
import type { PoolClient } from 'pg';
import { ENTITY_SPECS, type Entity } from '@ecom/contracts';
import { copyRows, runSqlFile, type Queryable } from '@ecom/db';
import { LedgerRepository } from '@ecom/pipeline';

/** A staging row in COPY order: the entity's columns, then extra, run_id, source_file, source_line. */
export type StagingRow = ReadonlyArray<string | null>;

export interface QuarantinedRecord {
  sourceLine: number;
  recordKey?: string;
  rawRecord: string;
  reasonCode: 'field_count' | 'parse_error' | 'empty_line' | 'nul_character';
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
    ]);
  }

  async noteIgnoredFiles(db: Queryable, runId: string, fileNames: readonly string[]): Promise<void> {
    if (fileNames.length === 0) return;
    await runSqlFile(db, 'ingest/note_ignored_files', [runId, fileNames]);
  }
}
