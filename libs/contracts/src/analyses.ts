/** The analyses of docs/contract.md section 4; each is sql/analytics/<name>.sql. */
export const ANALYSES = [
  'top_products',
  'monthly_sales_trend',
  'customer_segments',
  'category_performance',
  'payment_method_distribution',
  'geography',
  'customer_lifetime_value',
  'product_profitability',
  'day_of_week_pattern',
  'discount_impact',
] as const;
export type AnalysisName = (typeof ANALYSES)[number];

export function isAnalysisName(value: string): value is AnalysisName {
  return (ANALYSES as readonly string[]).includes(value);
}
