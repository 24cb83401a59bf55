-- A refresh rebuilds every summary from the warehouse, inside the refresh transaction.
TRUNCATE dashboard.categories, dashboard.places, dashboard.products, dashboard.customers,
         dashboard.sales_cells, dashboard.customer_days, dashboard.product_days, dashboard.discount_cells
