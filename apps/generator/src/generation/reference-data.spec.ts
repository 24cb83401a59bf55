import { categoricalValues, loadConfig, type CategoricalField } from '@ecom/config';
import { AGE_GROUP_WEIGHTS, CATEGORIES, PLACES } from './reference-data';

/**
 * config/categorical-values.yaml defaults to what the generator writes: every generated value is a
 * canonical spelling, so a clean generated batch never has an unknown or re-spelled value.
 */
/** Canonical values only imported exports use: the generator never writes them. */
const IMPORT_ONLY: Partial<Record<CategoricalField, string[]>> = {
  // For exports that do not record how an order was paid (docs/mappings.md).
  payment_method: ['Unknown'],
};

describe('the canonical values cover the generator', () => {
  const config = categoricalValues();
  const model = loadConfig({ env: {} }).generator.model;
  const generated: Record<CategoricalField, string[]> = {
    payment_method: [...new Set(Object.values(model.paymentMix).flatMap((mix) => Object.keys(mix)))],
    category: CATEGORIES.map((c) => c.name),
    sub_category: CATEGORIES.flatMap((c) => c.subCategories.map((s) => s.name)),
    country: [...new Set(PLACES.map((p) => p.country))],
    state: [...new Set(PLACES.map((p) => p.state))],
    age_group: AGE_GROUP_WEIGHTS.map(([group]) => group),
  };

  it.each(Object.keys(generated) as CategoricalField[])('%s: each generated value is canonical as written', (field) => {
    for (const value of generated[field]) expect({ field, value, canonical: config.canonical(field, value) }).toEqual({ field, value, canonical: value });
    expect([...config.field(field).values].filter((v) => !IMPORT_ONLY[field]?.includes(v)).sort()).toEqual([...generated[field]].sort());
  });
});
