import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { isSupportedCountry } from 'libphonenumber-js';
import { parse as parseYaml } from 'yaml';
import { repoRoot } from './paths';

/**
 * config/categorical-values.yaml: one canonical spelling per categorical value, with aliases, and
 * what an unknown value does (docs/quality.md, "Categorical values"). The typed tables compare
 * values by foldKey and load the canonical spelling; the sync writes this into ops.categorical_*.
 */

/** The categorical fields and where each lives; the order is the order unknown values are reported in. */
export const CATEGORICAL_FIELDS = {
  payment_method: 'transactions',
  category: 'products',
  sub_category: 'products',
  country: 'customers',
  state: 'customers',
  age_group: 'customers',
} as const;
export type CategoricalField = keyof typeof CATEGORICAL_FIELDS;

export const UNKNOWN_POLICIES = ['quarantine', 'keep', 'default'] as const;
export type UnknownPolicy = (typeof UNKNOWN_POLICIES)[number];

export interface CategoricalFieldConfig {
  field: CategoricalField;
  /** Canonical spellings, as written in the file. */
  values: string[];
  /** Alias as written → its canonical value. */
  aliases: Record<string, string>;
  unknown: UnknownPolicy;
  /** The value an unknown one loads as (unknown: default only). */
  default?: string;
  /** Canonical country → ISO 3166 region (country only). */
  regions: Record<string, string>;
}

/** The loaded and checked file. A class, so Nest can inject it by type. */
export class CategoricalValuesConfig {
  constructor(
    readonly file: string,
    readonly fields: readonly CategoricalFieldConfig[],
  ) {}

  field(name: CategoricalField): CategoricalFieldConfig {
    const found = this.fields.find((f) => f.field === name);
    if (!found) throw new Error(`categorical field ${name} is not configured`);
    return found;
  }

  /** The canonical spelling of `value` (a canonical value or an alias), or undefined when unknown. */
  canonical(name: CategoricalField, value: string): string | undefined {
    const config = this.field(name);
    const key = foldKey(value);
    const direct = config.values.find((v) => foldKey(v) === key);
    if (direct !== undefined) return direct;
    const alias = Object.keys(config.aliases).find((a) => foldKey(a) === key);
    return alias === undefined ? undefined : config.aliases[alias];
  }
}

export class CategoricalValuesError extends Error {
  override name = 'CategoricalValuesError';
}

/**
 * How two spellings are compared: trimmed, inner whitespace collapsed to one space, lower-cased.
 * ops.fold_key (migrations 0021, 0023) is the same in SQL; the database computes the keys it stores.
 */
export function foldKey(value: string): string {
  return value.replace(/\s+/g, ' ').trim().toLowerCase();
}

export function defaultCategoricalValuesFile(): string {
  return join(repoRoot(), 'config', 'categorical-values.yaml');
}

let cached: CategoricalValuesConfig | undefined;

/** The checked default file, read once per process (apps load it at start-up, so a mistake stops them there). */
export function categoricalValues(): CategoricalValuesConfig {
  cached ??= loadCategoricalValues();
  return cached;
}

/** Reads and checks the YAML file; any mistake throws one CategoricalValuesError listing them all. */
export function loadCategoricalValues(file: string = defaultCategoricalValuesFile()): CategoricalValuesConfig {
  if (!existsSync(file)) throw new CategoricalValuesError(`categorical values file not found: ${file}`);
  return parseCategoricalValues(readFileSync(file, 'utf8'), file);
}

const FIELD_KEYS = ['values', 'aliases', 'unknown', 'default', 'regions'];

export function parseCategoricalValues(text: string, file = 'categorical-values.yaml'): CategoricalValuesConfig {
  const where = basename(file);
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (error) {
    throw new CategoricalValuesError(`${where}: not valid YAML: ${(error as Error).message}`);
  }
  const errors: string[] = [];
  if (!isRecord(document)) throw new CategoricalValuesError(`${where}: expected a mapping with a 'fields' mapping`);
  for (const key of Object.keys(document)) if (!['version', 'fields'].includes(key)) errors.push(`${where}: unknown top-level key '${key}'`);
  if (document.version !== undefined && document.version !== 1) errors.push(`${where}: 'version' must be 1, got ${show(document.version)}`);
  const fields = isRecord(document.fields) ? document.fields : undefined;
  if (!fields) errors.push(`${where}: 'fields' must be a mapping of ${Object.keys(CATEGORICAL_FIELDS).join(', ')}`);
  const known = Object.keys(CATEGORICAL_FIELDS) as CategoricalField[];
  const out: CategoricalFieldConfig[] = [];
  if (fields) {
    for (const key of Object.keys(fields)) {
      if (!(known as string[]).includes(key)) errors.push(`${where}: fields.${key}: not a categorical field (one of ${known.join(', ')})`);
    }
    for (const field of known) {
      const problems: string[] = [];
      const config = readField(field, fields[field], problems);
      errors.push(...problems.map((p) => `${where}: fields.${field}${p}`));
      if (config && problems.length === 0) out.push(config);
    }
  }
  if (errors.length > 0) throw new CategoricalValuesError(errors.join('\n'));
  return new CategoricalValuesConfig(file, out);
}

/** Problems start with the key below fields.<field> they concern (".values", ".aliases.US", ...). */
function readField(field: CategoricalField, raw: unknown, problems: string[]): CategoricalFieldConfig | undefined {
  if (raw === undefined) {
    problems.push(': missing (every categorical field needs its values and an unknown policy)');
    return undefined;
  }
  if (!isRecord(raw)) {
    problems.push(': expected a mapping with values, aliases, unknown');
    return undefined;
  }
  for (const key of Object.keys(raw)) if (!FIELD_KEYS.includes(key)) problems.push(`: unknown key '${key}' (one of ${FIELD_KEYS.join(', ')})`);

  const values: string[] = [];
  const byKey = new Map<string, string>();
  if (!Array.isArray(raw.values) || raw.values.length === 0) problems.push(`.values: must be a non-empty list of spellings`);
  for (const [index, value] of (Array.isArray(raw.values) ? raw.values : []).entries()) {
    if (typeof value !== 'string' && typeof value !== 'number') {
      problems.push(`.values[${index}]: must be text, got ${show(value)}`);
      continue;
    }
    const text = String(value);
    if (text.trim() === '') {
      problems.push(`.values[${index}]: is blank`);
      continue;
    }
    if (text !== text.replace(/\s+/g, ' ').trim()) problems.push(`.values[${index}]: ${show(text)} has surrounding or repeated spaces`);
    const key = foldKey(text);
    const earlier = byKey.get(key);
    if (earlier !== undefined) problems.push(`.values[${index}]: ${show(text)} is the same value as ${show(earlier)} (case and spaces are ignored)`);
    else byKey.set(key, text);
    values.push(text);
  }

  const aliases: Record<string, string> = {};
  if (raw.aliases !== undefined && !isRecord(raw.aliases)) problems.push(`.aliases: must map an alias to a canonical value`);
  for (const [alias, target] of Object.entries(isRecord(raw.aliases) ? raw.aliases : {})) {
    const canonical = typeof target === 'string' || typeof target === 'number' ? byKey.get(foldKey(String(target))) : undefined;
    if (canonical === undefined) {
      problems.push(`.aliases.${alias}: ${show(target)} is not one of the field's values`);
      continue;
    }
    if (alias.trim() === '') {
      problems.push(`.aliases: an alias is blank`);
      continue;
    }
    const clash = byKey.get(foldKey(alias));
    if (clash !== undefined && clash !== canonical) {
      problems.push(`.aliases.${alias}: already means ${show(clash)} (case and spaces are ignored)`);
      continue;
    }
    byKey.set(foldKey(alias), canonical);
    aliases[alias] = canonical;
  }

  const unknown = raw.unknown as UnknownPolicy;
  if (!UNKNOWN_POLICIES.includes(unknown)) problems.push(`.unknown: must be one of ${UNKNOWN_POLICIES.join(', ')}, got ${show(raw.unknown)}`);
  let fallback: string | undefined;
  if (unknown === 'default') {
    fallback = typeof raw.default === 'string' || typeof raw.default === 'number' ? byKey.get(foldKey(String(raw.default))) : undefined;
    if (fallback === undefined) problems.push(`.default: ${show(raw.default)} must be one of the field's values (unknown: default)`);
  } else if (raw.default !== undefined) {
    problems.push(`.default: only with unknown: default`);
  }

  const regions: Record<string, string> = {};
  if (raw.regions !== undefined && field !== 'country') problems.push(`.regions: only the country field has regions`);
  else if (raw.regions !== undefined && !isRecord(raw.regions)) problems.push(`.regions: must map a country to its ISO 3166 region code`);
  for (const [country, region] of Object.entries(field === 'country' && isRecord(raw.regions) ? raw.regions : {})) {
    const canonical = byKey.get(foldKey(country));
    if (canonical === undefined || !values.includes(canonical)) problems.push(`.regions.${country}: not one of the field's values`);
    else if (typeof region !== 'string' || !/^[A-Z]{2}$/.test(region) || !isSupportedCountry(region)) {
      problems.push(`.regions.${country}: ${show(region)} is not an ISO 3166 region code libphonenumber knows (e.g. US, GB)`);
    } else regions[canonical] = region;
  }

  return { field, values, aliases, unknown, ...(fallback !== undefined ? { default: fallback } : {}), regions };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function show(value: unknown): string {
  return value === undefined ? 'nothing' : JSON.stringify(value);
}
