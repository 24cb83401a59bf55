-- Every staging row of the run: what the validator looks at (it flags, it does not drop).
SELECT (SELECT count(*) FROM staging.customers WHERE run_id = $1)
     + (SELECT count(*) FROM staging.products WHERE run_id = $1)
     + (SELECT count(*) FROM staging.transactions WHERE run_id = $1)
     + (SELECT count(*) FROM staging.transaction_items WHERE run_id = $1) AS staged_rows;
