import { Injectable } from '@nestjs/common';
import type { Entity } from '@ecom/contracts';
import { renderSqlFile, runSqlFile, runSqlText, sqlFile, withPlanSettings, type Queryable } from '@ecom/db';
import type { Pool, PoolClient } from 'pg';
import type { CategoricalValuesConfig } from '@ecom/config';
import { customerPhonesTable, ensureTypedTables, transformTable, typedTable, typedTableOf } from '@ecom/pipeline';
import { fillPhoneE164, parsePhonesBeside } from './phone-e164';
import { customerLookup, probesProduction } from './production-lookup';

/** What one entity's staging → production step did: every staged line is loaded or quarantined. */
export interface EntityOutcome {
  in: number;
  out: number;
  rejected: number;
  byReason: Record<string, number>;
}

/** The entities whose load leaves rows identical to production out of its upsert. */
const SKIPS_IDENTICAL: ReadonlySet<Entity> = new Set<Entity>(['transactions', 'transaction_items']);

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

  /**
   * The run's typed tables (the staged rows parsed once), built here if the validator has not.
   * True when the validator's were there: committed, so other connections read them too.
   */
  ensureTypedTables(db: Queryable, runId: string, categorical?: CategoricalValuesConfig): Promise<boolean> {
    return ensureTypedTables(db, runId, categorical);
  }

  /**
   * The E.164 forms of the run's customer phones, for customers.sql (phone-e164.ts); `parsedBeside`:
   * parsePhonesBeside filled the run's parsed phones, which are taken first.
   */
  async fillPhoneE164(client: PoolClient, runId: string, parsedBeside = false): Promise<{ pairs: number; parsed: number }> {
    return fillPhoneE164(client, typedTable('customers', runId), undefined, parsedBeside ? customerPhonesTable(runId) : undefined);
  }

  /** The run's phones production cannot supply, parsed on a connection of `pool` (phone-e164.ts); false when it could not. */
  async parsePhonesBeside(pool: Pool, runId: string): Promise<boolean> {
    return parsePhonesBeside(pool, typedTable('customers', runId), customerPhonesTable(runId));
  }

  /**
   * Cleans, de-duplicates, checks and upserts one entity of the run (sql/transform/<entity>.sql),
   * reading the run's typed tables, whose names fill the file's {{<entity>}} placeholders. `bulk`:
   * a first load into the emptied, unindexed table (prepareBulkLoad), a plain insert; else the
   * rows are upserted (sql/transform/<entity>_on_conflict.sql), orders and order lines identical to
   * production left out first (sql/transform/<entity>_skip_identical.sql). {{first_load}}: `bulk`
   * as a literal, for transactions.sql. {{outcome}}: sql/transform/outcome.sql, the counts row.
   * `writing`: called once the entity's statement is sent (after the orders' verdicts), so that work
   * beside it starts with it.
   */
  async loadEntity(db: Queryable, entity: Entity, runId: string, bulk = false, writing?: () => void): Promise<EntityOutcome> {
    // A constant, so the planner drops what a first load does not need (transactions_decide.sql).
    const firstLoad = bulk ? 'true' : 'false';
    // customers.sql looks each line's email up in production.customers: by key when the run is
    // small beside production (a delta), else joined (production-lookup.ts).
    const probe = !bulk && entity === 'customers' && (await probesProduction(db, typedTable(entity, runId), 'production.customers'));
    if (entity === 'transactions') await this.decideOrders(db, runId, firstLoad);
    const file = `transform/${entity}`;
    const text = this.render(file, runId, {
      on_conflict: bulk ? '' : sqlFile(`transform/${entity}_on_conflict`),
      // Only the two big entities have one; a first load has nothing to compare with.
      skip_identical: bulk || !SKIPS_IDENTICAL.has(entity) ? '' : sqlFile(`transform/${entity}_skip_identical`),
      first_load: firstLoad,
      owner_lookup: customerLookup(probe, 'owner', 'email', 'c.email'),
      // The counts row the entities' statements end with (EntityOutcomeRow).
      outcome: sqlFile('transform/outcome'),
    });
    let rows: EntityOutcomeRow[];
    try {
      const statement = db.query<EntityOutcomeRow & Record<string, unknown>>(text, [runId]);
      writing?.();
      ({ rows } = await statement);
    } catch (error) {
      (error as Error).message = `sql/${file}.sql: ${(error as Error).message}`;
      throw error;
    }
    const row = rows[0];
    return {
      in: Number(row.rows_in),
      out: Number(row.rows_out),
      rejected: Number(row.rows_rejected),
      byReason: Object.fromEntries(Object.entries(row.by_reason).map(([reason, n]) => [reason, Number(n)])),
    };
  }

  /**
   * Checks the run's order lines on their own and prepares the order verdicts
   * (sql/transform/order_lines.sql): tables that transactions.sql and transaction_items.sql read,
   * dropped by dropOrderTables in the same transaction. Before transactions.sql. Returns whether
   * the duplicates' window ran (`window`: it does when the run's item_ids are not proved unique,
   * or always with `options.window`, which a test uses to compare the two builds).
   */
  async checkOrderLines(db: Queryable, runId: string, options: { window?: boolean } = {}): Promise<{ window: boolean }> {
    const file = 'transform/order_lines';
    // Without a repeated item_id (nearly every run) no line is a duplicate: the window that finds
    // them, a sort of every line and a pass over them in the leader alone, is left out. At 1M
    // orders: leader CPU of the statement 6.5-7.6 → 4.3-4.6 s (+0.6 s the proof), same rows.
    const { rows } = await runSqlText<{ item_ids_unique: boolean }>(
      db,
      'transform/order_lines_unique',
      this.render('transform/order_lines_unique', runId),
    );
    const unique = rows[0].item_ids_unique && options.window !== true;
    const text = this.render(file, runId, {
      windowed: sqlFile(unique ? 'transform/order_lines_chosen_unique' : 'transform/order_lines_chosen_window'),
      duplicates: unique ? '' : this.render('transform/order_lines_duplicates', runId),
      // The window path's rows leave its sort in item_id order already.
      order_by: unique ? sqlFile('transform/order_lines_order_unique') : '',
    });
    try {
      // No parameters: the file is several statements (simple query protocol).
      await db.query(text);
    } catch (error) {
      (error as Error).message = `sql/${file}.sql: ${(error as Error).message}`;
      throw error;
    }
    return { window: !unique };
  }

  /**
   * The orders' verdicts (sql/transform/transactions_decide.sql) into the run's verdicts table, which
   * transactions.sql writes from: one CREATE TABLE AS, planned in parallel. `firstLoad`: 'true' or 'false'.
   *
   * At 1M orders its two big inputs, 1M headers sorted for their window and 2.5M lines summed per
   * order, are each sorted by the order key in the parallel workers; the lines' sums grouped by
   * sorting (enable_hashagg off) come out in key order like the headers, so the two meet in a merge
   * join in the leader and the table is written in key order. With a hash aggregate the leader alone
   * summed the 2.5M lines into a 507 MB hash table (a spill past ~1.2M orders) and hashed the 1M
   * headers again for the join; and at the default cost of 0.1 per row gathered the planner keeps
   * the lines' sums in the leader (parallel_tuple_cost 0.01, as the warehouse's lines). Leader CPU
   * of the statement at 1M orders: 8.3 → 6.0 s. The leader merges and writes the 1M verdicts and
   * sorts no share of the inputs itself (parallel_leader_participation off): 4.23-4.59 → 4.00-4.29 s
   * in four 1M benches each, alternated.
   */
  private async decideOrders(db: Queryable, runId: string, firstLoad: string): Promise<void> {
    const file = 'transform/transactions_decide';
    await withPlanSettings(db, { parallel_tuple_cost: '0.01', enable_hashagg: 'off', parallel_leader_participation: 'off' }, () =>
      runSqlText(db, file, this.render(file, runId, { first_load: firstLoad }), [runId]),
    );
  }

  /** Drops the run's order tables (sql/transform/drop_order_tables.sql), after the order lines' load. */
  async dropOrderTables(db: Queryable, runId: string): Promise<void> {
    await db.query(this.render('transform/drop_order_tables', runId));
  }

  /** Fresh statistics on the orders transactions.sql decided, before transaction_items.sql joins them. */
  async analyzeOrderVerdicts(db: Queryable): Promise<void> {
    await db.query('ANALYZE transform_orders');
  }

  /**
   * A sql/transform file with its {{<entity>}} placeholders naming the run's typed tables and its
   * other placeholders filled from `splices` (SQL text of other sql/transform files).
   */
  private render(file: string, runId: string, extra: Record<string, string> = {}): string {
    // The transform's own per-run tables (order_lines.sql, transactions_decide.sql).
    const splices: Record<string, string> = {
      order_lines: transformTable('transform_order_lines', runId),
      order_verdicts: transformTable('transform_order_verdicts', runId),
      ...extra,
    };
    return renderSqlFile(file, (name) => (Object.hasOwn(splices, name) ? splices[name] : typedTableOf(name, runId)));
  }

  /**
   * A first load into an empty production table drops its foreign keys and secondary indexes first;
   * returns what restoreAfterBulkLoad needs to put them back, or undefined (the table holds rows).
   */
  async prepareBulkLoad(db: Queryable, entity: Entity): Promise<string[] | undefined> {
    const { rows } = await runSqlFile<{ restore: string[] | null }>(db, 'transform/bulk_load_prepare', [`production.${entity}`]);
    return rows[0].restore ?? undefined;
  }

  async restoreAfterBulkLoad(db: Queryable, statements: string[]): Promise<void> {
    await runSqlFile(db, 'transform/bulk_load_restore', [statements]);
  }

  /** ANALYZE `table` when `written` rows are a large part of it (sql/transform/analyze_if_grown.sql). */
  async analyzeIfGrown(db: Queryable, table: string, written: number): Promise<void> {
    await runSqlFile(db, 'transform/analyze_if_grown', [table, written]);
  }

  /** Marks the rejects of `replayOf` that replay run `runId` delivered as resolved; how many it marked. */
  async resolveReplayedRejects(db: Queryable, replayOf: string, runId: string): Promise<number> {
    const { rows } = await runSqlFile<{ resolved: string }>(db, 'transform/resolve_replayed_rejects', [replayOf, runId]);
    return Number(rows[0].resolved);
  }
}
