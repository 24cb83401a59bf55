import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

/**
 * Streams ready-made COPY data (`chunks`: whole lines in the format `copySql` names, e.g.
 * `COPY t (a, b) FROM STDIN (FORMAT csv)`) on the given client, inside the caller's transaction;
 * returns the rows PostgreSQL reports. Bytes go through as they are, so PostgreSQL's own parser
 * does the per-field work. An error thrown by `chunks` cancels the COPY (CopyFail) and is
 * rethrown; the transaction is then aborted, up to the caller's savepoint.
 */
export async function copyChunks(client: PoolClient, copySql: string, chunks: AsyncIterable<Buffer>): Promise<number> {
  const sink = copyFrom(copySql);
  await pipeline(Readable.from(chunks, { objectMode: false }), client.query(sink));
  return sink.rowCount;
}

