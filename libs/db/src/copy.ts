import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

const NEEDS_ESCAPE = /[\\\t\n\r]/;

/**
 * Escapes one value for COPY ... FROM STDIN in text format; null becomes \N.
 * Text format needs only backslash, tab, newline and carriage return escaped.
 */
export function copyTextValue(value: string | null | undefined): string {
  if (value === null || value === undefined) return '\\N';
  // Most values need no escaping; testing first skips building a new string per value.
  if (!NEEDS_ESCAPE.test(value)) return value;
  return value.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
}

export function copyTextRow(values: ReadonlyArray<string | null | undefined>): string {
  return values.map(copyTextValue).join('\t') + '\n';
}

const COPY_CHUNK_CHARS = 64 * 1024;

/**
 * Streams rows into `COPY <target> FROM STDIN` on the given client (inside the caller's
 * transaction). `rows` yields arrays in the column order of `target`. Returns the row count.
 */
export async function copyRows(
  client: PoolClient,
  target: string,
  rows: AsyncIterable<ReadonlyArray<string | null | undefined>> | Iterable<ReadonlyArray<string | null | undefined>>,
): Promise<number> {
  let count = 0;
  // Rows are sent in chunks of about COPY_CHUNK_CHARS: one CopyData message (two socket writes)
  // per row caps COPY at a few ten thousand rows per second.
  let chunk = '';
  const source = Readable.from(rows as AsyncIterable<ReadonlyArray<string | null>>, { objectMode: true });
  const encode = new Transform({
    writableObjectMode: true,
    transform(row: ReadonlyArray<string | null>, _enc, done) {
      count++;
      chunk += copyTextRow(row);
      if (chunk.length < COPY_CHUNK_CHARS) return done();
      const full = chunk;
      chunk = '';
      done(null, full);
    },
    flush(done) {
      done(null, chunk === '' ? undefined : chunk);
    },
  });
  const sink = client.query(copyFrom(`COPY ${target} FROM STDIN`));
  await pipeline(source, encode, sink);
  return count;
}
