import { Injectable } from '@nestjs/common';
import type { PoolClient } from 'pg';
import { runSqlFile } from '@ecom/db';

/**
 * Statements of a full refresh of the dashboard's summaries (sql/dashboard/refresh_*.sql), in
 * order: emptied tables without their indexes, dimensions and the per-day summaries from the
 * warehouse's lines, the coarser summaries from the per-day ones, then the indexes.
 */
const FULL_STEPS = [
  'refresh_clear',
  'refresh_drop_indexes',
  'refresh_categories',
  'refresh_places',
  'refresh_products',
  'refresh_customers',
  'refresh_lines',
  'refresh_sales_cells',
  'refresh_customer_days',
  'refresh_product_days',
  'refresh_discount_cells',
  'refresh_drop_lines',
  'refresh_customer_firsts',
  'refresh_customer_months',
  'refresh_customer_year_months',
  'refresh_customer_years',
  'refresh_sales_months',
  'refresh_product_months',
  'refresh_product_years',
  'refresh_create_indexes',
] as const;

/** The next dimensions, built before deciding whether their codes allow an incremental refresh. */
const NEXT_DIMENSION_STEPS = [
  'refresh_next_categories',
  'refresh_next_places',
  'refresh_next_products',
  'refresh_next_customers',
] as const;

/**
 * Statements of an incremental refresh, once the codes are known to be kept: the summary rows of
 * the touched days, then the coarser rows of the customers, months and products those days fed,
 * each found through an index: months rebuilt from the touched months' day rows, firsts and
 * years brought up to date by the difference between the deleted and the rebuilt rows.
 * The day summaries reuse the full refresh's statements over the touched days' lines.
 */
const INCREMENTAL_STEPS = [
  'refresh_merge_dimensions',
  'refresh_analyze_touched',
  'refresh_clear_days',
  'refresh_lines_touched',
  'refresh_touched_lines',
  'refresh_analyze_touched',
  'refresh_sales_cells',
  'refresh_customer_days',
  'refresh_product_days',
  'refresh_discount_cells',
  'refresh_drop_lines',
  'refresh_customer_firsts_touched',
  'refresh_customer_months_touched',
  'refresh_customer_year_months_touched',
  'refresh_customer_years_touched',
  'refresh_sales_months_touched',
  'refresh_product_months_touched',
  'refresh_product_years_touched',
] as const;

export type SummariesRefreshMode = 'full' | 'incremental';

export interface SummariesRefresh {
  loadRunId: string | null;
  mode: SummariesRefreshMode;
  /** Why the refresh was full; null when incremental. */
  fullReason: string | null;
  /** Days whose summary rows an incremental refresh rebuilt. */
  touchedDays: number | null;
  ms: number;
}

export interface SummariesRefreshOptions {
  /** Rebuild everything whatever the plan says (a test's reference, a repair). */
  forceFull?: boolean;
}

/** The only place in the analytics stage that knows the dashboard's summary tables. */
@Injectable()
export class DashboardSummariesRepository {
  /**
   * Brings every dashboard summary up to the warehouse the client's transaction sees, and records
   * the run and warehouse load they reflect. Readers keep the previous summaries until commit.
   * Incremental when the summaries reflect the load before the newest one (refresh_plan.sql) and
   * every dimension code is kept (refresh_codes_kept.sql); a full rebuild otherwise. Both give the
   * same rows (tests/generator/dashboard-incremental.spec.ts).
   */
  async refresh(client: PoolClient, runId: string, options: SummariesRefreshOptions = {}): Promise<SummariesRefresh> {
    const started = performance.now();
    const load = (await runSqlFile<{ run_id: string; loaded_at: Date }>(client, 'dashboard/latest_load')).rows[0];
    await runSqlFile(client, 'dashboard/refresh_work_mem');
    await runSqlFile(client, 'dashboard/refresh_lock');
    const plan = (await runSqlFile<{ full_reason: string | null; new_load_run_id: string | null }>(
      client,
      'dashboard/refresh_plan',
      [runId],
    )).rows[0];
    let fullReason = options.forceFull ? 'forced' : plan.full_reason;
    let touchedDays: number | null = null;
    if (fullReason === null) {
      for (const step of NEXT_DIMENSION_STEPS) await runSqlFile(client, `dashboard/${step}`);
      const codes = (await runSqlFile<{ kept: boolean }>(client, 'dashboard/refresh_codes_kept')).rows[0];
      if (!codes.kept) fullReason = 'a new category, place, product or customer renumbers existing codes';
    }
    if (fullReason === null) {
      await runSqlFile(client, 'dashboard/refresh_touched_keys');
      touchedDays = (await runSqlFile(client, 'dashboard/refresh_touched_days', [plan.new_load_run_id])).rowCount ?? 0;
      for (const step of INCREMENTAL_STEPS) await runSqlFile(client, `dashboard/${step}`);
    } else {
      for (const step of FULL_STEPS) await runSqlFile(client, `dashboard/${step}`);
    }
    await runSqlFile(client, 'dashboard/refresh_record', [load?.run_id ?? null, load?.loaded_at ?? null, runId]);
    // Fresh statistics, or the planner guesses row counts of tables it has never seen filled. An
    // incremental refresh changes a sliver of rows; autovacuum's analyze keeps up with those.
    if (fullReason !== null) await runSqlFile(client, 'dashboard/refresh_analyze');
    return {
      loadRunId: load?.run_id ?? null,
      mode: fullReason === null ? 'incremental' : 'full',
      fullReason,
      touchedDays,
      ms: Math.round(performance.now() - started),
    };
  }
}
