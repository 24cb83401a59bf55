import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import type { Pool, PoolClient } from 'pg';
import { copyRows, runSqlFile, sqlFile, withTransaction } from '@ecom/db';
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
 * already holds keep its value (copied in SQL); then the pairs `parsed` holds (parsePhonesBeside,
 * when it ran); for the others, a cursor over their distinct (phone, region) pairs is fetched in
 * batches of `batch`, each parsed here (libphonenumber-js has no SQL form, ~8-30 us a number) and
 * sent back with COPY FROM STDIN. One connection cannot stream COPY out and in at once, hence the
 * cursor. Returns how many pairs were parsed here and how many of them gave a number.
 */
export async function fillPhoneE164(
  client: PoolClient,
  customersTable: string,
  batch = PHONE_BATCH,
  parsed?: string,
): Promise<{ pairs: number; parsed: number }> {
  await openPairs(client, customersTable, parsed);
  const counts = await parsePairs(client, 'pg_temp.customer_phone_e164', batch);
  await runSqlFile(client, 'transform/phone_e164_close');
  return counts;
}

/**
 * The pairs fillPhoneE164 would parse, parsed on a connection of `pool` in a transaction of its own
 * and committed to `parsed` (sql/transform/phone_e164_beside_*.sql), so that the transform's
 * transaction can check the order lines meanwhile: at 100k customers the parsing is ~0.8 s of
 * Node.js CPU during which PostgreSQL had nothing to do. Reads the committed production, as the
 * transform's transaction sees it until it loads the customers. Returns false, with nothing
 * written, when the run's typed customers are not committed yet (the transform builds them in its
 * own transaction) or a table it reads is locked (phone_e164_beside_lock.sql): fillPhoneE164 then
 * parses them all itself.
 */
export async function parsePhonesBeside(pool: Pool, customersTable: string, parsed: string, batch = PHONE_BATCH): Promise<boolean> {
  try {
    return await withTransaction(pool, (client) => parseBeside(client, customersTable, parsed, batch));
  } catch (error) {
    // A table the transform's transaction holds (phone_e164_beside_lock.sql): it parses them itself.
    if ((error as { code?: unknown }).code === LOCK_NOT_AVAILABLE) return false;
    throw error;
  }
}

/** PostgreSQL's lock_not_available: a NOWAIT lock refused, or lock_timeout reached. */
const LOCK_NOT_AVAILABLE = '55P03';

async function parseBeside(client: PoolClient, customersTable: string, parsed: string, batch: number): Promise<boolean> {
  const { rows } = await runSqlFile<{ name: string }>(client, 'quality/typed/exists', [[customersTable]]);
  if (rows.length === 0) return false;
  await client.query(sqlFile('transform/phone_e164_beside_lock').replaceAll('{{customers}}', customersTable));
  await client.query(sqlFile('transform/phone_e164_beside_table').replaceAll('{{parsed}}', parsed));
  // The same pairs as fillPhoneE164's, from this session's own temporary table (gone at commit).
  await openPairs(client, customersTable);
  await parsePairs(client, parsed, batch);
  return true;
}

/**
 * On `client`: pg_temp.customer_phone_e164 with the pairs production supplies, then those of the
 * table `seed`, and the cursor customer_phone_pairs over the run's pairs still missing.
 */
async function openPairs(client: PoolClient, customersTable: string, seed?: string): Promise<void> {
  await runSqlFile(client, 'transform/phone_e164_prepare');
  // By key when the run is small beside production (a delta), else joined (production-lookup.ts).
  const probe = await probesProduction(client, customersTable, 'production.customers');
  await client.query(
    sqlFile('transform/phone_e164_reuse')
      .replaceAll('{{customers}}', customersTable)
      .replaceAll('{{customer_lookup}}', customerLookup(probe, 'p', 'customer_id', 't.customer_id')),
  );
  if (seed !== undefined) await client.query(sqlFile('transform/phone_e164_seed').replaceAll('{{parsed}}', seed));
  await client.query(sqlFile('transform/phone_e164_pairs').replaceAll('{{customers}}', customersTable));
}

/** Fetches the open cursor customer_phone_pairs in batches, parses each pair and COPYs it into `target`. */
async function parsePairs(client: PoolClient, target: string, batch: number): Promise<{ pairs: number; parsed: number }> {
  const fetch = sqlFile('transform/phone_e164_fetch').replaceAll('{{batch}}', String(Math.max(1, Math.trunc(batch))));
  let pairs = 0;
  let parsed = 0;
  for (;;) {
    const { rows } = await client.query<{ phone: string; phone_region: string }>(fetch);
    if (rows.length === 0) break;
    pairs += rows.length;
    await copyRows(
      client,
      `${target} (phone, region, e164)`,
      rows.map((row) => {
        const e164 = toE164(row.phone, row.phone_region);
        if (e164 !== null) parsed++;
        return [row.phone, row.phone_region, e164];
      }),
    );
  }
  return { pairs, parsed };
}
