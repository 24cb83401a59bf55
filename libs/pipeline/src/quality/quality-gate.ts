import { escapeIdentifier, type Pool } from 'pg';
import { ENTITIES, ENTITY_SPECS, type Entity } from '@ecom/contracts';
import { fillSqlPlaceholders, renderSqlFile, runRenderedSqlFile, runSqlFile, runSqlText, sqlFile, withPlanSettings, withTransaction, type Queryable } from '@ecom/db';
import { StageFailure } from '../stage-runtime';
import { QualityChecksConfig, customRowForm, type QualityCheck, type QualityStage, type RangeValueType } from './quality-checks';
import { STAGING_ROWS, ensureTypedTables, parsedExpression, typedEntitiesOf, typedRows, type StagedRows } from './typed-tables';

/** What one check found in one run. Numbers stay as pg returns them: exact decimal strings. */
export interface QualityCheckResult {
  check: QualityCheck;
  rowsChecked: string;
  violations: string;
  sampleIds: string[];
  /** Reconciliations: the figure the source layer holds and the one the target holds. */
  expected?: string;
  actual?: string;
}

/** One stage's verdict as PostgreSQL computed it (sql/quality/run_score.sql). */
export interface QualityVerdict {
  score: string;
  grade: string;
  threshold: string;
  /** The score is at or above the threshold. */
  scorePassed: boolean;
  /** scorePassed and no error-severity check over its threshold. */
  passed: boolean;
  /** Error checks over their threshold, as "name violations/rows (threshold t)". */
  errorChecks: string[];
  /** Every check with a violation, by name. */
  failedChecks: string[];
  /** The three checks that cost the most score, as "name violations/rows". */
  worstChecks: string[];
}

export interface QualityGateOptions {
  checks: QualityChecksConfig | readonly QualityCheck[];
  /** The run fails below this score; only the validate stage scores (config.quality.threshold). */
  scoreThreshold?: number;
  /** Called after each check, e.g. StageContext.progress. */
  progress?: (update: Record<string, unknown>) => Promise<void>;
  /**
   * Validate stage only: measure the checks on this many pool connections at once instead of on
   * `client` (default 1: on `client`). A validate check reads only committed rows (the run's typed
   * tables, which are committed first, production, the ledger), so another connection sees what the
   * stage's does; results are still stored, and the stage failed, through `client` as always.
   */
  lanes?: number;
  /**
   * Validate stage only: the run's typed tables are being built by the caller (startTypedTables's
   * `ready`), table by table. A check starts once the tables it reads are committed; with lanes,
   * the first lane takes the checks of the tables built first while the rest are still building,
   * the others wait for every table (beside the build, which holds both cores, they would only
   * slow it). Without it the checks build any missing table first (ensureTypedTables).
   */
  typedReady?: Readonly<Record<Entity, Promise<unknown>>>;
  /**
   * Warehouse stage only: a first load's lines summed already (firstLoadLineSums, beside the
   * stage's facts' insert), for the production → warehouse checks instead of summing them here.
   */
  warehouseLineSums?: Promise<FirstLoadLineSums>;
}

export interface QualityGateOutcome {
  results: QualityCheckResult[];
  verdict: QualityVerdict;
}

/**
 * Runs the stage's declared checks on the run inside the stage's transaction (`client`) and stores
 * the results with it. When an error-severity check exceeds its threshold, or (validate) the score
 * is below config.quality.threshold, the results are committed on their own through `pool`, so the
 * run report can show why, and a StageFailure stops the run; the stage's own work rolls back.
 * A stage with no checks declared does nothing, so transform and warehouse can call it always.
 */
export async function runQualityChecks(
  client: Queryable,
  pool: Pool,
  runId: string,
  stage: QualityStage,
  options: QualityGateOptions,
): Promise<QualityGateOutcome> {
  const all = options.checks instanceof QualityChecksConfig ? options.checks.checks : options.checks;
  const checks = all.filter((check) => check.stage === stage);
  const results: QualityCheckResult[] = [];
  // Each check runs once per run, so JIT compilation never pays for itself: on 1M production lines
  // it cost ~1.4 s per reconciliation, more than the 0.3-0.7 s an incremental one runs
  // (docs/quality.md). Restored only on success: after an error the transaction is aborted, and
  // its rollback reverts the setting anyway.
  const lanes = stage === 'validate' ? Math.max(1, Math.floor(options.lanes ?? 1)) : 1;
  const jit = checks.length > 0 && lanes === 1 ? await setJit(client, 'off') : undefined;
  if (checks.length > 0 && lanes === 1) await runSqlFile(client, 'quality/set_work_mem');
  // Checks of staged rows read the run's typed tables (parsed once); the validator builds them
  // before, on two connections, and a stage run alone builds the missing ones here (committed on
  // their own when other connections measure: they must see them).
  const rows = typedRows(runId);
  if (options.typedReady) {
    // On lanes, each lane waits for the tables of the check it takes (measureInLanes).
    if (lanes === 1) await Promise.all(Object.values(options.typedReady));
  } else if (checks.some(readsStagedRows)) {
    if (lanes === 1) await ensureTypedTables(client, runId);
    else await withTransaction(pool, (own) => ensureTypedTables(own, runId));
  }
  // The row checks of one entity share one scan (measureRowChecks); results keep the YAML's order.
  const measured = new Map<QualityCheck, QualityCheckResult>();
  // Reports are written one after another in the order they were made: two lanes writing their
  // own at once could land out of order and leave the ledger's progress below the checks done.
  let reported: Promise<void> = Promise.resolve();
  const report = (lastCheck: QualityCheck): Promise<void> => {
    const update = { checksDone: measured.size, checksTotal: checks.length, lastCheck: lastCheck.name };
    reported = reported.then(async () => {
      await options.progress?.(update);
    });
    return reported;
  };
  const units: CheckUnit[] = [];
  for (const group of rowCheckGroups(checks)) {
    const run = async (db: Queryable) => {
      for (const result of await measureRowChecks(db, runId, group, rows)) measured.set(result.check, result);
      await report(group[group.length - 1]);
    };
    units.push({ reads: [group[0].entity], run });
  }
  const grouped = new Set<QualityCheck>(rowCheckGroups(checks).flat());
  // Read once for both production → warehouse checks, in the stage's transaction (they run on it alone).
  const warehouseLoad = checks.some(isWarehouseReconciliation) ? await warehouseLoadParams(client, runId, options.warehouseLineSums) : undefined;
  for (const check of checks) {
    if (grouped.has(check)) continue;
    const run = async (db: Queryable) => {
      measured.set(check, await measureCheck(db, runId, check, rows, warehouseLoad));
      await report(check);
    };
    units.push({ reads: entitiesRead(check), run });
  }
  if (lanes === 1) {
    for (const unit of units) await unit.run(client);
  } else {
    // The costliest checks first (by the rows they read), so the lanes end together rather than
    // one of them starting a long check when the other has nothing left: ordered by entity alone,
    // consistency_total_amount (an orders check that reads every order line, the longest) ran
    // last, ~2.7 s on one lane at 1M orders.
    const cost = (unit: { reads: readonly Entity[] }) => unit.reads.reduce((sum, entity) => sum + ROWS_PER_ORDER[entity], 0);
    await measureInLanes(pool, lanes, [...units].sort((a, b) => cost(b) - cost(a)), options.typedReady);
  }
  for (const check of checks) results.push(measured.get(check) as QualityCheckResult);
  if (jit !== undefined) await setJit(client, jit);
  const scoring = stage === 'validate';
  if (!scoring && checks.length === 0) {
    return { results, verdict: await scoreChecks(client, results, 0) };
  }
  const verdict = await scoreChecks(client, results, scoring ? (options.scoreThreshold ?? 0) : 0);

  if (!verdict.passed) {
    // Throwing rolls the stage's transaction back; the results commit on their own.
    await withTransaction(pool, (own) => storeResults(own, runId, stage, results, scoring ? verdict : undefined));
    throw new StageFailure(failureMessage(verdict, results));
  }
  await storeResults(client, runId, stage, results, scoring ? verdict : undefined);
  return { results, verdict };
}

/** An entity's rows per order in a run: about 2.5 order lines per order, 10 orders per customer, 500 products. */
const ROWS_PER_ORDER: Readonly<Record<Entity, number>> = { transaction_items: 2.5, transactions: 1, customers: 0.1, products: 0.0005 };

/** The entities whose staged rows a check reads (its own; a relationship's parent; a custom check's placeholders). */
export function entitiesRead(check: QualityCheck): Entity[] {
  switch (check.type) {
    case 'relationships':
      return [check.entity, check.to.entity];
    case 'sql': {
      if (customRowForm(check.file)) return [check.entity];
      const named = typedEntitiesOf(sqlFile(`quality/custom/${check.file}`));
      return named.length > 0 ? named : [check.entity];
    }
    default:
      return [check.entity];
  }
}

/** A check (or one entity's row checks) and the typed tables it reads. */
interface CheckUnit {
  reads: readonly Entity[];
  run: (db: Queryable) => Promise<void>;
}

/**
 * Runs `units` on `lanes` pool connections at once, each lane taking the next unit when it is done
 * with one (the stage's checks are 0.1-3 s each at 1M orders: a fixed split would leave one lane
 * idle): the first, in the given order, whose typed tables are committed (`typedReady`: all of
 * them when absent). The first lane starts as soon as one unit can; the others once every table is
 * there. Each lane is a transaction with the checks' settings. After a failure no lane starts
 * another unit; a failed build fails the lanes waiting for it.
 */
async function measureInLanes(
  pool: Pool,
  lanes: number,
  units: readonly CheckUnit[],
  typedReady: Readonly<Record<Entity, Promise<unknown>>> | undefined,
): Promise<void> {
  const built = new Set<Entity>();
  const builds = new Map<Entity, Promise<void>>();
  for (const [entity, promise] of Object.entries(typedReady ?? {}) as Array<[Entity, Promise<unknown>]>) {
    const marked = promise.then(() => void built.add(entity));
    // Handled: a lane that waits for it gets its error; one nobody waits for must not crash the process.
    marked.catch(() => undefined);
    builds.set(entity, marked);
  }
  const readable = (entity: Entity) => !builds.has(entity) || built.has(entity);
  let everyTable: Promise<unknown> | undefined;
  const pending = [...units];
  let failed = false;
  const awaitTables = async (tables: Promise<unknown>): Promise<void> => {
    try {
      await tables;
    } catch (error) {
      failed = true;
      throw error;
    }
  };
  const nextUnit = async (laneIndex: number): Promise<CheckUnit | undefined> => {
    if (laneIndex > 0) await awaitTables((everyTable ??= Promise.all(builds.values())));
    for (;;) {
      if (failed || pending.length === 0) return undefined;
      const index = pending.findIndex((unit) => unit.reads.every(readable));
      if (index >= 0) return pending.splice(index, 1)[0];
      const building = pending.flatMap((unit) => unit.reads.flatMap((entity) => (readable(entity) ? [] : [builds.get(entity) as Promise<void>])));
      await awaitTables(Promise.race(building));
    }
  };
  const lane = (laneIndex: number) => async (own: Queryable) => {
    await setJit(own, 'off');
    await runSqlFile(own, 'quality/set_work_mem');
    for (let unit = await nextUnit(laneIndex); unit; unit = await nextUnit(laneIndex)) {
      try {
        await unit.run(own);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(lanes, units.length) }, (_, laneIndex) => withTransaction(pool, lane(laneIndex))));
}

/** Sets JIT for the rest of the transaction; returns the setting it replaced. */
async function setJit(db: Queryable, value: string): Promise<string> {
  const { rows } = await runSqlFile<{ previous: string }>(db, 'quality/set_jit', [value]);
  return rows[0].previous;
}

function failureMessage(verdict: QualityVerdict, results: readonly QualityCheckResult[]): string {
  const parts: string[] = [];
  if (verdict.errorChecks.length > 0) parts.push(`error checks over their threshold: ${verdict.errorChecks.join(', ')}`);
  // A failed reconciliation says what each layer holds, so the message alone locates the gap.
  for (const result of results) {
    const failing = verdict.errorChecks.some((text) => text.startsWith(`${result.check.name} `));
    if (!failing || result.expected === undefined || result.actual === undefined) continue;
    const samples = result.sampleIds.length > 0 ? ` (${result.sampleIds.join(', ')})` : '';
    parts.push(`${result.check.name}: expected ${result.expected}, actual ${result.actual}${samples}`);
  }
  if (!verdict.scorePassed) {
    parts.push(
      `quality score ${Number(verdict.score)} (${verdict.grade}) is below the threshold ${Number(verdict.threshold)}; ` +
        `worst checks: ${verdict.worstChecks.join(', ')}`,
    );
  }
  return parts.join('; ');
}

/** Whether a check reads the run's staged rows (all validate checks; staging reconciliations). */
function readsStagedRows(check: QualityCheck): boolean {
  return check.stage === 'validate' || (check.type === 'reconciliation' && check.from === 'staging');
}

/**
 * Runs one check's SQL for the run. Errors name the check and its file. Without `source` it reads the
 * run's typed tables, building the missing ones through `db` first. `warehouseLoad`: a production →
 * warehouse check's parameters when the caller read them already (warehouseLoadParams; the gate
 * reads them once for both such checks); without them it reads them itself.
 */
export async function measureCheck(
  db: Queryable,
  runId: string,
  check: QualityCheck,
  source?: StagedRows,
  warehouseLoad?: readonly unknown[],
): Promise<QualityCheckResult> {
  if (check.type === 'sql' && isRowCheck(check)) return (await measureRowChecks(db, runId, [check], source))[0];
  if (source === undefined && readsStagedRows(check)) await ensureTypedTables(db, runId);
  const statement = checkStatement(check, source ?? typedRows(runId));
  const params = [...statement.params, ...(await checkStateParams(db, runId, check, warehouseLoad))];
  type ResultRow = { rows_checked: string; violations: string; sample_ids: string[]; expected?: string | null; actual?: string | null };
  let rows: ResultRow[];
  try {
    const run = () => db.query<ResultRow>(statement.text, [runId, ...params]);
    ({ rows } = statement.settings ? await withPlanSettings(db, statement.settings, run) : await run());
  } catch (error) {
    const e = error as Error;
    e.message = `quality check '${check.name}' (sql/${statement.file}.sql): ${e.message}`;
    throw e;
  }
  const row = rows[0];
  if (!row) throw new Error(`quality check '${check.name}' (sql/${statement.file}.sql) returned no row for run ${runId}`);
  const { expected, actual } = row;
  return {
    check,
    rowsChecked: String(row.rows_checked),
    violations: String(row.violations),
    sampleIds: row.sample_ids,
    ...(expected !== undefined && expected !== null && actual !== undefined && actual !== null
      ? { expected: String(expected), actual: String(actual) }
      : {}),
  };
}

/**
 * What a reconciliation is told of the state it checks, as bind parameters after the run id: the
 * planner then leaves the branches of other states out of the plan (decided inside the statement,
 * a delta's plan still initialised a first load's hashes or started parallel workers to sum
 * nothing). The production → warehouse checks: warehouseLoadParams, or `warehouseLoad` when the
 * gate read them once for both. The order-total check: whether the run wrote every production order.
 * Exported for specs that EXPLAIN a check as the gate runs it.
 */
export async function checkStateParams(db: Queryable, runId: string, check: QualityCheck, warehouseLoad?: readonly unknown[]): Promise<readonly unknown[]> {
  if (isWarehouseReconciliation(check)) return warehouseLoad ?? (await warehouseLoadParams(db, runId));
  if (check.type === 'reconciliation' && check.measure === 'order_total') {
    return [(await runSqlFile<{ yes: boolean }>(db, 'quality/transform_wrote_every_order', [runId])).rows[0].yes];
  }
  return [];
}

function isWarehouseReconciliation(check: QualityCheck): boolean {
  return check.type === 'reconciliation' && check.from === 'production' && check.to === 'warehouse';
}

/** A first warehouse load's lines summed (sql/quality/first_load_sums.sql): count, two hash sums, revenue. */
export interface FirstLoadLineSums {
  n: string;
  h0: string | null;
  h1: string | null;
  total: string | null;
}

/** The watermarks a first load's lines lie under: its `to` of order lines and of orders, as text (microseconds kept). */
export interface FirstLoadWatermarks {
  itemsTo: string | null;
  transactionsTo: string | null;
}

/** Sums a first load's lines (sql/quality/first_load_sums.sql of first_load_lines.sql), on `db` as it is set up. */
export async function firstLoadLineSums(db: Queryable, watermarks: FirstLoadWatermarks): Promise<FirstLoadLineSums> {
  const lines = renderSqlFile('quality/first_load_lines', { items_to: '$1::timestamptz', transactions_to: '$2::timestamptz', first: 'true' });
  const sums = await runRenderedSqlFile<FirstLoadLineSums>(db, 'quality/first_load_sums', { lines: `(${lines})` }, [watermarks.itemsTo, watermarks.transactionsTo]);
  return sums.rows[0];
}

/** All facts summed as firstLoadLineSums sums the lines (the SQL text of sql/quality/first_load_sums.sql). */
export function firstLoadFactSumsSql(): string {
  return renderSqlFile('quality/first_load_sums', { lines: 'warehouse.fact_sales' });
}

/**
 * The production → warehouse reconciliations' $2-$6, read in the checks' transaction. $2: the kind
 * of load the run recorded (first, incremental, rebuild; null when it has not loaded), from
 * ops.warehouse_loads. As a bind parameter it lets the planner drop the other kinds' branches: a
 * delta's check otherwise also initialised the rebuild branch's hash tables, sized for every fact.
 * $3-$6: a first load's sums of its lines and of all facts (whether they agree, the lines, the
 * revenue of each side; sql/quality/first_load_sums.sql of the lines and of the facts), which
 * both checks compare; the gate reads them once for the two. Another kind sums nothing: false, 0.
 * `lineSums`: the load's lines summed already (the warehouse stage sums them beside its facts'
 * insert); otherwise they are summed here, under the watermarks the load recorded.
 */
export async function warehouseLoadParams(db: Queryable, runId: string, lineSums?: Promise<FirstLoadLineSums>): Promise<unknown[]> {
  const { rows } = await runSqlFile<{ kind: string; items_to: string | null; transactions_to: string | null }>(db, 'quality/warehouse_load_kind', [runId]);
  const kind = rows[0]?.kind ?? null;
  if (kind !== 'first') return [kind, false, 0, null, null];
  const lines = await (lineSums ?? firstLoadLineSums(db, { itemsTo: rows[0].items_to, transactionsTo: rows[0].transactions_to }));
  const facts = (await runSqlText<FirstLoadLineSums>(db, 'quality/first_load_sums', firstLoadFactSumsSql())).rows[0];
  // As SQL's `=` would answer: no lines (NULL sums) never agree, and the checks compare line by line.
  const matched = lines.n === facts.n && lines.h0 !== null && lines.h0 === facts.h0 && lines.h1 !== null && lines.h1 === facts.h1;
  return [kind, matched, lines.n, lines.total, facts.total];
}

const ROW_CHECK_TYPES = ['not_null', 'accepted_values', 'range', 'regex'] as const;
/**
 * A check that judges each staging row on its own: several of one entity can share one scan. A
 * custom check is one when it is written as a row condition (customRowForm).
 */
export type RowCheck = Extract<QualityCheck, { type: (typeof ROW_CHECK_TYPES)[number] | 'sql' }>;

const isRowCheck = (check: QualityCheck): check is RowCheck =>
  (ROW_CHECK_TYPES as readonly string[]).includes(check.type) || (check.type === 'sql' && customRowForm(check.file));

/** The validate stage's row checks grouped by entity, in the order their entities first appear. */
export function rowCheckGroups(checks: readonly QualityCheck[]): RowCheck[][] {
  const groups = new Map<string, RowCheck[]>();
  for (const check of checks) {
    if (check.stage !== 'validate' || !isRowCheck(check)) continue;
    const group = groups.get(check.entity) ?? [];
    group.push(check);
    groups.set(check.entity, group);
  }
  return [...groups.values()];
}

/**
 * Runs several row checks of one entity in one scan (sql/quality/row_checks.sql); each result is
 * what measureCheck returns for that check alone. Errors name the checks and the file.
 */
export async function measureRowChecks(
  db: Queryable,
  runId: string,
  checks: readonly RowCheck[],
  source?: StagedRows,
): Promise<QualityCheckResult[]> {
  if (source === undefined) await ensureTypedTables(db, runId);
  const statement = rowChecksStatement(checks, source ?? typedRows(runId));
  const names = checks.map((check) => check.name).join(', ');
  let rows: Array<Record<string, string | string[]>>;
  try {
    const run = () => db.query(statement.text, [runId, ...statement.params]);
    ({ rows } = statement.settings ? await withPlanSettings(db, statement.settings, run) : await run());
  } catch (error) {
    const e = error as Error;
    e.message = `quality checks ${names} (sql/${statement.file}.sql): ${e.message}`;
    throw e;
  }
  const row = rows[0];
  if (!row) throw new Error(`quality checks ${names} (sql/${statement.file}.sql) returned no row for run ${runId}`);
  return checks.map((check, n) => ({
    check,
    // A row condition counts the rows it judged (rows_checked_n); the other checks every row.
    rowsChecked: String(row[`rows_checked_${n}`] ?? row.rows_checked),
    violations: String(row[`violations_${n}`]),
    sampleIds: row[`sample_ids_${n}`] as string[],
  }));
}

/**
 * One statement for row checks of one entity. Like checkStatement, identifiers come only from the
 * checked YAML through escapeIdentifier, and names generated here (trimmed_0, violated_1); every
 * value from the YAML is a bind parameter. Each check's condition is its type's file in
 * sql/quality/row_checks/.
 */
export function rowChecksStatement(checks: readonly RowCheck[], rows: StagedRows = STAGING_ROWS): CheckStatement {
  const entity = checks[0]?.entity;
  if (entity === undefined || checks.some((check) => check.entity !== entity)) {
    throw new Error(`row checks must be of one entity: ${checks.map((c) => `${c.name} (${c.entity})`).join(', ')}`);
  }
  const params: unknown[] = [];
  const param = (value: unknown) => {
    params.push(value);
    return `$${params.length + 1}`;
  };
  const values: string[] = [];
  const trimmed = new Map<string, string>();
  const parsed = new Map<string, string>();
  // A typed table holds each column already trimmed (a blank as NULL, which every condition
  // treats as it treats ''), and parsed columns for the contract's numbers, dates and times.
  const trimmedOf = (column: string) => {
    let alias = trimmed.get(column);
    if (alias === undefined) {
      alias = `trimmed_${trimmed.size}`;
      trimmed.set(column, alias);
      values.push(`${rows.typed ? escapeIdentifier(column) : `btrim(${escapeIdentifier(column)})`} AS ${alias}`);
    }
    return alias;
  };
  const parsedOf = (column: string, parse: string) => {
    let alias = parsed.get(`${parse}(${column})`);
    if (alias === undefined) {
      alias = `parsed_${parsed.size}`;
      parsed.set(`${parse}(${column})`, alias);
      values.push(`${parsedExpression(rows, entity, column, parse)} AS ${alias}`);
    }
    return alias;
  };
  const verdicts: string[] = [];
  const measures: string[] = [];
  checks.forEach((check, n) => {
    const file = `quality/row_checks/${check.type}`;
    let fill: (column: string) => Record<string, string>;
    switch (check.type) {
      case 'not_null':
        fill = (column) => ({ trimmed: trimmedOf(column) });
        break;
      case 'accepted_values': {
        const accepted = param(check.values);
        fill = (column) => ({ trimmed: trimmedOf(column), values: accepted });
        break;
      }
      case 'regex': {
        const pattern = param(check.pattern);
        fill = (column) => ({ trimmed: trimmedOf(column), pattern });
        break;
      }
      case 'range': {
        const cast = RANGE_CASTS[check.valueType];
        const bounds = { min: param(check.min ?? null), max: param(check.max ?? null), inclusive: param(check.inclusive) };
        fill = (column) => ({ trimmed: trimmedOf(column), parsed: parsedOf(column, cast.parse), value_type: cast.valueType, ...bounds });
        break;
      }
      case 'sql': {
        // A row condition reads the table's own columns, so it is computed in the scan; NULL is a
        // row it leaves unchecked: only its non-NULL verdicts are the rows it checked.
        values.push(`(${fragment(`quality/custom/rows/${check.file}`, {})}) AS verdict_${n}`);
        verdicts.push(`verdict_${n} AS violated_${n}`);
        measures.push(`${fragment('quality/row_checks/measure', { violated: `violated_${n}`, n: String(n) })},\ncount(violated_${n}) AS rows_checked_${n}`);
        return;
      }
    }
    // Any listed column flagging the row flags it, as the single-check templates' EXISTS does.
    const conditions = check.columns.map((column) => `(${fragment(file, fill(column))}) IS TRUE`);
    verdicts.push(`${conditions.join(' OR ')} AS violated_${n}`);
    measures.push(fragment('quality/row_checks/measure', { violated: `violated_${n}`, n: String(n) }));
  });
  const spec = ENTITY_SPECS[entity];
  const statement = renderFile(
    'quality/row_checks',
    {
      run_filter: runFilter(rows),
      table: rows.table(entity),
      // A typed table holds the key trimmed already (blank as NULL): not trimmed again per check.
      // The name is computed here rather than stored: the order lines' typed table has no
      // record_id column (a 9% narrower table to write at 1M orders; typed/transaction_items.sql).
      record_id: rows.typed
        ? `coalesce(${escapeIdentifier(spec.key)}, source_file || ':' || source_line)`
        : `coalesce(nullif(btrim(${escapeIdentifier(spec.key)}), ''), source_file || ':' || source_line)`,
      values: values.join(',\n         '),
      verdicts: verdicts.join(',\n         '),
      measures: measures.join(',\n       '),
    },
    params,
  );
  return statement;
}

/** A condition file of sql/quality/row_checks/ filled in; its comment lines stay out of the statement. */
function fragment(file: string, fill: Record<string, string>): string {
  const text = sqlFile(file)
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('--') && line.trim() !== '')
    .join('\n');
  return fillSqlPlaceholders(file, text, fill);
}

/** Score, grade and failing checks of a set of results (sql/quality/run_score.sql). */
export async function scoreChecks(db: Queryable, results: readonly QualityCheckResult[], threshold: number): Promise<QualityVerdict> {
  const { rows } = await runSqlFile<{
    score: string;
    grade: string;
    threshold: string;
    score_passed: boolean;
    passed: boolean;
    error_checks: string[];
    failed_checks: string[];
    worst_checks: string[];
  }>(db, 'quality/run_score', [JSON.stringify(results.map(toRecord)), threshold]);
  const row = rows[0];
  return {
    score: row.score,
    grade: row.grade,
    threshold: row.threshold,
    scorePassed: row.score_passed,
    passed: row.passed,
    errorChecks: row.error_checks,
    failedChecks: row.failed_checks,
    worstChecks: row.worst_checks,
  };
}

/** Replaces the run's results of this stage (and, for validate, its score) through `db`. */
async function storeResults(
  db: Queryable,
  runId: string,
  stage: QualityStage,
  results: readonly QualityCheckResult[],
  verdict: QualityVerdict | undefined,
): Promise<void> {
  await runSqlFile(db, 'quality/clear_quality_checks', [runId, stage]);
  await runSqlFile(db, 'quality/store_quality_checks', [runId, JSON.stringify(results.map(toRecord))]);
  if (verdict) {
    await runSqlFile(db, 'quality/store_quality_score', [runId, verdict.score, verdict.grade, verdict.threshold, verdict.passed]);
  }
}

function toRecord(result: QualityCheckResult) {
  const { check } = result;
  return {
    check_name: check.name,
    check_type: check.type,
    stage: check.stage,
    family: check.family,
    entity: check.entity,
    severity: check.severity,
    threshold: check.threshold.text,
    threshold_count: check.threshold.count ?? null,
    threshold_rate: check.threshold.rate ?? null,
    weight: check.weight,
    description: check.description,
    rows_checked: result.rowsChecked,
    violations: result.violations,
    sample_ids: result.sampleIds,
  };
}

/** How each range type parses raw text and which SQL type its bounds take. Fixed here, never from YAML. */
const RANGE_CASTS: Record<RangeValueType, { parse: string; valueType: string }> = {
  number: { parse: 'ops.safe_numeric', valueType: 'numeric' },
  integer: { parse: 'ops.safe_int', valueType: 'numeric' },
  date: { parse: 'ops.safe_date', valueType: 'date' },
  time: { parse: 'ops.safe_time', valueType: 'time' },
};

interface CheckStatement {
  file: string;
  text: string;
  /** Bind parameters after $1, the run id. */
  params: unknown[];
  /** Planner settings around the statement alone (withPlanSettings). */
  settings?: Readonly<Record<string, string>>;
}

/** A column's value trimmed: on a typed table the column itself (trimmed when built, blank as NULL). */
function trimmedExpression(rows: StagedRows, column: string, alias?: string): string {
  const reference = alias === undefined ? escapeIdentifier(column) : `${alias}.${escapeIdentifier(column)}`;
  return rows.typed ? reference : `btrim(${reference})`;
}

const qualified = (schema: string, table: string) => `${escapeIdentifier(schema)}.${escapeIdentifier(table)}`;
const columnList = (columns: readonly string[]) => columns.map(escapeIdentifier).join(', ');

/**
 * The check's SQL: its type's template from sql/quality with identifiers filled in. Every
 * identifier was checked against ENTITY_SPECS when the YAML was loaded and is escaped here;
 * values travel as bind parameters.
 */
export function checkStatement(check: QualityCheck, rows: StagedRows = STAGING_ROWS): CheckStatement {
  const spec = ENTITY_SPECS[check.entity];
  const table = rows.table(check.entity);
  const key = escapeIdentifier(spec.key);
  // {{check_result}}: the result row the per-column templates share (sql/quality/check_result.sql).
  const render = (file: string, fill: Record<string, string>, params: unknown[]) =>
    renderFile(file, { run_filter: runFilter(rows), check_result: sqlFile('quality/check_result'), ...fill }, params);
  switch (check.type) {
    case 'not_null':
      return render('quality/not_null', { table, key, columns: columnList(check.columns) }, []);
    case 'unique':
      return render(
        'quality/unique',
        { table, trimmed_key: trimmedExpression(rows, spec.key), trimmed_column: trimmedExpression(rows, check.column) },
        [check.ignoreCase, check.column === spec.key],
      );
    case 'relationships':
      return render(
        'quality/relationships',
        {
          table,
          trimmed_key: trimmedExpression(rows, spec.key, 'c'),
          trimmed_reference: trimmedExpression(rows, check.column, 'c'),
          trimmed_parent: trimmedExpression(rows, check.to.column),
          parent_table: rows.table(check.to.entity),
          parent_production_table: qualified('production', check.to.entity),
          parent_column: escapeIdentifier(check.to.column),
        },
        [],
      );
    case 'accepted_values':
      return render('quality/accepted_values', { table, key, columns: columnList(check.columns) }, [check.values]);
    case 'range': {
      const cast = RANGE_CASTS[check.valueType];
      return render(
        'quality/range',
        { table, key, columns: columnList(check.columns), parse: cast.parse, value_type: cast.valueType },
        [check.min ?? null, check.max ?? null, check.inclusive],
      );
    }
    case 'regex':
      return render('quality/regex', { table, key, columns: columnList(check.columns) }, [check.pattern]);
    case 'row_count_change':
      return render('quality/row_count_change', { table }, [check.entity, check.maxChangePct]);
    case 'freshness':
      return render('quality/freshness', { table, parsed: parsedExpression(rows, check.entity, check.column, 'ops.safe_date') }, [check.maxAgeDays]);
    case 'reconciliation': {
      const file = `quality/reconcile_${check.from}_${check.to}_${check.measure}`;
      if (check.from === 'staging' && check.measure === 'row_count') {
        return render(
          file,
          { table, trimmed_key: trimmedExpression(rows, spec.key), production_table: qualified('production', check.entity), key },
          [check.entity],
        );
      }
      // Grouped by sorting: the workers sort their joined lines and group them partially, the leader
      // merges 1M presorted partial groups. With hash aggregates (the planner guesses ~40k orders)
      // the leader hashed all 1M orders again, ~400 MB spilling to disk. A first load's 1M orders:
      // leader CPU 2.86-2.94 → 2.20-2.24 s, workers +0.5 s, wall 3.5 → 3.0-3.2 s; a delta's the same.
      if (check.measure === 'order_total') return { ...render(file, {}, []), settings: { enable_hashagg: 'off' } };
      if (check.from === 'staging') {
        return render(
          file,
          {
            table: rows.table('transaction_items'),
            trimmed_item: trimmedExpression(rows, 'item_id', 's'),
            line_total: parsedExpression(rows, 'transaction_items', 'line_total', 'ops.safe_numeric'),
          },
          [],
        );
      }
      // Both production → warehouse checks judge the lines of one splice; the row count also the
      // month ranges sales_lines.sql reads, for an incremental or a first load ($2), whose lines
      // it may probe one by one.
      const loadLines = renderSqlFile('quality/warehouse_load_lines', {
        first_load_lines: renderSqlFile('quality/first_load_lines', {
          items_to: '(SELECT items_to FROM load)',
          transactions_to: '(SELECT transactions_to FROM load)',
          first: "$2::text = 'first'",
        }),
      });
      if (check.measure === 'row_count') {
        return render(file, { load_lines: loadLines, fact_months: renderSqlFile('warehouse/fact_month_item_ranges', { when: "$2::text IN ('first', 'incremental')" }) }, []);
      }
      return render(file, { load_lines: loadLines }, []);
    }
    case 'sql':
      // A row condition is measured as the one check of a row-check scan (measureCheck reads it so).
      if (customRowForm(check.file)) return rowChecksStatement([check], rows);
      // Custom checks name their tables by entity; on typed tables they read the parsed columns.
      return render(`quality/custom/${check.file}`, Object.fromEntries(ENTITIES.map((entity) => [entity, rows.table(entity)])), []);
  }
}

/**
 * The condition picking the run's rows ($1) of a template's table: a typed table holds one run
 * only (the condition still names $1, so its type is known where nothing else uses it).
 */
function runFilter(rows: StagedRows): string {
  return rows.typed ? '$1::text IS NOT NULL' : 'run_id = $1';
}

function renderFile(file: string, fill: Record<string, string>, params: unknown[]): CheckStatement {
  return { file, text: renderSqlFile(file, fill), params };
}
