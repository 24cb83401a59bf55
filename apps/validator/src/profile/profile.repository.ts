import { Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import { renderSqlFile, runSqlFile, runSqlText, withTransaction } from '@ecom/db';
import { buildTypedTables, typedTableOf } from '@ecom/pipeline';

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

  private async rows<R extends object>(name: string, runId: string): Promise<R[]> {
    const file = `profile/${name}`;
    const text = renderSqlFile(file, (name) => typedTableOf(name, runId));
    // Each statement in its own short transaction, with the profile's settings (sql/profile/settings.sql).
    return withTransaction(this.pool, async (client) => {
      await runSqlFile(client, 'profile/settings');
      return (await runSqlText<R & Record<string, unknown>>(client, file, text, [runId])).rows;
    });
  }

  /** (Re)builds the run's typed tables from staging, for a profile measured on its own. */
  buildTables(runId: string): Promise<void> {
    return buildTypedTables(this.pool, runId);
  }

  monthlyRevenue(runId: string): Promise<MonthRow[]> {
    return this.rows<MonthRow>('monthly_revenue', runId);
  }

  async weekendWeekdayRatio(runId: string): Promise<Numeric> {
    const [row] = await this.rows<{ weekend_weekday_ratio: Numeric }>('weekend_weekday', runId);
    return row?.weekend_weekday_ratio ?? null;
  }

  async orderShape(runId: string): Promise<OrderShapeRow> {
    return (await this.rows<OrderShapeRow>('order_shape', runId))[0];
  }

  async concentration(runId: string): Promise<ConcentrationRow> {
    return (await this.rows<ConcentrationRow>('customer_concentration', runId))[0];
  }

  categoryRanking(runId: string): Promise<CategoryRow[]> {
    return this.rows<CategoryRow>('category_ranking', runId);
  }

  paymentMix(runId: string): Promise<PaymentRow[]> {
    return this.rows<PaymentRow>('payment_mix', runId);
  }

  async integrity(runId: string): Promise<IntegrityRow> {
    return (await this.rows<IntegrityRow>('integrity', runId))[0];
  }

  async store(runId: string, profile: object): Promise<void> {
    await runSqlFile(this.pool, 'profile/store_profile', [runId, JSON.stringify(profile)]);
  }
}
