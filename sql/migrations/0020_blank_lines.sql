-- Up Migration
-- Blank lines of an input file are skipped, not quarantined (docs/contract.md section 3): they
-- hold no record, so they are counted here beside lines_read (records read), landed and
-- quarantined, which still add up on their own.
ALTER TABLE ops.file_accounting ADD COLUMN blank_lines bigint NOT NULL DEFAULT 0 CHECK (blank_lines >= 0);

-- Down Migration
ALTER TABLE ops.file_accounting DROP COLUMN blank_lines;
