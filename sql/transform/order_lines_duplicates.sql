-- A duplicate that passes its own checks: duplicate_line when it is an exact copy of the chosen
-- line of its key (the lines' values as written, read back from staging), else duplicate_superseded.
-- Normally none: the join then ends at its empty side without reading the lines again. Not run
-- when order_lines_unique.sql proved the item_ids unique (no line is a duplicate).
UPDATE {{order_lines}} d
SET
  latest_ctid = chosen.line_ctid,
  line_reason = CASE
    WHEN (
      SELECT
        row (
          s.item_id,
          s.transaction_id,
          s.product_id,
          s.quantity,
          s.unit_price,
          s.discount_percentage,
          s.line_total
        )::text
      FROM
        staging.transaction_items s
      WHERE
        s.ctid = d.line_ctid
    ) = (
      SELECT
        row (
          s.item_id,
          s.transaction_id,
          s.product_id,
          s.quantity,
          s.unit_price,
          s.discount_percentage,
          s.line_total
        )::text
      FROM
        staging.transaction_items s
      WHERE
        s.ctid = chosen.line_ctid
    ) THEN 'duplicate_line'
    ELSE 'duplicate_superseded'
  END
FROM
  {{order_lines}} chosen
WHERE
  NOT d.chosen
  AND d.own_reason IS NULL
  AND chosen.chosen
  AND chosen.item_id = d.item_id;
