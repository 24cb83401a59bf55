import { Parser, type CsvError } from 'csv-parse';
import { lineBreaks } from '@ecom/contracts';

/** A record csv-parse delimited: its fields, its text as read, and the physical line it starts on. */
export interface ParsedRecord {
  kind: 'record';
  fields: string[];
  /** The record's text without its line terminator. */
  raw: string;
  line: number;
}

/** A record csv-parse could not parse (bad quoting): quarantined, the file goes on. */
export interface UnparsableRecord {
  kind: 'parse_error';
  /** The record's text up to the point where parsing failed. */
  raw: string;
  line: number;
  message: string;
}

export type CsvItem = ParsedRecord | UnparsableRecord;

/**
 * A record this large means a quote was never closed in a big file: the rest of the file cannot
 * be told apart, so the file fails instead of holding it in memory. Single fields of a few MiB
 * (long descriptions) still land.
 */
export const MAX_RECORD_BYTES = 8 * 1024 * 1024;

/** The record starting at `line` grew past MAX_RECORD_BYTES: the file cannot be landed. */
export class RecordTooLarge extends Error {
  constructor(readonly line: number) {
    super(
      `line ${line}: the record starting here is longer than ${MAX_RECORD_BYTES / 1024 / 1024} MiB, ` +
        'most likely a quote that is never closed',
    );
    this.name = 'RecordTooLarge';
  }
}

interface RawRecord {
  record: string[];
  raw: string;
}


function crlfPairs(text: string): number {
  let pairs = 0;
  for (let i = text.indexOf('\r\n'); i !== -1; i = text.indexOf('\r\n', i + 2)) pairs++;
  return pairs;
}

/** csv-parse's raw text keeps '\r' of a CRLF terminator but drops the '\n'. */
function withoutTerminator(raw: string): string {
  if (raw.endsWith('\r\n')) return raw.slice(0, -2);
  if (raw.endsWith('\n') || raw.endsWith('\r')) return raw.slice(0, -1);
  return raw;
}

/**
 * csv-parse (RFC 4180) as a stream of records and unparsable records, in file order, each with
 * the physical line it starts on. The header is the first record (line 1).
 *
 * Why a subclass: csv-parse's `info` option costs half its speed, and its line counter counts a
 * CRLF inside a quoted field twice. Reading the live counter as each record is pushed, and
 * correcting it from the record's own text, gives exact start lines at full speed. Parse errors
 * arrive through `on_skip` synchronously, so they are pushed into the same ordered stream.
 */
export class CsvRecordParser extends Parser {
  /** CRLFs inside records that csv-parse counted as two lines. */
  private crlfOvercount = 0;
  private lastErrorLine = 0;
  /** Where the record being read starts: what a record-size failure names. */
  private nextRecordLine = 1;

  constructor(options: { delimiter?: string } = {}) {
    // on_skip is handed to csv-parse before `this` exists.
    const self: { parser?: CsvRecordParser } = {};
    super({
      bom: true,
      // Contract files are comma-separated; a mapped export may use another (docs/mappings.md).
      delimiter: options.delimiter ?? ',',
      // Every line ending, in any mix: left to itself csv-parse picks the first one it meets and
      // then reads a CRLF file with LF lines (or the reverse) as records merged across lines.
      record_delimiter: ['\r\n', '\n', '\r'],
      raw: true,
      relax_column_count: true,
      skip_empty_lines: false,
      skip_records_with_error: true,
      max_record_size: MAX_RECORD_BYTES,
      on_skip: (error: CsvError | undefined, raw: string | undefined) => {
        if (error) self.parser?.pushUnparsable(error, raw ?? '');
        return undefined;
      },
    });
    self.parser = this;
  }

  override push(chunk: unknown, encoding?: BufferEncoding): boolean {
    if (chunk === null || chunk === undefined) return super.push(chunk, encoding);
    const { record, raw } = chunk as RawRecord;
    const text = withoutTerminator(raw);
    this.crlfOvercount += crlfPairs(text);
    const endLine = this.info.lines - this.crlfOvercount;
    this.nextRecordLine = endLine + 1;
    const item: ParsedRecord = { kind: 'record', fields: record, raw: text, line: endLine - lineBreaks(text) };
    return super.push(item);
  }

  private pushUnparsable(error: CsvError, raw: string): void {
    // Thrown from on_skip, csv-parse ends the stream with this error.
    if (error.code === 'CSV_MAX_RECORD_SIZE') throw new RecordTooLarge(this.nextRecordLine);
    const text = withoutTerminator(raw);
    const errorLine = typeof error.lines === 'number' ? error.lines : this.info.lines;
    const line = errorLine - this.crlfOvercount - crlfPairs(text) - lineBreaks(text);
    this.nextRecordLine = line + lineBreaks(text) + 1;
    // One bad record can raise several errors (each later quote); it is one quarantined record.
    if (line === this.lastErrorLine) return;
    this.lastErrorLine = line;
    const item: UnparsableRecord = { kind: 'parse_error', raw: text, line, message: error.message };
    super.push(item);
  }
}
