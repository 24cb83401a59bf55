import type { Entity } from '@ecom/contracts';

/** The five families of ops.quality_checks.family. */
export const QUALITY_FAMILIES = ['completeness', 'uniqueness', 'referential_integrity', 'consistency', 'range'] as const;
export type QualityFamily = (typeof QUALITY_FAMILIES)[number];

/**
 * One check: `sql` names a file in sql/ that takes the run id ($1) and returns one row
 * (rows_checked, violations, sample_ids). Weight is its share of the run's score.
 */
export interface QualityCheck {
  name: string;
  family: QualityFamily;
  entity: Entity;
  weight: number;
  description: string;
  sql: string;
}

/**
 * Every check the validator runs, as data (the registry is meant to move to YAML).
 * Weights: what breaks loading (missing fields, duplicate keys, dangling references) weighs 3,
 * wrong money 2, out-of-range values 1-2.
 */
export const QUALITY_CHECKS: readonly QualityCheck[] = [
  {
    name: 'completeness_customers_required',
    family: 'completeness',
    entity: 'customers',
    weight: 3,
    description: 'customer_id, first_name, last_name, email and registration_date are present',
    sql: 'quality/completeness_customers_required',
  },
  {
    name: 'completeness_products_required',
    family: 'completeness',
    entity: 'products',
    weight: 3,
    description: 'product_id, product_name, category, price and cost are present',
    sql: 'quality/completeness_products_required',
  },
  {
    name: 'completeness_transactions_required',
    family: 'completeness',
    entity: 'transactions',
    weight: 3,
    description: 'transaction_id, customer_id, transaction_date, payment_method and total_amount are present',
    sql: 'quality/completeness_transactions_required',
  },
  {
    name: 'completeness_transaction_items_required',
    family: 'completeness',
    entity: 'transaction_items',
    weight: 3,
    description: 'item_id, transaction_id, product_id, quantity, unit_price and line_total are present',
    sql: 'quality/completeness_transaction_items_required',
  },
  {
    name: 'uniqueness_customer_id',
    family: 'uniqueness',
    entity: 'customers',
    weight: 3,
    description: 'each customer_id appears once in the run',
    sql: 'quality/uniqueness_customer_id',
  },
  {
    name: 'uniqueness_customer_email',
    family: 'uniqueness',
    entity: 'customers',
    weight: 2,
    description: 'no two customer ids share an email (case-insensitive)',
    sql: 'quality/uniqueness_customer_email',
  },
  {
    name: 'uniqueness_product_id',
    family: 'uniqueness',
    entity: 'products',
    weight: 3,
    description: 'each product_id appears once in the run',
    sql: 'quality/uniqueness_product_id',
  },
  {
    name: 'uniqueness_transaction_id',
    family: 'uniqueness',
    entity: 'transactions',
    weight: 3,
    description: 'each transaction_id appears once in the run',
    sql: 'quality/uniqueness_transaction_id',
  },
  {
    name: 'uniqueness_item_id',
    family: 'uniqueness',
    entity: 'transaction_items',
    weight: 3,
    description: 'each item_id appears once in the run',
    sql: 'quality/uniqueness_item_id',
  },
  {
    name: 'referential_transactions_customers',
    family: 'referential_integrity',
    entity: 'transactions',
    weight: 3,
    description: "each transaction's customer is in this run or already in production",
    sql: 'quality/referential_transactions_customers',
  },
  {
    name: 'referential_transaction_items_transactions',
    family: 'referential_integrity',
    entity: 'transaction_items',
    weight: 3,
    description: "each order line's transaction is in this run or already in production",
    sql: 'quality/referential_transaction_items_transactions',
  },
  {
    name: 'referential_transaction_items_products',
    family: 'referential_integrity',
    entity: 'transaction_items',
    weight: 3,
    description: "each order line's product is in this run or already in production",
    sql: 'quality/referential_transaction_items_products',
  },
  {
    name: 'consistency_line_total',
    family: 'consistency',
    entity: 'transaction_items',
    weight: 2,
    description: 'line_total = round(quantity x unit_price x (1 - discount_percentage/100), 2) within 0.01',
    sql: 'quality/consistency_line_total',
  },
  {
    name: 'consistency_total_amount',
    family: 'consistency',
    entity: 'transactions',
    weight: 2,
    description: "total_amount = sum of the transaction's line_total within 0.01",
    sql: 'quality/consistency_total_amount',
  },
  {
    name: 'range_cost_below_price',
    family: 'range',
    entity: 'products',
    weight: 2,
    description: 'price and cost are numbers above 0 and cost < price',
    sql: 'quality/range_cost_below_price',
  },
  {
    name: 'range_stock_quantity',
    family: 'range',
    entity: 'products',
    weight: 1,
    description: 'stock_quantity is a whole number >= 0',
    sql: 'quality/range_stock_quantity',
  },
  {
    name: 'range_discount_percentage',
    family: 'range',
    entity: 'transaction_items',
    weight: 1,
    description: 'discount_percentage is a number from 0 to 100',
    sql: 'quality/range_discount_percentage',
  },
  {
    name: 'range_quantity',
    family: 'range',
    entity: 'transaction_items',
    weight: 2,
    description: 'quantity is a whole number > 0',
    sql: 'quality/range_quantity',
  },
  {
    name: 'range_item_amounts',
    family: 'range',
    entity: 'transaction_items',
    weight: 2,
    description: 'unit_price and line_total are numbers >= 0',
    sql: 'quality/range_item_amounts',
  },
  {
    name: 'range_total_amount',
    family: 'range',
    entity: 'transactions',
    weight: 2,
    description: 'total_amount is a number >= 0',
    sql: 'quality/range_total_amount',
  },
  {
    name: 'range_registration_date',
    family: 'range',
    entity: 'customers',
    weight: 1,
    description: 'registration_date is a real YYYY-MM-DD date, not in the future',
    sql: 'quality/range_registration_date',
  },
  {
    name: 'range_transaction_date',
    family: 'range',
    entity: 'transactions',
    weight: 2,
    description: 'transaction_date is a real YYYY-MM-DD date, not in the future',
    sql: 'quality/range_transaction_date',
  },
  {
    name: 'range_transaction_time',
    family: 'range',
    entity: 'transactions',
    weight: 1,
    description: 'transaction_time is a HH:MM[:SS] time of day',
    sql: 'quality/range_transaction_time',
  },
  {
    name: 'range_age_group',
    family: 'range',
    entity: 'customers',
    weight: 1,
    description: 'age_group is one of 18-25, 26-35, 36-45, 46-60, 60+',
    sql: 'quality/range_age_group',
  },
  {
    name: 'range_email_format',
    family: 'range',
    entity: 'customers',
    weight: 1,
    description: 'email is shaped like local@domain.tld',
    sql: 'quality/range_email_format',
  },
];
