import { ConflictException, Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '@ecom/config';
import type { RetentionKindReport, RetentionReport } from './retention-report';
import { RetentionFiles } from './retention-files';
import { RetentionRepository } from './retention.repository';

const DAY_MS = 24 * 3600 * 1000;

export interface RetentionOptions {
  dryRun: boolean;
  /** The moment cutoffs count back from (tests pin it); now by default. */
  now?: Date;
}

/** A kind's configured period and the moment before which its data goes. */
interface RetentionWindow {
  keptFor: string;
  cutoff: Date;
}

function kept<Item>(unit: RetentionKindReport<Item>['unit']): RetentionKindReport<Item> {
  return { keptFor: null, cutoff: null, count: 0, unit, items: [] };
}

/**
 * Deletes what config.retention says has expired, kind by kind, or in a dry run lists it.
 * Runs that are queued or running, the latest succeeded run, the run the next delta continues
 * and the run of the newest warehouse load keep everything they own (sql/retention/protected_runs.sql).
 * The run ledger goes last, so the kinds before it still see the runs they judge by.
 */
@Injectable()
export class RetentionService {
  private readonly logger = new Logger(RetentionService.name);

  constructor(
    private readonly config: AppConfig,
    private readonly repository: RetentionRepository,
    private readonly files: RetentionFiles,
  ) {}

  async run({ dryRun, now = new Date() }: RetentionOptions): Promise<RetentionReport> {
    const lock = await this.repository.lock();
    if (!lock) throw new ConflictException('another retention pass is running; try again when it has finished');
    try {
      return await this.pass(dryRun, now);
    } finally {
      await this.repository.unlock(lock);
    }
  }

  private async pass(dryRun: boolean, now: Date): Promise<RetentionReport> {
    const startedAt = new Date();
    const remove = !dryRun;
    const retention = this.config.retention;
    const guarded = await this.repository.protectedRuns();
    const keep = [...new Set(guarded.map((r) => r.run_id))];
    const active = new Set(guarded.filter((r) => r.reason === 'active').map((r) => r.run_id));
    const window = (days: number | null | undefined): RetentionWindow | undefined =>
      days ? { keptFor: `${days} days`, cutoff: new Date(now.getTime() - days * DAY_MS) } : undefined;

    const kinds: RetentionReport['kinds'] = {
      rawFiles: kept('files'),
      analysisExports: kept('files'),
      analysisResults: kept('rows'),
      quarantine: kept('rows'),
      staging: kept('rows'),
      warehousePartitions: kept('partitions'),
      runHistory: kept('runs'),
      typedTables: kept('tables'),
    };

    // Not a dated kind: a typed table is scratch space of a running run, dead weight once it ended.
    const typed = await this.repository.staleTypedTables(remove);
    kinds.typedTables = { keptFor: 'while the run is queued or running', cutoff: null, count: typed.length, unit: 'tables', items: typed };

    const analyses = window(retention.analysesDays);
    if (analyses) {
      const folders = await this.files.analysisExports(analyses.cutoff, new Set(keep), remove);
      kinds.analysisExports = this.kind(analyses, 'files', folders, (f) => f.files);
      const results = await this.repository.analysisResults(analyses.cutoff, keep, remove);
      kinds.analysisResults = this.kind(
        analyses,
        'rows',
        results.map((r) => ({ runId: r.run_id, analysis: r.analysis })),
        () => 1,
      );
    }

    const quarantine = window(retention.quarantineDays);
    if (quarantine) {
      const rows = await this.repository.quarantineRows(quarantine.cutoff, keep, remove);
      kinds.quarantine = this.kind(
        quarantine,
        'rows',
        rows.map((r) => ({ runId: r.run_id, rows: Number(r.row_count) })),
        (r) => r.rows,
      );
    }

    const staging = window(retention.stagingDays);
    if (staging) {
      const rows = await this.repository.stagingRows(staging.cutoff, keep, remove);
      kinds.staging = this.kind(
        staging,
        'rows',
        rows.map((r) => ({ table: `staging.${r.entity}`, runId: r.run_id, rows: Number(r.row_count) })),
        (r) => r.rows,
      );
    }

    const raw = window(retention.rawFilesDays);
    if (raw) {
      // Only an active run still reads its input; a finished run's folder is just history.
      const folders = await this.files.rawFolders(raw.cutoff, active, remove);
      kinds.rawFiles = this.kind(raw, 'files', folders, (f) => f.files);
    }

    const months = retention.warehousePartitionMonths;
    if (months) {
      const firstKept = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - months, 1));
      const firstKeptKey = firstKept.getUTCFullYear() * 10000 + (firstKept.getUTCMonth() + 1) * 100 + 1;
      const partitions = await this.repository.expiredFactSalesPartitions(firstKeptKey);
      if (remove) for (const p of partitions) await this.repository.dropFactSalesPartition(p.partition_name);
      kinds.warehousePartitions = this.kind(
        { keptFor: `${months} months`, cutoff: firstKept },
        'partitions',
        partitions.map((p) => ({ partition: p.partition_name, fromDateKey: p.from_key, toDateKey: p.to_key, rows: Number(p.row_count) })),
        () => 1,
      );
    }

    const history = window(retention.runHistoryDays);
    if (history) {
      const expired = await this.repository.expiredRuns(history.cutoff, keep);
      const deleted = remove ? new Set(await this.repository.deleteRuns(expired.map((r) => r.run_id))) : undefined;
      kinds.runHistory = this.kind(
        history,
        'runs',
        expired
          .filter((r) => !deleted || deleted.has(r.run_id))
          .map((r) => ({ runId: r.run_id, mode: r.mode, status: r.status, endedAt: r.ended_at.toISOString() })),
        () => 1,
      );
    }

    const reasons = new Map<string, string[]>();
    for (const row of guarded) reasons.set(row.run_id, [...(reasons.get(row.run_id) ?? []), row.reason]);
    const report: RetentionReport = {
      dryRun,
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      protectedRuns: [...reasons].map(([runId, why]) => ({ runId, reasons: why })),
      kinds,
    };
    this.logger.log(
      `retention ${dryRun ? 'dry run' : 'pass'}: ${Object.entries(kinds)
        .filter(([, k]) => k.keptFor !== null)
        .map(([name, k]) => `${name} ${k.count} ${k.unit}`)
        .join(', ') || 'every kind is kept forever'}`,
    );
    return report;
  }

  private kind<Item>(
    { keptFor, cutoff }: RetentionWindow,
    unit: RetentionKindReport<Item>['unit'],
    items: Item[],
    size: (item: Item) => number,
  ): RetentionKindReport<Item> {
    return { keptFor, cutoff: cutoff.toISOString(), count: items.reduce((sum, item) => sum + size(item), 0), unit, items };
  }
}
