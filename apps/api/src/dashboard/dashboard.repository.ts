import { Injectable } from '@nestjs/common';
import { Pool, type FieldDef, type QueryResult } from 'pg';
import { runSqlFile, withTransaction } from '@ecom/db';
import type { CellValue, DashboardEndpoint, DashboardFilters, DashboardStatus, FilterOptions } from '@ecom/contracts';

/** The SQL file (sql/dashboard/<name>.sql) behind each endpoint; two cards may share a query. */
const ENDPOINT_SQL: Record<DashboardEndpoint, string> = {
  kpis: 'kpis',
  'revenue-trend': 'revenue_trend',
  'top-categories': 'category_performance',
  'payment-methods': 'payment_methods',
  geography: 'geography',
  'top-products': 'top_products',
  'category-performance': 'category_performance',
  'product-profitability': 'product_profitability',
  'discount-impact': 'discount_impact',
  'spending-segments': 'spending_segments',
  'top-customers': 'top_customers',
  acquisition: 'acquisition',
  'lifetime-value': 'lifetime_value',
  'cohort-retention': 'cohort_retention',
  'day-of-week': 'day_of_week',
  'weekday-weekend': 'weekday_weekend',
};

const NUMERIC_OIDS = new Set([20, 1700]); // int8, numeric: pg hands them over as strings

/** Numbers as numbers in the JSON a chart draws; pg returns bigint and numeric as strings. */
function plainRows(result: QueryResult, fields: FieldDef[]): Array<Record<string, CellValue>> {
  const numeric = fields.filter((f) => NUMERIC_OIDS.has(f.dataTypeID)).map((f) => f.name);
  return result.rows.map((row: Record<string, CellValue>) => {
    for (const name of numeric) if (row[name] !== null) row[name] = Number(row[name]);
    return row;
  });
}

/**
 * The only place in the api that knows the dashboard's SQL: the summaries (refreshed by the
 * analytics stage, never here), the run they reflect, and the filter options.
 */
@Injectable()
export class DashboardRepository {
  constructor(private readonly pool: Pool) {}

  async query(endpoint: DashboardEndpoint, filters: DashboardFilters): Promise<{ columns: string[]; rows: Array<Record<string, CellValue>> }> {
    const params = [filters.from ?? null, filters.to ?? null, filters.category ?? null, filters.country ?? null, filters.state ?? null, filters.payment ?? null];
    // Customer analyses hash up to a few hundred thousand (customer, period) rows on a big
    // warehouse; the default work_mem makes that spill to disk, which alone doubles their time.
    const result = await withTransaction(this.pool, async (client) => {
      await client.query("SET LOCAL work_mem = '64MB'");
      await runSqlFile(client, 'dashboard/read_gate');
      return runSqlFile(client, `dashboard/${ENDPOINT_SQL[endpoint]}`, params);
    });
    return { columns: result.fields.map((f) => f.name), rows: plainRows(result, result.fields) };
  }

  async status(): Promise<DashboardStatus> {
    const row = (await runSqlFile<{ run_id: string; mode: string; finished_at: Date }>(this.pool, 'dashboard/summaries_run')).rows[0];
    const lost = row ? false : (await runSqlFile<{ lost: boolean }>(this.pool, 'dashboard/summaries_lost')).rows[0].lost;
    return { lastSuccessfulRun: row ? { runId: row.run_id, mode: row.mode, finishedAt: row.finished_at.toISOString() } : null, summariesLost: lost };
  }

  async options(): Promise<FilterOptions> {
    const row = (
      await withTransaction(this.pool, async (client) => {
        await runSqlFile(client, 'dashboard/read_gate');
        return runSqlFile<{ first_date: string | null; last_date: string | null; categories: string[]; payments: string[]; places: FilterOptions['places'] }>(
          client,
          'dashboard/filter_options',
        );
      })
    ).rows[0];
    return { firstDate: row.first_date, lastDate: row.last_date, categories: row.categories, payments: row.payments, places: row.places };
  }
}
