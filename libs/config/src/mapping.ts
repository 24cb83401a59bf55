import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { repoRoot } from './paths';

/**
 * A mapping: how one shop's export (one row per order line, in any column layout) becomes the
 * four contract CSVs (docs/mappings.md). Read and checked here, before anything is converted, so a
 * mistake is one line per problem naming the file, the key path and what was expected.
 */

/**
 * The statuses a source line can have (docs/mappings.md): `sold` lines become order lines,
 * `cancelled` and `adjusted` ones returns (they offset earlier sales: a credit note), `void` ones
 * nothing (an order that never became a sale: counted in the control totals only).
 */
export const LINE_STATUSES = ['sold', 'cancelled', 'adjusted', 'void'] as const;
export type LineStatus = (typeof LINE_STATUSES)[number];

/** How a value is read from a source row (or given). */
export interface ValueSpec {
  column?: string;
  constant?: string;
  /** `{customer_id}` (the entity's own key) or `{column:Name}` (a source column) placeholders. */
  template?: string;
  /** A derivation the converter knows (customers.registration_date: first_order_date; ...). */
  derive?: string;
  /** Source value → contract value; `otherwise` for values not listed (else the value itself). */
  map?: Record<string, string>;
  otherwise?: string;
  /** Given when the source value is blank. */
  default?: string;
  /** A person's full name in one column: `first` takes the first word, `rest` the others. */
  split?: 'first' | 'rest';
  /** Which line's value an entity takes when its lines differ. */
  pick?: 'first' | 'latest' | 'most_frequent';
}

export interface StatusRule {
  status: LineStatus;
  column: string;
  starts_with?: string;
  below?: number;
  /** The column is not blank (a `Cancelled at` date). */
  present?: boolean;
  equals?: string;
}

export interface Mapping {
  /** The mapping's name (its file name without .yaml) and the file it came from. */
  name: string;
  file: string;
  description?: string;
  source: {
    /** Glob patterns (`*`, `?`) of file names in the --from folder; `.gz` files are read gunzipped. */
    files: string[];
    delimiter: string;
    /** IANA zone of the source's times; the contract's times are UTC. */
    timezone: string;
    /** Columns an order gives on its first row only (the rows after it leave them blank). */
    orderFieldsOnFirstRow: string[];
  };
  formats: {
    datetime: string[];
    decimalPoint: '.' | ',';
    thousandsSeparator: string;
    /** `17850.0` → `17850`: ids that went through a spreadsheet or a float column. */
    idsStripZeroFraction: boolean;
  };
  lines: {
    order_id: ValueSpec;
    ordered_at: ValueSpec;
    customer_id: ValueSpec;
    product_id: ValueSpec;
    quantity: ValueSpec;
    unit_price: ValueSpec;
    discount_percentage?: ValueSpec;
  };
  status: { rules: StatusRule[]; otherwise: LineStatus };
  /** Lines without a customer id: `quarantine`, or kept as the customer `as`. */
  guests: { action: 'quarantine' } | { action: 'customer'; customerId: string };
  customers: Record<string, ValueSpec>;
  products: Record<string, ValueSpec>;
  transactions: Record<string, ValueSpec>;
}

export class MappingError extends Error {
  override name = 'MappingError';
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
  }
}

/** The contract columns a mapping gives per entity; the others are derived by the converter. */
export const MAPPED_COLUMNS = {
  customers: { required: ['first_name', 'last_name', 'email', 'registration_date'], optional: ['phone', 'city', 'state', 'country', 'age_group'] },
  products: { required: ['product_name', 'category', 'price', 'cost'], optional: ['sub_category', 'brand', 'stock_quantity', 'supplier_id'] },
  transactions: { required: ['payment_method'], optional: ['shipping_address'] },
} as const;
export type MappedEntity = keyof typeof MAPPED_COLUMNS;

/** Derivations per entity column; every other column is read, given or templated. */
export const DERIVATIONS: Record<string, readonly string[]> = {
  'customers.registration_date': ['first_order_date'],
  'products.price': ['latest_positive_unit_price', 'most_frequent_positive_unit_price'],
};

const LINE_FIELDS = ['order_id', 'ordered_at', 'customer_id', 'product_id', 'quantity', 'unit_price', 'discount_percentage'] as const;
const REQUIRED_LINE_FIELDS = LINE_FIELDS.filter((f) => f !== 'discount_percentage' && f !== 'customer_id');
const VALUE_KEYS = ['column', 'constant', 'template', 'derive', 'map', 'otherwise', 'default', 'split', 'pick'];
const TOP_KEYS = ['description', 'source', 'formats', 'lines', 'status', 'guests', 'customers', 'products', 'transactions'];
const DATETIME_TOKENS = /YYYY|MM|M|DD|D|HH|H|mm|ss|Z/g;

export function mappingsDir(): string {
  return join(repoRoot(), 'mappings');
}

/** A name (`online-retail`: mappings/online-retail.yaml) or a path to a YAML file. */
export function resolveMappingFile(nameOrFile: string): string {
  if (/^[a-z0-9][a-z0-9_-]*$/i.test(nameOrFile)) return join(mappingsDir(), `${nameOrFile}.yaml`);
  return isAbsolute(nameOrFile) ? nameOrFile : resolve(process.cwd(), nameOrFile);
}

/** Reads and checks a mapping; any mistake throws one MappingError listing them all. */
export function loadMapping(nameOrFile: string): Mapping {
  const file = resolveMappingFile(nameOrFile);
  const shown = shownPath(file);
  if (!existsSync(file)) {
    const names = existsSync(mappingsDir()) ? shippedMappingNames() : [];
    throw new MappingError([`${shown}: mapping not found${names.length ? ` (shipped mappings: ${names.join(', ')})` : ''}`]);
  }
  return parseMapping(readFileSync(file, 'utf8'), file);
}

export function shippedMappingNames(): string[] {
  return readdirSync(mappingsDir())
    .filter((n) => n.endsWith('.yaml'))
    .map((n) => n.slice(0, -'.yaml'.length))
    .sort();
}

function shownPath(file: string): string {
  const rel = relative(repoRoot(), file);
  return rel.startsWith('..') || isAbsolute(rel) ? file : rel;
}

export function parseMapping(text: string, file = 'mapping.yaml'): Mapping {
  const where = shownPath(file);
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (error) {
    throw new MappingError([`${where}: not valid YAML: ${(error as Error).message.split('\n')[0]}`]);
  }
  const errors: string[] = [];
  const problem = (path: string, expected: string) => errors.push(`${where}: ${path}: ${expected}`);
  if (!isRecord(document)) throw new MappingError([`${where}: expected a mapping with the keys ${TOP_KEYS.join(', ')}`]);
  for (const key of Object.keys(document)) if (!TOP_KEYS.includes(key)) problem(key, `unknown key (expected one of ${TOP_KEYS.join(', ')})`);

  const source = section(document, 'source', problem);
  const files = source.files;
  const fileList = typeof files === 'string' ? [files] : Array.isArray(files) && files.every((f) => typeof f === 'string' && f.trim() !== '') ? (files as string[]) : undefined;
  if (!fileList || fileList.length === 0) problem('source.files', `expected a file name pattern or a list of them (e.g. "*.csv"), got ${show(files)}`);
  for (const [i, pattern] of (fileList ?? []).entries()) {
    if (pattern.includes('/') || pattern.includes('\\')) problem(`source.files[${i}]`, `expected a file name pattern without a folder, got ${show(pattern)}`);
  }
  const delimiter = source.delimiter ?? ',';
  if (typeof delimiter !== 'string' || delimiter.length !== 1) problem('source.delimiter', `expected one character, got ${show(delimiter)}`);
  const timezone = source.timezone ?? 'UTC';
  if (typeof timezone !== 'string' || !isTimeZone(timezone)) problem('source.timezone', `expected an IANA time zone such as Europe/London or UTC, got ${show(timezone)}`);
  const firstRow = source.order_fields_on_first_row ?? [];
  if (!Array.isArray(firstRow) || !firstRow.every((c) => typeof c === 'string')) problem('source.order_fields_on_first_row', `expected a list of column names, got ${show(firstRow)}`);
  for (const key of Object.keys(source)) {
    if (!['files', 'delimiter', 'timezone', 'order_fields_on_first_row'].includes(key)) problem(`source.${key}`, 'unknown key (expected files, delimiter, timezone, order_fields_on_first_row)');
  }

  const formats = section(document, 'formats', problem, true);
  const datetime = formats.datetime ?? ['YYYY-MM-DD HH:mm:ss'];
  const datetimeList = typeof datetime === 'string' ? [datetime] : Array.isArray(datetime) ? datetime : undefined;
  if (!datetimeList || datetimeList.length === 0 || !datetimeList.every((f) => typeof f === 'string')) {
    problem('formats.datetime', `expected a date format such as "M/D/YYYY H:mm" or a list of them, got ${show(datetime)}`);
  }
  for (const [i, format] of (datetimeList ?? []).entries()) {
    if (typeof format !== 'string') continue;
    const tokens: string[] = format.match(DATETIME_TOKENS) ?? [];
    if (!tokens.includes('YYYY') || !tokens.some((t) => t === 'M' || t === 'MM') || !tokens.some((t) => t === 'D' || t === 'DD')) {
      problem(`formats.datetime[${i}]`, `expected YYYY, M or MM, D or DD (and optionally H/HH, mm, ss, Z) in ${show(format)}`);
    }
  }
  const decimalPoint = formats.decimal_point ?? '.';
  if (decimalPoint !== '.' && decimalPoint !== ',') problem('formats.decimal_point', `expected "." or ",", got ${show(decimalPoint)}`);
  const thousands = formats.thousands_separator ?? '';
  if (typeof thousands !== 'string' || thousands.length > 1 || thousands === decimalPoint) {
    problem('formats.thousands_separator', `expected "", ",", "." or " " and not the decimal point, got ${show(thousands)}`);
  }
  const strip = formats.ids_strip_zero_fraction ?? false;
  if (typeof strip !== 'boolean') problem('formats.ids_strip_zero_fraction', `expected true or false, got ${show(strip)}`);
  for (const key of Object.keys(formats)) {
    if (!['datetime', 'decimal_point', 'thousands_separator', 'ids_strip_zero_fraction'].includes(key)) {
      problem(`formats.${key}`, 'unknown key (expected datetime, decimal_point, thousands_separator, ids_strip_zero_fraction)');
    }
  }

  const linesRaw = section(document, 'lines', problem);
  const lines: Record<string, ValueSpec> = {};
  for (const key of Object.keys(linesRaw)) {
    if (!(LINE_FIELDS as readonly string[]).includes(key)) problem(`lines.${key}`, `unknown line field (expected one of ${LINE_FIELDS.join(', ')})`);
  }
  for (const field of LINE_FIELDS) {
    const raw = linesRaw[field];
    if (raw === undefined) {
      if ((REQUIRED_LINE_FIELDS as readonly string[]).includes(field)) problem(`lines.${field}`, 'missing (expected { column: <source column> })');
      continue;
    }
    const spec = readValue(raw, `lines.${field}`, problem, { derivations: [], picks: false });
    if (spec) {
      if (spec.template !== undefined) problem(`lines.${field}.template`, 'a line field is read from a column or given as a constant');
      lines[field] = spec;
    }
  }

  const statusRaw = section(document, 'status', problem, true);
  const rules: StatusRule[] = [];
  const rulesRaw = statusRaw.rules ?? [];
  if (!Array.isArray(rulesRaw)) problem('status.rules', `expected a list of { status, column, starts_with | below | present | equals }, got ${show(rulesRaw)}`);
  for (const [i, raw] of (Array.isArray(rulesRaw) ? rulesRaw : []).entries()) {
    const at = `status.rules[${i}]`;
    if (!isRecord(raw)) {
      problem(at, `expected { status, column, starts_with | below | present | equals }, got ${show(raw)}`);
      continue;
    }
    for (const key of Object.keys(raw)) {
      if (!['status', 'column', 'starts_with', 'below', 'present', 'equals'].includes(key)) problem(`${at}.${key}`, 'unknown key (expected status, column, starts_with, below, present, equals)');
    }
    if (!(LINE_STATUSES as readonly unknown[]).includes(raw.status)) problem(`${at}.status`, `expected one of ${LINE_STATUSES.join(', ')}, got ${show(raw.status)}`);
    if (typeof raw.column !== 'string' || raw.column === '') problem(`${at}.column`, `expected a source column name, got ${show(raw.column)}`);
    const tests = ['starts_with', 'below', 'present', 'equals'].filter((k) => raw[k] !== undefined);
    if (tests.length !== 1) problem(at, `expected exactly one test of starts_with, below, present, equals, got ${tests.length ? tests.join(', ') : 'none'}`);
    if (raw.starts_with !== undefined && (typeof raw.starts_with !== 'string' || raw.starts_with === '')) problem(`${at}.starts_with`, `expected text, got ${show(raw.starts_with)}`);
    if (raw.below !== undefined && typeof raw.below !== 'number') problem(`${at}.below`, `expected a number, got ${show(raw.below)}`);
    if (raw.present !== undefined && raw.present !== true) problem(`${at}.present`, `expected true, got ${show(raw.present)}`);
    if (raw.equals !== undefined && typeof raw.equals !== 'string') problem(`${at}.equals`, `expected text, got ${show(raw.equals)}`);
    rules.push(raw as unknown as StatusRule);
  }
  const otherwise = statusRaw.otherwise ?? 'sold';
  if (!(LINE_STATUSES as readonly unknown[]).includes(otherwise)) problem('status.otherwise', `expected one of ${LINE_STATUSES.join(', ')}, got ${show(otherwise)}`);
  for (const key of Object.keys(statusRaw)) if (!['rules', 'otherwise'].includes(key)) problem(`status.${key}`, 'unknown key (expected rules, otherwise)');

  let guests: Mapping['guests'] = { action: 'quarantine' };
  const guestsRaw = document.guests ?? 'quarantine';
  if (guestsRaw === 'quarantine') guests = { action: 'quarantine' };
  else if (isRecord(guestsRaw) && typeof guestsRaw.as === 'string' && guestsRaw.as.trim() !== '' && Object.keys(guestsRaw).length === 1) {
    guests = { action: 'customer', customerId: guestsRaw.as.trim() };
  } else problem('guests', `expected quarantine or { as: <customer id for lines without one> }, got ${show(guestsRaw)}`);

  const entities: Record<MappedEntity, Record<string, ValueSpec>> = { customers: {}, products: {}, transactions: {} };
  for (const entity of Object.keys(MAPPED_COLUMNS) as MappedEntity[]) {
    const raw = section(document, entity, problem);
    const { required, optional } = MAPPED_COLUMNS[entity];
    const known = [...required, ...optional] as string[];
    for (const key of Object.keys(raw)) {
      if (!known.includes(key)) problem(`${entity}.${key}`, `not a column the mapping gives (expected one of ${known.join(', ')}; the others are derived)`);
    }
    for (const column of known) {
      const value = raw[column];
      if (value === undefined) {
        if ((required as readonly string[]).includes(column)) problem(`${entity}.${column}`, `missing (expected { column }, { constant }, { template }${DERIVATIONS[`${entity}.${column}`] ? ' or { derive }' : ''})`);
        continue;
      }
      const spec = readValue(value, `${entity}.${column}`, problem, { derivations: DERIVATIONS[`${entity}.${column}`] ?? [], picks: true });
      if (spec) entities[entity][column] = spec;
    }
  }

  if (errors.length > 0) throw new MappingError(errors);
  const name = file.replace(/^.*[\\/]/, '').replace(/\.ya?ml$/, '');
  return {
    name,
    file,
    description: typeof document.description === 'string' ? document.description : undefined,
    source: { files: fileList!, delimiter: delimiter as string, timezone: timezone as string, orderFieldsOnFirstRow: firstRow as string[] },
    formats: {
      datetime: datetimeList as string[],
      decimalPoint: decimalPoint as '.' | ',',
      thousandsSeparator: thousands as string,
      idsStripZeroFraction: strip as boolean,
    },
    lines: lines as Mapping['lines'],
    status: { rules, otherwise: otherwise as LineStatus },
    guests,
    ...entities,
  };
}

type Problem = (path: string, expected: string) => void;

function section(document: Record<string, unknown>, key: string, problem: Problem, optional = false): Record<string, unknown> {
  const raw = document[key];
  if (raw === undefined || raw === null) {
    if (!optional) problem(key, 'missing (see docs/mappings.md)');
    return {};
  }
  if (!isRecord(raw)) {
    problem(key, `expected a mapping of keys, got ${show(raw)}`);
    return {};
  }
  return raw;
}

function readValue(raw: unknown, at: string, problem: Problem, options: { derivations: readonly string[]; picks: boolean }): ValueSpec | undefined {
  if (typeof raw === 'string' || typeof raw === 'number') return { column: String(raw) };
  if (!isRecord(raw)) {
    problem(at, `expected { column: <source column> }, { constant: <value> }, { template: "..." }${options.derivations.length ? ' or { derive }' : ''}, got ${show(raw)}`);
    return undefined;
  }
  let ok = true;
  const fail = (path: string, expected: string) => {
    ok = false;
    problem(path, expected);
  };
  for (const key of Object.keys(raw)) if (!VALUE_KEYS.includes(key)) fail(`${at}.${key}`, `unknown key (expected one of ${VALUE_KEYS.join(', ')})`);
  const sources = ['column', 'constant', 'template', 'derive'].filter((k) => raw[k] !== undefined);
  if (sources.length !== 1) fail(at, `expected exactly one of column, constant, template${options.derivations.length ? ', derive' : ''}, got ${sources.length ? sources.join(', ') : 'none'}`);
  for (const key of ['column', 'template'] as const) {
    if (raw[key] !== undefined && (typeof raw[key] !== 'string' || raw[key] === '')) fail(`${at}.${key}`, `expected text, got ${show(raw[key])}`);
  }
  if (raw.constant !== undefined && typeof raw.constant !== 'string' && typeof raw.constant !== 'number') fail(`${at}.constant`, `expected text or a number, got ${show(raw.constant)}`);
  if (raw.derive !== undefined && !options.derivations.includes(raw.derive as string)) {
    fail(`${at}.derive`, options.derivations.length ? `expected one of ${options.derivations.join(', ')}, got ${show(raw.derive)}` : `no derivation for this column (got ${show(raw.derive)})`);
  }
  if (typeof raw.template === 'string') {
    for (const [, inner] of raw.template.matchAll(/\{([^}]*)\}/g)) {
      if (!/^(customer_id|product_id|transaction_id|column:.+)$/.test(inner)) fail(`${at}.template`, `expected placeholders {customer_id}, {product_id}, {transaction_id} or {column:Name}, got {${inner}}`);
    }
  }
  if (raw.map !== undefined && (!isRecord(raw.map) || !Object.values(raw.map).every((v) => typeof v === 'string' || typeof v === 'number'))) {
    fail(`${at}.map`, `expected source value: contract value pairs, got ${show(raw.map)}`);
  }
  for (const key of ['otherwise', 'default'] as const) {
    if (raw[key] !== undefined && typeof raw[key] !== 'string' && typeof raw[key] !== 'number') fail(`${at}.${key}`, `expected text or a number, got ${show(raw[key])}`);
  }
  if (raw.split !== undefined && raw.split !== 'first' && raw.split !== 'rest') fail(`${at}.split`, `expected first or rest, got ${show(raw.split)}`);
  if (raw.pick !== undefined) {
    if (!options.picks) fail(`${at}.pick`, 'a line field has one value per line: no pick');
    else if (!['first', 'latest', 'most_frequent'].includes(raw.pick as string)) fail(`${at}.pick`, `expected first, latest or most_frequent, got ${show(raw.pick)}`);
  }
  if (!ok) return undefined;
  const spec: ValueSpec = {};
  if (raw.column !== undefined) spec.column = raw.column as string;
  if (raw.constant !== undefined) spec.constant = String(raw.constant);
  if (raw.template !== undefined) spec.template = raw.template as string;
  if (raw.derive !== undefined) spec.derive = raw.derive as string;
  if (raw.map !== undefined) spec.map = Object.fromEntries(Object.entries(raw.map as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
  if (raw.otherwise !== undefined) spec.otherwise = String(raw.otherwise);
  if (raw.default !== undefined) spec.default = String(raw.default);
  if (raw.split !== undefined) spec.split = raw.split as 'first' | 'rest';
  if (raw.pick !== undefined) spec.pick = raw.pick as ValueSpec['pick'];
  return spec;
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  return JSON.stringify(value) ?? String(value);
}
