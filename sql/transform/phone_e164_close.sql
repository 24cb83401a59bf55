-- Closes customer_phone_pairs and gives the planner the filled table's size for the customers join.
CLOSE customer_phone_pairs;

ANALYZE pg_temp.customer_phone_e164;
