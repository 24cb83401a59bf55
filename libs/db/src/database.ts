import { Client, Pool, type PoolClient, type PoolConfig } from 'pg';
import { redactUrl } from '@ecom/config';

/**
 * SQLSTATE classes and codes of a lost or refused server (restart, failover, terminated backend,
 * too many clients): retrying later can succeed, unlike a bad statement or a broken constraint.
 */
const TRANSIENT_SQLSTATES = /^(08|57P0[1-4]|53300)/;
const TRANSIENT_NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
const TRANSIENT_MESSAGES = /Connection terminated|terminating connection|Client has encountered a connection error|timeout exceeded when trying to connect|the database system is (starting up|shutting down|in recovery mode)/i;

/**
 * Whether an error means PostgreSQL (or the network to it) was away rather than that the work is
 * wrong: a job failing with it is retried until the server is back instead of failing its run.
 */
export function isTransientDatabaseError(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && (TRANSIENT_NODE_CODES.has(code) || (code.length === 5 && TRANSIENT_SQLSTATES.test(code)))) return true;
    if (typeof message === 'string' && TRANSIENT_MESSAGES.test(message)) return true;
    if (e instanceof AggregateError && e.errors.some((inner) => isTransientDatabaseError(inner))) return true;
  }
  return false;
}

export function createPool(databaseUrl: string, extra: Omit<PoolConfig, 'connectionString'> = {}): Pool {
  const pool = new Pool({ connectionString: databaseUrl, max: 10, ...extra });
  // An idle client losing its server (restart, terminate) must not crash the process.
  pool.on('error', () => undefined);
  // Nor may a checked-out one: pg-pool drops its own 'error' listener while a client is lent out,
  // and a connection lost between two statements of a transaction (or under a COPY stream) then
  // emits 'error' with no listener, which kills the process. The statement in flight, or the next
  // one, still fails with the error, and pg-pool discards the broken client on release.
  pool.on('connect', (client) => {
    client.on('error', () => undefined);
  });
  return pool;
}

const DATABASE_EXISTS_CODES: ReadonlySet<string> = new Set(['42P04', '23505']);

/**
 * The database the app creates when it is missing: collation "C" (text ordered by code point),
 * the server's character classification and encoding kept (template0 has the cluster's; a
 * collation other than the template's needs template0). The stages sort and index millions of
 * text keys (order and item ids) per 1M orders: under "C" PostgreSQL compares them bytewise and
 * with abbreviated keys, under any other collation it calls strcoll for each comparison. A 1M
 * run 1 took ~9 % less under "C" than under en_US.UTF-8 and ~1-3 % less than under C.UTF-8
 * (docs/performance.md). A database made beforehand is used as it is.
 */
const CREATE_DATABASE_OPTIONS = `TEMPLATE template0 LC_COLLATE 'C'`;

/** The database a connection URL names (its path, decoded). */
export function databaseNameOf(databaseUrl: string | URL): string {
  return decodeURIComponent(new URL(databaseUrl).pathname.replace(/^\//, ''));
}

/** How the database named in a URL compares text: what ensureDatabase found or made. */
export interface DatabaseCollation {
  /** pg_database.datcollate. */
  collation: string;
  /** pg_database.datlocprovider (PostgreSQL 15+): 'c' libc, 'i' ICU, 'b' builtin; null before 15. */
  provider: string | null;
}

/**
 * Creates the database named in the URL when it is missing (the app owns its database), and says
 * how it compares text.
 */
export async function ensureDatabase(databaseUrl: string): Promise<DatabaseCollation> {
  const url = new URL(databaseUrl);
  const name = databaseNameOf(url);
  if (!name) throw new Error(`DATABASE_URL names no database: ${redactUrl(databaseUrl)}`);
  const admin = new URL(databaseUrl);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    throw new Error(`cannot connect to PostgreSQL at ${url.host}: ${(error as Error).message}`, { cause: error });
  }
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) {
      try {
        await client.query(`CREATE DATABASE ${quoteIdent(name)} ${CREATE_DATABASE_OPTIONS}`);
      } catch (error) {
        // Several apps start at once and all of them may find the database missing. The losers of
        // the race get 42P04 (duplicate_database) or, when their insert into pg_database collides
        // before that check sees the winner's row, 23505 (unique_violation); either way it exists.
        if (!DATABASE_EXISTS_CODES.has((error as { code?: string }).code ?? '')) throw error;
      }
    }
    const collation = await client.query<DatabaseCollation>(
      "SELECT d.datcollate AS collation, to_jsonb(d) ->> 'datlocprovider' AS provider FROM pg_database d WHERE d.datname = $1",
      [name],
    );
    return collation.rows[0];
  } finally {
    await client.end();
  }
}

/** libc collations that compare by code point, as "C" does (glibc's C.UTF-8 among them). */
const CODE_POINT_COLLATIONS: ReadonlySet<string> = new Set(['c', 'posix', 'c.utf8', 'c.utf-8']);

/**
 * A line for the log when the database compares text through a libc locale (en_US.UTF-8, say),
 * else null: a database made beforehand keeps its collation, and a 1M-order first load took ~10 %
 * longer in en_US.UTF-8 than in "C" (docs/operations.md, "The database's collation").
 */
export function collationNotice(name: string, found: DatabaseCollation): string | null {
  if (found.provider !== null && found.provider !== 'c') return null;
  if (CODE_POINT_COLLATIONS.has(found.collation.toLowerCase())) return null;
  return (
    `database ${name} compares text in collation ${found.collation}: its sorts and index builds of text keys take ` +
    `~10 % longer at 1M orders than in "C", which the app uses for a database it creates (docs/operations.md, "The database's collation")`
  );
}

export async function dropDatabase(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  const name = databaseNameOf(url);
  url.pathname = '/postgres';
  const client = new Client({ connectionString: url.toString() });
  client.on('error', () => undefined);
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

export function quoteIdent(identifier: string): string {
  return `"${identifier.replace(/"/g, '""')}"`;
}

/**
 * What a transaction holds on its connection from before its BEGIN until after it ends, such as a
 * session advisory lock that says "this connection's transaction may write X": `take` runs before
 * BEGIN, `release` after the COMMIT or ROLLBACK. A connection whose `release` fails is destroyed
 * rather than pooled, so nothing taken outlives the transaction on a connection in use elsewhere.
 */
export interface TransactionHold {
  take(client: PoolClient): Promise<void>;
  release(client: PoolClient): Promise<void>;
}

/** Runs `work` in one transaction: all of it lands, or none of it. */
export async function withTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>, hold?: TransactionHold): Promise<T> {
  const client = await pool.connect();
  let unreleased: Error | undefined;
  try {
    await hold?.take(client);
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      if (hold) {
        await hold.release(client).catch((error: unknown) => {
          unreleased = error instanceof Error ? error : new Error(String(error));
        });
      }
    }
  } finally {
    client.release(unreleased);
  }
}
