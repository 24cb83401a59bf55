-- The production customer of each row, joined (customer_lookup_probe.sql says when it is probed
-- instead): the planner's choice, a hash of production.customers as a rule. Spliced into a FROM
-- clause by production-lookup.ts; alias names the customer's row, key its column matched with
-- the row's reference.
LEFT JOIN production.customers {{alias}} ON {{alias}}.{{key}} = {{reference}}
