/**
 * GET /runs/:id/profile: the shape of a run's data as landed in staging, measured in SQL and
 * stored by the transform stage when it commits (or by the stage that stops the run). It shows whether the data looks like a real shop (seasonality, heavy buyers,
 * coherent geography) and proves the generator's targets on every run. Ratios are plain numbers
 * (revenue shares and indexes are for reading, not for accounting).
 */
export interface RunProfile {
  runId: string;
  computedAt: string;
  orders: number;
  orderLines: number;
  /** Sum of total_amount, rounded to cents. */
  revenue: number;
  /** Distinct customers with at least one order, and how many of them ordered more than once. */
  buyers: number;
  repeatBuyers: number;
  oneTimeBuyers: number;
  /** Per month: revenue index = the month's revenue / the average month's (1 = average). */
  monthlyRevenue: Array<{ month: string; orders: number; revenue: number; index: number; discountedLineShare: number }>;
  /** Mean index of November and December; null unless both months are in the data. */
  q4PeakIndex: number | null;
  /** Revenue per weekend calendar day / revenue per weekday calendar day (docs/contract.md §4 definition). */
  weekendWeekdayRatio: number | null;
  /** Share of orders placed between 00:00 and 05:59. */
  nightOrderShare: number;
  /** Share of revenue from the top 20% of buyers by revenue. */
  topCustomerRevenueShare: number | null;
  /** Categories by revenue, highest first, with their mean list price. */
  categories: Array<{ category: string; revenue: number; share: number; products: number; avgPrice: number }>;
  /** Payment methods by order count, highest first. */
  paymentMix: Array<{ paymentMethod: string; orders: number; share: number }>;
  /** Mean order lines per order. */
  basketSizeMean: number | null;
  /** Orders dated before their customer's registration date (must be 0). */
  ordersBeforeRegistration: number;
  /** Customer rows and shipping addresses whose city appears with another state or country than its usual one (must be 0). */
  geographyMismatches: number;
}
