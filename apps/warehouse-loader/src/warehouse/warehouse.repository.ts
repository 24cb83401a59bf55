import { Injectable } from '@nestjs/common';
import type { PoolClient } from 'pg';
import { runSqlFile } from '@ecom/db';

/** The models of sql/warehouse, in the order a load must build them. */
export type WarehouseModel =
  | 'dim_date'
  | 'dim_payment_method'
  | 'dim_customers'
  | 'dim_products'
  | 'fact_sales'
  | 'agg_daily_sales'
  | 'agg_product_performance'
  | 'agg_customer_metrics';

export interface SalesLinesOutcome {
  linesIn: number;
  factsLoaded: number;
  linesRejected: number;
}

/** Models that rebuild from all of production rather than from one run's lines. */
const WHOLE_PRODUCTION_MODELS: ReadonlySet<WarehouseModel> = new Set(['dim_customers', 'dim_products']);
/** Models that read only the run's resolved lines (pg_temp.warehouse_sales_lines). */
const LINE_SCOPED_MODELS: ReadonlySet<WarehouseModel> = new Set([
  'agg_daily_sales',
  'agg_product_performance',
  'agg_customer_metrics',
]);

/** The only place that knows the warehouse SQL files and which parameters each takes. */
@Injectable()
export class WarehouseRepository {
  /** Builds one model; returns the rows it inserted or changed (0 when nothing changed). */
  async buildModel(client: PoolClient, model: WarehouseModel, runId: string): Promise<number> {
    const params = WHOLE_PRODUCTION_MODELS.has(model) || LINE_SCOPED_MODELS.has(model) ? [] : [runId];
    const result = await runSqlFile(client, `warehouse/${model}`, params);
    return result.rowCount ?? 0;
  }

  /** Resolves the run's order lines against the dimensions, for this transaction only. */
  async resolveSalesLines(client: PoolClient, runId: string): Promise<number> {
    const result = await runSqlFile(client, 'warehouse/sales_lines', [runId]);
    return result.rowCount ?? 0;
  }

  async quarantineUnresolvedLines(client: PoolClient, runId: string): Promise<number> {
    const result = await runSqlFile(client, 'warehouse/quarantine_missing_dimension', [runId]);
    return result.rowCount ?? 0;
  }

  async salesLinesOutcome(client: PoolClient, runId: string): Promise<SalesLinesOutcome> {
    const { rows } = await runSqlFile<{ lines_in: number; facts_loaded: number; lines_rejected: number }>(
      client,
      'warehouse/sales_lines_outcome',
      [runId],
    );
    const row = rows[0];
    return { linesIn: row.lines_in, factsLoaded: row.facts_loaded, linesRejected: row.lines_rejected };
  }
}
