import { Injectable } from '@nestjs/common';
import type { PoolClient } from 'pg';
import { runSqlFile } from '@ecom/db';

/**
 * Statements of one refresh of the dashboard's summaries (sql/dashboard/refresh_*.sql), in order:
 * dimensions and the per-day summaries from the warehouse's lines, then the coarser summaries from
 * the per-day ones.
 */
const REFRESH_STEPS = [
  'refresh_work_mem',
  'refresh_lock',
  'refresh_clear',
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
  'refresh_customer_years',
  'refresh_sales_months',
  'refresh_product_months',
  'refresh_product_years',
] as const;

export interface SummariesRefresh {
  loadRunId: string | null;
  ms: number;
}

/** The only place in the analytics stage that knows the dashboard's summary tables. */
@Injectable()
export class DashboardSummariesRepository {
  /**
   * Rebuilds every dashboard summary from the warehouse the client's transaction sees, and records
   * the run and warehouse load they reflect. Readers keep the previous summaries until commit.
   */
  async refresh(client: PoolClient, runId: string): Promise<SummariesRefresh> {
    const started = performance.now();
    const load = (await runSqlFile<{ run_id: string; loaded_at: Date }>(client, 'dashboard/latest_load')).rows[0];
    for (const step of REFRESH_STEPS) await runSqlFile(client, `dashboard/${step}`);
    await runSqlFile(client, 'dashboard/refresh_record', [load?.run_id ?? null, load?.loaded_at ?? null, runId]);
    // Fresh statistics, or the planner guesses row counts of tables it has never seen filled.
    await runSqlFile(client, 'dashboard/refresh_analyze');
    return { loadRunId: load?.run_id ?? null, ms: Math.round(performance.now() - started) };
  }
}
