import { Injectable } from '@nestjs/common';
import type { Pool, PoolClient } from 'pg';
import { renderSqlFile, runRenderedSqlFile, runSqlFile, sqlFile, withPlanSettings, withTransaction, type Queryable } from '@ecom/db';

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
 * Statements of an incremental refresh, once the codes are known to be kept and the touched days
 * listed: the summary rows of the touched days, then the coarser rows of the customers, months
 * and products those days fed, each found through an index: months rebuilt from the touched
 * months' day rows, firsts and years brought up to date by the difference between the deleted and
 * the written rows. A touched day whose facts the load only re-pointed is brought up to date by
 * the transactions that moved (place, category or profit; refresh_moved_days.sql,
 * refresh_moved_cells.sql); the others are rebuilt whole by the full refresh's statements over
 * their lines. DIFF_STEPS come first, with the new load's run id.
 */
const DIFF_STEPS = ['refresh_diff_days', 'refresh_moved_lines'] as const;

const INCREMENTAL_STEPS = [
  'refresh_moved_days',
  'refresh_analyze_touched',
  'refresh_clear_days',
  'refresh_lines_touched',
  'refresh_sales_cells',
  'refresh_customer_days',
  'refresh_product_days',
  'refresh_discount_cells',
  'refresh_drop_lines',
  'refresh_moved_cells',
  'refresh_customer_firsts_touched',
  'refresh_customer_months_touched',
  'refresh_customer_year_months_touched',
  'refresh_customer_years_touched',
  'refresh_sales_months_touched',
  'refresh_product_months_touched',
  'refresh_product_years_touched',
  'refresh_return_days_touched',
] as const;

/**
 * sql/dashboard/coded_lines_of_days.sql over the days a temporary table lists, with its
 * placeholders `flags` (further columns) and `transactions` (a further condition on the facts)
 * filled from the sql/dashboard files named, or nothing for null.
 */
function codedLines(days: string, flags: string | null, transactions: string | null): string {
  const part = (name: string | null): string => (name === null ? '' : sqlFile(`dashboard/${name}`));
  return renderSqlFile('dashboard/coded_lines_of_days', { days, flags: part(flags), transactions: part(transactions) });
}

/** The incremental steps with parts shared with another step, spliced in: their placeholders' values. */
const STEP_SPLICES: Readonly<Record<string, () => Record<string, string>>> = {
  refresh_next_places: () => ({ touched_customers: sqlFile('dashboard/touched_customers') }),
  refresh_next_customers: () => ({ touched_customers: sqlFile('dashboard/touched_customers') }),
  refresh_moved_lines: () => ({ lines: codedLines('dashboard_diff_days', 'moved_lines_flags', 'moved_lines_transactions') }),
  refresh_lines_touched: () => ({ lines: codedLines('dashboard_whole_days', null, null) }),
};

/** Runs sql/dashboard/<step>.sql of an incremental refresh, with its shared parts spliced in where it has them. */
function runIncrementalStep(db: Queryable, step: string, params: unknown[] = []): Promise<unknown> {
  if (!Object.hasOwn(STEP_SPLICES, step)) return runSqlFile(db, `dashboard/${step}`, params);
  return runRenderedSqlFile(db, `dashboard/${step}`, STEP_SPLICES[step](), params);
}

/** The summary tables a full refresh on lanes builds in dashboard_next and swaps in: all but refresh_state. */
export const SUMMARY_TABLES = [
  'categories', 'places', 'products', 'customers', 'sales_cells', 'customer_days', 'product_days', 'discount_cells',
  'customer_firsts', 'customer_months', 'customer_years', 'sales_months', 'product_months', 'product_years',
  'customer_year_months', 'return_days',
] as const;

type SummaryTable = (typeof SUMMARY_TABLES)[number];

/** Statements of the full refresh in one transaction, then the tables they leave complete. */
interface LaneTransaction {
  steps: readonly string[];
  /** Filled by now: indexed and analysed before the commit (refresh_next_finish.sql). */
  finish: readonly SummaryTable[];
}

/** Before the lanes, on one connection: the codes every summary groups by. */
const NEXT_PREPARE: LaneTransaction = {
  steps: ['refresh_categories', 'refresh_places', 'refresh_products', 'refresh_customers'],
  finish: ['categories', 'places', 'products', 'customers'],
};

/** One summary table of a full refresh on lanes: the statement that fills it and what it reads. */
interface SummaryTask {
  table: SummaryTable;
  step: string;
  /** Reads the coded fact lines (dashboard_next.lines, nextLinesSql): runs in a lane's first transaction. */
  readsLines: boolean;
  /** Tables of the lanes it reads (the dimensions are committed before they start): it starts once they are committed. */
  reads: readonly SummaryTable[];
}

/**
 * The full refresh's statements (FULL_STEPS) as tasks two lanes take as they come free, in this
 * order among those ready: the day summaries from the lines (customer days first: four tables
 * wait for it), then the chain customer firsts -> months -> year months (with customer days the
 * longest path), then the rest. Which lane builds what depends on the data's shape: at 100k
 * orders the sales-side tables cost ~1.6x the customer-side ones, at 1M about as much, so a
 * fixed split left one core idle for seconds at some size (docs/performance.md).
 */
const TASKS: readonly SummaryTask[] = [
  { table: 'customer_days', step: 'refresh_customer_days', readsLines: true, reads: [] },
  { table: 'discount_cells', step: 'refresh_discount_cells', readsLines: true, reads: [] },
  { table: 'product_days', step: 'refresh_product_days', readsLines: true, reads: [] },
  { table: 'sales_cells', step: 'refresh_sales_cells', readsLines: true, reads: [] },
  { table: 'customer_firsts', step: 'refresh_customer_firsts', readsLines: false, reads: ['customer_days'] },
  { table: 'customer_months', step: 'refresh_customer_months', readsLines: false, reads: ['customer_days', 'customer_firsts'] },
  { table: 'customer_year_months', step: 'refresh_customer_year_months', readsLines: false, reads: ['customer_months'] },
  { table: 'customer_years', step: 'refresh_customer_years', readsLines: false, reads: ['customer_days'] },
  { table: 'product_months', step: 'refresh_product_months', readsLines: false, reads: ['product_days'] },
  { table: 'product_years', step: 'refresh_product_years', readsLines: false, reads: ['product_months'] },
  { table: 'sales_months', step: 'refresh_sales_months', readsLines: false, reads: ['sales_cells'] },
  { table: 'return_days', step: 'refresh_return_days', readsLines: false, reads: [] },
];

/** The two lanes; 'customers' is the one that takes customer days first. */
const LANE_NAMES = ['customers', 'sales'] as const;
type LaneName = (typeof LANE_NAMES)[number];

/**
 * A full-refresh statement as the lanes run it: every dashboard table it reads or writes is its
 * namesake in dashboard_next. A full refresh reads only tables it has built itself (and the
 * warehouse), so the statements and the rows they write are those of the one-transaction refresh.
 */
export function nextSql(step: string): string {
  return sqlFile(`dashboard/${step}`).replace(/\bdashboard\./g, 'dashboard_next.').replace(/\bpg_temp\.dashboard_lines\b/g, 'dashboard_next.lines');
}

/**
 * refresh_lines.sql as the lanes' prepare transaction runs it: the lines coded once, into an
 * UNLOGGED table both lanes read once it is committed (nextSql reads pg_temp.dashboard_lines as
 * dashboard_next.lines), where each lane coded them into a temporary table of its own: 2.5M lines
 * at 1M orders, ~6 s of CPU each (a parallel plan: ~3 s in the lane's backend plus its two
 * workers; docs/performance.md). Not logged: a crash loses it with the attempt, and the next
 * prepare drops it (refresh_next_prepare.sql). Autovacuum stays off it, so every lane's statements
 * are planned as before, without statistics.
 */
export function nextLinesSql(): string {
  const lanes = nextSql('refresh_lines');
  const shared = lanes.replace(
    /CREATE TEMP TABLE dashboard_lines ON\s+COMMIT\s+DROP AS/,
    'CREATE UNLOGGED TABLE dashboard_next.lines WITH (autovacuum_enabled = false) AS',
  );
  if (shared === lanes) throw new Error('sql/dashboard/refresh_lines.sql: no CREATE TEMP TABLE dashboard_lines to build dashboard_next.lines from');
  return shared;
}

export type SummariesRefreshMode = 'full' | 'incremental';

export interface SummariesRefresh {
  loadRunId: string | null;
  mode: SummariesRefreshMode;
  /** Why the refresh was full; null when incremental. */
  fullReason: string | null;
  /** Days whose summary rows an incremental refresh brought up to date. */
  touchedDays: number | null;
  /** Of those, the days it rebuilt whole; the others it brought up to date by difference. */
  rebuiltDays: number | null;
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
   * Keeps warehouse loads out until the client's transaction ends (refresh_warehouse_lock.sql),
   * for a stage that reads the warehouse on another connection while this one waits for it.
   */
  async holdWarehouseLoads(client: PoolClient): Promise<void> {
    await runSqlFile(client, 'dashboard/refresh_warehouse_lock');
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
      rebuiltDays: null,
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
    let rebuiltDays: number | null = null;
    if (fullReason === null) {
      for (const step of NEXT_DIMENSION_STEPS) await runIncrementalStep(client, step);
      const codes = (await runSqlFile<{ kept: boolean }>(client, 'dashboard/refresh_codes_kept')).rows[0];
      if (!codes.kept) fullReason = 'a new category, place, product or customer renumbers existing codes';
    }
    if (fullReason === null) {
      await runSqlFile(client, 'dashboard/refresh_touched_keys');
      touchedDays = (await runSqlFile(client, 'dashboard/refresh_touched_days', [plan.new_load_run_id])).rowCount ?? 0;
      // Before the steps: it compares return counts with the return rows as they still are.
      await runSqlFile(client, 'dashboard/refresh_return_touched_days', [plan.new_load_run_id]);
      // After the merge: the changed customers' and products' lines are coded with their codes.
      await runSqlFile(client, 'dashboard/refresh_merge_dimensions');
      for (const step of DIFF_STEPS) await runIncrementalStep(client, step, [plan.new_load_run_id]);
      for (const step of INCREMENTAL_STEPS) await runIncrementalStep(client, step);
      rebuiltDays = (await runSqlFile<{ days: number }>(client, 'dashboard/refresh_rebuilt_days')).rows[0].days;
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
      rebuiltDays,
      ms: Math.round(performance.now() - started),
    };
  }
}

/**
 * Builds every summary in dashboard_next (refresh_next_prepare.sql): the dimensions and the coded
 * lines (nextLinesSql) in one transaction, then TASKS on two lanes at
 * once, each transaction on a pool connection of its own and committed with the tables it
 * completes. Returns only once neither lane runs any more: when one fails, the other stops at its
 * next statement, so nothing of this attempt writes into dashboard_next after a retry has started
 * afresh there.
 */
async function buildNextSummaries(pool: Pool): Promise<{ prepare: number; customers: number; sales: number }> {
  const started = performance.now();
  await withTransaction(pool, async (client) => {
    await runSqlFile(client, 'dashboard/refresh_next_prepare');
    await runLaneTransaction(client, NEXT_PREPARE);
    // The leader writes every coded line the two workers join; taking a share of the join as well
    // made it the slower end of the Gather (a 1M-order clone, four rounds alternated: 2.27-2.47 s
    // against 1.95-2.13 s without).
    await withPlanSettings(client, { parallel_leader_participation: 'off' }, () => client.query(nextLinesSql()));
  });
  const prepare = Math.round(performance.now() - started);
  const board = new TaskBoard();
  const results = await Promise.allSettled(LANE_NAMES.map((name) => runLane(pool, board, name)));
  if (results.some((r) => r.status === 'rejected')) throw board.cause;
  const [customers, sales] = results.map((r) => (r as PromiseFulfilledResult<number>).value);
  // The lines were only the source of the day summaries, all committed by now.
  await runSqlFile(pool, 'dashboard/refresh_next_drop_lines');
  return { prepare, customers, sales };
}

/**
 * What the two lanes share: which tasks are taken and which tables committed, which lane is still
 * in its first transaction (the tables from the lines), and the first failure. Lanes run on one event loop, so each decision
 * below is taken whole before the other lane looks.
 */
class TaskBoard {
  private readonly taken = new Set<SummaryTable>();
  private readonly committed = new Set<SummaryTable>();
  /** Lanes in their first transaction, which can still take tasks reading the lines. */
  private readonly coding = new Set<LaneName>(LANE_NAMES);
  private readonly waiting = new Set<LaneName>();
  private wake: Array<() => void> = [];
  private failed = false;
  /** The first failure is the cause; the other lane then stops with "the other lane ... failed". */
  cause: unknown;

  /** Throws once a lane has failed. */
  check(): void {
    if (this.failed) throw new Error('the other lane of the dashboard refresh failed');
  }

  fail(error: unknown): void {
    if (!this.failed) this.cause = error;
    this.failed = true;
    this.notify();
  }

  /**
   * The next task reading the lines for a lane in its first transaction, or undefined when it
   * should commit what it built: when none is left, or when the table it just built is read by
   * others while the other lane is still in its first transaction and will take what is left (customer days then
   * reaches the chain it feeds a whole table earlier).
   */
  takeLineTask(lane: LaneName, justBuilt?: SummaryTask): SummaryTask | undefined {
    const other = LANE_NAMES.find((name) => name !== lane)!;
    const feedsOthers = justBuilt !== undefined && TASKS.some((t) => t.reads.includes(justBuilt.table));
    const task = feedsOthers && this.coding.has(other) ? undefined : TASKS.find((t) => t.readsLines && !this.taken.has(t.table));
    if (task) this.taken.add(task.table);
    else this.coding.delete(lane);
    return task;
  }

  /** The first untaken task whose tables are committed, taken; undefined when none is ready now. */
  takeReadyTask(): SummaryTask | undefined {
    const task = TASKS.find((t) => !t.readsLines && !this.taken.has(t.table) && t.reads.every((r) => this.committed.has(r)));
    if (task) this.taken.add(task.table);
    return task;
  }

  /** Whether a task is still to be taken. */
  get pending(): boolean {
    return TASKS.some((t) => !this.taken.has(t.table));
  }

  commit(tables: readonly SummaryTable[]): void {
    for (const table of tables) this.committed.add(table);
    this.notify();
  }

  /** Resolves at the next commit or failure; fails when no lane could ever make a task ready. */
  async changed(lane: LaneName): Promise<void> {
    this.waiting.add(lane);
    if (this.waiting.size === LANE_NAMES.length) throw new Error('dashboard refresh: no lane can make the remaining tasks ready');
    try {
      await new Promise<void>((resolve) => this.wake.push(resolve));
    } finally {
      this.waiting.delete(lane);
    }
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = [];
    for (const resolve of wake) resolve();
  }
}

/**
 * One lane: a first transaction builds tables from the lines (dashboard_next.lines, coded once
 * before the lanes start) as TaskBoard.takeLineTask hands them out; then one transaction per task whose
 * tables are committed, until none is left. Each table is indexed and analysed before its commit
 * (refresh_next_finish.sql). Returns the lane's milliseconds.
 */
async function runLane(pool: Pool, board: TaskBoard, lane: LaneName): Promise<number> {
  const started = performance.now();
  try {
    const built: SummaryTable[] = [];
    // Taken before the lane's first statement, so each lane starts on a table of its own (customers: customer days).
    const first = board.takeLineTask(lane);
    if (first) {
      await withTransaction(pool, async (client) => {
        board.check();
        await runSqlFile(client, 'dashboard/refresh_work_mem');
        for (let task: SummaryTask | undefined = first; task; task = board.takeLineTask(lane, task)) {
          await runTask(client, task, board);
          built.push(task.table);
        }
      });
    }
    board.commit(built);
    while (board.pending) {
      board.check();
      const task = board.takeReadyTask();
      if (!task) {
        await board.changed(lane);
        continue;
      }
      await withTransaction(pool, async (client) => {
        board.check();
        await runSqlFile(client, 'dashboard/refresh_work_mem');
        await runTask(client, task, board);
      });
      board.commit([task.table]);
    }
  } catch (error) {
    board.fail(error);
    throw error;
  }
  return Math.round(performance.now() - started);
}

/** A task's statement, then its table's indexes and statistics; nothing more once a lane has failed. */
async function runTask(client: PoolClient, task: SummaryTask, board: TaskBoard): Promise<void> {
  board.check();
  await runStep(client, task.step);
  board.check();
  await finishTable(client, task.table);
}

async function runLaneTransaction(client: PoolClient, transaction: LaneTransaction): Promise<void> {
  await runSqlFile(client, 'dashboard/refresh_work_mem');
  for (const step of transaction.steps) await runStep(client, step);
  for (const table of transaction.finish) await finishTable(client, table);
}

/** refresh_next_finish.sql for one filled table of dashboard_next. */
async function finishTable(client: PoolClient, table: SummaryTable): Promise<void> {
  await client.query(sqlFile('dashboard/refresh_next_finish').replaceAll('{{table}}', table));
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
