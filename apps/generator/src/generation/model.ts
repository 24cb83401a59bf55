import type { GenerateParams } from '@ecom/contracts';
import { OrderCalendar, epochDay, isoDate } from './calendar';
import { wordPools, type WordPools } from './pools';
import { RecordRandom, cumulative, streamKey } from './random';
import { AGE_GROUP_WEIGHTS, CATEGORIES, PLACES, PRICE_CENTS, type Category, type Place, type SubCategory } from './reference-data';

/** Customers sign up over this many days before the order window as well as during it. */
const REGISTRATION_LEAD_DAYS = 730;

export class InvalidGenerateParams extends Error {
  override name = 'InvalidGenerateParams';
}

export interface Home {
  place: Place;
  houseNumber: number;
  street: string;
}

export interface ProductCore {
  category: Category;
  categoryIndex: number;
  subCategory: SubCategory;
  priceCents: number;
}

/**
 * Everything about a generated data set that more than one entity needs, as pure functions of
 * (seed, record index): a transaction part can tell a customer's registration date and home, or a
 * product's price, without reading the other files.
 */
export class DatasetModel {
  readonly pools: WordPools;
  readonly calendar: OrderCalendar;
  readonly keys: { customers: number; products: number; orders: number };
  readonly placeWeights = cumulative(PLACES.map((p) => p.weight));
  readonly ageGroupWeights = cumulative(AGE_GROUP_WEIGHTS.map(([, w]) => w));
  private readonly categoryWeights = cumulative(CATEGORIES.map((c) => c.weight));
  private readonly firstRegistrationDay: number;
  private readonly registrationSpan: number;
  private readonly registrationLabels = new Map<number, string>();

  constructor(readonly params: GenerateParams) {
    const first = epochDay(params.startDate);
    const last = epochDay(params.endDate);
    if (first === undefined) throw new InvalidGenerateParams(`startDate ${params.startDate} is not a valid YYYY-MM-DD date`);
    if (last === undefined) throw new InvalidGenerateParams(`endDate ${params.endDate} is not a valid YYYY-MM-DD date`);
    if (first > last) throw new InvalidGenerateParams(`startDate ${params.startDate} is after endDate ${params.endDate}`);
    for (const key of ['customers', 'products', 'transactions'] as const) {
      if (!Number.isSafeInteger(params[key]) || params[key] < 1) throw new InvalidGenerateParams(`${key} must be a positive integer, got ${params[key]}`);
    }
    if (!Number.isSafeInteger(params.seed) || params.seed < 0) throw new InvalidGenerateParams(`seed must be a non-negative integer, got ${params.seed}`);

    this.pools = wordPools(params.seed);
    this.calendar = new OrderCalendar(first, last);
    this.keys = {
      customers: streamKey(params.seed, 'customers'),
      products: streamKey(params.seed, 'products'),
      orders: streamKey(params.seed, 'transactions'),
    };
    this.firstRegistrationDay = first - REGISTRATION_LEAD_DAYS;
    this.registrationSpan = last - this.firstRegistrationDay + 1;
  }

  /**
   * Customers register in id order, spread evenly from two years before the window to its last
   * day: registration_date never passes endDate, and "who could order on day D" is a prefix of ids.
   */
  registrationDay(customerIndex: number): number {
    return this.firstRegistrationDay + Math.floor((customerIndex * this.registrationSpan) / this.params.customers);
  }

  registrationLabel(customerIndex: number): string {
    const day = this.registrationDay(customerIndex);
    let label = this.registrationLabels.get(day);
    if (label === undefined) {
      label = isoDate(day);
      this.registrationLabels.set(day, label);
    }
    return label;
  }

  /** How many customers (ids 0..n-1) have registered by the end of `day`; at least 1 inside the window. */
  customersRegisteredBy(day: number): number {
    const daysIn = day - this.firstRegistrationDay + 1;
    if (daysIn <= 0) return 0;
    const n = this.params.customers;
    return Math.min(n, Math.ceil((daysIn * n) / this.registrationSpan));
  }

  /** The customer's home: the first draws of the customer's own record stream. */
  home(customerIndex: number, random: RecordRandom): Home {
    random.reseed(this.keys.customers, customerIndex);
    return this.drawHome(random);
  }

  drawHome(random: RecordRandom): Home {
    const place = PLACES[random.weighted(this.placeWeights)];
    return { place, houseNumber: random.between(1, 9999), street: random.pick(this.pools.streets) };
  }

  /** Category and price: the first draws of the product's own record stream. */
  product(productIndex: number, random: RecordRandom): ProductCore {
    random.reseed(this.keys.products, productIndex);
    return this.drawProductCore(random);
  }

  drawProductCore(random: RecordRandom): ProductCore {
    const categoryIndex = random.weighted(this.categoryWeights);
    const category = CATEGORIES[categoryIndex];
    const subCategory = random.pick(category.subCategories);
    // Squaring the draw skews prices towards the cheap end of the range, as real catalogues are.
    const u = random.float();
    const dollars = subCategory.minPrice + Math.floor(u * u * (subCategory.maxPrice - subCategory.minPrice + 1));
    const cents = random.pick(PRICE_CENTS);
    return { category, categoryIndex, subCategory, priceCents: Math.max(100, dollars * 100 + cents - (cents === 0 ? 0 : 100)) };
  }
}

const models = new Map<string, DatasetModel>();

/** One model per parameter set per process: pools and calendars are built once, not per part. */
export function datasetModel(params: GenerateParams): DatasetModel {
  const key = JSON.stringify([params.seed, params.customers, params.products, params.transactions, params.startDate, params.endDate]);
  let model = models.get(key);
  if (!model) {
    if (models.size > 8) models.clear();
    model = new DatasetModel(params);
    models.set(key, model);
  }
  return model;
}

export function customerId(index: number): string {
  return `CUST${String(index + 1).padStart(8, '0')}`;
}

export function productId(index: number): string {
  return `PROD${String(index + 1).padStart(6, '0')}`;
}

export function transactionId(index: number): string {
  return `TXN${String(index + 1).padStart(10, '0')}`;
}

/** Unique per line: the transaction number followed by the line number. */
export function itemId(transactionIndex: number, line: number): string {
  return `ITEM${String(transactionIndex + 1).padStart(10, '0')}${String(line + 1).padStart(2, '0')}`;
}
