import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { QueryResult, QueryResultRow } from 'pg';
import { sqlDir } from '@ecom/config';

const cache = new Map<string, string>();

/** The text of sql/<name>.sql (name like 'transform/customers'); read once per process. */
export function sqlFile(name: string): string {
  let text = cache.get(name);
  if (text === undefined) {
    text = readFileSync(join(sqlDir(), `${name}.sql`), 'utf8');
    cache.set(name, text);
  }
  return text;
}

/** The .sql files of one folder, sorted by name, without their extension. */
export function sqlFilesIn(folder: string): string[] {
  return readdirSync(join(sqlDir(), folder))
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .map((f) => `${folder}/${f.slice(0, -4)}`);
}

export interface Queryable {
  query<R extends QueryResultRow = QueryResultRow>(text: string, values?: unknown[]): Promise<QueryResult<R>>;
}

/**
 * Runs one sql/ file with bound parameters. User input only ever travels as parameters,
 * never spliced into the text. Errors name the file.
 */
export async function runSqlFile<R extends QueryResultRow = QueryResultRow>(
  db: Queryable,
  name: string,
  params: unknown[] = [],
): Promise<QueryResult<R>> {
  try {
    return await db.query<R>(sqlFile(name), params);
  } catch (error) {
    const e = error as Error & { position?: string };
    e.message = `sql/${name}.sql: ${e.message}`;
    throw e;
  }
}
