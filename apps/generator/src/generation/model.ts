import type { GenerateParams } from '@ecom/contracts';
import type { GeneratorModel } from '@ecom/config';
import { OrderCalendar, ShopCalendar, epochDay, isoDate } from './calendar';
import { wordPools, type WordPools } from './pools';
import { RecordRandom, cumulative, mix32, streamKey } from './random';
import {
  AGE_GROUP_WEIGHTS,
  CATEGORIES,
  PLACES,
  PRICE_CENTS,
  PROMOTION_DISCOUNTS,
  REGULAR_DISCOUNTS,
  type Category,
  type Place,
  type SubCategory,
} from './reference-data';

export class InvalidGenerateParams extends Error {
  override name = 'InvalidGenerateParams';
}

export interface Home {
  place: Place;
  /** Index in PLACES, for per-country tables. */
  placeIndex: number;
  houseNumber: number;
  street: string;
}

export interface ProductCore {
  category: Category;
  categoryIndex: number;
  subCategory: SubCategory;
  priceCents: number;
}

/** A weighted choice among labels, drawn with RecordRandom.weighted. */
interface LabelTable {
  labels: readonly string[];
  weights: Float64Array;
}

function labelTable(weights: Record<string, number>): LabelTable {
  const entries = Object.entries(weights);
  return { labels: entries.map(([label]) => label), weights: cumulative(entries.map(([, w]) => w)) };
}

/**
 * Everything about a generated data set that more than one entity needs, as pure functions of
 * (seed, record index) and the shop model: a transaction part can tell a customer's registration
 * date, home and buying activity, or a product's price and popularity, without reading the other
 * files. Per-record tables (activity, popularity, prices) are built once per process from the
 * records' own streams, so every part of every worker sees the same values.
 */
export class DatasetModel {
  readonly pools: WordPools;
  readonly shop: ShopCalendar;
  readonly calendar: OrderCalendar;
  readonly keys: {
    customers: number;
    products: number;
    orders: number;
    activity: number;
    popularity: number;
    moves: number;
    productChanges: number;
    deltaOrders: number;
  };
  readonly placeWeights = cumulative(PLACES.map((p) => p.weight));
  readonly ageGroupWeights = cumulative(AGE_GROUP_WEIGHTS.map(([, w]) => w));
  readonly hourWeights: Float64Array;
  readonly promotionDiscounts = cumulative(PROMOTION_DISCOUNTS.map(([, w]) => w));
  readonly regularDiscounts = cumulative(REGULAR_DISCOUNTS.map(([, w]) => w));
  /** Payment table per PLACES index: the mix of the place's country, or the default one. */
  readonly paymentByPlace: readonly LabelTable[];
  /** Customers registering per day once the window is over (daily deltas). */
  readonly newCustomersPerDay: number;
  /** Customers this model can pick from: params.customers, plus those of later deltas. */
  readonly customerCapacity: number;
  private readonly categoryWeights = cumulative(CATEGORIES.map((c) => c.weight));
  private readonly firstRegistrationDay: number;
  private readonly registrationSpan: number;
  private readonly registrationLabels = new Map<number, string>();
  /** isPromotionDay of days after the window (every order of a delta day asks). */
  private readonly laterPromotions = new Map<number, boolean>();
  /** Running sum of customers' activity weights, in id (= registration) order. */
  private readonly activity: Float64Array;
  /**
   * Where pickCustomer's search starts: guide[k] is the first customer whose activity sum passes
   * k / (guide.length - 1) of the whole. A draw then searches a few customers, not all of them.
   */
  private readonly activityGuide: Int32Array;
  private readonly priceCents: Int32Array;
  private readonly productCategory: Uint8Array;
  /** Per category: its product indexes and the running sum of their popularity. */
  private readonly popularity: Array<{ products: Int32Array; weights: Float64Array }>;
  /** Order-line share per category, zero for categories without products. */
  private readonly categoryDemand: Float64Array;

  constructor(
    readonly params: GenerateParams,
    readonly model: GeneratorModel,
    /** Last day the model serves (a daily delta's last day); defaults to endDate. */
    throughDate: string = params.endDate,
    /**
     * The activity running sums of a model of the same data set through another day, if one was
     * built: the customers they share have the same sums, so only the rest are drawn.
     */
    sharedActivity?: Float64Array,
  ) {
    const first = epochDay(params.startDate);
    const last = epochDay(params.endDate);
    if (first === undefined) throw new InvalidGenerateParams(`startDate ${params.startDate} is not a valid YYYY-MM-DD date`);
    if (last === undefined) throw new InvalidGenerateParams(`endDate ${params.endDate} is not a valid YYYY-MM-DD date`);
    if (first > last) throw new InvalidGenerateParams(`startDate ${params.startDate} is after endDate ${params.endDate}`);
    for (const key of ['customers', 'products', 'transactions'] as const) {
      if (!Number.isSafeInteger(params[key]) || params[key] < 1) throw new InvalidGenerateParams(`${key} must be a positive integer, got ${params[key]}`);
    }
    if (!Number.isSafeInteger(params.seed) || params.seed < 0) throw new InvalidGenerateParams(`seed must be a non-negative integer, got ${params.seed}`);
    const unknown = Object.keys(model.categoryDemand).filter((name) => !CATEGORIES.some((c) => c.name === name));
    if (unknown.length > 0) {
      throw new InvalidGenerateParams(`generator.model.categoryDemand names unknown categories: ${unknown.join(', ')} (known: ${CATEGORIES.map((c) => c.name).join(', ')})`);
    }

    this.pools = wordPools(params.seed);
    this.shop = new ShopCalendar(model);
    this.calendar = new OrderCalendar(first, last, this.shop.dayWeight, (day) => this.shop.isPromotion(day));
    this.keys = {
      customers: streamKey(params.seed, 'customers'),
      products: streamKey(params.seed, 'products'),
      orders: streamKey(params.seed, 'transactions'),
      activity: streamKey(params.seed, 'customer-activity'),
      popularity: streamKey(params.seed, 'product-popularity'),
      moves: streamKey(params.seed, 'customer-moves'),
      productChanges: streamKey(params.seed, 'product-changes'),
      deltaOrders: streamKey(params.seed, 'delta-transactions'),
    };
    this.firstRegistrationDay = first - model.registrationLeadDays;
    this.registrationSpan = last - this.firstRegistrationDay + 1;
    this.newCustomersPerDay = Math.max(1, Math.round(params.customers / this.registrationSpan));
    const through = epochDay(throughDate);
    if (through === undefined) throw new InvalidGenerateParams(`${throughDate} is not a valid YYYY-MM-DD date`);
    this.customerCapacity = Math.max(this.customersRegisteredBy(through), params.customers);
    this.hourWeights = cumulative(model.hourWeights);
    this.paymentByPlace = PLACES.map((place) => labelTable(model.paymentMix[place.country] ?? model.paymentMix.default));

    const random = new RecordRandom();
    this.activity = new Float64Array(this.customerCapacity);
    const shared = Math.min(sharedActivity?.length ?? 0, this.customerCapacity);
    if (sharedActivity && shared > 0) this.activity.set(sharedActivity.subarray(0, shared));
    let sum = shared > 0 && sharedActivity ? sharedActivity[shared - 1] : 0;
    for (let i = shared; i < this.customerCapacity; i++) {
      // Lognormal activity: most customers buy now and then, a few buy all the time.
      sum += Math.exp(model.customerActivitySigma * random.reseed(this.keys.activity, i).normal());
      this.activity[i] = sum;
    }
    const buckets = Math.max(1, this.customerCapacity >> 2);
    this.activityGuide = new Int32Array(buckets + 1);
    for (let k = 0, i = 0; k <= buckets; k++) {
      const bound = (k * sum) / buckets;
      while (i < this.customerCapacity - 1 && this.activity[i] <= bound) i++;
      this.activityGuide[k] = i;
    }

    this.priceCents = new Int32Array(params.products);
    this.productCategory = new Uint8Array(params.products);
    const members: number[][] = CATEGORIES.map(() => []);
    for (let p = 0; p < params.products; p++) {
      const core = this.product(p, random);
      this.priceCents[p] = core.priceCents;
      this.productCategory[p] = core.categoryIndex;
      members[core.categoryIndex].push(p);
    }
    this.popularity = members.map((products) => {
      const weights = new Float64Array(products.length);
      let total = 0;
      products.forEach((p, i) => {
        total += Math.exp(model.productPopularitySigma * random.reseed(this.keys.popularity, p).normal());
        weights[i] = total;
      });
      return { products: Int32Array.from(products), weights };
    });
    this.categoryDemand = cumulative(CATEGORIES.map((c, i) => (members[i].length > 0 ? (model.categoryDemand[c.name] ?? 0) : 0)));
    if (this.categoryDemand[this.categoryDemand.length - 1] <= 0) {
      // Demand only names categories this small catalogue lacks: sell what there is, by catalogue share.
      this.categoryDemand = cumulative(CATEGORIES.map((c, i) => (members[i].length > 0 ? c.weight : 0)));
    }
  }

  /** The activity running sums (read-only), for a model of the same data set through another day. */
  get activitySums(): Float64Array {
    return this.activity;
  }

  get firstDay(): number {
    return this.calendar.firstDay;
  }

  get lastDay(): number {
    return this.calendar.lastDay;
  }

  /**
   * Customers register in id order, spread evenly from `registrationLeadDays` before the window
   * to its last day, then `newCustomersPerDay` a day in daily deltas: registration_date of the
   * base set never passes endDate, and "who could order on day D" is always a prefix of ids.
   */
  registrationDay(customerIndex: number): number {
    const n = this.params.customers;
    if (customerIndex >= n) return this.lastDay + 1 + Math.floor((customerIndex - n) / this.newCustomersPerDay);
    return this.firstRegistrationDay + Math.floor((customerIndex * this.registrationSpan) / n);
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
    const n = this.params.customers;
    if (day > this.lastDay) return n + (day - this.lastDay) * this.newCustomersPerDay;
    const daysIn = day - this.firstRegistrationDay + 1;
    if (daysIn <= 0) return 0;
    return Math.min(n, Math.ceil((daysIn * n) / this.registrationSpan));
  }

  /** Orders of one day after the window (daily deltas): the base's daily mean scaled by the day's weight. */
  ordersOnDeltaDay(day: number): number {
    return Math.max(1, Math.round((this.params.transactions * this.shop.dayWeight(day)) / this.calendar.totalWeight));
  }

  /** A customer among the first `eligible`, by activity weight: heavy buyers come back often. */
  pickCustomer(random: RecordRandom, eligible: number): number {
    if (eligible > this.customerCapacity) throw new InvalidGenerateParams(`customer ${eligible} is beyond the model's ${this.customerCapacity}`);
    // The draw of random.weightedPrefix(activity, 0, eligible), searched from the guide: the first
    // customer whose running sum passes u is the same whichever prefix holds it (u < the prefix's
    // sum). The bracket is checked, so rounding in the guide can only cost a full search.
    const activity = this.activity;
    const u = random.float() * activity[eligible - 1];
    const guide = this.activityGuide;
    const buckets = guide.length - 1;
    const bucket = Math.min(buckets - 1, Math.floor((u / activity[activity.length - 1]) * buckets));
    let lo = guide[bucket];
    let hi = guide[bucket + 1];
    if ((lo > 0 && activity[lo - 1] > u) || activity[hi] <= u) {
      lo = 0;
      hi = eligible - 1;
    }
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (activity[mid] > u) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  /** A category by demand, then a product of it by popularity: best sellers sell most. */
  pickProduct(random: RecordRandom): number {
    const { products, weights } = this.popularity[random.weighted(this.categoryDemand)];
    return products[random.weighted(weights)];
  }

  /** Second of the day an order is placed, following the hourly curve. */
  pickSecondOfDay(random: RecordRandom): number {
    return random.weighted(this.hourWeights) * 3600 + random.below(3600);
  }

  /** Payment method: the mix of the payer's country. */
  pickPayment(random: RecordRandom, placeIndex: number): string {
    const table = this.paymentByPlace[placeIndex];
    return table.labels[random.weighted(table.weights)];
  }

  /** Whole-percent discount of one order line: frequent and deep in promotions, rare otherwise. */
  pickDiscount(random: RecordRandom, promotion: boolean): number {
    if (promotion) {
      return random.float() < this.model.promotionDiscountShare ? PROMOTION_DISCOUNTS[random.weighted(this.promotionDiscounts)][0] : 0;
    }
    return random.float() < this.model.regularDiscountShare ? REGULAR_DISCOUNTS[random.weighted(this.regularDiscounts)][0] : 0;
  }

  /** Inside the window from the precomputed calendar; after it (deltas) from the shop's rules, once per day. */
  isPromotionDay(day: number): boolean {
    if (day >= this.firstDay && day <= this.lastDay) return this.calendar.isPromotion(day);
    let promotion = this.laterPromotions.get(day);
    if (promotion === undefined) {
      promotion = this.shop.isPromotion(day);
      this.laterPromotions.set(day, promotion);
    }
    return promotion;
  }

  basePriceCents(productIndex: number): number {
    return this.priceCents[productIndex];
  }

  categoryIndexOf(productIndex: number): number {
    return this.productCategory[productIndex];
  }

  /** The customer's home: the first draws of the customer's own record stream. */
  home(customerIndex: number, random: RecordRandom): Home {
    random.reseed(this.keys.customers, customerIndex);
    return this.drawHome(random);
  }

  drawHome(random: RecordRandom): Home {
    const placeIndex = random.weighted(this.placeWeights);
    return { place: PLACES[placeIndex], placeIndex, houseNumber: random.between(1, 9999), street: random.pick(this.pools.streets) };
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
    return { category, categoryIndex, subCategory, priceCents: this.drawPriceCents(random, subCategory) };
  }

  drawPriceCents(random: RecordRandom, subCategory: SubCategory): number {
    // Squaring the draw skews prices towards the cheap end of the range, as real catalogues are.
    const u = random.float();
    const dollars = subCategory.minPrice + Math.floor(u * u * (subCategory.maxPrice - subCategory.minPrice + 1));
    const cents = random.pick(PRICE_CENTS);
    return Math.max(100, dollars * 100 + cents - (cents === 0 ? 0 : 100));
  }

  /** The stream of one day's draws for one record (moves, price changes), keyed by (seed, day). */
  dayKey(streamKeyOfKind: number, day: number): number {
    return mix32(streamKeyOfKind ^ mix32(day + 0x632be5ab));
  }
}

const models = new Map<string, DatasetModel>();

/** One model per parameter set per process: pools, calendars and tables are built once, not per part. */
export function datasetModel(params: GenerateParams, model: GeneratorModel, throughDate: string = params.endDate): DatasetModel {
  const dataset = JSON.stringify([params.seed, params.customers, params.products, params.transactions, params.startDate, params.endDate, model]);
  const key = `${dataset} ${throughDate}`;
  let built = models.get(key);
  if (!built) {
    // A delta day's model differs from the base's (or the previous day's) only in the customers
    // registered since: their activity sums are the only ones to draw.
    let shared: Float64Array | undefined;
    for (const [other, earlier] of models) {
      if (other.startsWith(`${dataset} `) && earlier.activitySums.length > (shared?.length ?? 0)) shared = earlier.activitySums;
    }
    if (models.size > 8) models.clear();
    built = new DatasetModel(params, model, throughDate, shared);
    models.set(key, built);
  }
  return built;
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
