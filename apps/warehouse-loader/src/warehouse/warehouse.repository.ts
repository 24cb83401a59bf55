import { Injectable } from '@nestjs/common';
import type { PoolClient } from 'pg';
import { renderSqlFile, runRenderedSqlFile, runSqlFile, withPlanSettings } from '@ecom/db';

/** How a load reads production: only what changed since the last load, or everything. */
export type LoadMode = 'incremental' | 'rebuild';

/**
 * A (from, to] window of production updated_at, as PostgreSQL text (a Date would lose the
 * microseconds). `from` is null for the first load, `to` while production is empty.
 */
export interface Window {
  from: string | null;
  to: string | null;
}

/** What one load reads (ops.warehouse_loads). */
export interface LoadWindow {
  /** True when this run already loaded: the window is the one it recorded. */
  recorded: boolean;
  /** The business date changes delivered by this load take effect from (YYYY-MM-DD). */
  asOfDate: string;
  customers: Window;
  products: Window;
  transactions: Window;
  items: Window;
}

export interface VersionsWritten {
  removed: number;
  updated: number;
  inserted: number;
}

export interface FactsWritten {
  /** Lines that found a fact (every line read, unless a payment method went missing). */
  lines: number;
  /** Facts inserted or changed. */
  written: number;
  /** Lines parked on the unknown customer / product. */
  unknownCustomer: number;
  unknownProduct: number;
}

export type AggregateModel =
  | 'agg_daily_sales'
  | 'agg_product_daily'
  | 'agg_product_performance'
  | 'agg_customer_daily'
  | 'agg_customer_metrics';

interface WindowRow {
  recorded: boolean;
  as_of_date: string;
  customers_from: string | null;
  customers_to: string | null;
  products_from: string | null;
  products_to: string | null;
  transactions_from: string | null;
  transactions_to: string | null;
  items_from: string | null;
  items_to: string | null;
}

/** The only place that knows the warehouse SQL files and which parameters each takes. */
@Injectable()
export class WarehouseRepository {
  /** JIT off and a larger work_mem for the rest of the load's transaction (stage_settings.sql). */
  async tuneSession(client: PoolClient): Promise<void> {
    await runSqlFile(client, 'warehouse/stage_settings');
  }

  /** One load at a time; then the key sequences resume after the highest key held (identity_resume.sql). */
  async lockLoads(client: PoolClient): Promise<void> {
    await runSqlFile(client, 'warehouse/load_lock');
    await runSqlFile(client, 'warehouse/identity_resume');
  }

  async loadWindow(client: PoolClient, runId: string, runAsOfDate: string | null): Promise<LoadWindow> {
    const { rows } = await runSqlFile<WindowRow>(client, 'warehouse/load_window', [runId, runAsOfDate]);
    const row = rows[0];
    return {
      recorded: row.recorded,
      asOfDate: row.as_of_date,
      customers: { from: row.customers_from, to: row.customers_to },
      products: { from: row.products_from, to: row.products_to },
      transactions: { from: row.transactions_from, to: row.transactions_to },
      items: { from: row.items_from, to: row.items_to },
    };
  }

  async recordLoad(
    client: PoolClient,
    runId: string,
    mode: LoadMode,
    window: LoadWindow,
    counts: { customerChanges: number; productChanges: number; lines: number },
    bulk: boolean,
  ): Promise<void> {
    const { customers, products, transactions, items } = window;
    await runSqlFile(client, 'warehouse/record_load', [
      runId,
      mode,
      window.asOfDate,
      customers.from,
      customers.to,
      products.from,
      products.to,
      transactions.from,
      transactions.to,
      items.from,
      items.to,
      counts.customerChanges,
      counts.productChanges,
      counts.lines,
      bulk,
    ]);
  }

  /** Appends the changed customers of the window to their history; returns the states written. */
  async recordCustomerChanges(client: PoolClient, runId: string, window: LoadWindow): Promise<number> {
    const params = [runId, window.customers.from, window.customers.to, window.asOfDate];
    return (await runSqlFile(client, 'warehouse/customer_changes', params)).rowCount ?? 0;
  }

  async recordProductChanges(client: PoolClient, runId: string, window: LoadWindow): Promise<number> {
    const params = [runId, window.products.from, window.products.to, window.asOfDate];
    return (await runSqlFile(client, 'warehouse/product_changes', params)).rowCount ?? 0;
  }

  async truncateForRebuild(client: PoolClient): Promise<void> {
    await runSqlFile(client, 'warehouse/rebuild_truncate');
  }

  async ensureUnknownMembers(client: PoolClient): Promise<void> {
    await runSqlFile(client, 'warehouse/unknown_members');
  }

  /** Plans, then applies, the SCD2 versions of the customers and products whose history this load wrote. */
  async mergeCustomerVersions(client: PoolClient, runId: string, mode: LoadMode): Promise<VersionsWritten> {
    await runSqlFile(client, 'warehouse/customer_versions', [runId, mode === 'rebuild']);
    return (await runSqlFile<VersionsWritten>(client, 'warehouse/dim_customers')).rows[0];
  }

  async mergeProductVersions(client: PoolClient, runId: string, mode: LoadMode): Promise<VersionsWritten> {
    await runSqlFile(client, 'warehouse/product_versions', [runId, mode === 'rebuild']);
    return (await runSqlFile<VersionsWritten>(client, 'warehouse/dim_products')).rows[0];
  }

  /** Temporary tables get no statistics of their own; the plans that follow need them. */
  async analyzeVersionPlans(client: PoolClient): Promise<void> {
    await runSqlFile(client, 'warehouse/analyze_versions');
  }

  async createTouchedKeys(client: PoolClient): Promise<void> {
    await runSqlFile(client, 'warehouse/touched_keys');
  }

  /** Facts whose version changed under them, or that wait on the unknown member; returns facts re-pointed. */
  async repointFacts(client: PoolClient): Promise<number> {
    await runSqlFile(client, 'warehouse/fact_sales_repoint_candidates');
    await runSqlFile(client, 'warehouse/analyze_repoint');
    return (await runSqlFile<{ repointed: number }>(client, 'warehouse/fact_sales_repoint')).rows[0].repointed;
  }

  /** True when fact_sales holds no fact: the load takes the bulk path (facts_empty.sql). */
  async factsEmpty(client: PoolClient): Promise<boolean> {
    return (await runSqlFile<{ empty: boolean }>(client, 'warehouse/facts_empty')).rows[0].empty;
  }

  /** The order lines this load reads; returns how many. `bulk`: fact_sales is empty. */
  async readSalesLines(client: PoolClient, window: LoadWindow, mode: LoadMode, bulk: boolean): Promise<number> {
    const params = [window.items.from, window.items.to, window.transactions.from, window.transactions.to, mode === 'rebuild'];
    // sales_lines_bulk.sql's CREATE TABLE AS joins all of production's order lines to their orders,
    // which two workers share, but at the default cost of 0.1 per row gathered the planner keeps
    // its 2.5M rows in one process: 8.4 s against 6.1 s with two workers (1M orders, mean of three
    // back-to-back runs each on a loaded machine). The leader writes the 2.5M rows and takes no
    // share of the join itself, which made it the slower end of the Gather (a 1M-order clone, five
    // rounds alternated: 2.19-2.58 s against 2.10-2.41 s).
    const settings = { parallel_tuple_cost: '0.01', parallel_leader_participation: 'off' };
    const lines = bulk
      ? ((await withPlanSettings(client, settings, () => runSqlFile(client, 'warehouse/sales_lines_bulk', params))).rowCount ?? 0)
      : ((
          await runRenderedSqlFile(
            client,
            'warehouse/sales_lines',
            // The month ranges the row-count reconciliation reads too; a rebuild ($5) reads none.
            { fact_months: renderSqlFile('warehouse/fact_month_item_ranges', { when: 'NOT $5::boolean' }) },
            params,
          )
        ).rowCount ?? 0);
    // A bulk load's statements hash all of the lines whatever their statistics say (the row count
    // comes from the table's size), so ANALYZE would only add its cost (~0.5 s at 250k lines).
    if (!bulk) await runSqlFile(client, 'warehouse/analyze_sales_lines');
    // The dates and payment methods extendDates, addPaymentMethods and ensureFactPartitions read.
    await runSqlFile(client, 'warehouse/sales_lines_summary');
    return lines;
  }

  async extendDates(client: PoolClient): Promise<number> {
    return (await runSqlFile(client, 'warehouse/dim_date')).rowCount ?? 0;
  }

  async addPaymentMethods(client: PoolClient): Promise<number> {
    return (await runSqlFile(client, 'warehouse/dim_payment_method')).rowCount ?? 0;
  }

  async ensureFactPartitions(client: PoolClient): Promise<number> {
    return (await runSqlFile<{ created: number }>(client, 'warehouse/fact_sales_partitions')).rows[0]?.created ?? 0;
  }

  /** Moves lines whose date changed out of their old month; returns facts moved. */
  async removeMovedFacts(client: PoolClient): Promise<number> {
    return (await runSqlFile(client, 'warehouse/fact_sales_moved')).rowCount ?? 0;
  }

  /**
   * Before a bulk load (fact_sales is empty): sets its keys, indexes and foreign keys aside
   * (fact_sales_bulk_begin.sql); writeFacts(bulk) restores them. Before the load's partitions are
   * created, so they are built once, after the rows.
   */
  async setFactIndexesAside(client: PoolClient): Promise<void> {
    await runSqlFile(client, 'warehouse/fact_sales_bulk_begin');
  }

  /** A mapped run's cancelled and adjusted lines into fact_returns (docs/warehouse.md); 0 for other runs. */
  async loadReturns(client: PoolClient, runId: string): Promise<number> {
    return (await runSqlFile<{ written: number }>(client, 'warehouse/load_returns', [runId])).rows[0].written;
  }

  /**
   * A mapped run's warehouse-side control totals, kept in its ops.mapping_runs row: the report
   * reads them there once retention has deleted the staging rows they are computed from. Other
   * runs have no such row and skip the computation (a scan of the run's staged lines).
   */
  async recordMappingTotals(client: PoolClient, runId: string): Promise<void> {
    if (!(await runSqlFile(client, 'mapping/mapping_run_of', [runId])).rowCount) return;
    const totals = (await runSqlFile(client, 'mapping/warehouse_totals_of_run', [runId])).rows[0];
    await runSqlFile(client, 'mapping/record_warehouse_totals', [runId, JSON.stringify(totals)]);
  }

  /**
   * Upserts a fact for every line read, joined point-in-time. `bulk` (fact_sales is empty, its keys,
   * indexes and foreign keys set aside by setFactIndexesAside): plain inserts, joined to the
   * dimensions by hash, then the keys, indexes and foreign keys rebuilt and validated in bulk.
   */
  async writeFacts(client: PoolClient, runId: string, bulk: boolean): Promise<FactsWritten> {
    type Unknown = { unknown_customer: number; unknown_product: number };
    type Row = Unknown & { lines: number; written: number };
    if (bulk) {
      await runSqlFile(client, 'warehouse/hash_joins_only', ['on']);
      const lines = (await runSqlFile(client, 'warehouse/fact_sales_bulk', [runId])).rowCount ?? 0;
      await runSqlFile(client, 'warehouse/hash_joins_only', ['off']);
      await runSqlFile(client, 'warehouse/fact_sales_bulk_end');
      const unknown = (await runSqlFile<Unknown>(client, 'warehouse/fact_sales_bulk_unknown')).rows[0];
      return { lines, written: lines, unknownCustomer: unknown.unknown_customer, unknownProduct: unknown.unknown_product };
    }
    const row = (await runSqlFile<Row>(client, 'warehouse/fact_sales', [runId])).rows[0];
    return { lines: row.lines, written: row.written, unknownCustomer: row.unknown_customer, unknownProduct: row.unknown_product };
  }

  /** Partition-wise aggregation on or off for the rest of the transaction (partitionwise_aggregate.sql). */
  async partitionwiseAggregates(client: PoolClient, on: boolean): Promise<void> {
    await runSqlFile(client, 'warehouse/partitionwise_aggregate', [on ? 'on' : 'off']);
  }

  /**
   * `whole`: recompute every key (a rebuild or a bulk load), else the touched ones. Models read from
   * fact_sales compute their rows in a statement of their own first (`<model>_fresh.sql`), which
   * may run in parallel where the upsert may not.
   */
  async refreshAggregate(client: PoolClient, model: AggregateModel, whole: boolean): Promise<number> {
    if (model !== 'agg_product_performance') await runSqlFile(client, `warehouse/${model}_fresh`, [whole]);
    // The product versions' running sums take the change of the touched days before
    // agg_product_daily rewrites them (agg_product_sums.sql); agg_product_performance reads them.
    if (model === 'agg_product_daily') await runSqlFile(client, whole ? 'warehouse/agg_product_sums_whole' : 'warehouse/agg_product_sums');
    // The touched customer days as they are, which agg_customer_metrics_fresh subtracts from the
    // stored metrics before adding the fresh ones (empty when whole).
    if (model === 'agg_customer_daily') await runSqlFile(client, 'warehouse/agg_customer_daily_before', [whole]);
    // The two large ones are written whole by a plain insert with their key built after the rows.
    if ((model === 'agg_customer_daily' || model === 'agg_product_daily') && whole) {
      return this.rowsInserted(await runSqlFile(client, `warehouse/${model}_whole`));
    }
    if (model === 'agg_customer_metrics' && whole) {
      // Every row written: its foreign key checked once after them, not row by row at COMMIT.
      await runSqlFile(client, 'warehouse/agg_customer_metrics_key_aside');
      const written = (await runSqlFile(client, `warehouse/${model}`, [whole])).rowCount ?? 0;
      await runSqlFile(client, 'warehouse/agg_customer_metrics_key_restore');
      return written;
    }
    return (await runSqlFile(client, `warehouse/${model}`, [whole])).rowCount ?? 0;
  }

  /** The INSERT's row count of a file of several statements (pg returns one result per statement). */
  private rowsInserted(result: unknown): number {
    const results = (Array.isArray(result) ? result : [result]) as Array<{ command?: string; rowCount?: number | null }>;
    return results.find((r) => r.command === 'INSERT')?.rowCount ?? 0;
  }

  /**
   * Brings customer_totals up to the metrics, then re-evaluates the segments of the customers whose
   * inputs changed (all when `whole`: a rebuild or a bulk load); returns versions whose segment changed.
   */
  async refreshSegments(client: PoolClient, whole: boolean): Promise<number> {
    await runSqlFile(client, 'warehouse/customer_segment_bounds_before');
    await runSqlFile(client, 'warehouse/customer_totals', [whole]);
    await runSqlFile(client, 'warehouse/customer_segment_bounds_after');
    await runSqlFile(client, 'warehouse/customer_segment_candidates', [whole]);
    await runSqlFile(client, 'warehouse/analyze_segment_candidates');
    return (await runSqlFile(client, 'warehouse/customer_segments', [whole])).rowCount ?? 0;
  }
}
