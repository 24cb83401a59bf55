import { Injectable } from '@nestjs/common';
import type { Pool, PoolClient } from 'pg';
import { runSqlFile, sqlFile, withTransaction } from '@ecom/db';

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
  'refresh_return_days',
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
  'refresh_return_days_touched',
] as const;

/** The summary tables a full refresh on lanes builds in dashboard_next and swaps in: all but refresh_state. */
export const SUMMARY_TABLES = [
  'categories', 'places', 'products', 'customers', 'sales_cells', 'customer_days', 'product_days', 'discount_cells',
  'customer_firsts', 'customer_months', 'customer_years', 'sales_months', 'product_months', 'product_years',
  'customer_year_months', 'return_days',
] as const;

type SummaryTable = (typeof SUMMARY_TABLES)[number];

/** One transaction of a lane: the full refresh's statements, then the tables it leaves complete. */
interface LaneTransaction {
  /** Starts once the other lane has committed this table. */
  after?: SummaryTable;
  steps: readonly string[];
  /** Filled by now: indexed and analysed before the commit (refresh_next_finish.sql). */
  finish: readonly SummaryTable[];
}

/** Before the lanes, on one connection: the codes every summary groups by. */
const NEXT_PREPARE: LaneTransaction = {
  steps: ['refresh_categories', 'refresh_places', 'refresh_products', 'refresh_customers'],
  finish: ['categories', 'places', 'products', 'customers'],
};

/**
 * The full refresh's statements (FULL_STEPS) split over two connections of about equal work:
 * each lane codes the lines for itself (a temporary table, ~3 s at 1M orders, on each core at
 * once) and derives what it builds from its own tables, except customer_years, which the sales
 * lane reads from the customer lane's committed customer_days once its own tables are done
 * (customer_days -> firsts -> months -> year_months alone are as long as all the rest).
 */
const LANES: Readonly<Record<'customers' | 'sales', readonly LaneTransaction[]>> = {
  customers: [
    { steps: ['refresh_lines', 'refresh_customer_days', 'refresh_drop_lines'], finish: ['customer_days'] },
    {
      steps: ['refresh_customer_firsts', 'refresh_customer_months', 'refresh_customer_year_months'],
      finish: ['customer_firsts', 'customer_months', 'customer_year_months'],
    },
  ],
  sales: [
    {
      steps: [
        'refresh_lines', 'refresh_sales_cells', 'refresh_product_days', 'refresh_discount_cells', 'refresh_drop_lines',
        'refresh_sales_months', 'refresh_product_months', 'refresh_product_years', 'refresh_return_days',
      ],
      finish: ['sales_cells', 'product_days', 'discount_cells', 'sales_months', 'product_months', 'product_years', 'return_days'],
    },
    { after: 'customer_days', steps: ['refresh_customer_years'], finish: ['customer_years'] },
  ],
};

/**
 * A full-refresh statement as the lanes run it: every dashboard table it reads or writes is its
 * namesake in dashboard_next. A full refresh reads only tables it has built itself (and the
 * warehouse), so the statements and the rows they write are those of the one-transaction refresh.
 */
export function nextSql(step: string): string {
  return sqlFile(`dashboard/${step}`).replace(/\bdashboard\./g, 'dashboard_next.');
}

export type SummariesRefreshMode = 'full' | 'incremental';

export interface SummariesRefresh {
  loadRunId: string | null;
  mode: SummariesRefreshMode;
  /** Why the refresh was full; null when incremental. */
  fullReason: string | null;
  /** Days whose summary rows an incremental refresh rebuilt. */
  touchedDays: number | null;
  ms: number;
  /** A full refresh on lanes: ms of its steps (prepare, each lane, the swap). */
  lanesMs?: { prepare: number; customers: number; sales: number; swap: number };
}

export interface SummariesRefreshOptions {
  /** Rebuild everything whatever the plan says (a test's reference, a repair). */
  forceFull?: boolean;
}

/** The only place in the analytics stage that knows the dashboard's summary tables. */
@Injectable()
export class DashboardSummariesRepository {
  /**
   * Whether run $1's refresh would rebuild the summaries (refresh_plan.sql), asked on a
   * connection of its own before the stage's transaction reads anything: a rebuild runs on
   * lanes (refreshOnLanes), which needs a transaction that has not taken its snapshot.
   * refreshOnLanes asks again under the lock.
   */
  async fullRefreshDue(pool: Pool, runId: string): Promise<boolean> {
    const { rows } = await runSqlFile<{ full_reason: string | null }>(pool, 'dashboard/refresh_plan', [runId]);
    return rows[0].full_reason !== null;
  }

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
    return this.refreshLocked(client, runId, load, started, options);
  }

  /**
   * The full refresh on two more connections at once, for a client whose transaction is READ
   * COMMITTED and has read nothing yet: under the refresh lock and the warehouse load lock
   * (shared), so the warehouse and the summaries stay as they are until the client commits, the
   * lanes build every summary in dashboard_next, each committing its own tables, then the client
   * swaps them in (refresh_next_swap.sql) and records the refresh. Readers keep the previous
   * summaries until the client commits. The rows are those of refresh(): the same statements
   * (nextSql). When the plan no longer calls for a rebuild under the lock (another refresh came
   * first), refreshes as refresh() does.
   */
  async refreshOnLanes(client: PoolClient, pool: Pool, runId: string, options: SummariesRefreshOptions = {}): Promise<SummariesRefresh> {
    const started = performance.now();
    await runSqlFile(client, 'dashboard/refresh_lock');
    await runSqlFile(client, 'dashboard/refresh_warehouse_lock');
    const load = (await runSqlFile<{ run_id: string; loaded_at: Date }>(client, 'dashboard/latest_load')).rows[0];
    await runSqlFile(client, 'dashboard/refresh_work_mem');
    const plan = (await runSqlFile<{ full_reason: string | null }>(client, 'dashboard/refresh_plan', [runId])).rows[0];
    const fullReason = options.forceFull ? 'forced' : plan.full_reason;
    if (fullReason === null) return this.refreshLocked(client, runId, load, started, options);

    const lanesMs = await buildNextSummaries(pool);
    const swapStarted = performance.now();
    await runSqlFile(client, 'dashboard/refresh_next_swap');
    await runSqlFile(client, 'dashboard/refresh_record', [load?.run_id ?? null, load?.loaded_at ?? null, runId]);
    return {
      loadRunId: load?.run_id ?? null,
      mode: 'full',
      fullReason,
      touchedDays: null,
      ms: Math.round(performance.now() - started),
      lanesMs: { ...lanesMs, swap: Math.round(performance.now() - swapStarted) },
    };
  }

  private async refreshLocked(
    client: PoolClient,
    runId: string,
    load: { run_id: string; loaded_at: Date } | undefined,
    started: number,
    options: SummariesRefreshOptions,
  ): Promise<SummariesRefresh> {
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
      // Before the steps: it compares return counts with the return rows as they still are.
      await runSqlFile(client, 'dashboard/refresh_return_touched_days', [plan.new_load_run_id]);
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

/**
 * Builds every summary in dashboard_next (refresh_next_prepare.sql), then both LANES at once, each
 * transaction on a pool connection of its own and committed with the tables it completes. Returns
 * only once neither lane runs any more: when one fails, the other stops at its next statement, so
 * nothing of this attempt writes into dashboard_next after a retry has started afresh there.
 */
async function buildNextSummaries(pool: Pool): Promise<{ prepare: number; customers: number; sales: number }> {
  const started = performance.now();
  await withTransaction(pool, async (client) => {
    await runSqlFile(client, 'dashboard/refresh_next_prepare');
    await runLaneTransaction(client, NEXT_PREPARE);
  });
  const prepare = Math.round(performance.now() - started);

  let failed = false;
  // The first failure is the cause; the other lane then stops with "the other lane ... failed".
  let cause: unknown;
  const committed = new Map<SummaryTable, { promise: Promise<void>; resolve: () => void; reject: (error: Error) => void }>();
  for (const table of SUMMARY_TABLES) {
    let resolve!: () => void;
    let reject!: (error: Error) => void;
    const promise = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    promise.catch(() => undefined);
    committed.set(table, { promise, resolve, reject });
  }
  const lane = async (transactions: readonly LaneTransaction[]): Promise<number> => {
    const laneStarted = performance.now();
    try {
      for (const transaction of transactions) {
        if (transaction.after) await committed.get(transaction.after)!.promise;
        await withTransaction(pool, async (client) => {
          const stopIfFailed = () => {
            if (failed) throw new Error('the other lane of the dashboard refresh failed');
          };
          await runLaneTransaction(client, transaction, stopIfFailed);
        });
        for (const table of transaction.finish) committed.get(table)!.resolve();
      }
    } catch (error) {
      failed = true;
      cause ??= error;
      for (const { reject } of committed.values()) reject(error as Error);
      throw error;
    }
    return Math.round(performance.now() - laneStarted);
  };
  const results = await Promise.allSettled([lane(LANES.customers), lane(LANES.sales)]);
  if (results.some((r) => r.status === 'rejected')) throw cause;
  const [customers, sales] = results.map((r) => (r as PromiseFulfilledResult<number>).value);
  return { prepare, customers, sales };
}

async function runLaneTransaction(client: PoolClient, transaction: LaneTransaction, beforeEach: () => void = () => undefined): Promise<void> {
  beforeEach();
  await runSqlFile(client, 'dashboard/refresh_work_mem');
  for (const step of transaction.steps) {
    beforeEach();
    await runStep(client, step);
  }
  for (const table of transaction.finish) {
    beforeEach();
    await client.query(sqlFile('dashboard/refresh_next_finish').replaceAll('{{table}}', table));
  }
}

async function runStep(client: PoolClient, step: string): Promise<void> {
  try {
    await client.query(nextSql(step));
  } catch (error) {
    const e = error as Error;
    e.message = `sql/dashboard/${step}.sql (in dashboard_next): ${e.message}`;
    throw e;
  }
}
