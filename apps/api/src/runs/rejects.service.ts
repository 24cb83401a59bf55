import { Readable, pipeline } from 'node:stream';
import { Injectable, Logger, NotFoundException } from '@nestjs/common';
import { stringify } from 'csv-stringify';
import { REJECT_CSV_COLUMNS, spreadsheetSafeCsv, type RejectPage, type RejectRecord, type RejectTotals } from '@ecom/contracts';
import type { RejectFilter, RejectsQuery } from './rejects.dto';
import { RejectsRepository, type RejectRow, type RejectTotalsRow } from './rejects.repository';
import { RunsRepository } from './runs.repository';

/** Rows per query of the CSV export: one round trip per batch, memory bounded whatever the run. */
export const CSV_EXPORT_BATCH = 5000;

export function rejectRecord(row: RejectRow): RejectRecord {
  return {
    id: Number(row.quarantine_id),
    stage: row.stage,
    entity: row.entity,
    sourceFile: row.source_file,
    sourceLine: row.source_line === null ? null : Number(row.source_line),
    recordKey: row.record_key,
    reasonCode: row.reason_code,
    message: row.message,
    rawRecord: row.raw_record,
    resolvedAt: row.resolved_at?.toISOString() ?? null,
    resolvedByRun: row.resolved_by_run,
  };
}

export function rejectTotals(row: RejectTotalsRow): RejectTotals {
  const total = Number(row.total);
  const resolved = Number(row.resolved);
  return { total, resolved, unresolved: total - resolved, resolvedByThisRun: Number(row.resolved_by_this_run) };
}

/** A run's quarantined records: paged as JSON, or every matching one as a streamed CSV. */
@Injectable()
export class RejectsService {
  private readonly logger = new Logger(RejectsService.name);

  constructor(
    private readonly rejects: RejectsRepository,
    private readonly runs: RunsRepository,
  ) {}

  async page(runId: string, query: RejectsQuery): Promise<RejectPage> {
    await this.requireRun(runId);
    const window = { after: query.after, limit: query.limit, offset: query.offset };
    const [rows, total] = await Promise.all([this.rejects.page(runId, query, window), this.rejects.count(runId, query)]);
    const rejects = rows.map(rejectRecord);
    return {
      runId,
      total,
      limit: query.limit,
      offset: query.offset,
      rejects,
      nextAfter: rejects.length === query.limit ? rejects[rejects.length - 1].id : null,
    };
  }

  /**
   * Every matching reject as CSV with a header line. The run is checked before the first byte so a
   * wrong id is still a 404; then batches are read by keyset (id order) only as fast as the client
   * takes them, so an export of millions of rows holds one batch in memory.
   */
  async csv(runId: string, filter: RejectFilter): Promise<Readable> {
    await this.requireRun(runId);
    const rejects = this.rejects;
    async function* records(): AsyncGenerator<RejectRecord> {
      let after: number | undefined;
      for (;;) {
        const rows = await rejects.page(runId, filter, { after, limit: CSV_EXPORT_BATCH, offset: 0 });
        for (const row of rows) yield rejectRecord(row);
        if (rows.length < CSV_EXPORT_BATCH) return;
        after = Number(rows[rows.length - 1].quarantine_id);
      }
    }
    // pipeline, not pipe: a failed query must end the response instead of leaving it hanging.
    return pipeline(Readable.from(records()), stringify(spreadsheetSafeCsv({ header: true, columns: [...REJECT_CSV_COLUMNS] })), (error) => {
      if (error) this.logger.error(`run ${runId} rejects CSV export stopped: ${error.message}`);
    });
  }

  private async requireRun(runId: string): Promise<void> {
    if (!(await this.runs.findRun(runId))) throw new NotFoundException(`run ${runId} not found`);
  }
}
