import { Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import { runSqlFile, type Queryable } from '@ecom/db';
import type { RejectFilter } from './rejects.dto';

/** An ops.quarantine row as pg returns it: bigint as a string, timestamptz as a Date. */
export interface RejectRow {
  quarantine_id: string;
  stage: string;
  entity: string | null;
  source_file: string | null;
  source_line: string | null;
  record_key: string | null;
  reason_code: string;
  message: string;
  raw_record: string | null;
  resolved_at: Date | null;
  resolved_by_run: string | null;
}

export interface RejectTotalsRow {
  total: string;
  resolved: string;
  resolved_by_this_run: string;
}

/** Where a page starts: after a keyset cursor (an id), then skipping `offset` rows. */
export interface RejectWindow {
  after?: number;
  limit: number;
  offset: number;
}

function filterParams(runId: string, filter: RejectFilter): unknown[] {
  return [runId, filter.reason ?? null, filter.file ?? null, filter.stage ?? null, filter.entity ?? null, filter.resolved ?? null];
}

/** Reads of ops.quarantine for the API; the only place that knows these sql/api files. */
@Injectable()
export class RejectsRepository {
  constructor(private readonly pool: Pool) {}

  async page(runId: string, filter: RejectFilter, window: RejectWindow): Promise<RejectRow[]> {
    const params = [...filterParams(runId, filter), window.after ?? null, window.limit, window.offset];
    return (await runSqlFile<RejectRow>(this.pool, 'api/rejects_of_run', params)).rows;
  }

  async count(runId: string, filter: RejectFilter): Promise<number> {
    const { rows } = await runSqlFile<{ total: string }>(this.pool, 'api/rejects_count_of_run', filterParams(runId, filter));
    return Number(rows[0].total);
  }

  async totals(runId: string, db: Queryable = this.pool): Promise<RejectTotalsRow> {
    return (await runSqlFile<RejectTotalsRow>(db, 'api/reject_totals_of_run', [runId])).rows[0];
  }
}
