import { Injectable } from '@nestjs/common';
import type { RunProfile } from '@ecom/contracts';
import type { TypedTablesBuild } from '@ecom/pipeline';
import { ProfileRepository } from './profile.repository';

const num = (value: string | null): number | null => (value === null ? null : Number(value));

export type MeasuredProfile = Omit<RunProfile, 'runId' | 'computedAt'>;

/**
 * Measures the shape of a run's data as landed in staging (read from its typed tables) (seasonality, weekend lift, heavy
 * buyers, category ranking, payment mix, basket size, integrity) and stores it for
 * GET /runs/:id/profile and the pipeline summary. It only reads staging and writes its own row,
 * keyed by run, so measuring twice (a retried stage) replaces the first measurement.
 */
@Injectable()
export class ProfileService {
  constructor(private readonly repository: ProfileRepository) {}

  /**
   * `typed`: true when the caller has just built the run's typed tables; a build under way
   * (startTypedTables), whose tables each statement waits for, so the statements that read no
   * order lines start while those are still being built; false: they are built from staging first.
   */
  async profileRun(runId: string, typed: boolean | Pick<TypedTablesBuild, 'ready'> = false): Promise<MeasuredProfile> {
    if (typed === false) await this.repository.buildTables(runId);
    const ready = typeof typed === 'object' ? typed.ready : undefined;
    const [months, ratio, shape, concentration, categories, payments, integrity] = await Promise.all([
      this.repository.monthlyRevenue(runId, ready),
      this.repository.weekendWeekdayRatio(runId, ready),
      this.repository.orderShape(runId, ready),
      this.repository.concentration(runId, ready),
      this.repository.categoryRanking(runId, ready),
      this.repository.paymentMix(runId, ready),
      this.repository.integrity(runId, ready),
    ]);
    const monthlyRevenue = months.map((m) => ({
      month: m.month,
      orders: Number(m.orders),
      revenue: Number(m.revenue),
      index: Number(m.index ?? 0),
      discountedLineShare: Number(m.discounted_line_share),
    }));
    const q4 = monthlyRevenue.filter((m) => m.month.endsWith('-11') || m.month.endsWith('-12'));
    const hasBoth = q4.some((m) => m.month.endsWith('-11')) && q4.some((m) => m.month.endsWith('-12'));
    const profile: MeasuredProfile = {
      orders: Number(shape.orders),
      orderLines: Number(shape.order_lines),
      revenue: Number(shape.revenue),
      buyers: Number(concentration.buyers),
      repeatBuyers: Number(concentration.repeat_buyers),
      oneTimeBuyers: Number(concentration.one_time_buyers),
      monthlyRevenue,
      q4PeakIndex: hasBoth ? Number((q4.reduce((sum, m) => sum + m.index, 0) / q4.length).toFixed(4)) : null,
      weekendWeekdayRatio: num(ratio),
      nightOrderShare: Number(shape.night_order_share),
      topCustomerRevenueShare: num(concentration.top_customer_revenue_share),
      categories: categories.map((c) => ({
        category: c.category,
        revenue: Number(c.revenue),
        share: Number(c.share ?? 0),
        products: Number(c.products),
        avgPrice: Number(c.avg_price),
      })),
      paymentMix: payments.map((p) => ({ paymentMethod: p.payment_method, orders: Number(p.orders), share: Number(p.share) })),
      basketSizeMean: num(shape.basket_size_mean),
      ordersBeforeRegistration: Number(integrity.orders_before_registration),
      geographyMismatches: Number(integrity.geography_mismatches),
    };
    await this.repository.store(runId, profile);
    return profile;
  }
}
