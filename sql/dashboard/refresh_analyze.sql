ANALYZE dashboard.categories, dashboard.places, dashboard.products, dashboard.customers,
        dashboard.sales_cells, dashboard.customer_days, dashboard.product_days, dashboard.discount_cells,
        dashboard.customer_firsts, dashboard.customer_months, dashboard.customer_years, dashboard.sales_months,
        dashboard.product_months, dashboard.product_years
