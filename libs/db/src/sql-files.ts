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

/** A placeholder's value by name: a record, or a function returning undefined for a name it lacks. */
export type SqlFill = Readonly<Record<string, string>> | ((name: string) => string | undefined);

const PLACEHOLDER = /\{\{([a-z_]+)\}\}/g;

/**
 * `text` (of sql/<name>.sql, or a part of it) with each {{placeholder}} replaced by its value.
 * Values are SQL the code composes itself (identifiers it escaped, other sql/ files), never user
 * input, which travels as parameters. A placeholder without a value fails here, naming the file,
 * rather than reaching PostgreSQL as a syntax error.
 */
export function fillSqlPlaceholders(name: string, text: string, fill: SqlFill): string {
  return text.replace(PLACEHOLDER, (_, placeholder: string) => {
    const value = typeof fill === 'function' ? fill(placeholder) : Object.hasOwn(fill, placeholder) ? fill[placeholder] : undefined;
    if (value === undefined) throw new Error(`sql/${name}.sql: no value for placeholder {{${placeholder}}}`);
    return value;
  });
}

/** The text of sql/<name>.sql with its placeholders filled (see fillSqlPlaceholders). */
export function renderSqlFile(name: string, fill: SqlFill): string {
  return fillSqlPlaceholders(name, sqlFile(name), fill);
}

/** Runs SQL text taken from sql/<name>.sql; an error's message starts with the file's name. */
export async function runSqlText<R extends QueryResultRow = QueryResultRow>(
  db: Queryable,
  name: string,
  text: string,
  params: unknown[] = [],
): Promise<QueryResult<R>> {
  try {
    return await db.query<R>(text, params);
  } catch (error) {
    const e = error as Error & { position?: string };
    e.message = `sql/${name}.sql: ${e.message}`;
    throw e;
  }
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
  return runSqlText<R>(db, name, sqlFile(name), params);
}

/**
 * Runs `work` with plan settings (name → value) in force for it alone, inside the caller's
 * transaction (sql/plan/set.sql), then the session's own values again. Not restored when `work`
 * fails: the transaction is aborted then and rolls the settings back with everything else.
 */
export async function withPlanSettings<T>(db: Queryable, settings: Readonly<Record<string, string>>, work: () => Promise<T>): Promise<T> {
  const names = Object.keys(settings);
  await runSqlFile(db, 'plan/set', [names, names.map((name) => settings[name])]);
  const result = await work();
  await runSqlFile(db, 'plan/set', [names, names.map(() => null)]);
  return result;
}

/** Runs sql/<name>.sql with its placeholders filled (renderSqlFile) and bound parameters. */
export async function runRenderedSqlFile<R extends QueryResultRow = QueryResultRow>(
  db: Queryable,
  name: string,
  fill: SqlFill,
  params: unknown[] = [],
): Promise<QueryResult<R>> {
  return runSqlText<R>(db, name, renderSqlFile(name, fill), params);
}
