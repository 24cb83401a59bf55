import { Injectable } from '@nestjs/common';
import { Pool, type PoolClient } from 'pg';
import { withPlanSettings, withTransaction } from '@ecom/db';
import type { FirstLoadLineSums, StageCounts, StageContext } from '@ecom/pipeline';
import { QualityChecksConfig, StageFailure, firstLoadLineSums, runQualityChecks } from '@ecom/pipeline';
import { WarehouseRepository, type AggregateModel, type LoadMode, type LoadWindow } from './warehouse.repository';

// The daily partials before the aggregates that sum their days: agg_customer_daily before
// agg_customer_metrics and agg_daily_sales (whole, it sums the customer days' fresh rows),
// agg_product_daily before agg_product_performance.
const AGGREGATES: readonly AggregateModel[] = [
  'agg_customer_daily',
  'agg_customer_metrics',
  'agg_daily_sales',
  'agg_product_daily',
  'agg_product_performance',
];

/** The run parameters the warehouse reads. `mode: 'rebuild'` is not in RunParams yet (the ledger adds it). */
interface WarehouseRunParams {
  mode?: string;
  generate?: { endDate?: string };
  incremental?: { toDate?: string };
}

/**
 * The business date a run names itself (docs/warehouse.md, the as-of date): a generated delta's
 * last day, else a generated batch's last day. A delta's `generate` holds the parameters of the
 * data set it continues, so its endDate is the base's last day: taken as the as-of date, a change
 * delivered with a later day would be dated back over the sales of every day in between.
 */
export function runAsOfDate(params: WarehouseRunParams): string | null {
  return params.incremental?.toDate ?? params.generate?.endDate ?? null;
}

/**
 * Loads production into the star schema, keeping history (docs/warehouse.md).
 *
 * Incremental (every run but a rebuild): reads only the production rows changed since the last
 * load's watermarks, records the customers' and products' changed states in their change logs
 * effective from the run's as-of date, re-derives the SCD2 versions of those keys, re-points the
 * facts whose valid version changed, upserts the lines read joined point-in-time, and recomputes
 * the aggregates of the days and versions it touched.
 *
 * Rebuild (`mode: 'rebuild'`): the same capture, then dimensions, facts and aggregates are
 * rebuilt from the change logs and all of production; the result equals what the loads built.
 *
 * Everything runs in the stage's transaction. Loading a run twice reuses its recorded window, and
 * every step writes only rows that differ, so the second load writes nothing. It ends with the
 * warehouse-stage checks of config/quality-checks.yaml (production → warehouse reconciliation of
 * the lines the load answers for; the whole warehouse after a rebuild): an error check over its
 * threshold fails the stage and nothing of the load commits.
 *
 * Counts: rowsIn = order lines read, rowsOut = facts they now have (a line whose customer or
 * product is unknown still gets a fact, on the unknown member), rowsRejected = 0. Detail figures
 * are rows written by this load.
 */
@Injectable()
export class WarehouseService {
  constructor(
    private readonly repository: WarehouseRepository,
    private readonly pool: Pool,
    private readonly checks: QualityChecksConfig,
  ) {}

  /** `checks` lets a test run another set than the configured one. */
  async loadRun(ctx: StageContext, checks: QualityChecksConfig = this.checks): Promise<StageCounts> {
    const { client, runId } = ctx;
    const params = ctx.run.params as WarehouseRunParams;
    const mode: LoadMode = params.mode === 'rebuild' ? 'rebuild' : 'incremental';

    await this.repository.tuneSession(client);
    await this.repository.lockLoads(client);
    const window = await this.repository.loadWindow(client, runId, runAsOfDate(params));
    const customerChanges = await this.repository.recordCustomerChanges(client, runId, window);
    const productChanges = await this.repository.recordProductChanges(client, runId, window);
    if (mode === 'rebuild') await this.repository.truncateForRebuild(client);
    await this.repository.ensureUnknownMembers(client);
    // No fact yet (a first load, a rebuild): nothing to re-point, compare or move, so facts are
    // written in bulk and every aggregate recomputed whole.
    const bulk = await this.repository.factsEmpty(client);

    const customerVersions = await this.repository.mergeCustomerVersions(client, runId, mode);
    const productVersions = await this.repository.mergeProductVersions(client, runId, mode);
    await this.repository.analyzeVersionPlans(client);
    await this.repository.createTouchedKeys(client);
    const repointed = bulk ? 0 : await this.repository.repointFacts(client);
    await ctx.progress({ step: 'dimensions', mode, asOfDate: window.asOfDate, customerChanges, productChanges });

    const linesRead = await this.repository.readSalesLines(client, window, mode, bulk);
    const dimDates = await this.repository.extendDates(client);
    const dimPaymentMethods = await this.repository.addPaymentMethods(client);
    // A bulk load sets fact_sales' keys, indexes and foreign keys aside before its partitions are
    // created: a partition attached while they exist gets its own six indexes and four foreign keys
    // (catalogue work and files) only to have them dropped and built again after the rows.
    if (bulk) await this.repository.setFactIndexesAside(client);
    const partitionsCreated = await this.repository.ensureFactPartitions(client);
    const moved = bulk ? 0 : await this.repository.removeMovedFacts(client);
    // A first load's lines (the load kind 'first' of warehouse_load_kind.sql), summed for its
    // reconciliations beside the facts' insert, which runs on one core (PostgreSQL gives no INSERT
    // parallel workers).
    const lineSums = mode === 'incremental' && window.items.from === null && window.transactions.from === null ? this.sumLinesBeside(window) : undefined;
    try {
      const facts = await this.repository.writeFacts(client, runId, bulk);
      if (facts.lines !== linesRead) {
        throw new StageFailure(`${linesRead - facts.lines} order lines name no known payment method`);
      }
      // Beside fact_sales, never in it: a return is no negative sale (docs/warehouse.md).
      const returns = await this.repository.loadReturns(client, runId);
      await ctx.progress({ step: 'facts', linesRead, factsWritten: facts.written, repointed });

      const aggregates = await this.refreshAggregates(client, bulk || mode === 'rebuild');
      const segmentsChanged = await this.repository.refreshSegments(client, bulk || mode === 'rebuild');

      await this.repository.recordLoad(client, runId, mode, window, { customerChanges, productChanges, lines: linesRead }, bulk);
      await this.repository.recordMappingTotals(client, runId);
      // After recordLoad: the checks read the load's mode and window from its record.
      await runQualityChecks(client, this.pool, runId, 'warehouse', {
        checks,
        progress: (update) => ctx.progress({ step: 'reconciliation', ...update }),
        warehouseLineSums: lineSums,
      });

      return {
        rowsIn: linesRead,
        rowsOut: facts.lines,
        rowsRejected: 0,
        detail: {
          mode,
          bulk,
          asOfDate: window.asOfDate,
          reloaded: window.recorded,
          customerChanges,
          productChanges,
          dimCustomers: customerVersions,
          dimProducts: productVersions,
          dimDates,
          dimPaymentMethods,
          partitionsCreated,
          facts: facts.written,
          factsMoved: moved,
          factsRepointed: repointed,
          returns,
          onUnknownCustomer: facts.unknownCustomer,
          onUnknownProduct: facts.unknownProduct,
          segmentsChanged,
          aggregates: {
            dailySales: aggregates.agg_daily_sales,
            productDaily: aggregates.agg_product_daily,
            productPerformance: aggregates.agg_product_performance,
            customerDaily: aggregates.agg_customer_daily,
            customerMetrics: aggregates.agg_customer_metrics,
          },
        },
      };
    } finally {
      // The sums beside end with the stage, whatever ended it: a stage that fails before its
      // checks would otherwise leave them running on a pool connection.
      await lineSums?.catch(() => undefined);
    }
  }

  /**
   * Recomputes the aggregates in AGGREGATES' order, inside the load's transaction: `whole` every key
   * (a rebuild or a bulk load), else the keys in pg_temp.warehouse_touched. Rows written per model.
   */
  async refreshAggregates(client: PoolClient, whole: boolean): Promise<Record<AggregateModel, number>> {
    const written = {} as Record<AggregateModel, number>;
    await this.repository.partitionwiseAggregates(client, true);
    for (const model of AGGREGATES) written[model] = await this.repository.refreshAggregate(client, model, whole);
    await this.repository.partitionwiseAggregates(client, false);
    return written;
  }

  /**
   * A first load's lines summed on a pool connection of its own (firstLoadLineSums), without
   * parallel workers: it takes the core the facts' insert leaves idle, no more. Production is
   * committed, and no row stamped under the window's watermarks can still commit (load_window.sql),
   * so it reads the lines the load reads.
   */
  private sumLinesBeside(window: LoadWindow): Promise<FirstLoadLineSums> {
    const sums = withTransaction(this.pool, (client) =>
      withPlanSettings(client, { max_parallel_workers_per_gather: '0', jit: 'off' }, () =>
        firstLoadLineSums(client, { itemsTo: window.items.to, transactionsTo: window.transactions.to }),
      ),
    );
    // Handled: the checks await it, and a stage that fails before them must not crash the process.
    sums.catch(() => undefined);
    return sums;
  }
}
