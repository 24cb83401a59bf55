import type { GeneratorModel } from '@ecom/config';
import type { GenerateParams } from '@ecom/contracts';
import { epochDay } from './calendar';
import { customerRecord } from './customers';
import { InvalidGenerateParams, datasetModel, type DatasetModel, type Home, type ProductCore } from './model';
import type { DatasetSource, RecordRange } from './dataset-source';
import { productRecord } from './products';
import type { RecordRandom } from './random';
import { CATEGORIES, PLACES, type Category } from './reference-data';
import type { OrderWorld } from './transactions';

/** Share of product changes that re-file the product under another category (the rest reprice it). */
const CATEGORY_CHANGE_SHARE = 0.3;

/** Whole-currency price band of a category: from its cheapest to its dearest sub-category. */
function band(category: Category): [number, number] {
  return [Math.min(...category.subCategories.map((s) => s.minPrice)), Math.max(...category.subCategories.map((s) => s.maxPrice))];
}

/**
 * Daily deltas after a base data set: the days [fromDay, toDay] after its endDate. Everything is
 * a pure function of (seed, day, record index) on top of the base model:
 * - new customers register each day and new orders are placed (ids continue after the base's and
 *   after every earlier delta day's, whatever batches the days were generated in);
 * - each day about `customerMoveShare` of the customers move (city, state and country change
 *   together) and about `productChangeShare` of the products change price or category;
 * - orders ship to the customer's home as of the order day and sell at that day's price.
 * A changed record is written as a full row with its id and its values at the end of the batch.
 */
export class DeltaSource implements DatasetSource, OrderWorld {
  readonly ranges: Record<'customers' | 'products' | 'transactions', RecordRange>;
  readonly world: OrderWorld = this;
  /** Index of the first transaction of each day of the batch, and the end. */
  private readonly dayStarts: number[] = [];
  private readonly firstNewCustomer: number;
  private readonly bands = CATEGORIES.map(band);
  /** The move streams' keys of the batch's days, [fromDay..toDay]: every customer is checked against each. */
  private readonly moveKeys: number[] = [];
  /**
   * Prices per day of the batch, drawn once per (product, day) and -1 until then: a day's orders
   * sell each product at one price, and a product's draws for it are a pure function of the day.
   */
  private readonly prices = new Map<number, Int32Array>();

  constructor(
    readonly model: DatasetModel,
    readonly fromDay: number,
    readonly toDay: number,
  ) {
    if (fromDay <= model.lastDay || toDay < fromDay) {
      throw new InvalidGenerateParams(`a delta covers days after the base window (${model.params.endDate}); got ${fromDay}..${toDay}`);
    }
    if (model.customerCapacity < model.customersRegisteredBy(toDay)) {
      throw new InvalidGenerateParams('the delta model was built for fewer customers than register by its last day');
    }
    let next = model.params.transactions;
    for (let day = model.lastDay + 1; day <= toDay; day++) {
      if (day >= fromDay) this.dayStarts.push(next);
      next += model.ordersOnDeltaDay(day);
    }
    this.dayStarts.push(next);
    this.firstNewCustomer = model.customersRegisteredBy(fromDay - 1);
    for (let day = fromDay; day <= toDay; day++) this.moveKeys.push(model.dayKey(model.keys.moves, day));
    this.ranges = {
      customers: { first: 0, count: model.customersRegisteredBy(toDay) },
      products: { first: 0, count: model.params.products },
      transactions: { first: this.dayStarts[0], count: next - this.dayStarts[0] },
    };
  }

  startOrder(index: number, random: RecordRandom): number {
    random.reseed(this.model.keys.deltaOrders, index);
    let day = 0;
    while (index >= this.dayStarts[day + 1]) day++;
    return this.fromDay + day;
  }

  /** The customer's home as of `day`: the base home, then every move since the window ended. */
  homeOf(customer: number, day: number, lookup: RecordRandom): Home {
    let home = this.model.home(customer, lookup);
    const settled = Math.max(this.model.lastDay, this.model.registrationDay(customer));
    for (let d = settled + 1; d <= day; d++) home = this.moveOn(customer, d, home, lookup) ?? home;
    return home;
  }

  priceOf(product: number, day: number, lookup: RecordRandom): number {
    let prices = this.prices.get(day);
    if (!prices) {
      prices = new Int32Array(this.model.params.products).fill(-1);
      this.prices.set(day, prices);
    }
    let price = prices[product];
    if (price < 0) {
      price = this.productOn(product, day, lookup).priceCents;
      prices[product] = price;
    }
    return price;
  }

  /** New customers of the batch, and earlier ones who moved during it (as of the last day). */
  customerRow(index: number, random: RecordRandom, lookup: RecordRandom): string[] | undefined {
    const isNew = index >= this.firstNewCustomer;
    if (!isNew && !this.movesDuring(index, lookup)) return undefined;
    const home = this.homeOf(index, this.toDay, lookup);
    return customerRecord(this.model, index, random, home);
  }

  /** Products whose price or category changed during the batch, as of the last day. */
  productRow(index: number, random: RecordRandom, lookup: RecordRandom): string[] | undefined {
    let changed = false;
    for (let d = this.fromDay; d <= this.toDay && !changed; d++) changed = this.changes(index, d, lookup);
    if (!changed) return undefined;
    return productRecord(this.model, index, random, this.productOn(index, this.toDay, lookup));
  }

  /** Called for every customer registered before the batch (the scan a delta cannot skip: see docs/performance.md). */
  private movesDuring(customer: number, lookup: RecordRandom): boolean {
    const from = Math.max(this.fromDay, this.model.registrationDay(customer) + 1);
    const share = this.model.model.customerMoveShare;
    for (let d = from; d <= this.toDay; d++) {
      if (lookup.reseed(this.moveKeys[d - this.fromDay], customer).float() < share) return true;
    }
    return false;
  }

  /** The new home when the customer moves on `day`; a move always leaves the current city. */
  private moveOn(customer: number, day: number, current: Home, lookup: RecordRandom): Home | undefined {
    lookup.reseed(this.model.dayKey(this.model.keys.moves, day), customer);
    if (lookup.float() >= this.model.model.customerMoveShare) return undefined;
    let placeIndex = lookup.weighted(this.model.placeWeights);
    for (let retry = 0; retry < 8 && placeIndex === current.placeIndex; retry++) placeIndex = lookup.weighted(this.model.placeWeights);
    if (placeIndex === current.placeIndex) placeIndex = (placeIndex + 1) % PLACES.length;
    return { place: PLACES[placeIndex], placeIndex, houseNumber: lookup.between(1, 9999), street: lookup.pick(this.model.pools.streets) };
  }

  private changes(product: number, day: number, lookup: RecordRandom): boolean {
    return lookup.reseed(this.model.dayKey(this.model.keys.productChanges, day), product).float() < this.model.model.productChangeShare;
  }

  /** Category and price as of `day`: the product as made, then every change since the window ended. */
  private productOn(product: number, day: number, lookup: RecordRandom): ProductCore {
    let core = this.model.product(product, lookup);
    for (let d = this.model.lastDay + 1; d <= day; d++) {
      if (this.changes(product, d, lookup)) core = this.changeProduct(core, lookup);
    }
    return core;
  }

  /** `lookup` is positioned just after the "does it change" draw of the product's day stream. */
  private changeProduct(core: ProductCore, lookup: RecordRandom): ProductCore {
    const dollars = core.priceCents / 100;
    if (lookup.float() < CATEGORY_CHANGE_SHARE) {
      // Re-filed only where the price still fits the new category's band, so bands stay true.
      const fits = CATEGORIES.map((_, i) => i).filter((i) => i !== core.categoryIndex && dollars >= this.bands[i][0] && dollars <= this.bands[i][1]);
      if (fits.length > 0) {
        const categoryIndex = fits[lookup.below(fits.length)];
        const category = CATEGORIES[categoryIndex];
        const subs = category.subCategories.filter((s) => dollars >= s.minPrice && dollars <= s.maxPrice);
        const subCategory = subs.length > 0 ? subs[lookup.below(subs.length)] : lookup.pick(category.subCategories);
        return { ...core, category, categoryIndex, subCategory };
      }
    }
    // Markdowns a little more often than rises; integer cents, ending in .99 as shelf prices do.
    const percent = lookup.between(3, 20) * (lookup.float() < 0.55 ? -1 : 1);
    const moved = Math.floor((core.priceCents * (100 + percent) + 50) / 100);
    const priceCents = Math.max(99, Math.floor(moved / 100) * 100 + 99 - (moved % 100 === 99 ? 0 : 100));
    return { ...core, priceCents: priceCents === core.priceCents ? priceCents + 100 : priceCents };
  }
}

/** The delta of [fromDate, toDate] after the base data set `base`. */
export function deltaSource(base: GenerateParams, fromDate: string, toDate: string, shop: GeneratorModel): DeltaSource {
  const from = epochDay(fromDate);
  const to = epochDay(toDate);
  if (from === undefined || to === undefined) throw new InvalidGenerateParams(`delta dates ${fromDate}..${toDate} are not valid YYYY-MM-DD dates`);
  return new DeltaSource(datasetModel(base, shop, toDate), from, to);
}
