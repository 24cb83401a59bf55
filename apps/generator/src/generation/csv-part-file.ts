import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { csvLine } from './csv-line';

/** Characters gathered before handing a chunk to the file stream: one write per row is slow. */
const CHUNK_CHARS = 1 << 16;

/**
 * One CSV file being written: a header line, then RFC 4180 rows streamed with backpressure into
 * a temporary name, renamed into place only when complete. A retried or duplicated part
 * therefore replaces the file whole, and nobody reads half a file under its real name.
 */
export class CsvPartFile {
  readonly name: string;
  rows = 0;
  private readonly finalPath: string;
  private readonly tempPath: string;
  private readonly out: WriteStream;
  private readonly closed: Promise<void>;
  private chunk: string;
  private failure: Error | undefined;

  constructor(dir: string, name: string, columns: readonly string[]) {
    this.name = name;
    this.finalPath = join(dir, name);
    // Unique per writer, and not an input file name, so the ingestor never picks it up.
    this.tempPath = join(dir, `.${name}.${randomUUID()}.tmp`);
    this.out = createWriteStream(this.tempPath, { highWaterMark: 1 << 20 });
    this.closed = new Promise((resolve, reject) => {
      this.out.once('close', () => resolve());
      this.out.once('error', (error) => {
        this.failure = error;
        reject(error);
      });
    });
    this.closed.catch(() => undefined);
    this.chunk = csvLine(columns);
  }

  /** False when the caller should await drained() before writing more. */
  write(row: readonly string[]): boolean {
    this.rows++;
    this.chunk += csvLine(row);
    return this.chunk.length < CHUNK_CHARS || this.flush();
  }

  /** A line written as given (a deliberately malformed record), with its line break added. */
  writeRaw(line: string): boolean {
    this.rows++;
    this.chunk += line + '\n';
    return this.chunk.length < CHUNK_CHARS || this.flush();
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

  private flush(): boolean {
    const text = this.chunk;
    this.chunk = '';
    return text.length === 0 || this.out.write(text);
  }
}
