import { renderSqlFile, runSqlFile, type Queryable } from '@ecom/db';

/**
 * Whether the run's typed table `runTable` is small enough beside `production` (qualified names)
 * for a statement to look production up by key, row by row, instead of joining all of it
 * (sql/transform/probe_production.sql: under a quarter of its rows, by the tables' statistics).
 */
export async function probesProduction(db: Queryable, runTable: string, production: string): Promise<boolean> {
  const { rows } = await runSqlFile<{ probe: boolean }>(db, 'transform/probe_production', [runTable, production]);
  return rows[0].probe;
}

/**
 * The FROM-clause item giving each row its production customer as `alias` (NULL columns when there
 * is none), matched on `key` with `reference`: probed by key (sql/transform/customer_lookup_probe.sql)
 * when `probe`, else joined (customer_lookup_join.sql), the text a first load and a re-delivery
 * always ran, so their plans stay as they were.
 */
export function customerLookup(probe: boolean, alias: string, key: string, reference: string): string {
  const values: Record<string, string> = { alias, key, reference };
  return renderSqlFile(probe ? 'transform/customer_lookup_probe' : 'transform/customer_lookup_join', (name) => values[name]);
}
