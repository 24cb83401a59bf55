import { createHash } from 'node:crypto';
import { escapeIdentifier, escapeLiteral, type Pool } from 'pg';
import { CATEGORICAL_FIELDS, categoricalValues, type CategoricalField, type CategoricalValuesConfig } from '@ecom/config';
import { ENTITIES, type Entity } from '@ecom/contracts';
import { runRenderedSqlFile, runSqlFile, withTransaction, type Queryable, type SqlFill } from '@ecom/db';

/**
 * Per-run typed tables (schema `typed`, sql/quality/typed/): the run's staged rows with every value
 * trimmed (blank = NULL) and every number, date and time parsed once. Staging is all text; before,
 * the validator's row checks, its custom checks, its profile and then the transformer each parsed
 * the same values again. The validate stage builds them, the transform drops them when it is done;
 * either builds what is missing (ensureTypedTables), so each can run alone or on a retry.
 *
 * Categorical values (config/categorical-values.yaml) are made canonical here, where values are
 * parsed once: every build first syncs the file into ops.categorical_* (a few hundred rows, written
 * only where they changed), then learns the first spellings of the entity's `keep` fields, then
 * builds the table with each value looked up by its folded key (docs/quality.md).
 */

/** The parsed columns each typed table holds besides the trimmed text of every contract column. */
export const TYPED_PARSED: Readonly<Record<Entity, Readonly<Record<string, readonly ParsedKind[]>>>> = {
  customers: { registration_date: ['date'] },
  products: { price: ['numeric'], cost: ['numeric'], stock_quantity: ['int'] },
  transactions: { transaction_date: ['date'], transaction_time: ['time'], total_amount: ['numeric'] },
  transaction_items: { quantity: ['int'], unit_price: ['numeric'], discount_percentage: ['numeric'], line_total: ['numeric'] },
};

export type ParsedKind = 'numeric' | 'int' | 'date' | 'time';

/**
 * The columns each typed table's ANALYZE samples (quality/typed/analyze.sql), besides the row
 * count it always takes: those the checks, the profile and the transform join, group,
 * de-duplicate or look a row up on (the entity's keys and record_id, a line's place in staging,
 * the phone pairs, the places, address tails and payment methods the profile groups), and the
 * unknown-value columns, nearly all NULL and so nearly free, whose NULL share the reject paths'
 * estimates read. Every other column is only tested row by row, as in staging's own ANALYZE
 * (sql/ingest/analyze_<entity>.sql); sampling them too cost about as much again as these (each
 * text or numeric column is one more sort of the sample). A check configured on another column
 * still runs and counts the same, on the planner's default estimates for that column.
 */
export const TYPED_ANALYZED: Readonly<Record<Entity, readonly string[]>> = {
  customers: [
    'line_ctid', 'source_file', 'source_line', 'record_id', 'customer_id', 'email', 'phone', 'phone_region',
    'city', 'state', 'country', 'unknown_field', 'unknown_text', 'unknown_reason',
  ],
  products: ['line_ctid', 'source_file', 'source_line', 'record_id', 'product_id', 'category', 'unknown_field', 'unknown_text', 'unknown_reason'],
  transactions: [
    'line_ctid', 'source_file', 'source_line', 'record_id', 'transaction_id', 'customer_id', 'transaction_date__date', 'payment_method',
    'shipping_address', 'unknown_field', 'unknown_text', 'unknown_reason',
  ],
  transaction_items: ['line_ctid', 'source_file', 'source_line', 'item_id', 'transaction_id', 'product_id'],
};

/** Which ops.safe_* cast a parsed column holds. */
const KIND_OF_CAST: Record<string, ParsedKind> = {
  'ops.safe_numeric': 'numeric',
  'ops.safe_int': 'int',
  'ops.safe_date': 'date',
  'ops.safe_time': 'time',
};

/**
 * Where quality checks read a run's staged rows: staging itself (raw text) or the typed tables.
 * Identifiers only, escaped: a table name never comes from input.
 */
export interface StagedRows {
  typed: boolean;
  table(entity: Entity): string;
}

export const STAGING_ROWS: StagedRows = {
  typed: false,
  table: (entity) => `${escapeIdentifier('staging')}.${escapeIdentifier(entity)}`,
};

export function typedRows(runId: string): StagedRows {
  return { typed: true, table: (entity) => typedTable(entity, runId) };
}

/**
 * The typed table of one entity and run. A run id may be up to 64 characters, so the name carries
 * a digest of it: the entity name plus 20 hex digits stays under PostgreSQL's 63-byte limit.
 */
export function typedTable(entity: Entity, runId: string): string {
  return `${escapeIdentifier('typed')}.${escapeIdentifier(typedTableName(entity, runId))}`;
}

/**
 * The run's typed table for a {{<entity>}} placeholder of a template over typed tables, or
 * undefined when `name` is not an entity (renderSqlFile then names the unfilled placeholder).
 */
export function typedTableOf(name: string, runId: string): string | undefined {
  return (ENTITIES as readonly string[]).includes(name) ? typedTable(name as Entity, runId) : undefined;
}

/** The bare name (in schema `typed`) of one entity's typed table for a run. */
function typedTableName(entity: Entity | TransformTable | typeof CUSTOMER_PHONES, runId: string): string {
  return `${entity}_${createHash('sha256').update(runId).digest('hex').slice(0, 20)}`;
}

/** The transform's own per-run tables in schema `typed` (sql/transform/order_lines.sql, transactions_decide.sql). */
export type TransformTable = 'transform_order_lines' | 'transform_order_verdicts';

/**
 * A table the transform builds for a run in schema `typed`: UNLOGGED, not temporary, so that the
 * parallel workers of a later statement can read it; created and dropped inside the transform's
 * transaction, so no other session ever sees it (nor staleTypedTables).
 */
export function transformTable(name: TransformTable, runId: string): string {
  return `${escapeIdentifier('typed')}.${escapeIdentifier(typedTableName(name, runId))}`;
}

const CUSTOMER_PHONES = 'customer_phones';

/**
 * The E.164 forms of a run's customer phones that production cannot supply, parsed by the
 * transform on a connection of its own while its own transaction checks the order lines
 * (apps/transformer phone-e164.ts). Committed, unlike the transform's tables above: it goes with
 * the run's typed tables (dropTypedTables, staleTypedTables).
 */
export function customerPhonesTable(runId: string): string {
  return `${escapeIdentifier('typed')}.${escapeIdentifier(typedTableName(CUSTOMER_PHONES, runId))}`;
}

/**
 * The expression for `cast(column)` on `rows`: on a typed table its parsed column when it holds
 * one, else the cast applied to the (trimmed) text. `cast` is one of the fixed ops.safe_* names.
 */
export function parsedExpression(rows: StagedRows, entity: Entity, column: string, cast: string): string {
  const kind = KIND_OF_CAST[cast];
  if (rows.typed && kind !== undefined && TYPED_PARSED[entity][column]?.includes(kind)) {
    return escapeIdentifier(`${column}__${kind}`);
  }
  return `${cast}(${escapeIdentifier(column)})`;
}

function query(db: Queryable, file: string, fill: SqlFill, params: unknown[] = []) {
  return runRenderedSqlFile(db, `quality/typed/${file}`, fill, params);
}

/** The reject reason of an unknown value: age_group keeps the code it had before the file existed. */
export function unknownReason(field: string): string {
  return field === 'age_group' ? 'invalid_age_group' : 'unknown_value';
}

/**
 * Writes `config` into ops.categorical_fields / ops.categorical_values (sql/quality/categorical/):
 * fields, then canonical values and aliases keyed by the database's own ops.fold_key.
 */
export async function syncCategoricalValues(db: Queryable, config: CategoricalValuesConfig = categoricalValues()): Promise<void> {
  const fields = config.fields.map((f) => ({
    field: f.field,
    on_unknown: f.unknown,
    default_value: f.default ?? null,
    reason_code: unknownReason(f.field),
  }));
  const values = config.fields.flatMap((f) => [
    ...f.values.map((value) => ({ field: f.field, spelling: value, value, origin: 'canonical', region: f.regions[value] ?? null })),
    ...Object.entries(f.aliases).map(([alias, value]) => ({
      field: f.field,
      spelling: alias,
      value,
      origin: 'alias',
      region: f.regions[value] ?? null,
    })),
  ]);
  await runSqlFile(db, 'quality/categorical/sync_fields', [JSON.stringify(fields)]);
  await runSqlFile(db, 'quality/categorical/sync_values', [JSON.stringify(values)]);
}

/**
 * An entity's categorical fields (CATEGORICAL_FIELDS, in its order), whose `keep` values are
 * learned before its typed table is built: none for order lines.
 */
function categoricalFieldsOf(entity: Entity): CategoricalField[] {
  return (Object.keys(CATEGORICAL_FIELDS) as CategoricalField[]).filter((field) => CATEGORICAL_FIELDS[field] === entity);
}

/** typed/learn.sql's placeholders for an entity with categorical fields (a field is its column). */
function learnFill(entity: Entity, fields: readonly CategoricalField[]): Record<string, string> {
  return {
    staging_table: `${escapeIdentifier('staging')}.${escapeIdentifier(entity)}`,
    field_values: fields.map((field) => `(${escapeLiteral(field)}, s.${escapeIdentifier(field)})`).join(', '),
    fields: fields.map((field) => escapeLiteral(field)).join(', '),
  };
}

/** The BRIN index on run_id of an entity's staging table (migration 0016). */
function stagingRunIndex(entity: Entity): string {
  return `${escapeIdentifier('staging')}.${escapeIdentifier(`staging_${entity}_run_brin`)}`;
}

/** Builds (replacing) one entity's typed table on `db` and analyses it; returns its rows. */
async function buildOne(db: Queryable, entity: Entity, runId: string): Promise<number> {
  const table = typedTable(entity, runId);
  await query(db, 'drop', { tables: table });
  const fields = categoricalFieldsOf(entity);
  if (fields.length > 0) await query(db, 'learn', learnFill(entity, fields), [runId]);
  const { rowCount } = await query(db, entity, { table }, [runId]);
  await query(db, 'analyze', { table, columns: TYPED_ANALYZED[entity].map((column) => escapeIdentifier(column)).join(', ') });
  return rowCount ?? 0;
}

/** A build of the run's typed tables under way (startTypedTables). */
export interface TypedTablesBuild {
  /** Per entity, resolves once its table is committed, with the rows it holds (its build's count). */
  ready: Record<Entity, Promise<number>>;
  /** Resolves once every table is committed, with the rows each holds. */
  done: Promise<Record<Entity, number>>;
}

/**
 * Builds the run's typed tables afresh on two pool connections at once (the order lines on one, the
 * other three entities on the other: about equal work), each table in its own short transaction
 * with the build settings. Committed on their own, table by table, so the checks on other
 * connections read each table as soon as it is there (QualityGateOptions.typedReady).
 */
export function startTypedTables(pool: Pool, runId: string, config: CategoricalValuesConfig = categoricalValues()): TypedTablesBuild {
  const lanes: Entity[][] = [['transaction_items'], ['transactions', 'customers', 'products']];
  // Once, before the lanes: two concurrent syncs would wait on each other's rows.
  const synced = withTransaction(pool, (client) => syncCategoricalValues(client, config));
  const ready = {} as Record<Entity, Promise<number>>;
  for (const entities of lanes) {
    let previous: Promise<unknown> = synced;
    for (const entity of entities) {
      ready[entity] = previous.then(() =>
        withTransaction(pool, async (client) => {
          await runSqlFile(client, 'quality/typed/settings');
          return buildOne(client, entity, runId);
        }),
      );
      previous = ready[entity];
    }
  }
  // Every table's promise is handled here, so a failed build is reported once, by `done`.
  const done = Promise.all(ENTITIES.map(async (entity) => [entity, await ready[entity]] as const));
  return { ready, done: done.then((rows) => Object.fromEntries(rows) as Record<Entity, number>) };
}

/**
 * Summarises the block ranges of the staging tables' BRIN indexes on run_id that no summary covers
 * yet (summarize_staging.sql): the ranges the latest landings filled. A typed build reads its own
 * run's ranges whether summarised or not (an unsummarised range matches every run); it needs the
 * ranges of the runs before it summarised to skip them. So the transform does this for the run it
 * loads, on a connection beside its own, where a core idles, instead of the validate stage before
 * its builds (~1.8 s of CPU at 1M orders on the builds' two busy cores); a run that stops before
 * its transform leaves its ranges to the next run's. Each table on its own short transaction, not
 * waiting long for its lock, which the ingest's ANALYZE of another run also takes.
 */
export async function summarizeStagingRanges(pool: Pool, entities: readonly Entity[] = ENTITIES): Promise<void> {
  for (const entity of entities) {
    await withTransaction(pool, async (client) => {
      await client.query(`SET LOCAL lock_timeout = '5s'`);
      await runSqlFile(client, 'quality/typed/summarize_staging', [stagingRunIndex(entity)]);
    });
  }
}

/** Builds the run's typed tables afresh (startTypedTables) and waits for all of them; returns their rows. */
export async function buildTypedTables(
  pool: Pool,
  runId: string,
  config: CategoricalValuesConfig = categoricalValues(),
): Promise<Record<Entity, number>> {
  return startTypedTables(pool, runId, config).done;
}

/**
 * The entities a template over typed tables reads: its {{<entity>}} placeholders outside comment
 * lines (a file's header names every table it may be given).
 */
export function typedEntitiesOf(template: string): Entity[] {
  const code = template
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('--'))
    .join('\n');
  return ENTITIES.filter((entity) => code.includes(`{{${entity}}}`));
}

/**
 * Builds, on `db` (e.g. inside a stage's transaction), the run's typed tables that do not exist.
 * True when every one existed already: then other connections read them too.
 */
export async function ensureTypedTables(db: Queryable, runId: string, config: CategoricalValuesConfig = categoricalValues()): Promise<boolean> {
  const tables = ENTITIES.map((entity) => typedTable(entity, runId));
  const { rows } = await query(db, 'exists', {}, [tables]);
  const present = new Set(rows.map((row) => (row as { name: string }).name));
  if (present.size === tables.length) return true;
  await syncCategoricalValues(db, config);
  for (const entity of ENTITIES) {
    if (!present.has(typedTable(entity, runId))) await buildOne(db, entity, runId);
  }
  return false;
}

/** Drops the run's typed tables (through `db`: inside a transaction, they go when it commits). */
export async function dropTypedTables(db: Queryable, runId: string): Promise<void> {
  await query(db, 'drop', { tables: [...ENTITIES.map((entity) => typedTable(entity, runId)), customerPhonesTable(runId)].join(', ') });
}

/** A typed table whose run has ended, with the space it holds. */
export interface StaleTypedTable {
  table: string;
  bytes: number;
}

/**
 * The typed tables of every run not in `activeRunIds`: left behind when a run failed or stopped
 * between its validation and its transform (the transform's drop rolls back with it). They are
 * scratch copies of staging, as big as the run, and nothing reads them once the run has ended; a
 * retry rebuilds them (ensureTypedTables). With `remove`, drops them.
 *
 * The tables are listed before the active runs are read: a table that exists at the listing
 * belongs to a run already active by then, so a run starting meanwhile never loses its tables.
 */
export async function staleTypedTables(
  db: Queryable,
  activeRunIds: () => Promise<Iterable<string>>,
  remove: boolean,
): Promise<StaleTypedTable[]> {
  const { rows } = await query(db, 'list', {});
  const kept = new Set<string>();
  for (const runId of await activeRunIds()) {
    for (const entity of ENTITIES) kept.add(typedTableName(entity, runId));
    kept.add(typedTableName(CUSTOMER_PHONES, runId));
  }
  const stale = (rows as Array<{ name: string; bytes: string }>).filter((row) => !kept.has(row.name));
  if (remove && stale.length > 0) {
    const tables = stale.map((row) => `${escapeIdentifier('typed')}.${escapeIdentifier(row.name)}`);
    await query(db, 'drop', { tables: tables.join(', ') });
  }
  return stale.map((row) => ({ table: `typed.${row.name}`, bytes: Number(row.bytes) }));
}

/** Every staged row of the run, counted in its typed tables (sql/quality/staged_rows_of_run.sql). */
export async function countTypedRows(db: Queryable, runId: string): Promise<number> {
  const { rows } = await runRenderedSqlFile<{ staged_rows: string }>(db, 'quality/staged_rows_of_run', (name) => typedTableOf(name, runId));
  return Number(rows[0].staged_rows);
}
