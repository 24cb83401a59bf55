import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import type { PoolClient } from 'pg';
import { copyRows, runSqlFile, sqlFile } from '@ecom/db';
import { customerLookup, probesProduction } from './production-lookup';

/**
 * The E.164 form of a phone as written (`+44 20 7946 0958 ext. 12` → `+442079460958`), with
 * `region` (ISO 3166, from the customer's canonical country; '' for none) as the default for
 * numbers without '+'. Null when libphonenumber-js cannot parse it or it has an impossible length
 * for its country: the column is a convenience, the phone column keeps the text as given.
 */
export function toE164(phone: string, region: string): string | null {
  try {
    const parsed = parsePhoneNumberFromString(phone, region === '' ? undefined : (region as CountryCode));
    return parsed?.isPossible() ? parsed.number : null;
  } catch {
    return null;
  }
}

/** Rows per FETCH: a few MB of JS objects at most, whatever the run's size. */
export const PHONE_BATCH = 10_000;

/**
 * Fills pg_temp.customer_phone_e164 for the run's customers (sql/transform/phone_e164_*.sql) on the
 * transform's client, before customers.sql joins it. Customers whose phone and country production
 * already holds keep its value (copied in SQL); for the others, a cursor over their distinct
 * (phone, region) pairs is fetched in batches of `batch`, each parsed here (libphonenumber-js has
 * no SQL form, ~20-30 us a number) and sent back with COPY FROM STDIN. One connection cannot stream
 * COPY out and in at once, hence the cursor. Returns how many pairs were parsed and how many of
 * them gave a number.
 */
export async function fillPhoneE164(
  client: PoolClient,
  customersTable: string,
  batch = PHONE_BATCH,
): Promise<{ pairs: number; parsed: number }> {
  await runSqlFile(client, 'transform/phone_e164_prepare');
  // By key when the run is small beside production (a delta), else joined (production-lookup.ts).
  const probe = await probesProduction(client, customersTable, 'production.customers');
  await client.query(
    sqlFile('transform/phone_e164_reuse')
      .replaceAll('{{customers}}', customersTable)
      .replaceAll('{{customer_lookup}}', customerLookup(probe, 'p', 'customer_id', 't.customer_id')),
  );
  await client.query(sqlFile('transform/phone_e164_pairs').replaceAll('{{customers}}', customersTable));
  const fetch = sqlFile('transform/phone_e164_fetch').replaceAll('{{batch}}', String(Math.max(1, Math.trunc(batch))));
  let pairs = 0;
  let parsed = 0;
  for (;;) {
    const { rows } = await client.query<{ phone: string; phone_region: string }>(fetch);
    if (rows.length === 0) break;
    pairs += rows.length;
    await copyRows(
      client,
      'pg_temp.customer_phone_e164 (phone, region, e164)',
      rows.map((row) => {
        const e164 = toE164(row.phone, row.phone_region);
        if (e164 !== null) parsed++;
        return [row.phone, row.phone_region, e164];
      }),
    );
  }
  await runSqlFile(client, 'transform/phone_e164_close');
  return { pairs, parsed };
}
