-- The run's order lines checked on their own, before any order is decided (an order is accepted or
-- rejected whole with its lines, so transactions.sql needs the line verdicts first). Runs after
-- products.sql, so the product check sees this run's products already upserted.
--
-- Builds two tables that live until the transform's transaction ends:
--   {{order_lines}}        one row per staged order line: cleaned values, its own verdict,
--                          whether it is the chosen version of its item_id and whether production
--                          already holds it unchanged (same_in_production). UNLOGGED, in schema
--                          typed, one per run (transform_order_lines_<digest>), not temporary:
--                          the parallel workers of transactions_decide.sql read it, and they
--                          cannot read a temporary table. Dropped in the same transaction
--                          (drop_order_tables.sql); a rolled-back attempt takes it away.
--   transform_orders       a temporary table, filled by transactions.sql: every order the run
--                          touches that is not accepted, with why; read by transaction_items.sql
--
-- Cleaning: every value trimmed and blanks read as missing; unit_price and line_total stored as
-- numeric(12,2), discount_percentage as numeric(5,2) (money that rounds to 10^10 or more, i.e. from
-- 9,999,999,999.995 up, cannot be stored and counts as not a number). The expected line total is
-- computed from the stored (rounded) values:
--   round(quantity * unit_price * (1 - discount_percentage / 100), 2)
--
-- line_reason, the first that applies (NULL: the line is good; its order decides the rest):
--    1 missing_required       item_id blank (such a line cannot be de-duplicated)
--    2 missing_required       transaction_id, product_id, quantity, unit_price,
--                             discount_percentage or line_total blank
--    3 invalid_number         quantity not an integer; unit_price, discount_percentage or
--                             line_total not a number
--    4 non_positive_quantity  quantity <= 0
--    5 negative_value         unit_price < 0
--    6 implausible_value      quantity above 1,000 or unit_price above 1,000,000 (a typo or a
--                             placeholder, not an order line)
--    7 discount_out_of_range  discount_percentage outside 0..100
--    8 line_total_mismatch    line_total differs from the expected line total by more than 0.01
--    9 duplicate_line         a valid exact copy of the line chosen for its item_id
--      duplicate_superseded   a valid line of an item_id whose later valid line was chosen
--   10 orphan_product         (chosen lines) product not in production
-- Duplicates: among the lines of one item_id the latest (by source_file, source_line) that passes
-- its own checks (2-8) is chosen; when none does, the latest is chosen and every line keeps its own
-- reason. A line with a blank item_id is chosen on its own. Only chosen lines count for their order.
--
-- Reads the run's typed table ({{transaction_items}}: values trimmed, blank NULL, parsed once). Plain
-- text protocol (no parameters): several statements. Performance: the typed table is read once,
-- sorted once (in parallel) for the window; ANALYZE gives the two order statements real row counts.
-- The window is one ordered stream (lag), not a partition per item_id: 2.5M partitions of one line
-- each cost the window ~3 s at 1M orders. Whether a duplicate is an exact copy of its chosen line
-- (and which line that is) is then filled in afterwards for the duplicates only, by key
-- (order_lines_duplicates.sql).
-- The CTE windowed is the window (order_lines_chosen_window.sql) unless order_lines_unique.sql proved
-- the run's item_ids unique, as they nearly always are: then every line is chosen
-- (order_lines_chosen_unique.sql), the table is built without the window, its SELECT and a sort by
-- item_id (order_by: order_lines_order_unique.sql, which says why production needs that order)
-- in the parallel workers, and the duplicates' update is left out. Both build the same rows in the
-- same order (by item_id; the window path's rows leave its sort in that order).
CREATE UNLOGGED TABLE {{order_lines}} AS
WITH
  staged AS (
    SELECT
      t.line_ctid,
      t.source_file,
      t.source_line,
      t.item_id,
      t.transaction_id,
      t.product_id,
      t.quantity AS quantity_text,
      t.quantity__int AS quantity,
      t.unit_price AS unit_price_text,
      t.discount_percentage AS discount_text,
      t.line_total AS line_total_text,
      cleaned.unit_price,
      cleaned.discount_percentage,
      cleaned.line_total
    FROM
      {{transaction_items}} t
      -- The cleaned numbers (and calc's expected total below) each computed once per line. A
      -- subquery's expressions are otherwise copied into every expression that names them (the
      -- checks' CASE, itself copied into line_reason): each cleaned number was evaluated up to ten
      -- times per line. LEFT JOIN LATERAL (...) ON true makes the planner hold each one as a
      -- placeholder, computed by the scan of the typed table (in the parallel workers) and read by
      -- the rest as a column. (OFFSET 0 would keep a subquery node instead, and made the plan
      -- serial.) At 1M orders: leader + workers CPU of the CREATE TABLE AS 14.9 -> 10.0 s.
      LEFT JOIN LATERAL (
        SELECT
          CASE
            WHEN abs(t.unit_price__numeric) < 9999999999.995 THEN t.unit_price__numeric::numeric(12, 2)
          END AS unit_price,
          -- Out-of-range discounts stay readable here so they reject as out of range, not as non-numbers.
          round(t.discount_percentage__numeric, 2) AS discount_percentage,
          CASE
            WHEN abs(t.line_total__numeric) < 9999999999.995 THEN t.line_total__numeric::numeric(12, 2)
          END AS line_total
      ) cleaned ON true
  ),
  checked AS (
    -- Each line's own checks, before the duplicates are decided: a broken version cannot win.
    SELECT
      st.*,
      calc.expected_line_total,
      CASE
        WHEN st.item_id IS NULL THEN 'missing_required'
        WHEN st.transaction_id IS NULL
        OR st.product_id IS NULL
        OR st.quantity_text IS NULL
        OR st.unit_price_text IS NULL
        OR st.discount_text IS NULL
        OR st.line_total_text IS NULL THEN 'missing_required'
        WHEN st.quantity IS NULL
        OR st.unit_price IS NULL
        OR st.discount_percentage IS NULL
        OR st.line_total IS NULL THEN 'invalid_number'
        WHEN st.quantity <= 0 THEN 'non_positive_quantity'
        WHEN st.unit_price < 0 THEN 'negative_value'
        WHEN st.quantity > 1000
        OR st.unit_price > 1000000 THEN 'implausible_value'
        WHEN st.discount_percentage NOT BETWEEN 0 AND 100 THEN 'discount_out_of_range'
        WHEN abs(st.line_total - calc.expected_line_total) > 0.01 THEN 'line_total_mismatch'
      END AS own_reason
    FROM
      staged st
      LEFT JOIN LATERAL (
        SELECT
          round(st.quantity * st.unit_price * (1 - st.discount_percentage / 100), 2) AS expected_line_total
      ) calc ON true
  ),
  windowed AS (
    -- Whether each line is the chosen one of its item_id: order_lines_chosen_window.sql, or
    -- order_lines_chosen_unique.sql when the run's item_ids are proved unique.
    {{windowed}}
  )
SELECT
  w.*,
  -- The chosen line of the key, for a duplicate without a reason of its own (filled below).
  NULL::tid AS latest_ctid,
  coalesce(
    w.own_reason,
    CASE
      WHEN NOT w.chosen THEN 'duplicate_superseded'
    END,
    CASE
      WHEN product.product_id IS NULL THEN 'orphan_product'
    END
  ) AS line_reason,
  -- Production already holds this line as it is (same order, same values): on a re-delivery
  -- its order need not be judged again (transactions.sql) nor the line rewritten
  -- (transaction_items_skip_identical.sql). One join here instead of one in each.
  same.item_id IS NOT NULL
  AND (
    same.transaction_id,
    same.product_id,
    same.quantity,
    same.unit_price,
    same.discount_percentage,
    same.line_total
  ) IS NOT DISTINCT FROM (w.transaction_id, w.product_id, w.quantity, w.unit_price, w.discount_percentage, w.line_total) AS same_in_production
FROM
  windowed w
  LEFT JOIN production.products product ON product.product_id = w.product_id
  LEFT JOIN production.transaction_items same ON same.item_id = w.item_id {{order_by}};

ANALYZE {{order_lines}};

{{duplicates}}
-- One row per order the run touches (its header or a chosen line staged in this run) that is NOT
-- accepted: an order the run touches and that is not here loads whole (its header and every chosen
-- line). Every chosen good line's order is touched, so its lines find here all they need; at 1M
-- orders, writing and joining a row for every accepted order cost ~5 s.
--   reason_code  why not: a header's own reason, or order_line_rejected / order_without_lines /
--                total_amount_mismatch / orphan_transaction
--   header_kind  staged (the run's header decides), production (lines only, the header in
--                production stays) or missing (no header anywhere)
--   cause        for the order's other lines: what made the order fail
CREATE TEMP TABLE transform_orders (transaction_id text NOT NULL, reason_code text NOT NULL, header_kind text NOT NULL, cause text) ON
COMMIT
DROP;
