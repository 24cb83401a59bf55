import { Faker, en } from '@faker-js/faker';
import { CATEGORIES } from './reference-data';

/**
 * Word pools drawn once per seed with faker. Calling faker per field per row is far too slow for
 * millions of rows; rows pick from these pools with the fast record generator instead.
 */
export interface WordPools {
  firstNames: readonly string[];
  lastNames: readonly string[];
  streets: readonly string[];
  productAdjectives: readonly string[];
  productMaterials: readonly string[];
  /** Brands per category, index-aligned with CATEGORIES. */
  brands: ReadonlyArray<readonly string[]>;
}

const cache = new Map<number, WordPools>();

function distinct(draw: () => string, wanted: number): string[] {
  const seen = new Set<string>();
  // Bounded: faker's lists are finite, so stop once new words stop coming.
  for (let tries = 0; seen.size < wanted && tries < wanted * 20; tries++) {
    const word = draw().trim();
    if (word) seen.add(word);
  }
  return [...seen];
}

export function wordPools(seed: number): WordPools {
  const cached = cache.get(seed);
  if (cached) return cached;
  const faker = new Faker({ locale: [en] });
  faker.seed(seed);
  const pools: WordPools = {
    firstNames: distinct(() => faker.person.firstName(), 400),
    lastNames: distinct(() => faker.person.lastName(), 400),
    streets: distinct(() => faker.location.street(), 300),
    productAdjectives: distinct(() => faker.commerce.productAdjective(), 40),
    productMaterials: distinct(() => faker.commerce.productMaterial(), 20),
    brands: CATEGORIES.map(() => distinct(() => brandName(faker), 8)),
  };
  cache.set(seed, pools);
  return pools;
}

/** Company names like "Effertz - Gutmann" trimmed to their first word read like brands. */
function brandName(faker: Faker): string {
  const word = faker.company.name().split(/[\s,-]+/)[0];
  return word.length >= 3 ? word : faker.company.name().replace(/[\s,-]+.*/, '');
}
