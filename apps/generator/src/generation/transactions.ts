import { clockTime } from './calendar';
import { formatCents, lineTotalCents } from './money';
import { customerId, itemId, productId, transactionId, type DatasetModel, type Home } from './model';
import { cumulative, type RecordRandom } from './random';
import { BASKET_SIZE_WEIGHTS, PLACES, QUANTITY_WEIGHTS } from './reference-data';

const basketSizes = cumulative(BASKET_SIZE_WEIGHTS);
const quantities = cumulative(QUANTITY_WEIGHTS);

/** Share of orders shipped somewhere other than the customer's home (gifts, offices). */
const AWAY_SHIPMENT_SHARE = 0.1;

/**
 * What an order needs to know about the world it is placed in. The base data set draws the day
 * from the seasonal calendar and sees customers and products as generated; a daily delta fixes
 * the day by the transaction's number and sees moves and price changes made since.
 */
export interface OrderWorld {
  readonly model: DatasetModel;
  /** Positions `random` on the transaction's own stream and returns its day. */
  startOrder(index: number, random: RecordRandom): number;
  homeOf(customer: number, day: number, lookup: RecordRandom): Home;
  priceOf(product: number, day: number, lookup: RecordRandom): number;
}

/** The base data set: every order inside [startDate, endDate], customers and products as first generated. */
export function baseWorld(model: DatasetModel): OrderWorld {
  return {
    model,
    startOrder: (index, random) => model.calendar.orderDay(random.reseed(model.keys.orders, index)),
    homeOf: (customer, _day, lookup) => model.home(customer, lookup),
    priceOf: (product) => model.basePriceCents(product),
  };
}

/**
 * One transaction and its order lines. `lookup` is a second generator used to replay customer
 * and product streams. Item rows are pushed onto `items`; the transaction row is returned.
 */
export function transactionRecords(
  world: OrderWorld,
  index: number,
  random: RecordRandom,
  lookup: RecordRandom,
  items: string[][],
): string[] {
  const { model } = world;
  const day = world.startOrder(index, random);
  const customer = model.pickCustomer(random, model.customersRegisteredBy(day));
  const time = clockTime(model.pickSecondOfDay(random));
  const home = world.homeOf(customer, day, lookup);
  const payment = model.pickPayment(random, home.placeIndex);

  const shipsAway = random.float() < AWAY_SHIPMENT_SHARE;
  const place = shipsAway ? PLACES[random.weighted(model.placeWeights)] : home.place;
  const houseNumber = shipsAway ? random.between(1, 9999) : home.houseNumber;
  const street = shipsAway ? random.pick(model.pools.streets) : home.street;
  const address = `${houseNumber} ${street}, ${place.city}, ${place.state}, ${place.country}`;

  const promotion = model.isPromotionDay(day);
  const txnId = transactionId(index);
  const lines = random.weighted(basketSizes) + 1;
  const chosen: number[] = [];
  let totalCents = 0;
  for (let line = 0; line < lines; line++) {
    let product = model.pickProduct(random);
    // A basket lists each product once; small catalogues may have to repeat one.
    for (let retry = 0; retry < 4 && chosen.includes(product); retry++) product = model.pickProduct(random);
    chosen.push(product);
    const quantity = random.weighted(quantities) + 1;
    const discount = model.pickDiscount(random, promotion);
    const unitCents = world.priceOf(product, day, lookup);
    const lineCents = lineTotalCents(quantity, unitCents, discount);
    totalCents += lineCents;
    items.push([
      itemId(index, line),
      txnId,
      productId(product),
      String(quantity),
      formatCents(unitCents),
      String(discount),
      formatCents(lineCents),
    ]);
  }
  return [txnId, customerId(customer), model.calendar.label(day), time, payment, address, formatCents(totalCents)];
}
