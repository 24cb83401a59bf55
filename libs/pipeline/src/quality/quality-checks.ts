import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { repoRoot, sqlDir } from '@ecom/config';
import { ENTITIES, ENTITY_SPECS, type Entity } from '@ecom/contracts';

/** The five families of ops.quality_checks.family; the score is reported per family too. */
export const QUALITY_FAMILIES = ['completeness', 'uniqueness', 'referential_integrity', 'consistency', 'range'] as const;
export type QualityFamily = (typeof QUALITY_FAMILIES)[number];

export const QUALITY_CHECK_TYPES = [
  'not_null',
  'unique',
  'relationships',
  'accepted_values',
  'range',
  'regex',
  'row_count_change',
  'freshness',
  'reconciliation',
  'sql',
] as const;
export type QualityCheckType = (typeof QUALITY_CHECK_TYPES)[number];

export const QUALITY_SEVERITIES = ['warn', 'error'] as const;
export type QualitySeverity = (typeof QUALITY_SEVERITIES)[number];

/** Stages that run checks: the validator on staging; transform and warehouse reconcile their layer. */
export const QUALITY_STAGES = ['validate', 'transform', 'warehouse'] as const;
export type QualityStage = (typeof QUALITY_STAGES)[number];

export const RANGE_VALUE_TYPES = ['number', 'integer', 'date', 'time'] as const;
export type RangeValueType = (typeof RANGE_VALUE_TYPES)[number];

export const RECONCILIATION_MEASURES = ['row_count', 'revenue_sum', 'order_total'] as const;
export type ReconciliationMeasure = (typeof RECONCILIATION_MEASURES)[number];

/**
 * Allowed violations before an error-severity check fails the run: a count, or a share of the
 * rows the check saw ("2%" is stored as rate 0.02 next to its text).
 */
export type QualityThreshold = { text: string; count: number; rate?: undefined } | { text: string; rate: number; count?: undefined };

interface CheckBase {
  name: string;
  family: QualityFamily;
  entity: Entity;
  severity: QualitySeverity;
  threshold: QualityThreshold;
  weight: number;
  description: string;
  stage: QualityStage;
}

export type QualityCheck = CheckBase &
  (
    | { type: 'not_null'; columns: string[] }
    | { type: 'unique'; column: string; ignoreCase: boolean }
    | { type: 'relationships'; column: string; to: { entity: Entity; column: string } }
    | { type: 'accepted_values'; columns: string[]; values: string[] }
    | { type: 'range'; columns: string[]; valueType: RangeValueType; min?: string; max?: string; inclusive: boolean }
    | { type: 'regex'; columns: string[]; pattern: string }
    | { type: 'row_count_change'; maxChangePct: number }
    | { type: 'freshness'; column: string; maxAgeDays: number }
    | { type: 'reconciliation'; from: 'staging' | 'production'; to: 'production' | 'warehouse'; measure: ReconciliationMeasure }
    | { type: 'sql'; file: string }
  );

/** The loaded and checked contents of config/quality-checks.yaml. A class, so Nest can inject it by type. */
export class QualityChecksConfig {
  constructor(
    readonly file: string,
    readonly checks: readonly QualityCheck[],
  ) {}

  forStage(stage: QualityStage): QualityCheck[] {
    return this.checks.filter((check) => check.stage === stage);
  }
}

export class QualityConfigError extends Error {
  override name = 'QualityConfigError';
}

/** Where the checks are declared; a constant for now, tests pass their own file or text. */
export function defaultQualityChecksFile(): string {
  return join(repoRoot(), 'config', 'quality-checks.yaml');
}

/** Reads and checks the YAML file; any mistake throws one QualityConfigError listing them all. */
export function loadQualityChecks(file: string = defaultQualityChecksFile()): QualityChecksConfig {
  if (!existsSync(file)) throw new QualityConfigError(`quality checks file not found: ${file}`);
  return parseQualityChecks(readFileSync(file, 'utf8'), file);
}

const COMMON_KEYS = ['name', 'type', 'entity', 'family', 'severity', 'threshold', 'weight', 'description', 'stage'];
/** Keys each type takes besides the common ones; `params` keys are listed separately. */
const TYPE_KEYS: Record<QualityCheckType, { keys: string[]; params: string[] }> = {
  not_null: { keys: ['column', 'columns'], params: [] },
  unique: { keys: ['column'], params: ['ignore_case'] },
  relationships: { keys: ['column'], params: ['to'] },
  accepted_values: { keys: ['column', 'columns'], params: ['values'] },
  range: { keys: ['column', 'columns'], params: ['type', 'min', 'max', 'inclusive'] },
  regex: { keys: ['column', 'columns'], params: ['pattern'] },
  row_count_change: { keys: [], params: ['max_change_pct'] },
  freshness: { keys: ['column'], params: ['max_age_days'] },
  reconciliation: { keys: [], params: ['from', 'to', 'measure'] },
  sql: { keys: ['file'], params: [] },
};

const NAME = /^[a-z][a-z0-9_]{0,62}$/;
const ISO_DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const TIME = /^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$/;
const RATE = /^(\d+(\.\d+)?)\s*%$/;

/**
 * Parses and checks the YAML text. Identifiers (entities, columns, custom files) are checked
 * against the contract here, because the SQL templates splice them in: a name not in
 * ENTITY_SPECS never reaches a query.
 */
export function parseQualityChecks(text: string, file = 'quality-checks.yaml'): QualityChecksConfig {
  const where = basename(file);
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (error) {
    throw new QualityConfigError(`${where}: not valid YAML: ${(error as Error).message}`);
  }
  const errors: string[] = [];
  const root = isRecord(document) ? document : {};
  if (!isRecord(document)) errors.push(`${where}: expected a mapping with a 'checks' list`);
  for (const key of Object.keys(root)) if (!['version', 'checks'].includes(key)) errors.push(`${where}: unknown top-level key '${key}'`);
  const list = root.checks;
  if (isRecord(document) && (!Array.isArray(list) || list.length === 0)) errors.push(`${where}: 'checks' must be a non-empty list`);

  const checks: QualityCheck[] = [];
  const seen = new Set<string>();
  for (const [index, raw] of (Array.isArray(list) ? list : []).entries()) {
    const label = isRecord(raw) && typeof raw.name === 'string' ? `check '${raw.name}'` : `check #${index + 1}`;
    const problems: string[] = [];
    const check = readCheck(raw, problems);
    if (check && seen.has(check.name)) problems.push(`name '${check.name}' is used twice`);
    if (check) seen.add(check.name);
    errors.push(...problems.map((p) => `${where}: ${label}: ${p}`));
    if (check && problems.length === 0) checks.push(check);
  }
  if (errors.length > 0) throw new QualityConfigError(errors.join('\n'));
  return new QualityChecksConfig(file, checks);
}

function readCheck(raw: unknown, problems: string[]): QualityCheck | undefined {
  if (!isRecord(raw)) {
    problems.push('expected a mapping');
    return undefined;
  }
  const name = raw.name;
  if (typeof name !== 'string' || !NAME.test(name)) problems.push(`'name' must be lower_snake_case, got ${show(name)}`);
  const type = raw.type as QualityCheckType;
  if (!QUALITY_CHECK_TYPES.includes(type)) {
    problems.push(`unknown type ${show(raw.type)} (one of ${QUALITY_CHECK_TYPES.join(', ')})`);
    return undefined;
  }
  const allowed = [...COMMON_KEYS, ...TYPE_KEYS[type].keys, ...(TYPE_KEYS[type].params.length > 0 ? ['params'] : [])];
  for (const key of Object.keys(raw)) if (!allowed.includes(key)) problems.push(`unknown key '${key}' for type ${type}`);
  const params = raw.params === undefined ? {} : raw.params;
  if (!isRecord(params)) problems.push(`'params' must be a mapping`);
  const p = isRecord(params) ? params : {};
  for (const key of Object.keys(p)) {
    if (!TYPE_KEYS[type].params.includes(key)) problems.push(`unknown key 'params.${key}' for type ${type}`);
  }

  const entity = raw.entity as Entity;
  if (!ENTITIES.includes(entity)) problems.push(`'entity' must be one of ${ENTITIES.join(', ')}, got ${show(raw.entity)}`);
  const family = raw.family as QualityFamily;
  if (!QUALITY_FAMILIES.includes(family)) problems.push(`'family' must be one of ${QUALITY_FAMILIES.join(', ')}, got ${show(raw.family)}`);
  const severity = (raw.severity ?? 'warn') as QualitySeverity;
  if (!QUALITY_SEVERITIES.includes(severity)) problems.push(`'severity' must be warn or error, got ${show(raw.severity)}`);
  const threshold = readThreshold(raw.threshold ?? 0, problems);
  const weight = raw.weight;
  if (typeof weight !== 'number' || !Number.isFinite(weight) || weight < 0) problems.push(`'weight' must be a number >= 0, got ${show(weight)}`);
  const description = raw.description;
  if (typeof description !== 'string' || description.trim() === '') problems.push(`'description' is required`);
  const stage = (raw.stage ?? (type === 'reconciliation' ? undefined : 'validate')) as QualityStage;
  if (!QUALITY_STAGES.includes(stage)) problems.push(`'stage' must be one of ${QUALITY_STAGES.join(', ')}, got ${show(raw.stage)}`);
  else if (type !== 'reconciliation' && type !== 'sql' && stage !== 'validate') {
    problems.push(`'stage' ${stage} is only for reconciliation and sql checks; ${type} reads staging at validate`);
  }
  if (!ENTITIES.includes(entity)) return undefined;

  const column = (key: string, value: unknown, of: Entity = entity): string => {
    if (typeof value !== 'string' || !ENTITY_SPECS[of].columns.includes(value)) {
      problems.push(`'${key}' ${show(value)} is not a column of ${of} (${ENTITY_SPECS[of].columns.join(', ')})`);
      return '';
    }
    return value;
  };
  const columns = (): string[] => {
    if (raw.column !== undefined && raw.columns !== undefined) problems.push(`give 'column' or 'columns', not both`);
    if (raw.column !== undefined) return [column('column', raw.column)];
    if (!Array.isArray(raw.columns) || raw.columns.length === 0) {
      problems.push(`'columns' must be a non-empty list of columns of ${entity}`);
      return [];
    }
    return raw.columns.map((c, i) => column(`columns[${i}]`, c));
  };
  const required = (key: string) => {
    if (p[key] === undefined) problems.push(`'params.${key}' is required for type ${type}`);
    return p[key];
  };
  const base: CheckBase = { name: name as string, family, entity, severity, threshold, weight: weight as number, description: description as string, stage };

  switch (type) {
    case 'not_null':
      return { ...base, type, columns: columns() };
    case 'unique': {
      const ignoreCase = p.ignore_case ?? false;
      if (typeof ignoreCase !== 'boolean') problems.push(`'params.ignore_case' must be true or false`);
      return { ...base, type, column: column('column', raw.column), ignoreCase: ignoreCase === true };
    }
    case 'relationships': {
      const to = required('to');
      if (!isRecord(to) || !ENTITIES.includes(to.entity as Entity)) {
        problems.push(`'params.to' must be {entity, column} with entity one of ${ENTITIES.join(', ')}, got ${show(to)}`);
        return undefined;
      }
      for (const key of Object.keys(to)) if (!['entity', 'column'].includes(key)) problems.push(`unknown key 'params.to.${key}'`);
      const toEntity = to.entity as Entity;
      // Only a parent's key identifies one parent row: joining on any other column would count wrong.
      if (to.column !== ENTITY_SPECS[toEntity].key) {
        problems.push(`'params.to.column' must be ${toEntity}'s key ${ENTITY_SPECS[toEntity].key}, got ${show(to.column)}`);
      }
      return { ...base, type, column: column('column', raw.column), to: { entity: toEntity, column: column('params.to.column', to.column, toEntity) } };
    }
    case 'accepted_values': {
      const values = required('values');
      if (!Array.isArray(values) || values.length === 0 || !values.every((v) => typeof v === 'string' || typeof v === 'number')) {
        problems.push(`'params.values' must be a non-empty list of values`);
        return undefined;
      }
      return { ...base, type, columns: columns(), values: values.map(String) };
    }
    case 'range': {
      const valueType = (p.type ?? 'number') as RangeValueType;
      if (!RANGE_VALUE_TYPES.includes(valueType)) problems.push(`'params.type' must be one of ${RANGE_VALUE_TYPES.join(', ')}, got ${show(p.type)}`);
      const inclusive = p.inclusive ?? true;
      if (typeof inclusive !== 'boolean') problems.push(`'params.inclusive' must be true or false`);
      const bound = (key: 'min' | 'max'): string | undefined => {
        const value = p[key];
        if (value === undefined || value === null) return undefined;
        const ok =
          valueType === 'number' ? typeof value === 'number' && Number.isFinite(value)
          : valueType === 'integer' ? Number.isInteger(value)
          : valueType === 'date' ? value === 'today' || (typeof value === 'string' && ISO_DATE.test(value))
          : typeof value === 'string' && TIME.test(value);
        if (!ok) problems.push(`'params.${key}' ${show(value)} is not ${valueType === 'date' ? 'a YYYY-MM-DD date or today' : valueType === 'time' ? 'a HH:MM[:SS] time' : `of type ${valueType}`}`);
        return String(value);
      };
      return { ...base, type, columns: columns(), valueType, min: bound('min'), max: bound('max'), inclusive: inclusive === true };
    }
    case 'regex': {
      const pattern = required('pattern');
      if (pattern !== undefined && (typeof pattern !== 'string' || pattern === '')) problems.push(`'params.pattern' must be a non-empty string`);
      return { ...base, type, columns: columns(), pattern: String(pattern) };
    }
    case 'row_count_change': {
      const pct = required('max_change_pct');
      if (pct !== undefined && (typeof pct !== 'number' || !(pct >= 0))) problems.push(`'params.max_change_pct' must be a number >= 0, got ${show(pct)}`);
      return { ...base, type, maxChangePct: Number(pct) };
    }
    case 'freshness': {
      const days = required('max_age_days');
      if (days !== undefined && (!Number.isInteger(days) || (days as number) < 0)) problems.push(`'params.max_age_days' must be a whole number >= 0, got ${show(days)}`);
      return { ...base, type, column: column('column', raw.column), maxAgeDays: Number(days) };
    }
    case 'reconciliation': {
      const { from, to, measure } = { from: required('from'), to: required('to'), measure: required('measure') };
      const pair = `${String(from)}->${String(to)}`;
      const stageOf: Record<string, QualityStage> = { 'staging->production': 'transform', 'production->warehouse': 'warehouse' };
      if (!stageOf[pair]) problems.push(`'params.from'/'params.to' must be staging -> production or production -> warehouse, got ${show(from)} -> ${show(to)}`);
      else if (raw.stage !== stageOf[pair]) problems.push(`'stage' must be ${stageOf[pair]} for a ${from} -> ${to} reconciliation (that layer exists only then), got ${show(raw.stage)}`);
      if (!RECONCILIATION_MEASURES.includes(measure as ReconciliationMeasure)) problems.push(`'params.measure' must be one of ${RECONCILIATION_MEASURES.join(', ')}, got ${show(measure)}`);
      else if ((measure === 'revenue_sum' || to === 'warehouse') && entity !== 'transaction_items') {
        problems.push(`'entity' must be transaction_items for ${measure === 'revenue_sum' ? 'revenue_sum' : 'a warehouse reconciliation'} (fact_sales holds order lines), got ${entity}`);
      } else if (measure === 'order_total' && (entity !== 'transactions' || to !== 'production')) {
        problems.push(`'order_total' compares production orders with their lines: entity transactions, staging -> production, got ${entity}, ${show(from)} -> ${show(to)}`);
      }
      return { ...base, type, from: from as 'staging', to: to as 'production', measure: measure as ReconciliationMeasure };
    }
    case 'sql': {
      const fileName = raw.file;
      if (typeof fileName !== 'string' || !NAME.test(fileName)) problems.push(`'file' must name a file in sql/quality/custom/ without .sql, got ${show(fileName)}`);
      else if (!existsSync(join(sqlDir(), 'quality', 'custom', `${fileName}.sql`)) && !customRowForm(fileName)) {
        problems.push(`'file' sql/quality/custom/${fileName}.sql does not exist`);
      }
      return { ...base, type, file: String(fileName) };
    }
  }
}

function readThreshold(value: unknown, problems: string[]): QualityThreshold {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return { text: String(value), count: value };
  const match = typeof value === 'string' ? RATE.exec(value.trim()) : null;
  if (match && Number(match[1]) <= 100) return { text: `${match[1]}%`, rate: Number(match[1]) / 100 };
  problems.push(`'threshold' must be a count >= 0 or a rate like "2%", got ${show(value)}`);
  return { text: '0', count: 0 };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function show(value: unknown): string {
  return value === undefined ? 'nothing' : typeof value === 'string' ? `'${value}'` : JSON.stringify(value);
}

/**
 * Whether custom check `file` is a row condition (sql/quality/custom/rows/<file>.sql: one
 * expression over one row of its entity's typed table, TRUE flagging the row, NULL leaving it
 * unchecked) rather than a statement (sql/quality/custom/<file>.sql). A row condition is measured
 * in the scan its entity's row checks share.
 */
export function customRowForm(file: string): boolean {
  return existsSync(join(sqlDir(), 'quality', 'custom', 'rows', `${file}.sql`));
}
