import { AGE_GROUP_WEIGHTS, EMAIL_DOMAINS } from './reference-data';
import { customerId, type DatasetModel, type Home } from './model';
import type { RecordRandom } from './random';

/** Email local parts keep letters only: "O'Hara-Dooley" becomes "ohara.dooley"-style safe text. */
function emailWord(name: string): string {
  return name.toLowerCase().replace(/[^a-z]/g, '');
}

function phoneNumber(shape: string, random: RecordRandom): string {
  let out = '';
  for (let i = 0; i < shape.length; i++) {
    const ch = shape[i];
    if (ch === '#') out += String(random.below(10));
    else if (ch === '%') out += String(random.between(2, 9));
    else out += ch;
  }
  return out;
}

/**
 * One customers.csv row, in ENTITY_SPECS column order. `movedTo` is the home after a move (daily
 * deltas): city, state and country change together; everything else stays the customer's own.
 */
export function customerRecord(model: DatasetModel, index: number, random: RecordRandom, movedTo?: Home): string[] {
  random.reseed(model.keys.customers, index);
  // The home comes first: transaction parts replay exactly these draws for shipping addresses.
  const born = model.drawHome(random).place;
  const { firstNames, lastNames } = model.pools;
  const firstName = random.pick(firstNames);
  const lastName = random.pick(lastNames);
  const ageGroup = AGE_GROUP_WEIGHTS[random.weighted(model.ageGroupWeights)][0];
  const phone = phoneNumber(born.phone, random);
  const place = movedTo?.place ?? born;
  const domain = random.pick(EMAIL_DOMAINS);
  // The customer number makes the address unique however often a name pair repeats.
  const email = `${emailWord(firstName)}.${emailWord(lastName)}${index + 1}@${domain}`;
  return [
    customerId(index),
    firstName,
    lastName,
    email,
    phone,
    model.registrationLabel(index),
    place.city,
    place.state,
    place.country,
    ageGroup,
  ];
}
