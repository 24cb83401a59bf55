-- The one-transaction full refresh rebuilds every summary from the warehouse inside the analytics
-- stage's transaction (a rebuild found due only once the stage has taken its snapshot, and the
-- tests' reference; the stage otherwise rebuilds on two lanes and swaps: refresh_next_*.sql). TRUNCATE, not DELETE: deleting millions of rows one by one cost more than building
-- them. TRUNCATE holds the tables' exclusive lock until the stage commits, so during a full
-- refresh (first load, rebuild runs, summaries behind) dashboard readers wait for the new
-- summaries instead of reading the previous ones; the daily incremental refresh deletes only the
-- touched rows and never blocks them.
TRUNCATE dashboard.categories,
dashboard.places,
dashboard.products,
dashboard.customers,
dashboard.sales_cells,
dashboard.customer_days,
dashboard.product_days,
dashboard.discount_cells,
dashboard.customer_firsts,
dashboard.customer_months,
dashboard.customer_years,
dashboard.sales_months,
dashboard.product_months,
dashboard.product_years,
dashboard.return_days
