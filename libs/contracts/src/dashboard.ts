/**
 * What the dashboard's browser code (apps/dashboard-web) and its API agree on. No imports at all:
 * the browser bundle takes this file alone (the @ecom/contracts/dashboard path), not the index.
 */

/** Every data endpoint under /dashboard/api, one per chart or tile group. */
export const DASHBOARD_ENDPOINTS = [
  'kpis',
  'revenue-trend',
  'top-categories',
  'payment-methods',
  'geography',
  'top-products',
  'category-performance',
  'product-profitability',
  'discount-impact',
  'spending-segments',
  'top-customers',
  'acquisition',
  'lifetime-value',
  'cohort-retention',
  'day-of-week',
  'weekday-weekend',
] as const;
export type DashboardEndpoint = (typeof DASHBOARD_ENDPOINTS)[number];

export function isDashboardEndpoint(name: string): name is DashboardEndpoint {
  return (DASHBOARD_ENDPOINTS as readonly string[]).includes(name);
}

/** The filters every data endpoint takes, as URL query parameters (also the page's own URL). */
export const FILTER_NAMES = ['from', 'to', 'category', 'country', 'state', 'payment'] as const;
export type FilterName = (typeof FILTER_NAMES)[number];
export type DashboardFilters = Partial<Record<FilterName, string>>;

export type CellValue = string | number | boolean | null;

/** One chart's data: the rows drawn, in the column order the CSV download has. */
export interface DashboardData {
  endpoint: DashboardEndpoint;
  filters: DashboardFilters;
  columns: string[];
  rows: Array<Record<string, CellValue>>;
}

/** The badge: the run whose analytics stage refreshed the summaries every chart reads. */
export interface DashboardStatus {
  lastSuccessfulRun: { runId: string; mode: string; finishedAt: string } | null;
  /**
   * The summaries were built and are gone: a crash of PostgreSQL empties them (they are UNLOGGED,
   * derived from the warehouse), and every chart is empty until the next run rebuilds them.
   */
  summariesLost: boolean;
}

/** Values the filter bar offers, from the warehouse's dimensions. */
export interface FilterOptions {
  firstDate: string | null;
  lastDate: string | null;
  categories: string[];
  payments: string[];
  places: Array<{ country: string; states: string[] }>;
}

/** The four pages, by path under /dashboard. */
export const DASHBOARD_PAGES = [
  { path: '', id: 'executive', title: 'Executive Summary' },
  { path: 'products', id: 'products', title: 'Product Analysis' },
  { path: 'customers', id: 'customers', title: 'Customer Insights' },
  { path: 'geography', id: 'geography', title: 'Geographic & Trends' },
] as const;
export type DashboardPageId = (typeof DASHBOARD_PAGES)[number]['id'];
