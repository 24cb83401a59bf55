import { Injectable } from '@nestjs/common';
import { createReadStream } from 'node:fs';
import { CsvError } from 'csv-parse';
import { ENTITY_SPECS, type Entity } from '@ecom/contracts';
import { StageFailure, type StageCounts, type StageContext } from '@ecom/pipeline';
import { CsvRecordParser, type CsvItem, type ParsedRecord } from './csv-records';
import { LandingRepository, type QuarantinedRecord, type StagingRow } from './landing.repository';

export interface InputFileRef {
  entity: Entity;
  sourceFile: string;
  path: string;
}

export type LandingContext = Pick<StageContext, 'runId' | 'client' | 'progress'>;

/** Quarantine rows wait in memory at most this many at a time (COPY holds the connection). */
const QUARANTINE_BATCH = 2000;
const PROGRESS_EVERY = 100_000;
const READ_CHUNK_BYTES = 1 << 20;

/** How a file's header maps onto the entity's staging columns. */
interface HeaderLayout {
  width: number;
  /** For each contract column (in ENTITY_SPECS order), its position in the file. */
  positions: number[];
  extras: Array<{ name: string; position: number }>;
  keyPosition: number;
}

function readHeader(header: ParsedRecord, file: InputFileRef): HeaderLayout {
  const spec = ENTITY_SPECS[file.entity];
  const names = header.fields.map((f) => f.trim());
  const normalised = names.map((n) => n.toLowerCase());

  const duplicated = [...new Set(normalised.filter((n, i) => n !== '' && normalised.indexOf(n) !== i))];
  if (duplicated.length > 0) {
    throw new StageFailure(`${file.sourceFile}: duplicated column${duplicated.length > 1 ? 's' : ''} ${duplicated.join(', ')}`);
  }
  const missing = spec.columns.filter((c) => !normalised.includes(c));
  if (missing.length > 0) {
    throw new StageFailure(`${file.sourceFile}: missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`);
  }
  const known = new Set<string>(spec.columns);
  return {
    width: names.length,
    positions: spec.columns.map((c) => normalised.indexOf(c)),
    extras: names
      .map((name, position) => ({ name: name === '' ? `column_${position + 1}` : name, position }))
      .filter(({ position }) => !known.has(normalised[position])),
    keyPosition: normalised.indexOf(spec.key),
  };
}

/** A read or parse failure that retrying cannot fix fails the file, naming it and the line. */
function readFailure(error: unknown, file: InputFileRef): Error {
  if (error instanceof StageFailure) return error;
  if (error instanceof CsvError) {
    const line = typeof error.lines === 'number' ? `line ${error.lines}: ` : '';
    return new StageFailure(`${file.sourceFile}: ${line}cannot be parsed: ${error.message}`);
  }
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR') {
    return new StageFailure(`${file.sourceFile}: cannot read ${file.path}: ${(error as Error).message}`);
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
 * swallowed. Blank lines are quarantined as `empty_line`, so every line is accounted for.
 */
@Injectable()
export class FileLandingService {
  constructor(private readonly repository: LandingRepository) {}

  async landFile(ctx: LandingContext, file: InputFileRef): Promise<StageCounts> {
    const { runId, client } = ctx;
    await this.repository.clearFile(client, runId, file.sourceFile);

    const source = createReadStream(file.path, { highWaterMark: READ_CHUNK_BYTES });
    const parser = new CsvRecordParser();
    source.on('error', (error) => parser.destroy(error));
    source.pipe(parser);
    const items = parser[Symbol.asyncIterator]() as AsyncIterator<CsvItem>;
    const next = async (): Promise<CsvItem | undefined> => {
      try {
        const result = await items.next();
        return result.done ? undefined : (result.value as CsvItem);
      } catch (error) {
        throw readFailure(error, file);
      }
    };

    try {
      const header = await next();
      if (!header) throw new StageFailure(`${file.sourceFile}: the file is empty (no header line)`);
      if (header.kind === 'parse_error') {
        throw new StageFailure(`${file.sourceFile}: line 1: the header cannot be parsed: ${header.message}`);
      }
      const layout = readHeader(header, file);
      return await this.landRecords(ctx, file, layout, next);
    } finally {
      source.destroy();
      parser.destroy();
    }
  }

  private async landRecords(
    ctx: LandingContext,
    file: InputFileRef,
    layout: HeaderLayout,
    next: () => Promise<CsvItem | undefined>,
  ): Promise<StageCounts> {
    const { runId, client } = ctx;
    const { positions, extras, width, keyPosition } = layout;
    const columnCount = positions.length;
    const byReason: Record<string, number> = {};
    let linesRead = 0;
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
        linesRead++;
        if (linesRead % PROGRESS_EVERY === 0) await ctx.progress({ sourceFile: file.sourceFile, rows: linesRead });

        if (item.kind === 'parse_error') {
          quarantine({
            sourceLine: item.line,
            rawRecord: printable(item.raw),
            reasonCode: 'parse_error',
            message: `record starting at line ${item.line} cannot be parsed: ${item.message}`,
          });
        } else if (item.fields.length === 1 && item.raw.trim() === '') {
          quarantine({ sourceLine: item.line, rawRecord: item.raw, reasonCode: 'empty_line', message: `line ${item.line} is blank` });
        } else if (item.fields.length !== width) {
          quarantine({
            sourceLine: item.line,
            recordKey: printable(item.fields[keyPosition]),
            rawRecord: printable(item.raw),
            reasonCode: 'field_count',
            message: `expected ${width} fields, found ${item.fields.length}`,
          });
        } else if (item.raw.includes('\u0000')) {
          // PostgreSQL text cannot hold NUL; COPY would reject the whole file for one byte.
          quarantine({
            sourceLine: item.line,
            recordKey: printable(item.fields[keyPosition]),
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
    });
    return {
      rowsIn: linesRead,
      rowsOut: rowsLanded,
      rowsRejected: rowsQuarantined,
      detail: { sourceFile: file.sourceFile, entity: file.entity, extraColumns, quarantined: byReason },
    };
  }
}

/** Quarantine keeps text; a NUL would make the row itself unstorable. */
function printable(text: string): string;
function printable(text: string | undefined): string | undefined;
function printable(text: string | undefined): string | undefined {
  return text?.includes('\u0000') ? text.replaceAll('\u0000', '\uFFFD') : text;
}
