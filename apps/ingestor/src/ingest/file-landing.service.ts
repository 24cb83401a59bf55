import { Injectable } from '@nestjs/common';
import { isUtf8 } from 'node:buffer';
import { createReadStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { CsvError } from 'csv-parse';
import { ENTITY_SPECS, lineBreaks, type Entity } from '@ecom/contracts';
import { StageFailure, type StageCounts, type StageContext } from '@ecom/pipeline';
import { CsvRecordParser, RecordTooLarge, type CsvItem } from './csv-records';
import { countCleanLines, numberLines } from './clean-lines';
import { checkHeader, type HeaderLayout } from './header';
import { HEADER_PROBE_BYTES } from './input-inspection';
import { LandingRepository, type QuarantinedRecord, type StagingRow } from './landing.repository';
import { Utf8LineCheck } from './utf8-lines';

export interface InputFileRef {
  entity: Entity;
  sourceFile: string;
  path: string;
}

export type LandingContext = Pick<StageContext, 'runId' | 'client' | 'progress'>;

/** Quarantine rows wait in memory at most this many at a time (COPY holds the connection). */
const QUARANTINE_BATCH = 2000;
const PROGRESS_EVERY = 100_000;
const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const READ_CHUNK_BYTES = 1 << 20;
/** A line longer than this is no generated record: the exact path judges it (and its size limit). */
const MAX_CLEAN_LINE_BYTES = 1 << 20;

/** The fast path met a line it must not land itself. */
class NotClean extends Error {}

/** PostgreSQL data exceptions (class 22): COPY refused a value, so the exact path judges the file. */
function isDataError(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && code.startsWith('22');
}

/**
 * The header, when the fast path can take the file: one line without quotes or stray CR,
 * UTF-8, fitting the contract with no unknown columns. Anything else is left to the exact path,
 * which words the problem (or lands the file) as it always has.
 */
async function readCleanHeader(handle: FileHandle, entity: Entity): Promise<{ layout: HeaderLayout; bodyStart: number } | undefined> {
  const probe = Buffer.alloc(HEADER_PROBE_BYTES);
  const { bytesRead } = await handle.read(probe, 0, probe.length, 0);
  const bytes = probe.subarray(0, bytesRead);
  const start = bytes.subarray(0, 3).equals(UTF8_BOM) ? 3 : 0;
  const lf = bytes.indexOf(0x0a, start);
  if (lf === -1) return undefined;
  const end = lf > start && bytes[lf - 1] === 0x0d ? lf - 1 : lf;
  const line = bytes.subarray(start, end);
  if (line.includes(0x22) || line.includes(0x0d) || line.includes(0x00) || !isUtf8(line)) return undefined;
  const checked = checkHeader(line.toString('utf8').split(','), entity);
  if (!checked.layout || checked.layout.extras.length > 0) return undefined;
  return { layout: checked.layout, bodyStart: lf + 1 };
}

/** The contract's columns in the file's order (a file without unknown columns maps every position). */
function fileOrderColumns(entity: Entity, layout: HeaderLayout): string[] {
  const columns = ENTITY_SPECS[entity].columns;
  const byPosition: string[] = new Array<string>(layout.width);
  layout.positions.forEach((position, i) => (byPosition[position] = columns[i]));
  return byPosition;
}

/** A read or parse failure that retrying cannot fix fails the file, naming the line. */
function readFailure(error: unknown): Error {
  if (error instanceof StageFailure) return error;
  if (error instanceof RecordTooLarge) return new StageFailure(error.message);
  if (error instanceof CsvError) {
    const line = typeof error.lines === 'number' ? `line ${error.lines}: ` : '';
    return new StageFailure(`${line}cannot be parsed: ${error.message}`);
  }
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR') {
    // The plan read this file; it has gone or changed since.
    return new StageFailure(`cannot be read any more (${code})`);
  }
  return error as Error;
}

/**
 * Lands one input file in staging: each well-formed record becomes one staging row (COPY, streamed),
 * each other record one ops.quarantine row, and the file's accounting is written, all in the
 * caller's transaction. Running it again for the same run and file replaces what it landed before.
 *
 * Counting: `lines_read` counts the file's records after the header. A record usually is one line;
 * a quoted field with line breaks makes one record of several lines (its source_line is where it
 * starts), and a record with broken quoting is one quarantined record however many lines it
 * swallowed. A blank line (empty, or only spaces and tabs), at the end of the file or anywhere
 * else, holds no record: it is skipped and counted in `blank_lines`, not read or quarantined
 * (a reject without a key could never be replayed, and would count against the run's reject rate).
 *
 * Quarantine reasons: parse_error (broken quoting), invalid_utf8 (bytes that are not UTF-8),
 * field_count (more or fewer fields than the header), nul_character (PostgreSQL text
 * cannot hold NUL). Fatal for the file, and so for the run: a header that does not fit the
 * contract, and a record longer than MAX_RECORD_BYTES (a quote never closed in a big file).
 */
@Injectable()
export class FileLandingService {
  constructor(private readonly repository: LandingRepository) {}

  async landFile(ctx: LandingContext, file: InputFileRef): Promise<StageCounts> {
    const { runId, client } = ctx;
    await this.repository.clearFile(client, runId, file.sourceFile);
    const counts = (await this.landClean(ctx, file)) ?? (await this.landExact(ctx, file));
    if (!(await this.repository.lockRunForLanding(client, runId))) {
      // Another file failed the run meanwhile: this file's rows must not outlive it.
      throw new StageFailure('discarded: the run failed while this file was landing');
    }
    return counts;
  }

  /**
   * The fast path, for a file whose every line is a clean record (clean-lines.ts): its bytes go
   * to PostgreSQL's own CSV parser in chunks, each line prefixed with its line number,
   * with no record parsed in Node. The first chunk that is not clean (or any data error COPY
   * raises) rolls the fast path back to its savepoint and returns undefined: the exact path then
   * lands the whole file, so quarantine reasons, lines and messages are exactly the exact
   * path's. Also undefined, with nothing written, for a header the exact path must judge or one
   * with unknown columns (kept in `extra`, which only the exact path builds).
   */
  private async landClean(ctx: LandingContext, file: InputFileRef): Promise<StageCounts | undefined> {
    const { runId, client } = ctx;
    let handle: FileHandle;
    try {
      handle = await open(file.path, 'r');
    } catch {
      return undefined; // the exact path reports it
    }
    try {
      const header = await readCleanHeader(handle, file.entity);
      if (!header) return undefined;
      const { layout, bodyStart } = header;
      const fileColumns = fileOrderColumns(file.entity, layout);
      let lines = 0;
      const blank = { lines: 0 };
      let nextProgress = PROGRESS_EVERY;

      const chunks = async function* (): AsyncGenerator<Buffer> {
        let position = bodyStart;
        let carry = Buffer.alloc(0);
        for (;;) {
          const buffer = Buffer.allocUnsafe(READ_CHUNK_BYTES);
          const { bytesRead } = await handle.read(buffer, 0, READ_CHUNK_BYTES, position);
          position += bytesRead;
          const eof = bytesRead === 0;
          const data = carry.length > 0 ? Buffer.concat([carry, buffer.subarray(0, bytesRead)]) : buffer.subarray(0, bytesRead);
          const cut = eof ? data.length : data.lastIndexOf(0x0a) + 1;
          const body = data.subarray(0, cut);
          carry = Buffer.from(data.subarray(cut));
          if (carry.length > MAX_CLEAN_LINE_BYTES) throw new NotClean();
          if (body.length > 0) {
            const count = isUtf8(body) ? countCleanLines(body, 0, body.length, layout.width, blank) : -1;
            if (count < 0) throw new NotClean();
            const numbered = numberLines(body, 0, body.length, lines + 2, count);
            if (numbered.length > 0) yield numbered;
            lines += count;
            if (lines >= nextProgress) {
              nextProgress += PROGRESS_EVERY;
              await ctx.progress({ sourceFile: file.sourceFile, rows: lines });
            }
          }
          if (eof) return;
        }
      };

      await client.query('SAVEPOINT ingest_clean_copy');
      let landed: number;
      try {
        landed = await this.repository.landCleanLines(client, { runId, sourceFile: file.sourceFile, entity: file.entity }, fileColumns, chunks());
      } catch (error) {
        await client.query('ROLLBACK TO SAVEPOINT ingest_clean_copy');
        if (error instanceof NotClean || isDataError(error)) return undefined;
        throw error;
      }
      await client.query('RELEASE SAVEPOINT ingest_clean_copy');
      const records = lines - blank.lines;
      if (landed !== records) throw new Error(`COPY landed ${landed} rows of ${records} clean lines`);

      await this.repository.recordFileAccounting(client, {
        runId,
        sourceFile: file.sourceFile,
        entity: file.entity,
        linesRead: records,
        rowsLanded: records,
        rowsQuarantined: 0,
        extraColumns: [],
        blankLines: blank.lines,
      });
      return {
        rowsIn: records,
        rowsOut: records,
        rowsRejected: 0,
        detail: { sourceFile: file.sourceFile, entity: file.entity, extraColumns: [], quarantined: {}, blankLines: blank.lines, landedBy: 'copy' },
      };
    } finally {
      await handle.close();
    }
  }

  /** The exact path: csv-parse per record, each record landed or quarantined with its reason. */
  private async landExact(ctx: LandingContext, file: InputFileRef): Promise<StageCounts> {
    const source = createReadStream(file.path, { highWaterMark: READ_CHUNK_BYTES });
    const utf8 = new Utf8LineCheck();
    const parser = new CsvRecordParser();
    source.on('error', (error) => parser.destroy(error));
    utf8.on('error', (error) => parser.destroy(error));
    source.pipe(utf8).pipe(parser);
    const items = parser[Symbol.asyncIterator]() as AsyncIterator<CsvItem>;
    const next = async (): Promise<CsvItem | undefined> => {
      try {
        const result = await items.next();
        return result.done ? undefined : (result.value as CsvItem);
      } catch (error) {
        throw readFailure(error);
      }
    };

    try {
      // The plan checked this header already (input-inspection.ts); checked again in case the
      // file changed since. Messages leave the file name out: the runtime prefixes the task key.
      const header = await next();
      if (!header) throw new StageFailure('line 1: the file is empty (no header line)');
      if (header.kind === 'parse_error') throw new StageFailure(`line 1: the header cannot be parsed: ${header.message}`);
      if (utf8.takeInvalidLines(1, 1 + lineBreaks(header.raw)).length > 0) {
        throw new StageFailure('line 1: the header is not valid UTF-8: not a CSV text file');
      }
      const checked = checkHeader(header.fields, file.entity);
      if (!checked.layout) throw new StageFailure(checked.problem);
      return await this.landRecords(ctx, file, checked.layout, next, utf8);
    } finally {
      source.destroy();
      utf8.destroy();
      parser.destroy();
    }
  }

  private async landRecords(
    ctx: LandingContext,
    file: InputFileRef,
    layout: HeaderLayout,
    next: () => Promise<CsvItem | undefined>,
    utf8: Utf8LineCheck,
  ): Promise<StageCounts> {
    const { runId, client } = ctx;
    const { positions, extras, width, keyPosition } = layout;
    const columnCount = positions.length;
    const byReason: Record<string, number> = {};
    let linesRead = 0;
    let blankLines = 0;
    let rowsLanded = 0;
    let rowsQuarantined = 0;
    let pending: QuarantinedRecord[] = [];
    let exhausted = false;

    const quarantine = (record: QuarantinedRecord): void => {
      pending.push(record);
      rowsQuarantined++;
      byReason[record.reasonCode] = (byReason[record.reasonCode] ?? 0) + 1;
    };

    const toStagingRow = (fields: string[], line: number): StagingRow => {
      const row: Array<string | null> = new Array<string | null>(columnCount + 4);
      for (let i = 0; i < columnCount; i++) row[i] = fields[positions[i]];
      let extra: string | null = null;
      if (extras.length > 0) {
        const kept: Record<string, string> = {};
        for (const { name, position } of extras) kept[name] = fields[position];
        extra = JSON.stringify(kept);
      }
      row[columnCount] = extra;
      row[columnCount + 1] = runId;
      row[columnCount + 2] = file.sourceFile;
      row[columnCount + 3] = String(line);
      return row;
    };

    // COPY holds the connection, so a segment ends whenever quarantine rows must be written.
    const segment = async function* (): AsyncGenerator<StagingRow> {
      while (pending.length < QUARANTINE_BATCH) {
        const item = await next();
        if (!item) {
          exhausted = true;
          return;
        }
        if (item.kind === 'record' && item.fields.length === 1 && isBlank(item.raw)) {
          // Invalid UTF-8 shows as U+FFFD, never as a blank: this line held nothing.
          blankLines++;
          continue;
        }
        linesRead++;
        if (linesRead % PROGRESS_EVERY === 0) await ctx.progress({ sourceFile: file.sourceFile, rows: linesRead });

        const invalidUtf8 = utf8.takeInvalidLines(item.line, item.line + lineBreaks(item.raw));
        if (item.kind === 'parse_error') {
          quarantine({
            sourceLine: item.line,
            recordKey: leadingKey(item.raw, keyPosition),
            rawRecord: printable(item.raw),
            reasonCode: 'parse_error',
            message: `record starting at line ${item.line} cannot be parsed: ${item.message}`,
          });
        } else if (invalidUtf8.length > 0) {
          // csv-parse turned the bad bytes into U+FFFD: landing that would silently change the data.
          quarantine({
            sourceLine: item.line,
            recordKey: item.fields[keyPosition]?.includes('\uFFFD') ? undefined : recordKey(item.fields[keyPosition]),
            rawRecord: printable(item.raw),
            reasonCode: 'invalid_utf8',
            message: `${invalidUtf8.length > 1 ? 'lines' : 'line'} ${invalidUtf8.join(', ')} ${invalidUtf8.length > 1 ? 'hold' : 'holds'} bytes that are not UTF-8 (shown as U+FFFD)`,
          });
        } else if (item.fields.length !== width) {
          quarantine({
            sourceLine: item.line,
            recordKey: recordKey(item.fields[keyPosition]),
            rawRecord: printable(item.raw),
            reasonCode: 'field_count',
            message: `expected ${width} fields, found ${item.fields.length}`,
          });
        } else if (item.raw.includes('\u0000')) {
          // PostgreSQL text cannot hold NUL; COPY would reject the whole file for one byte.
          quarantine({
            sourceLine: item.line,
            recordKey: recordKey(item.fields[keyPosition]),
            rawRecord: printable(item.raw),
            reasonCode: 'nul_character',
            message: 'the record contains a NUL character, which text columns cannot store',
          });
        } else {
          yield toStagingRow(item.fields, item.line);
        }
      }
    };

    while (!exhausted) {
      rowsLanded += await this.repository.landRows(client, file.entity, segment());
      if (pending.length > 0) {
        await this.repository.quarantine(client, runId, file.entity, file.sourceFile, pending);
        pending = [];
      }
    }

    const extraColumns = extras.map((e) => e.name);
    await this.repository.recordFileAccounting(client, {
      runId,
      sourceFile: file.sourceFile,
      entity: file.entity,
      linesRead,
      rowsLanded,
      rowsQuarantined,
      extraColumns,
      blankLines,
    });
    return {
      rowsIn: linesRead,
      rowsOut: rowsLanded,
      rowsRejected: rowsQuarantined,
      detail: { sourceFile: file.sourceFile, entity: file.entity, extraColumns, quarantined: byReason, blankLines, landedBy: 'records' },
    };
  }
}

/**
 * A reject's key lets a replay that delivers the corrected record resolve it
 * (sql/transform/resolve_replayed_rejects.sql), so it is kept only as the transformer would read
 * it: trimmed of spaces like btrim, and none when blank or holding a NUL (no such key can load).
 */
function recordKey(value: string | undefined): string | undefined {
  const key = value?.replace(/^ +| +$/g, '');
  return key && !key.includes('\u0000') ? key : undefined;
}

/**
 * A record csv-parse gave up on has no fields. Its key is certain only when the key column comes
 * first and the text before the first comma holds no quote (nor a line break): any quote could
 * make that comma part of a value.
 */
function leadingKey(raw: string, keyPosition: number): string | undefined {
  if (keyPosition !== 0) return undefined;
  const comma = raw.indexOf(',');
  if (comma < 0) return undefined;
  const text = raw.slice(0, comma);
  return /["\r\n\uFFFD]/.test(text) ? undefined : recordKey(text);
}

/** Empty, or only spaces and tabs: the same lines whichever path lands the file. */
function isBlank(raw: string): boolean {
  return /^[ \t]*$/.test(raw);
}

/** Quarantine keeps text; a NUL would make the row itself unstorable. */
function printable(text: string): string;
function printable(text: string | undefined): string | undefined;
function printable(text: string | undefined): string | undefined {
  return text?.includes('\u0000') ? text.replaceAll('\u0000', '\uFFFD') : text;
}
