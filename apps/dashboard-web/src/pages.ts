import type { DashboardData, DashboardEndpoint, DashboardPageId } from '@ecom/contracts/dashboard';
import { bar, doughnut, num, scatter, table, text, type Drawing } from './charts';

/** One card on a page: a chart or table drawn from one endpoint's rows. */
export interface CardSpec {
  id: string;
  title: string;
  endpoint: DashboardEndpoint;
  wide?: boolean;
  /** Rows the card draws, when it draws a subset of what the endpoint answers (also what "empty" means). */
  rows?: (data: DashboardData) => DashboardData['rows'];
  draw: (data: DashboardData) => Drawing;
}

export interface PageSpec {
  kpis: boolean;
  cards: CardSpec[];
}

const only = (data: DashboardData, rows: DashboardData['rows']): DashboardData => ({ ...data, rows });
const countries = (data: DashboardData) => data.rows.filter((r) => r.level === 'country');
const topStates = (data: DashboardData) =>
  data.rows
    .filter((r) => r.level === 'state')
    .sort((a, b) => num(b.revenue) - num(a.revenue))
    .slice(0, 15);

const geographyCards: CardSpec[] = [
  {
    id: 'revenue-by-country',
    title: 'Revenue (gross and net of returns) and customers by country',
    endpoint: 'geography',
    rows: countries,
    draw: (d) =>
      bar(only(d, countries(d)), (r) => text(r.country), [
        { column: 'revenue', label: 'gross revenue' },
        { column: 'net_revenue', label: 'net revenue' },
        { column: 'customers', label: 'customers', axis: 'y2', type: 'line' },
      ], { y2Label: 'customers' }),
  },
  {
    id: 'revenue-by-state',
    title: 'Revenue by state (top 15)',
    endpoint: 'geography',
    rows: topStates,
    draw: (d) =>
      bar(only(d, topStates(d)), (r) => `${text(r.state)}, ${text(r.country)}`, [{ column: 'revenue', label: 'revenue' }], {
        horizontal: true,
      }),
  },
];

/** Cohort rows (long format) pivoted into one line per cohort, months since first purchase across. */
function cohortTable(data: DashboardData): Drawing {
  const cohorts = new Map<string, Record<string, string | number | null>>();
  let maxOffset = 0;
  for (const row of data.rows) {
    const cohort = text(row.cohort_month);
    const offset = num(row.months_since);
    maxOffset = Math.max(maxOffset, offset);
    const line = cohorts.get(cohort) ?? { cohort: cohort, customers: num(row.cohort_customers) };
    line[`m${offset}`] = num(row.retention_pct);
    cohorts.set(cohort, line);
  }
  const offsets = Array.from({ length: maxOffset + 1 }, (_, i) => `m${i}`);
  return table(only(data, [...cohorts.values()]), ['cohort', 'customers', ...offsets], (column) => /^m\d+$/.test(column));
}

export const PAGES: Record<DashboardPageId, PageSpec> = {
  executive: {
    kpis: true,
    cards: [
      {
        id: 'revenue-trend',
        title: 'Monthly revenue (gross and net of returns)',
        endpoint: 'revenue-trend',
        wide: true,
        draw: (d) =>
          bar(d, (r) => text(r.month), [
            { column: 'revenue', label: 'gross revenue' },
            { column: 'net_revenue', label: 'net revenue', type: 'line' },
            { column: 'orders', label: 'orders', axis: 'y2', type: 'line' },
          ], { y2Label: 'orders' }),
      },
      {
        id: 'top-categories',
        title: 'Top categories by revenue',
        endpoint: 'top-categories',
        draw: (d) => bar(d, (r) => text(r.category), [{ column: 'revenue', label: 'revenue' }], { horizontal: true }),
      },
      {
        id: 'payment-methods',
        title: 'Payment methods (share of revenue)',
        endpoint: 'payment-methods',
        draw: (d) => doughnut(d, 'payment_method', 'revenue'),
      },
      ...geographyCards,
    ],
  },
  products: {
    kpis: false,
    cards: [
      {
        id: 'top-products',
        title: 'Top products by revenue',
        endpoint: 'top-products',
        wide: true,
        draw: (d) =>
          bar(d, (r) => `${text(r.product_name)} (${text(r.product_id)})`, [
            { column: 'revenue', label: 'gross revenue' },
            { column: 'net_revenue', label: 'net revenue' },
          ], { horizontal: true }),
      },
      {
        id: 'category-performance',
        title: 'Category performance and profit margin',
        endpoint: 'category-performance',
        draw: (d) =>
          bar(d, (r) => text(r.category), [
            { column: 'revenue', label: 'revenue' },
            { column: 'profit', label: 'profit' },
            { column: 'profit_margin_pct', label: 'margin %', axis: 'y2', type: 'line' },
          ], { y2Label: 'margin %' }),
      },
      {
        id: 'product-profitability',
        title: 'Product profitability (revenue vs margin %)',
        endpoint: 'product-profitability',
        draw: (d) => scatter(d, 'revenue', 'profit_margin_pct', 'product_name'),
      },
      {
        id: 'discount-impact',
        title: 'Discount impact by discount percentage',
        endpoint: 'discount-impact',
        wide: true,
        draw: (d) =>
          bar(d, (r) => text(r.discount_band), [
            { column: 'revenue', label: 'revenue' },
            { column: 'discount_amount', label: 'discount amount' },
            { column: 'profit_margin_pct', label: 'margin %', axis: 'y2', type: 'line' },
          ], { y2Label: 'margin %' }),
      },
    ],
  },
  customers: {
    kpis: false,
    cards: [
      {
        id: 'spending-segments',
        title: 'Spending segments (quantile edges)',
        endpoint: 'spending-segments',
        draw: (d) =>
          bar(d, (r) => `${text(r.segment)} (${text(r.percentile_range)})`, [
            { column: 'customers', label: 'customers' },
            { column: 'revenue_share_pct', label: 'revenue share %', axis: 'y2', type: 'line' },
          ], { y2Label: 'revenue share %' }),
      },
      {
        id: 'top-customers',
        title: 'Top customers by revenue',
        endpoint: 'top-customers',
        draw: (d) =>
          bar(d, (r) => `${text(r.customer_name)} (${text(r.customer_id)})`, [{ column: 'revenue', label: 'revenue' }], { horizontal: true }),
      },
      {
        id: 'acquisition',
        title: 'Acquisition: buying customers by registration month',
        endpoint: 'acquisition',
        draw: (d) => bar(d, (r) => text(r.registration_month), [{ column: 'customers', label: 'customers' }]),
      },
      {
        id: 'lifetime-value',
        title: 'Customer lifetime value distribution',
        endpoint: 'lifetime-value',
        draw: (d) => bar(d, (r) => text(r.band), [{ column: 'customers', label: 'customers' }]),
      },
      {
        id: 'cohort-retention',
        title: 'Monthly cohort retention (% of cohort buying n months after their first purchase)',
        endpoint: 'cohort-retention',
        wide: true,
        draw: cohortTable,
      },
    ],
  },
  geography: {
    kpis: false,
    cards: [
      ...geographyCards,
      {
        id: 'day-of-week',
        title: 'Average revenue per calendar day, by weekday',
        endpoint: 'day-of-week',
        draw: (d) =>
          bar(d, (r) => text(r.day_name), [
            { column: 'avg_revenue_per_day', label: 'revenue per day' },
            { column: 'avg_orders_per_day', label: 'orders per day', axis: 'y2', type: 'line' },
          ], { y2Label: 'orders per day' }),
      },
      {
        id: 'weekday-weekend',
        title: 'Weekday vs weekend revenue per day',
        endpoint: 'weekday-weekend',
        draw: (d) => bar(d, (r) => text(r.day_type), [{ column: 'avg_revenue_per_day', label: 'revenue per day' }]),
      },
    ],
  },
};
