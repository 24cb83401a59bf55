import { Injectable } from '@nestjs/common';
import type { Entity } from '@ecom/contracts';
import { runSqlFile, type Queryable } from '@ecom/db';

/** What one entity's staging → production step did: every staged line is loaded or quarantined. */
export interface EntityOutcome {
  in: number;
  out: number;
  rejected: number;
  byReason: Record<string, number>;
}

interface EntityOutcomeRow {
  rows_in: string;
  rows_out: string;
  rows_rejected: string;
  by_reason: Record<string, string | number>;
}

/** The only place that knows the sql/transform files; each runs inside the caller's transaction. */
@Injectable()
export class ProductionRepository {
  /** JIT off and a larger work_mem for the rest of the transform's transaction (stage_settings.sql). */
  async tuneSession(db: Queryable): Promise<void> {
    await runSqlFile(db, 'transform/stage_settings');
  }

  async clearRunQuarantine(db: Queryable, runId: string): Promise<void> {
    await runSqlFile(db, 'transform/clear_run_quarantine', [runId]);
  }

  /** Cleans, de-duplicates, checks and upserts one entity of the run (sql/transform/<entity>.sql). */
  async loadEntity(db: Queryable, entity: Entity, runId: string): Promise<EntityOutcome> {
    const { rows } = await runSqlFile<EntityOutcomeRow>(db, `transform/${entity}`, [runId]);
    const row = rows[0];
    return {
      in: Number(row.rows_in),
      out: Number(row.rows_out),
      rejected: Number(row.rows_rejected),
      byReason: Object.fromEntries(Object.entries(row.by_reason).map(([reason, n]) => [reason, Number(n)])),
    };
  }

  /** Marks the rejects of `replayOf` that replay run `runId` delivered as resolved; how many it marked. */
  async resolveReplayedRejects(db: Queryable, replayOf: string, runId: string): Promise<number> {
    const { rows } = await runSqlFile<{ resolved: string }>(db, 'transform/resolve_replayed_rejects', [replayOf, runId]);
    return Number(rows[0].resolved);
  }
}
