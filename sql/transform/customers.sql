-- staging.customers -> production.customers for one run ($1).
--
-- Cleaning: every value trimmed and blanks read as missing; names and phone as given (only
-- trimmed), email lower-cased; country, state and age_group in their canonical spelling (the typed
-- table, config/categorical-values.yaml). phone_e164 is the phone in E.164 form, from the
-- transaction's temporary table pg_temp.customer_phone_e164 (libphonenumber-js, by the transformer
-- before this runs; NULL when the number does not parse).
--
-- Each staging line is either loaded or quarantined with ONE reason, the first that applies:
--   1 missing_required      customer_id blank (such a line cannot be de-duplicated)
--   2 missing_required      first_name, last_name, email or registration_date blank
--   3 invalid_email         not local@domain.tld
--   4 invalid_date          registration_date not a real YYYY-MM-DD date
--   5 future_date           registration_date after today (UTC)
--   6 unknown_value         country or state not a configured value or alias (only when the field
--                           is `unknown: quarantine`; by default they are kept)
--     invalid_age_group     age_group not a configured value or alias (18-25, 26-35, 36-45, 46-60, 60+)
--   7 duplicate_line        a valid exact copy of the line that won its customer_id
--     duplicate_superseded  a valid line of a customer_id whose later valid line won
--   8 duplicate_email       another customer_id holds the email in production, or claims it in
--                           this run: the production owner keeps it, else the earliest line does
-- Duplicates: among the lines of one customer_id the latest (by source_file, source_line) that
-- passes its own checks (2-6) wins; an invalid line keeps its own reason, so a later broken
-- version never costs the earlier valid one. When no line is valid each keeps its own reason.
-- Cross-row checks (8) apply to the winners only.
--
-- Upsert: updated_at moves only when a business column changed, and an identical row is not
-- rewritten (nor re-stamped with last_run_id), so delivering the same rows again changes nothing.
-- An email change onto an email production still holds elsewhere is rejected rather than
-- risking a unique violation that would fail the whole run.
-- Reads the run's typed table ({{customers}}: values trimmed, blank NULL, parsed once; libs/pipeline
-- typed-tables.ts). A line's raw text (its exact-copy test, its quarantine record) is read back from
-- staging by its ctid, only for the lines that need it.
WITH
  staged AS (
    SELECT
      t.line_ctid,
      t.source_file,
      t.source_line,
      t.customer_id,
      t.first_name,
      t.last_name,
      lower(t.email) AS email,
      t.phone,
      e.e164 AS phone_e164,
      t.registration_date AS registration_date_text,
      t.registration_date__date AS registration_date,
      t.city,
      t.state,
      t.country,
      t.age_group,
      t.unknown_field,
      t.unknown_text,
      t.unknown_reason
    FROM
      {{customers}} t
      LEFT JOIN pg_temp.customer_phone_e164 e ON e.phone = t.phone
      AND e.region = t.phone_region
    WHERE
      $1::text IS NOT NULL
  ),
  checked AS (
    -- Each line's own checks, before the duplicates are decided: a broken version cannot win.
    SELECT
      st.*,
      CASE
        WHEN st.customer_id IS NULL THEN 'missing_required'
        WHEN st.first_name IS NULL
        OR st.last_name IS NULL
        OR st.email IS NULL
        OR st.registration_date_text IS NULL THEN 'missing_required'
        WHEN st.email !~ '^[^@\s]+@[^@\s]+\.[^@\s]+$' THEN 'invalid_email'
        WHEN st.registration_date IS NULL THEN 'invalid_date'
        WHEN st.registration_date > (now() AT TIME ZONE 'UTC')::date THEN 'future_date'
        WHEN st.unknown_reason IS NOT NULL THEN st.unknown_reason
      END AS own_reason
    FROM
      staged st
  ),
  windowed AS (
    -- The latest valid line of a key (by source_file, source_line) wins; the others are duplicates.
    SELECT
      c.*,
      row_number() OVER latest_first AS line_rank,
      first_value(c.line_ctid) OVER latest_first AS latest_ctid
    FROM
      checked c
    WINDOW
      latest_first AS (
        PARTITION BY
          c.customer_id
        ORDER BY
          c.own_reason IS NULL DESC,
          c.source_file DESC,
          c.source_line DESC
      )
  ),
  lines AS (
    SELECT
      w.*,
      coalesce(
        w.own_reason,
        CASE
          WHEN w.line_rank > 1
          -- The lines' values as written, read back only for repeated keys: an exact copy or not.
          THEN CASE
            WHEN (
              SELECT
                row (
                  s.customer_id,
                  s.first_name,
                  s.last_name,
                  s.email,
                  s.phone,
                  s.registration_date,
                  s.city,
                  s.state,
                  s.country,
                  s.age_group
                )::text
              FROM
                staging.customers s
              WHERE
                s.ctid = w.line_ctid
            ) = (
              SELECT
                row (
                  s.customer_id,
                  s.first_name,
                  s.last_name,
                  s.email,
                  s.phone,
                  s.registration_date,
                  s.city,
                  s.state,
                  s.country,
                  s.age_group
                )::text
              FROM
                staging.customers s
              WHERE
                s.ctid = w.latest_ctid
            ) THEN 'duplicate_line'
            ELSE 'duplicate_superseded'
          END
        END
      ) AS line_reason
    FROM
      windowed w
  ),
  email_claims AS (
    SELECT
      c.*,
      coalesce(
        owner.customer_id,
        first_value(c.customer_id) OVER (
          PARTITION BY
            c.email,
            c.line_reason IS NULL
          ORDER BY
            c.source_file,
            c.source_line
        )
      ) AS email_holder
    FROM
      lines c
      -- owner: the email's production owner, joined, or probed by its unique index for a run
      -- small beside production (a delta's ~1k lines: the join hashed all 100k customers, 42 of
      -- the statement's 86 ms); customer_lookup_*.sql.
      {{owner_lookup}}
  ),
  decided AS (
    SELECT
      e.*,
      coalesce(
        e.line_reason,
        CASE
          WHEN e.email_holder <> e.customer_id THEN 'duplicate_email'
        END
      ) AS reason_code
    FROM
      email_claims e
  ),
  quarantined AS (
    INSERT INTO
      ops.quarantine (run_id, stage, entity, source_file, source_line, record_key, raw_record, reason_code, message)
    SELECT
      $1,
      'transform',
      'customers',
      d.source_file,
      d.source_line,
      d.customer_id,
      (
        SELECT
          row_to_json(s)::text
        FROM
          staging.customers s
        WHERE
          s.ctid = d.line_ctid
      ),
      d.reason_code,
      CASE d.reason_code
        WHEN 'missing_required' THEN 'required value blank: ' || concat_ws(
          ', ',
          CASE
            WHEN d.customer_id IS NULL THEN 'customer_id'
          END,
          CASE
            WHEN d.first_name IS NULL THEN 'first_name'
          END,
          CASE
            WHEN d.last_name IS NULL THEN 'last_name'
          END,
          CASE
            WHEN d.email IS NULL THEN 'email'
          END,
          CASE
            WHEN d.registration_date_text IS NULL THEN 'registration_date'
          END
        )
        WHEN 'duplicate_line' THEN format('customer %s is repeated unchanged later in the run; the later copy is loaded', d.customer_id)
        WHEN 'duplicate_superseded' THEN format(
          'customer %s appears again later in the run; its latest valid line (%s) wins',
          d.customer_id,
          (
            SELECT
              s.source_file || ' line ' || s.source_line
            FROM
              staging.customers s
            WHERE
              s.ctid = d.latest_ctid
          )
        )
        WHEN 'invalid_email' THEN format('email %L is not a valid address', d.email)
        WHEN 'invalid_date' THEN format('registration_date %L is not a date YYYY-MM-DD', d.registration_date_text)
        WHEN 'future_date' THEN format('registration_date %s is in the future', d.registration_date)
        WHEN 'invalid_age_group' THEN format(
          'age_group %L is not one of the configured age groups (config/categorical-values.yaml)',
          d.unknown_text
        )
        WHEN 'unknown_value' THEN format('%s %L is not a configured value (config/categorical-values.yaml)', d.unknown_field, d.unknown_text)
        WHEN 'duplicate_email' THEN format('email %L already belongs to customer %s', d.email, d.email_holder)
      END
    FROM
      decided d
    WHERE
      d.reason_code IS NOT NULL
    RETURNING
      reason_code
  ),
  loaded AS (
    INSERT INTO
      production.customers AS p (
        customer_id,
        first_name,
        last_name,
        email,
        phone,
        phone_e164,
        registration_date,
        city,
        state,
        country,
        age_group,
        last_run_id
      )
    SELECT
      d.customer_id,
      d.first_name,
      d.last_name,
      d.email,
      d.phone,
      d.phone_e164,
      d.registration_date,
      d.city,
      d.state,
      d.country,
      d.age_group,
      $1
    FROM
      decided d
    WHERE
      d.reason_code IS NULL {{on_conflict}}
    RETURNING
      1
  )
  -- Rows in, out and rejected, and the rejects per reason (outcome.sql).
  {{outcome}}
