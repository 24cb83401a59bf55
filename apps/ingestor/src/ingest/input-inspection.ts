import { isUtf8 } from 'node:buffer';
import { open } from 'node:fs/promises';
import { Readable } from 'node:stream';
import type { Entity } from '@ecom/contracts';
import { CsvRecordParser, type CsvItem } from './csv-records';
import { checkHeader } from './header';

/** How much of a file the plan reads to find its header line: far more than any real header. */
export const HEADER_PROBE_BYTES = 256 * 1024;

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

async function readStart(path: string): Promise<{ bytes: Buffer; size: number }> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    const buffer = Buffer.alloc(Math.min(size, HEADER_PROBE_BYTES));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return { bytes: buffer.subarray(0, bytesRead), size };
  } finally {
    await handle.close();
  }
}

/** The first byte that text never holds (C0 controls other than tab, CR, LF), if any. */
function firstControlByte(bytes: Buffer): number {
  return bytes.findIndex((b) => b < 0x20 && b !== 0x09);
}

async function parseHeaderLine(line: Buffer): Promise<CsvItem | undefined> {
  const parser = new CsvRecordParser();
  Readable.from([line]).pipe(parser);
  for await (const item of parser) {
    parser.destroy();
    return item as CsvItem;
  }
  return undefined;
}

/**
 * What is wrong with an input file's start, or undefined when its header fits the contract.
 * The plan runs this on every file before any part lands a row, so a file that cannot be read as
 * the entity's CSV (empty, binary, UTF-16, another delimiter, columns missing or repeated) fails
 * the run with nothing written. Only the first line is read: records are judged one by one later,
 * and a bad record is quarantined, not fatal.
 */
export async function inspectInputFile(path: string, entity: Entity): Promise<string | undefined> {
  let start: { bytes: Buffer; size: number };
  try {
    start = await readStart(path);
  } catch (error) {
    return `cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`;
  }
  let bytes = start.bytes;
  if (bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))) {
    return 'line 1: the file is UTF-16 text: input files must be UTF-8';
  }
  if (bytes.subarray(0, 3).equals(UTF8_BOM)) bytes = bytes.subarray(3);
  if (bytes.length === 0) return 'line 1: the file is empty (no header line)';

  let end = bytes.findIndex((b) => b === 0x0a || b === 0x0d);
  if (end === -1) {
    if (start.size > HEADER_PROBE_BYTES) {
      return `line 1: no line break in the first ${HEADER_PROBE_BYTES / 1024} KiB: not a CSV header`;
    }
    end = bytes.length;
  }
  if (end === 0) return 'line 1: the header line is blank';
  const header = bytes.subarray(0, end);
  const control = firstControlByte(header);
  if (control !== -1) {
    const byte = header[control].toString(16).padStart(2, '0');
    return `line 1: binary data (byte 0x${byte} at offset ${control}): not a CSV text file`;
  }
  if (!isUtf8(header)) return 'line 1: the header is not valid UTF-8: not a CSV text file';

  const parsed = await parseHeaderLine(header);
  if (!parsed) return 'line 1: the file is empty (no header line)';
  if (parsed.kind === 'parse_error') return `line 1: the header cannot be parsed: ${parsed.message}`;
  return checkHeader(parsed.fields, entity).problem;
}
