import type { Pool } from 'pg';

/**
 * A hand-built star schema small enough to compute every analysis on paper (numbers in the spec).
 * Sales run Monday 2024-01-29 to Monday 2024-02-26: 29 calendar days, five Mondays and four of
 * every other weekday; dim_date is wider on purpose (the data's range, not the calendar's, counts).
 * - C01 moved from California to Texas on 2024-02-01 (two SCD versions, keys 1 and 11).
 * - P1 and P2 are both named 'Desk Lamp'; P3 was 'Office Chair' (cost 120) until 2024-02-01,
 *   then 'Office Chair Pro' (cost 130).
 * - 11 transactions, 13 lines; T01 and T03 have two lines each; discounts 0, 5, 10, 15, 25, 40 %.
 */
export async function seedTinyWarehouse(pool: Pool): Promise<void> {
  await pool.query(`
    INSERT INTO warehouse.dim_date
      (date_key, full_date, year, quarter, month, day, month_name, day_name, day_of_week, week_of_year, is_weekend)
    SELECT to_char(d, 'YYYYMMDD')::int, d, extract(year FROM d), extract(quarter FROM d), extract(month FROM d),
           extract(day FROM d), to_char(d, 'FMMonth'), to_char(d, 'FMDay'), extract(isodow FROM d),
           extract(week FROM d), extract(isodow FROM d) IN (6, 7)
      FROM generate_series(date '2024-01-01', date '2024-03-31', interval '1 day') AS g(d);

    INSERT INTO warehouse.dim_payment_method (payment_method_key, payment_method_name, payment_type) VALUES
      (1, 'Credit Card', 'Online'), (2, 'UPI', 'Online'), (3, 'Cash on Delivery', 'Offline'), (4, 'Debit Card', 'Online');

    INSERT INTO warehouse.dim_customers
      (customer_key, customer_id, full_name, country, state, age_group, effective_date, end_date, is_current) VALUES
      (1,  'C01', 'Ada Old',   'USA',   'California',  '26-35', '2024-01-01', '2024-02-01', false),
      (11, 'C01', 'Ada Moved', 'USA',   'Texas',       '26-35', '2024-02-01', '9999-12-31', true),
      (2,  'C02', 'Ben',       'USA',   'California',  '18-25', '2024-01-01', '9999-12-31', true),
      (3,  'C03', 'Cy',        'USA',   'Texas',       '36-45', '2024-01-01', '9999-12-31', true),
      (4,  'C04', 'Di',        'USA',   'New York',    '46-60', '2024-01-01', '9999-12-31', true),
      (5,  'C05', 'Ed',        'USA',   'New York',    '60+',   '2024-01-01', '9999-12-31', true),
      (6,  'C06', 'Fay',       'USA',   'California',  '26-35', '2024-01-01', '9999-12-31', true),
      (7,  'C07', 'Gus',       'India', 'Karnataka',   '18-25', '2024-01-01', '9999-12-31', true),
      (8,  'C08', 'Hal',       'India', 'Karnataka',   '26-35', '2024-01-01', '9999-12-31', true),
      (9,  'C09', 'Ida',       'India', 'Maharashtra', '36-45', '2024-01-01', '9999-12-31', true),
      (10, 'C10', 'Jo',        'India', 'Maharashtra', '46-60', '2024-01-01', '9999-12-31', true);

    INSERT INTO warehouse.dim_products
      (product_key, product_id, product_name, category, price, cost, effective_date, end_date, is_current) VALUES
      (1, 'P1', 'Desk Lamp',        'Home',      50,  20,  '2024-01-01', '9999-12-31', true),
      (2, 'P2', 'Desk Lamp',        'Home',      40,  15,  '2024-01-01', '9999-12-31', true),
      (3, 'P3', 'Office Chair',     'Furniture', 200, 120, '2024-01-01', '2024-02-01', false),
      (4, 'P3', 'Office Chair Pro', 'Furniture', 220, 130, '2024-02-01', '9999-12-31', true);

    INSERT INTO warehouse.fact_sales
      (item_id, date_key, customer_key, product_key, customer_id, product_id, payment_method_key, transaction_id, quantity, unit_price,
       discount_percentage, discount_amount, line_total, profit, last_run_id)
    SELECT l.item_id, to_char(l.sold_on, 'YYYYMMDD')::int, l.customer_key, l.product_key, c.customer_id, p.product_id, l.payment_method_key,
           l.transaction_id, l.quantity, l.unit_price, l.discount,
           round(l.quantity * l.unit_price * l.discount / 100, 2),
           round(l.quantity * l.unit_price * (1 - l.discount / 100), 2),
           round(l.quantity * l.unit_price * (1 - l.discount / 100), 2) - p.cost * l.quantity,
           'seed'
      FROM (VALUES
        ('L01', 'T01', date '2024-01-29', 1,  1, 1, 2, 50.00,  0.00),
        ('L02', 'T01', date '2024-01-29', 1,  3, 1, 1, 200.00, 10.00),
        ('L03', 'T02', date '2024-01-29', 2,  2, 2, 1, 40.00,  0.00),
        ('L04', 'T03', date '2024-02-05', 11, 4, 1, 1, 220.00, 25.00),
        ('L05', 'T03', date '2024-02-05', 11, 1, 1, 1, 50.00,  5.00),
        ('L06', 'T04', date '2024-02-10', 3,  2, 3, 3, 40.00,  15.00),
        ('L07', 'T05', date '2024-02-11', 4,  1, 1, 1, 50.00,  40.00),
        ('L08', 'T06', date '2024-02-26', 5,  2, 2, 2, 40.00,  0.00),
        ('L09', 'T07', date '2024-01-30', 6,  2, 4, 4, 40.00,  0.00),
        ('L10', 'T08', date '2024-02-07', 7,  2, 4, 5, 40.00,  0.00),
        ('L11', 'T09', date '2024-02-15', 8,  2, 4, 6, 40.00,  0.00),
        ('L12', 'T10', date '2024-02-23', 9,  2, 4, 7, 40.00,  0.00),
        ('L13', 'T11', date '2024-02-23', 10, 2, 4, 8, 40.00,  0.00)
      ) AS l(item_id, transaction_id, sold_on, customer_key, product_key, payment_method_key, quantity, unit_price, discount)
      JOIN warehouse.dim_products p ON p.product_key = l.product_key
      JOIN warehouse.dim_customers c ON c.customer_key = l.customer_key;

    -- As the warehouse stage keeps it: a full recompute of fact_sales per day.
    INSERT INTO warehouse.agg_daily_sales
      (date_key, total_transactions, total_items, total_revenue, total_profit, total_discount, unique_customers)
    SELECT date_key, count(DISTINCT transaction_id), count(*), sum(line_total), coalesce(sum(profit), 0),
           sum(discount_amount), count(DISTINCT customer_id)
      FROM warehouse.fact_sales
     GROUP BY date_key;

    -- Likewise per customer version and day (migration 0033), which the top customers analysis reads.
    INSERT INTO warehouse.agg_customer_daily (customer_key, date_key, transactions, revenue, quantity, profit)
    SELECT customer_key, date_key, count(DISTINCT transaction_id), sum(line_total), sum(quantity), sum(profit)
      FROM warehouse.fact_sales
     GROUP BY customer_key, date_key;

    -- Likewise per customer_id over its versions (migration 0035, sql/warehouse/customer_totals.sql),
    -- which the segments and top customers analyses read with the summaries.
    INSERT INTO warehouse.customer_totals (customer_id, orders, spent, first_purchase_date, last_purchase_date)
    SELECT c.customer_id, sum(v.orders), sum(v.spent), min(v.first_day), max(v.last_day)
      FROM (SELECT customer_key, count(DISTINCT transaction_id) AS orders, sum(line_total) AS spent,
                   to_date(min(date_key)::text, 'YYYYMMDD') AS first_day, to_date(max(date_key)::text, 'YYYYMMDD') AS last_day
              FROM warehouse.fact_sales
             WHERE customer_key <> -1
             GROUP BY customer_key) AS v
      JOIN warehouse.dim_customers c ON c.customer_key = v.customer_key
     GROUP BY c.customer_id;
  `);
}
