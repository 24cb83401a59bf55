import { Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import { renderSqlFile, runSqlFile, runSqlText, sqlFile, withTransaction } from '@ecom/db';
import { buildTypedTables, typedEntitiesOf, typedTableOf, type TypedTablesBuild } from '@ecom/pipeline';

/** pg returns bigint and numeric as strings. */
type Numeric = string | null;

export interface MonthRow {
  month: string;
  orders: string;
  revenue: string;
  index: Numeric;
  discounted_line_share: string;
}

export interface OrderShapeRow {
  orders: string;
  order_lines: string;
  revenue: string;
  basket_size_mean: Numeric;
  night_order_share: string;
}

export interface ConcentrationRow {
  buyers: string;
  repeat_buyers: string;
  one_time_buyers: string;
  top_customer_revenue_share: Numeric;
}

export interface CategoryRow {
  category: string;
  revenue: string;
  share: Numeric;
  products: string;
  avg_price: string;
}

export interface PaymentRow {
  payment_method: string;
  orders: string;
  share: string;
}

/** Waits until the typed tables of these entities are built (TypedTablesBuild.ready). */
export type TypedReady = TypedTablesBuild['ready'];

export interface IntegrityRow {
  orders_before_registration: string;
  geography_mismatches: string;
}

/**
 * The profile's SQL (sql/profile/*.sql): each measure one statement over the run's typed tables
 * (the staged rows parsed once, built by the validate stage before the profile runs).
 */
@Injectable()
export class ProfileRepository {
  constructor(private readonly pool: Pool) {}

  /** `ready`: the statement waits for the tables it reads (their build under way), holding no connection. */
  private async rows<R extends object>(name: string, runId: string, ready?: TypedReady): Promise<R[]> {
    const file = `profile/${name}`;
    const text = renderSqlFile(file, (name) => typedTableOf(name, runId));
    if (ready) await ready(typedEntitiesOf(sqlFile(file)));
    // Each statement in its own short transaction, with the profile's settings (sql/profile/settings.sql).
    return withTransaction(this.pool, async (client) => {
      await runSqlFile(client, 'profile/settings');
      return (await runSqlText<R & Record<string, unknown>>(client, file, text, [runId])).rows;
    });
  }

  /** (Re)builds the run's typed tables from staging, for a profile measured on its own. */
  async buildTables(runId: string): Promise<void> {
    await buildTypedTables(this.pool, runId);
  }

  monthlyRevenue(runId: string, ready?: TypedReady): Promise<MonthRow[]> {
    return this.rows<MonthRow>('monthly_revenue', runId, ready);
  }

  async weekendWeekdayRatio(runId: string, ready?: TypedReady): Promise<Numeric> {
    const [row] = await this.rows<{ weekend_weekday_ratio: Numeric }>('weekend_weekday', runId, ready);
    return row?.weekend_weekday_ratio ?? null;
  }

  async orderShape(runId: string, ready?: TypedReady): Promise<OrderShapeRow> {
    return (await this.rows<OrderShapeRow>('order_shape', runId, ready))[0];
  }

  async concentration(runId: string, ready?: TypedReady): Promise<ConcentrationRow> {
    return (await this.rows<ConcentrationRow>('customer_concentration', runId, ready))[0];
  }

  categoryRanking(runId: string, ready?: TypedReady): Promise<CategoryRow[]> {
    return this.rows<CategoryRow>('category_ranking', runId, ready);
  }

  paymentMix(runId: string, ready?: TypedReady): Promise<PaymentRow[]> {
    return this.rows<PaymentRow>('payment_mix', runId, ready);
  }

  async integrity(runId: string, ready?: TypedReady): Promise<IntegrityRow> {
    return (await this.rows<IntegrityRow>('integrity', runId, ready))[0];
  }

  async store(runId: string, profile: object): Promise<void> {
    await runSqlFile(this.pool, 'profile/store_profile', [runId, JSON.stringify(profile)]);
  }
}
