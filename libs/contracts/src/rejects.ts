import 'reflect-metadata';
import { IsString, MinLength } from 'class-validator';

/** One quarantined record (ops.quarantine) as GET /runs/:id/rejects and its CSV export show it. */
export interface RejectRecord {
  id: number;
  stage: string;
  entity: string | null;
  sourceFile: string | null;
  sourceLine: number | null;
  recordKey: string | null;
  reasonCode: string;
  message: string;
  /** The record as it arrived: the CSV text (ingest) or the staged row as JSON (transform). */
  rawRecord: string | null;
  /** Set once a replay run delivered a corrected row with the same entity and key. */
  resolvedAt: string | null;
  resolvedByRun: string | null;
}

/** The columns of the CSV export, in order: the JSON field names, so both read alike. */
export const REJECT_CSV_COLUMNS = [
  'id',
  'stage',
  'entity',
  'sourceFile',
  'sourceLine',
  'recordKey',
  'reasonCode',
  'message',
  'rawRecord',
  'resolvedAt',
  'resolvedByRun',
] as const satisfies ReadonlyArray<keyof RejectRecord>;

/** GET /runs/:id/rejects */
export interface RejectPage {
  runId: string;
  /** Rejects matching the filters, over all pages. */
  total: number;
  limit: number;
  offset: number;
  rejects: RejectRecord[];
  /** Keyset cursor for the next page (`?after=`), or null on the last page. */
  nextAfter: number | null;
}

export interface RejectTotals {
  total: number;
  resolved: number;
  unresolved: number;
  /** Rejects of the replayed run (params.replayOf) that this run resolved; 0 for other runs. */
  resolvedByThisRun: number;
}

/** Body of POST /runs/:id/replay: a folder of corrected rows, validated like POST /runs' source. */
export class ReplayRunRequest {
  @IsString()
  @MinLength(1)
  source!: string;
}
