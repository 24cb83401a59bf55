import { Injectable } from '@nestjs/common';
import type { StageCounts, StageContext } from '@ecom/pipeline';
import { WarehouseRepository, type WarehouseModel } from './warehouse.repository';

const DIMENSIONS: readonly WarehouseModel[] = ['dim_date', 'dim_payment_method', 'dim_customers', 'dim_products'];
const AGGREGATES: readonly WarehouseModel[] = ['agg_daily_sales', 'agg_product_performance', 'agg_customer_metrics'];

/**
 * Loads one run's production order lines into the star schema: dimensions first, then facts
 * joined point-in-time, then the aggregates those facts touch. Everything happens in the
 * stage's transaction, and every model writes only rows that differ, so a retry or a duplicate
 * delivery leaves the warehouse exactly as one load did.
 *
 * Counts: rowsIn = the run's order lines, rowsOut = facts loaded for them, rowsRejected = lines
 * quarantined as `missing_dimension`. The detail figures are rows written (inserted or changed)
 * by this load, so a rerun reports zeros there.
 */
@Injectable()
export class WarehouseService {
  constructor(private readonly repository: WarehouseRepository) {}

  async loadRun(ctx: StageContext): Promise<StageCounts> {
    const { client, runId } = ctx;
    const written: Partial<Record<WarehouseModel, number>> = {};

    for (const model of DIMENSIONS) {
      written[model] = await this.repository.buildModel(client, model, runId);
    }
    await ctx.progress({ step: 'dimensions', ...written });

    const lines = await this.repository.resolveSalesLines(client, runId);
    const quarantined = await this.repository.quarantineUnresolvedLines(client, runId);
    written.fact_sales = await this.repository.buildModel(client, 'fact_sales', runId);
    await ctx.progress({ step: 'facts', lines, factsWritten: written.fact_sales, quarantined });

    for (const model of AGGREGATES) {
      written[model] = await this.repository.buildModel(client, model, runId);
    }

    const outcome = await this.repository.salesLinesOutcome(client, runId);
    return {
      rowsIn: outcome.linesIn,
      rowsOut: outcome.factsLoaded,
      rowsRejected: outcome.linesRejected,
      detail: {
        dimDates: written.dim_date,
        dimPaymentMethods: written.dim_payment_method,
        dimCustomers: written.dim_customers,
        dimProducts: written.dim_products,
        facts: written.fact_sales,
        quarantined,
        aggregates: {
          dailySales: written.agg_daily_sales,
          productPerformance: written.agg_product_performance,
          customerMetrics: written.agg_customer_metrics,
        },
      },
    };
  }
}
