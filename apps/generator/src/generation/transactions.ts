import { clockTime } from './calendar';
import { formatCents, lineTotalCents } from './money';
import { customerId, itemId, productId, transactionId, type DatasetModel, type Home } from './model';
import { cumulative, type RecordRandom } from './random';
import { BASKET_SIZE_WEIGHTS, PLACES, QUANTITY_WEIGHTS, type Place } from './reference-data';
import type { CsvPartFile } from './csv-part-file';

const basketSizes = cumulative(BASKET_SIZE_WEIGHTS);
const quantityWeights = cumulative(QUANTITY_WEIGHTS);
/** Order lines an order can have. */
const MAX_LINES = BASKET_SIZE_WEIGHTS.length;

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
 * One order as drawn: everything its rows hold, as numbers and pooled strings. One instance is
 * reused for every order of a part, so drawing allocates nothing.
 */
export class OrderDraw {
  index = 0;
  day = 0;
  customer = 0;
  secondOfDay = 0;
  payment = '';
  place: Place = PLACES[0];
  houseNumber = 0;
  street = '';
  lines = 0;
  totalCents = 0;
  readonly products = new Int32Array(MAX_LINES);
  readonly quantities = new Int32Array(MAX_LINES);
  readonly discounts = new Int32Array(MAX_LINES);
  readonly unitCents = new Int32Array(MAX_LINES);
  readonly lineCents = new Float64Array(MAX_LINES);
}

/**
 * Draws transaction `index` into `order`. `lookup` is a second generator used to replay customer
 * and product streams. The order of the draws is the data set: changing it changes every file.
 */
export function drawOrder(world: OrderWorld, index: number, random: RecordRandom, lookup: RecordRandom, order: OrderDraw): OrderDraw {
  const { model } = world;
  const day = world.startOrder(index, random);
  order.index = index;
  order.day = day;
  order.customer = model.pickCustomer(random, model.customersRegisteredBy(day));
  order.secondOfDay = model.pickSecondOfDay(random);
  const home = world.homeOf(order.customer, day, lookup);
  order.payment = model.pickPayment(random, home.placeIndex);

  const shipsAway = random.float() < AWAY_SHIPMENT_SHARE;
  order.place = shipsAway ? PLACES[random.weighted(model.placeWeights)] : home.place;
  order.houseNumber = shipsAway ? random.between(1, 9999) : home.houseNumber;
  order.street = shipsAway ? random.pick(model.pools.streets) : home.street;

  const promotion = model.isPromotionDay(day);
  const lines = random.weighted(basketSizes) + 1;
  const { products, quantities, discounts, unitCents, lineCents } = order;
  let totalCents = 0;
  for (let line = 0; line < lines; line++) {
    let product = model.pickProduct(random);
    // A basket lists each product once; small catalogues may have to repeat one.
    for (let retry = 0; retry < 4 && chosenBefore(products, line, product); retry++) product = model.pickProduct(random);
    products[line] = product;
    const quantity = random.weighted(quantityWeights) + 1;
    const discount = model.pickDiscount(random, promotion);
    const unit = world.priceOf(product, day, lookup);
    const cents = lineTotalCents(quantity, unit, discount);
    quantities[line] = quantity;
    discounts[line] = discount;
    unitCents[line] = unit;
    lineCents[line] = cents;
    totalCents += cents;
  }
  order.lines = lines;
  order.totalCents = totalCents;
  return order;
}

function chosenBefore(products: Int32Array, lines: number, product: number): boolean {
  for (let i = 0; i < lines; i++) if (products[i] === product) return true;
  return false;
}

/** The drawn order as the rows of transactions.csv and transaction_items.csv (strings). */
export function orderRows(order: OrderDraw, model: DatasetModel, items: string[][]): string[] {
  const { index } = order;
  const txnId = transactionId(index);
  for (let line = 0; line < order.lines; line++) {
    items.push([
      itemId(index, line),
      txnId,
      productId(order.products[line]),
      String(order.quantities[line]),
      formatCents(order.unitCents[line]),
      String(order.discounts[line]),
      formatCents(order.lineCents[line]),
    ]);
  }
  const { place } = order;
  const address = `${order.houseNumber} ${order.street}, ${place.city}, ${place.state}, ${place.country}`;
  return [txnId, customerId(order.customer), model.calendar.label(order.day), clockTime(order.secondOfDay), order.payment, address, formatCents(order.totalCents)];
}

/**
 * The drawn order written straight into the two files as bytes: the same bytes as orderRows
 * through CsvPartFile.write (ids as model.ts formats them, times as clockTime, money as
 * formatCents), without a string per field. Returns false when a file wants draining.
 */
export function writeOrder(order: OrderDraw, model: DatasetModel, main: CsvPartFile, items: CsvPartFile): boolean {
  const txn = order.index + 1;
  main.ascii('TXN');
  main.digits(txn, 10);
  main.comma();
  main.ascii('CUST');
  main.digits(order.customer + 1, 8);
  main.comma();
  main.field(model.calendar.label(order.day));
  main.comma();
  const second = order.secondOfDay;
  const hours = Math.floor(second / 3600);
  main.digits(hours, 2);
  main.ascii(':');
  main.digits(Math.floor((second - hours * 3600) / 60), 2);
  main.ascii(':');
  main.digits(second % 60, 2);
  main.comma();
  main.field(order.payment);
  main.comma();
  // The address always holds ", ", so csvField always quotes it.
  const { place } = order;
  main.openQuote();
  main.digits(order.houseNumber);
  main.ascii(' ');
  main.quotedPart(order.street);
  main.ascii(', ');
  main.quotedPart(place.city);
  main.ascii(', ');
  main.quotedPart(place.state);
  main.ascii(', ');
  main.quotedPart(place.country);
  main.closeQuote();
  main.comma();
  main.cents(order.totalCents);
  let flowing = main.endRow();
  for (let line = 0; line < order.lines; line++) {
    items.ascii('ITEM');
    items.digits(txn, 10);
    items.digits(line + 1, 2);
    items.comma();
    items.ascii('TXN');
    items.digits(txn, 10);
    items.comma();
    items.ascii('PROD');
    items.digits(order.products[line] + 1, 6);
    items.comma();
    items.digits(order.quantities[line]);
    items.comma();
    items.cents(order.unitCents[line]);
    items.comma();
    items.digits(order.discounts[line]);
    items.comma();
    items.cents(order.lineCents[line]);
    flowing = items.endRow() && flowing;
  }
  return flowing;
}
