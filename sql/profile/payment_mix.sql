-- Orders per payment method of a run's landed orders, most used first, with their share. $1 run id.
SELECT coalesce(payment_method, '(none)') AS payment_method,
       count(*) AS orders,
       round(count(*)::numeric / sum(count(*)) OVER (), 4) AS share
  FROM staging.transactions
 WHERE run_id = $1
 GROUP BY 1
 ORDER BY orders DESC, payment_method
