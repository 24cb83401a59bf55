import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { readdir, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { csvField, csvLine } from '@ecom/contracts';

/** Bytes gathered before handing a chunk to the file stream: one write per row is slow. */
const CHUNK_BYTES = 1 << 18;
/** Room kept free at the end of a chunk: a row written byte by byte must always fit. */
const ROW_ROOM = 1 << 14;
/** Buffers kept for reuse: the stream holds at most ~1 MB (its highWaterMark) besides the one being filled. */
const SPARE_CHUNKS = 8;

const COMMA = 0x2c;
const QUOTE = 0x22;
const NEWLINE = 0x0a;
const ZERO = 0x30;

/** The temporary name a writer of `name` uses: unique per writer, never an input file name. */
export function tempFileName(name: string): string {
  return `.${name}.${randomUUID()}.tmp`;
}

const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Deletes what writers of these files left behind when their process was killed between creating
 * the temporary file and renaming it (a temporary file per writer, so a retry never reuses it).
 * Called before a part is written again: only the part's own names are matched, so writers of
 * other parts in the same folder are not touched. Returns the names removed.
 */
export async function removeLeftoverTempFiles(dir: string, names: readonly string[]): Promise<string[]> {
  const entries = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [] as string[];
    throw error;
  });
  const patterns = names.map((name) => new RegExp(`^\\.${escaped(name)}\\.[0-9a-f-]{36}\\.tmp$`));
  const leftovers = entries.filter((entry) => patterns.some((pattern) => pattern.test(entry)));
  await Promise.all(leftovers.map((entry) => unlink(join(dir, entry)).catch(() => undefined)));
  return leftovers;
}

/**
 * One CSV file being written: a header line, then RFC 4180 rows streamed with backpressure into
 * a temporary name, renamed into place only when complete. A retried or duplicated part
 * therefore replaces the file whole, and nobody reads half a file under its real name.
 *
 * Rows go straight into a byte buffer: the generated rows (transactionBytes) write their ids,
 * numbers and pooled words byte by byte, with no string built per field or row. Building strings
 * and encoding them cost about two thirds of the generator's time, most of it garbage collection.
 * write(row) takes fields as strings (customers, products, defects) and writes the same bytes.
 */
export class CsvPartFile {
  readonly name: string;
  rows = 0;
  private readonly finalPath: string;
  private readonly tempPath: string;
  private readonly out: WriteStream;
  private readonly closed: Promise<void>;
  private buf: Buffer = Buffer.allocUnsafeSlow(CHUNK_BYTES);
  private pos = 0;
  /** Written chunks' buffers, ready for reuse. */
  private readonly spare: Buffer[] = [];
  private failure: Error | undefined;

  constructor(dir: string, name: string, columns: readonly string[]) {
    this.name = name;
    this.finalPath = join(dir, name);
    // Unique per writer, and not an input file name, so the ingestor never picks it up.
    this.tempPath = join(dir, tempFileName(name));
    this.out = createWriteStream(this.tempPath, { highWaterMark: 1 << 20 });
    this.closed = new Promise((resolve, reject) => {
      this.out.once('close', () => resolve());
      this.out.once('error', (error) => {
        this.failure = error;
        reject(error);
      });
    });
    this.closed.catch(() => undefined);
    this.text(csvLine(columns));
  }

  /** False when the caller should await drained() before writing more. */
  write(row: readonly string[]): boolean {
    this.rows++;
    this.text(csvLine(row));
    return this.pos < CHUNK_BYTES - ROW_ROOM || this.flush();
  }

  /** A line written as given (a deliberately malformed record), with its line break added. */
  writeRaw(line: string): boolean {
    this.rows++;
    this.text(line + '\n');
    return this.pos < CHUNK_BYTES - ROW_ROOM || this.flush();
  }

  // Byte-level rows: a row is written with the calls below, then ended with endRow().
  // Callers keep a row below ROW_ROOM bytes; text() makes room for longer strings itself.

  /** A field separator. */
  comma(): void {
    this.buf[this.pos++] = COMMA;
  }

  /** One field as csvField would write it. */
  field(value: string): void {
    if (!this.plain(value, false)) this.text(csvField(value));
  }

  /** Text inside a field already opened with openQuote(): quotes doubled, nothing else changes. */
  quotedPart(value: string): void {
    if (!this.plain(value, true)) this.text(value.replace(/"/g, '""'));
  }

  openQuote(): void {
    this.buf[this.pos++] = QUOTE;
  }

  closeQuote(): void {
    this.buf[this.pos++] = QUOTE;
  }

  /** ASCII known to need no quoting (a fixed prefix like "TXN", a separator like ", "). */
  ascii(value: string): void {
    const buf = this.buf;
    let pos = this.pos;
    for (let i = 0; i < value.length; i++) buf[pos++] = value.charCodeAt(i);
    this.pos = pos;
  }

  /** A non-negative integer in decimal, zero-padded to at least `width` digits (String.padStart). */
  digits(value: number, width = 1): void {
    if (value > 0x7fffffff) {
      this.ascii(String(value).padStart(width, '0'));
      return;
    }
    // Small integers: int32 arithmetic, which V8 keeps out of floating point.
    let v = value | 0;
    let len = v < 10 ? 1 : v < 100 ? 2 : v < 1000 ? 3 : v < 10000 ? 4 : v < 100000 ? 5 : v < 1000000 ? 6 : v < 10000000 ? 7 : v < 100000000 ? 8 : v < 1000000000 ? 9 : 10;
    if (len < width) len = width;
    const buf = this.buf;
    const start = this.pos;
    let pos = start + len;
    this.pos = pos;
    while (pos > start) {
      const next = (v / 10) | 0;
      buf[--pos] = ZERO + v - next * 10;
      v = next;
    }
  }

  /** Positive cents as formatCents writes them: "1234.05". */
  cents(value: number): void {
    const whole = Math.floor(value / 100);
    this.digits(whole);
    this.buf[this.pos++] = 0x2e;
    this.digits(value - whole * 100, 2);
  }

  /** Ends a byte-level row; false when the caller should await drained() before writing more. */
  endRow(): boolean {
    this.buf[this.pos++] = NEWLINE;
    this.rows++;
    return this.pos < CHUNK_BYTES - ROW_ROOM || this.flush();
  }

  async drained(): Promise<void> {
    if (this.failure) throw this.failure;
    if (!this.out.writableNeedDrain) return;
    await Promise.race([once(this.out, 'drain'), this.closed]);
    if (this.failure) throw this.failure;
  }

  /** Flushes, closes and moves the file to its real name. */
  async commit(): Promise<void> {
    this.flush();
    this.out.end();
    await this.closed;
    if (this.failure) throw this.failure;
    await rename(this.tempPath, this.finalPath);
  }

  async discard(): Promise<void> {
    this.out.destroy();
    await this.closed.catch(() => undefined);
    await unlink(this.tempPath).catch(() => undefined);
  }

  /**
   * Copies `value` when it is ASCII and needs no quoting (inside a quoted field: holds no quote);
   * otherwise writes nothing and returns false, and the caller takes the general path.
   */
  private plain(value: string, quoted: boolean): boolean {
    const buf = this.buf;
    let pos = this.pos;
    if (pos + value.length > buf.length - 8) return false;
    for (let i = 0; i < value.length; i++) {
      const c = value.charCodeAt(i);
      if (c >= 0x80 || c === QUOTE || (!quoted && (c === COMMA || c === NEWLINE || c === 0x0d))) return false;
      buf[pos++] = c;
    }
    this.pos = pos;
    return true;
  }

  /** Any text, UTF-8 encoded as a string written to the stream would be. */
  private text(value: string): void {
    if (Buffer.byteLength(value) > CHUNK_BYTES - this.pos) {
      this.flush();
      if (Buffer.byteLength(value) > CHUNK_BYTES) {
        this.out.write(value);
        return;
      }
    }
    this.pos += this.buf.write(value, this.pos, 'utf8');
  }

  private flush(): boolean {
    if (this.pos === 0) return true;
    // The stream keeps the chunk until it is written: the next rows go into another buffer, and
    // this one is reused once written (a fresh 256 KB buffer per chunk made V8 collect often).
    const full = this.buf;
    const chunk = full.subarray(0, this.pos);
    this.buf = this.spare.pop() ?? Buffer.allocUnsafeSlow(CHUNK_BYTES);
    this.pos = 0;
    return this.out.write(chunk, () => {
      if (this.spare.length < SPARE_CHUNKS) this.spare.push(full);
    });
  }
}
