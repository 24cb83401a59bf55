import { clockTime } from './calendar';
import { formatCents, lineTotalCents } from './money';
import { customerId, itemId, productId, transactionId, type DatasetModel } from './model';
import { cumulative, type RecordRandom } from './random';
import { BASKET_SIZE_WEIGHTS, DISCOUNT_WEIGHTS, PAYMENT_METHOD_WEIGHTS, PLACES, QUANTITY_WEIGHTS } from './reference-data';

const basketSizes = cumulative(BASKET_SIZE_WEIGHTS);
const quantities = cumulative(QUANTITY_WEIGHTS);
const discounts = cumulative(DISCOUNT_WEIGHTS.map(([, w]) => w));
const paymentMethods = cumulative(PAYMENT_METHOD_WEIGHTS.map(([, w]) => w));

/** Share of orders shipped somewhere other than the customer's home (gifts, offices). */
const AWAY_SHIPMENT_SHARE = 0.1;

/**
 * Which of the `eligible` customers (those registered by the order day) places an order.
 * Uniform for now; heavy-tailed loyalty plugs in here.
 */
export function pickCustomer(random: RecordRandom, eligible: number): number {
  return random.below(eligible);
}

/** Which product an order line sells. Uniform for now; popularity plugs in here. */
export function pickProduct(random: RecordRandom, products: number): number {
  return random.below(products);
}

/** Second of the day an order is placed. Uniform for now; daily rhythm plugs in here. */
export function pickSecondOfDay(random: RecordRandom): number {
  return random.below(86_400);
}

/**
 * One transaction and its order lines. `random` is positioned on the transaction's own stream;
 * `lookup` is a second generator used to replay customer and product streams.
 * Item rows are pushed onto `items`; the transaction row is returned.
 */
export function transactionRecords(
  model: DatasetModel,
  index: number,
  random: RecordRandom,
  lookup: RecordRandom,
  items: string[][],
): string[] {
  random.reseed(model.keys.orders, index);
  const day = model.calendar.orderDay(random);
  const customer = pickCustomer(random, model.customersRegisteredBy(day));
  const time = clockTime(pickSecondOfDay(random));
  const payment = PAYMENT_METHOD_WEIGHTS[random.weighted(paymentMethods)][0];

  const shipsAway = random.float() < AWAY_SHIPMENT_SHARE;
  const home = model.home(customer, lookup);
  const place = shipsAway ? PLACES[random.weighted(model.placeWeights)] : home.place;
  const houseNumber = shipsAway ? random.between(1, 9999) : home.houseNumber;
  const street = shipsAway ? random.pick(model.pools.streets) : home.street;
  const address = `${houseNumber} ${street}, ${place.city}, ${place.state}, ${place.country}`;

  const txnId = transactionId(index);
  const lines = random.weighted(basketSizes) + 1;
  const chosen: number[] = [];
  let totalCents = 0;
  for (let line = 0; line < lines; line++) {
    let product = pickProduct(random, model.params.products);
    // A basket lists each product once; small catalogues may have to repeat one.
    for (let retry = 0; retry < 4 && chosen.includes(product); retry++) product = pickProduct(random, model.params.products);
    chosen.push(product);
    const quantity = random.weighted(quantities) + 1;
    const discount = DISCOUNT_WEIGHTS[random.weighted(discounts)][0];
    const unitCents = model.product(product, lookup).priceCents;
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
