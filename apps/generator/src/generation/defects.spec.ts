import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { categoricalValues, loadConfig, type CategoricalField } from '@ecom/config';
import { ENTITIES, type GenerateParams } from '@ecom/contracts';
import { entityText } from './dataset-files.testing';
import { MANIFEST_DIR, readDefectManifests } from './defect-writer';
import { parse } from 'csv-parse/sync';
import { FORMULA_LIKE_VALUES, SPELLING_ALIASES, UNKNOWN_PAYMENT_METHODS, type FileManifest } from './defects';
import { generateToFolder } from './generate-to-folder';

/** What a manifest says per entity, without the line numbers that depend on the part layout. */
function byEntity(manifests: FileManifest[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const m of manifests) {
    out[m.entity] ??= [];
    for (const r of m.rejects) out[m.entity].push(`${r.key} ${r.kind} ${r.stage}/${r.reason}${r.causedBy ? ` <- ${r.causedBy}` : ''}`);
    for (const t of m.tricky) out[m.entity].push(`${t.key} ${t.column}=${JSON.stringify(t.value)}`);
  }
  for (const list of Object.values(out)) list.sort();
  return out;
}

describe('defect injection', () => {
  const params: GenerateParams = {
    customers: 1500,
    products: 200,
    transactions: 2500,
    seed: 5,
    startDate: '2024-01-01',
    endDate: '2024-03-31',
    defects: 0.05,
  };
  const shop = loadConfig({ env: {} }).generator.model;
  const root = mkdtempSync(join(tmpdir(), 'ecom-defects-'));
  const dirs = { whole: join(root, 'whole'), parts: join(root, 'parts'), clean: join(root, 'clean'), zero: join(root, 'zero') };

  beforeAll(async () => {
    await generateToFolder(dirs.whole, params, { partSize: 1_000_000, shop });
    await generateToFolder(dirs.parts, params, { partSize: 1000, concurrency: 3, shop });
    await generateToFolder(dirs.clean, { ...params, defects: undefined }, { partSize: 1_000_000, shop });
    await generateToFolder(dirs.zero, { ...params, defects: 0 }, { partSize: 1_000_000, shop });
  });

  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('damages the same records the same way however the files are split', async () => {
    for (const entity of ENTITIES) expect(entityText(dirs.parts, entity).body).toBe(entityText(dirs.whole, entity).body);
    const whole = await readDefectManifests(dirs.whole);
    const parts = await readDefectManifests(dirs.parts);
    expect(parts.length).toBeGreaterThan(whole.length);
    expect(byEntity(parts)).toEqual(byEntity(whole));
  });

  it('writes a line where the manifest says, with the damage it names', async () => {
    const [customers] = await readDefectManifests(dirs.whole);
    const lines = readFileSync(join(dirs.whole, customers.file), 'utf8').split('\n');
    const byKind = (kind: string) => customers.rejects.filter((r) => r.kind === kind);
    // No tricky customer value spans lines, so physical line N is lines[N - 1].
    for (const r of byKind('stray_quote')) expect(lines[r.line - 1]).toMatch(/^CUST\d+,[^,"]+"[^,"]+,/);
    for (const r of byKind('exact_duplicate')) expect(lines[r.line]).toBe(lines[r.line - 1]);
    for (const r of byKind('future_date')) expect(lines[r.line - 1].split(',')[5]).toMatch(/^2099-/);
    expect(byKind('stray_quote').length + byKind('exact_duplicate').length + byKind('future_date').length).toBeGreaterThan(5);
    expect(customers.records).toBe(lines.length - 2);
  });

  it('writes formula-like text as a tricky value the manifest lists with how exports must show it', async () => {
    const manifests = await readDefectManifests(dirs.whole);
    const formulas = manifests.flatMap((m) => m.tricky.filter((t) => t.kind === 'formula_like').map((t) => ({ ...t, file: m.file, entity: m.entity })));
    expect(new Set(formulas.map((t) => t.entity))).toEqual(new Set(['customers', 'products', 'transactions']));
    for (const t of formulas) {
      expect(FORMULA_LIKE_VALUES[t.entity]?.[t.column]).toContain(t.value);
      expect(t.exportedAs).toBe(`'${t.value}`);
      // The input file holds the value as given: it is data, not an export.
      const rows = parse(readFileSync(join(dirs.whole, t.file)), { columns: true, relax_column_count: true, skip_records_with_error: true }) as Array<Record<string, string>>;
      expect(rows.find((r) => Object.values(r)[0] === t.key)?.[t.column]).toBe(t.value);
    }
  });

  it('writes spelling variants of categorical values that the manifest lists with their canonical value', async () => {
    const manifests = await readDefectManifests(dirs.whole);
    const config = categoricalValues();
    const variants = manifests.flatMap((m) => m.canonical.map((c) => ({ ...c, file: m.file, entity: m.entity })));
    for (const v of variants) expect(['state', 'country', 'category', 'sub_category', 'payment_method']).toContain(v.column);
    expect(new Set(variants.map((v) => v.entity))).toEqual(new Set(['customers', 'products', 'transactions']));
    expect(variants.some((v) => Object.values(SPELLING_ALIASES).some((aliases) => aliases.includes(v.written)))).toBe(true);
    for (const v of variants) {
      expect(v.written).not.toBe(v.value);
      expect({ written: v.written, canonical: config.canonical(v.column as CategoricalField, v.written) }).toEqual({ written: v.written, canonical: v.value });
      const rows = parse(readFileSync(join(dirs.whole, v.file)), { columns: true, relax_column_count: true, skip_records_with_error: true }) as Array<Record<string, string>>;
      expect(rows.find((r) => Object.values(r)[0] === v.key)?.[v.column]).toBe(v.written);
    }
    // Unknown payment methods are rejected, and none of them is a configured value.
    const unknown = manifests.flatMap((m) => m.rejects.filter((r) => r.kind === 'unknown_payment_method'));
    expect(unknown.length).toBeGreaterThan(0);
    expect(unknown.every((r) => r.reason === 'unknown_value')).toBe(true);
    for (const method of UNKNOWN_PAYMENT_METHODS) expect(config.canonical('payment_method', method)).toBeUndefined();
  });

  it('names only aliases the config file knows', () => {
    const config = categoricalValues();
    const fieldOf = (value: string): CategoricalField =>
      (['payment_method', 'category', 'country'] as const).find((f) => config.field(f).values.includes(value)) as CategoricalField;
    for (const [value, aliases] of Object.entries(SPELLING_ALIASES)) {
      for (const alias of aliases) expect({ alias, canonical: config.canonical(fieldOf(value), alias) }).toEqual({ alias, canonical: value });
    }
  });

  it('changes nothing without a rate: rate 0 writes the clean data set and no manifest', () => {
    for (const entity of ENTITIES) expect(entityText(dirs.zero, entity).body).toBe(entityText(dirs.clean, entity).body);
    expect(existsSync(join(dirs.zero, MANIFEST_DIR))).toBe(false);
    expect(entityText(dirs.whole, 'customers').body).not.toBe(entityText(dirs.clean, 'customers').body);
  });
});
