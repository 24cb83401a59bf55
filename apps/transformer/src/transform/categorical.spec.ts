import { foldKey, parseCategoricalValues } from '@ecom/config';
import { type Entity } from '@ecom/contracts';
import { withTransaction } from '@ecom/db';
import { buildTypedTables, customerPhonesTable, typedTable, type StageCounts } from '@ecom/pipeline';
import { NO_REJECT_LIMITS } from '@ecom/testing';
import { fillPhoneE164, parsePhonesBeside } from './phone-e164';
import { type TransformDetail } from './transform.service';
import { SOURCE_RUN, transformWorld, type StagedLine, type TransformCounts } from './transform-world.testing';

const params = SOURCE_RUN;

const customer = (id: string, over: StagedLine): StagedLine => ({
  customer_id: id,
  first_name: 'Ann',
  last_name: 'Lee',
  email: `${id.toLowerCase()}@x.com`,
  phone: null,
  registration_date: '2023-01-01',
  city: 'Austin',
  state: 'Texas',
  country: 'United States',
  age_group: '26-35',
  ...over,
});

const product = (id: string, over: StagedLine): StagedLine => ({
  product_id: id,
  product_name: `Thing ${id}`,
  category: 'Electronics',
  sub_category: 'Laptops',
  price: '10.00',
  cost: '5.00',
  brand: 'Acme',
  stock_quantity: '1',
  supplier_id: 'S1',
  ...over,
});

const order = (id: string, paymentMethod: string): StagedLine => ({
  transaction_id: id,
  customer_id: 'C1',
  transaction_date: '2024-03-01',
  transaction_time: '10:00:00',
  payment_method: paymentMethod,
  shipping_address: 'a',
  total_amount: '10.00',
});

const line = (id: string, transactionId: string): StagedLine => ({
  item_id: id,
  transaction_id: transactionId,
  product_id: 'P1',
  quantity: '1',
  unit_price: '10.00',
  discount_percentage: '0',
  line_total: '10.00',
});

/**
 * Issue 12 points 3 and 4: one spelling per categorical value (config/categorical-values.yaml),
 * names and phones as given with an E.164 copy. Fixtures of this file only.
 */
describe('categorical values and personal data', () => {
  // Each batch rejects one of a handful of rows on purpose: no reject limit here.
  const world = transformWorld('transformer_categorical', NO_REJECT_LIMITS);
  const { stage } = world;

  async function transformBatch(runId: string, lines: Partial<Record<Entity, StagedLine[]>>): Promise<TransformCounts> {
    await world.createRunWith(runId, lines);
    return world.transform(runId);
  }

  const rejectsOf = async (runId: string) =>
    (
      await world.env.pool.query<{ record_key: string; reason_code: string; message: string }>(
        `SELECT record_key, reason_code, message FROM ops.quarantine WHERE run_id = $1 ORDER BY record_key`,
        [runId],
      )
    ).rows.map((r) => [r.record_key, r.reason_code, r.message]);

  it('compares spellings the same way in TypeScript (config checks) and in PostgreSQL (the loads)', async () => {
    const spellings = ['  Credit \t  CARD ', 'ÎLE-DE-FRANCE', 'a\u00a0b', 'x\u3000y', '\n COD\r\n', 'Home & Kitchen', '   '];
    const { rows } = await world.env.pool.query<{ key: string }>('SELECT ops.fold_key(v) AS key FROM unnest($1::text[]) WITH ORDINALITY AS t(v, n) ORDER BY n', [spellings]);
    expect(rows.map((r) => r.key)).toEqual(spellings.map(foldKey));
  });

  describe('case, space and alias variants', () => {
    const runId = 'r-spelling';
    let counts: StageCounts & { detail: TransformDetail };

    beforeAll(async () => {
      counts = await transformBatch(runId, {
        customers: [
          customer('C1', { country: 'USA', state: ' texas ' }),
          customer('C2', { country: ' united   STATES ', state: 'TEXAS' }),
          customer('C3', { country: 'us', state: 'Île-de-France', age_group: ' 60+ ' }),
          customer('C4', { country: 'FRANCE', state: 'ÎLE-DE-FRANCE' }),
          customer('C5', { country: 'France', state: 'île-de-france' }),
          customer('C6', { age_group: '61+' }),
        ],
        products: [
          product('P1', {}),
          product('P2', { category: 'ELECTRONICS', sub_category: ' smart  watches ' }),
          product('P3', { category: 'home and kitchen', sub_category: 'DECOR' }),
          product('P4', { category: 'Garden', sub_category: 'Tools' }),
          product('P5', { category: 'GARDEN', sub_category: 'tools' }),
        ],
        transactions: [
          order('T1', 'Credit Card'),
          order('T2', 'credit card'),
          order('T3', ' CREDIT  CARD '),
          order('T4', 'COD'),
          order('T5', 'Cash On Delivery'),
          order('T6', 'Bitcoin'),
        ],
        transaction_items: ['T1', 'T2', 'T3', 'T4', 'T5', 'T6'].map((t, i) => line(`I${i + 1}`, t)),
      });
    });

    it('loads every variant of a configured value under its one canonical spelling', async () => {
      const customers = await world.env.pool.query('SELECT customer_id, country, state, age_group FROM production.customers ORDER BY customer_id');
      expect(customers.rows).toEqual([
        { customer_id: 'C1', country: 'United States', state: 'Texas', age_group: '26-35' },
        { customer_id: 'C2', country: 'United States', state: 'Texas', age_group: '26-35' },
        { customer_id: 'C3', country: 'United States', state: 'Île-de-France', age_group: '60+' },
        { customer_id: 'C4', country: 'FRANCE', state: 'Île-de-France', age_group: '26-35' },
        { customer_id: 'C5', country: 'FRANCE', state: 'Île-de-France', age_group: '26-35' },
      ]);
      const products = await world.env.pool.query('SELECT product_id, category, sub_category FROM production.products ORDER BY product_id');
      expect(products.rows).toEqual([
        { product_id: 'P1', category: 'Electronics', sub_category: 'Laptops' },
        { product_id: 'P2', category: 'Electronics', sub_category: 'Smart Watches' },
        { product_id: 'P3', category: 'Home & Kitchen', sub_category: 'Decor' },
        // Not configured, `keep`: the first spelling seen (file order) is the canonical one.
        { product_id: 'P4', category: 'Garden', sub_category: 'Tools' },
        { product_id: 'P5', category: 'Garden', sub_category: 'Tools' },
      ]);
      const methods = await world.env.pool.query(
        'SELECT payment_method, count(*)::int AS orders FROM production.transactions GROUP BY payment_method ORDER BY payment_method',
      );
      expect(methods.rows).toEqual([
        { payment_method: 'Cash on Delivery', orders: 2 },
        { payment_method: 'Credit Card', orders: 3 },
      ]);
    });

    it('quarantines an unknown value of a `quarantine` field, naming field and value', async () => {
      expect(await rejectsOf(runId)).toEqual([
        ['C6', 'invalid_age_group', "age_group '61+' is not one of the configured age groups (config/categorical-values.yaml)"],
        ['I6', 'orphan_transaction', 'transaction T6 was rejected in this run (unknown_value)'],
        ['T6', 'unknown_value', "payment_method 'Bitcoin' is not a configured value (config/categorical-values.yaml)"],
      ]);
      expect(counts.detail.transactions).toEqual({ in: 6, out: 5, rejected: 1, byReason: { unknown_value: 1 } });
    });

    it('remembers a learned spelling for later runs, and the config file wins over it', async () => {
      const learned = await world.env.pool.query(
        `SELECT field, key, value, origin, run_id FROM ops.categorical_values WHERE origin = 'learned' ORDER BY field, key`,
      );
      expect(learned.rows).toEqual([
        { field: 'category', key: 'garden', value: 'Garden', origin: 'learned', run_id: runId },
        { field: 'country', key: 'france', value: 'FRANCE', origin: 'learned', run_id: runId },
        { field: 'state', key: 'île-de-france', value: 'Île-de-France', origin: 'learned', run_id: runId },
        { field: 'sub_category', key: 'tools', value: 'Tools', origin: 'learned', run_id: runId },
      ]);
      await transformBatch('r-spelling-2', { customers: [customer('C7', { country: 'france ', state: 'ILE-de-france' })] });
      const c7 = await world.env.pool.query(`SELECT country, state FROM production.customers WHERE customer_id = 'C7'`);
      // Île (with the accent) and Ile are different words: the second is a new learned value.
      expect(c7.rows).toEqual([{ country: 'FRANCE', state: 'ILE-de-france' }]);
    });
  });

  describe('a file that maps unknown values to a default or quarantines a `keep` field', () => {
    it('follows the file: the default loads, the quarantined field is rejected as unknown_value', async () => {
      const config = parseCategoricalValues(
        `
fields:
  payment_method: { values: [Credit Card, Other], unknown: default, default: other }
  category: { values: [Electronics], unknown: quarantine }
  sub_category: { values: [Laptops], unknown: keep }
  country: { values: [United States], aliases: { USA: United States }, regions: { United States: US }, unknown: quarantine }
  state: { values: [Texas], unknown: keep }
  age_group: { values: ['26-35'], unknown: quarantine }
`,
        'custom.yaml',
      );
      const runId = 'r-custom';
      await world.runtime.ledger.createRun(runId, params);
      await stage(runId, 'customers', [customer('C20', { country: 'Mexico' }), customer('C21', { email: 'c21@x.com' })]);
      await stage(runId, 'products', [product('P20', { category: 'Books' }), product('P21', {})]);
      await stage(runId, 'transactions', [{ ...order('T20', 'Bitcoin'), customer_id: 'C21' }]);
      await stage(runId, 'transaction_items', [{ ...line('I20', 'T20'), product_id: 'P21' }]);
      // The typed tables built as the validator builds them, here from the custom file.
      await buildTypedTables(world.env.pool, runId, config);
      const run = await world.runtime.ledger.getRun(runId);
      if (!run) throw new Error('no run');
      await withTransaction(world.env.pool, (client) => world.service.transformRun({ runId, run, client, progress: async () => undefined }));

      expect(await rejectsOf(runId)).toEqual([
        ['C20', 'unknown_value', "country 'Mexico' is not a configured value (config/categorical-values.yaml)"],
        ['P20', 'unknown_value', "category 'Books' is not a configured value (config/categorical-values.yaml)"],
      ]);
      const t20 = await world.env.pool.query(`SELECT payment_method FROM production.transactions WHERE transaction_id = 'T20'`);
      expect(t20.rows).toEqual([{ payment_method: 'Other' }]);
      // The default file again: learned values of fields no longer `keep` were dropped by the custom
      // sync (country), the file's own values are back.
      await buildTypedTables(world.env.pool, 'r-resync');
      const fields = await world.env.pool.query(`SELECT field, on_unknown, default_value FROM ops.categorical_fields ORDER BY field`);
      expect(fields.rows).toContainEqual({ field: 'payment_method', on_unknown: 'quarantine', default_value: null });
      const country = await world.env.pool.query(`SELECT count(*)::int AS n FROM ops.categorical_values WHERE field = 'country' AND origin = 'learned'`);
      expect(country.rows).toEqual([{ n: 0 }]);
    });
  });

  describe('names and phones as given, with an E.164 copy', () => {
    const runId = 'r-personal';

    beforeAll(async () => {
      await transformBatch(runId, {
        customers: [
          customer('C30', { first_name: ' Ronald ', last_name: 'McDonald', phone: '+44 20 7946 0958 ext. 12', country: 'United Kingdom' }),
          customer('C31', { first_name: 'Anna', last_name: 'van der Berg', phone: '(415) 555-2671', country: 'usa' }),
          customer('C32', { first_name: 'ÉLODIE', last_name: "d'Arc", phone: '020 7946 0958', country: 'UK' }),
          customer('C33', { phone: 'call me maybe', country: 'Germany' }),
          customer('C34', { phone: '01 23 45 67 89', country: 'Atlantis' }),
          customer('C35', { phone: '+33 1 23 45 67 89', country: 'Atlantis' }),
          customer('C36', { phone: '12', country: 'India' }),
        ],
      });
    });

    it('keeps names as written, only trimmed', async () => {
      const { rows } = await world.env.pool.query(
        `SELECT customer_id, first_name, last_name FROM production.customers WHERE customer_id IN ('C30', 'C31', 'C32') ORDER BY customer_id`,
      );
      expect(rows).toEqual([
        { customer_id: 'C30', first_name: 'Ronald', last_name: 'McDonald' },
        { customer_id: 'C31', first_name: 'Anna', last_name: 'van der Berg' },
        { customer_id: 'C32', first_name: 'ÉLODIE', last_name: "d'Arc" },
      ]);
    });

    it('keeps the phone text and adds phone_e164, the country as default region, NULL when it does not parse', async () => {
      const { rows } = await world.env.pool.query(
        `SELECT customer_id, phone, phone_e164 FROM production.customers WHERE customer_id BETWEEN 'C30' AND 'C36' ORDER BY customer_id`,
      );
      expect(rows).toEqual([
        { customer_id: 'C30', phone: '+44 20 7946 0958 ext. 12', phone_e164: '+442079460958' },
        { customer_id: 'C31', phone: '(415) 555-2671', phone_e164: '+14155552671' },
        { customer_id: 'C32', phone: '020 7946 0958', phone_e164: '+442079460958' },
        { customer_id: 'C33', phone: 'call me maybe', phone_e164: null },
        { customer_id: 'C34', phone: '01 23 45 67 89', phone_e164: null },
        { customer_id: 'C35', phone: '+33 1 23 45 67 89', phone_e164: '+33123456789' },
        { customer_id: 'C36', phone: '12', phone_e164: null },
      ]);
    });

    it('recomputes phone_e164 when the phone or the country changes, without moving updated_at for it alone', async () => {
      await transformBatch('r-personal-2', {
        customers: [customer('C31', { first_name: 'Anna', last_name: 'van der Berg', phone: '0151 23456789', country: 'Germany' })],
      });
      const { rows } = await world.env.pool.query(`SELECT phone, phone_e164, country FROM production.customers WHERE customer_id = 'C31'`);
      expect(rows).toEqual([{ phone: '0151 23456789', phone_e164: '+4915123456789', country: 'Germany' }]);
    });

    it('parses only new or changed phones: an unchanged customer keeps the E.164 form production holds', async () => {
      // A marker production could not have computed: if C30 were parsed again it would be +442079460958.
      await world.env.pool.query(`UPDATE production.customers SET phone_e164 = '+440000000000' WHERE customer_id = 'C30'`);
      const runId3 = 'r-personal-3';
      await world.runtime.ledger.createRun(runId3, params);
      await stage(runId3, 'customers', [
        customer('C30', { first_name: ' Ronald ', last_name: 'McDonald', phone: '+44 20 7946 0958 ext. 12', country: 'United Kingdom' }),
        customer('C37', { phone: '+1 415 555 2699' }),
      ]);
      await buildTypedTables(world.env.pool, runId3);
      const filled = await withTransaction(world.env.pool, async (client) => {
        const counts = await fillPhoneE164(client, typedTable('customers', runId3));
        const { rows } = await client.query('SELECT phone, region, e164 FROM pg_temp.customer_phone_e164 ORDER BY phone');
        return { counts, rows };
      });
      expect(filled).toEqual({
        counts: { pairs: 1, parsed: 1 },
        rows: [
          { phone: '+1 415 555 2699', region: 'US', e164: '+14155552699' },
          { phone: '+44 20 7946 0958 ext. 12', region: 'GB', e164: '+440000000000' },
        ],
      });
    });

    it('parses in bounded batches: any batch size gives the same table', async () => {
      const runId2 = 'r-batches';
      await world.runtime.ledger.createRun(runId2, params);
      await stage(runId2, 'customers', [
        customer('C40', { phone: '+1 415 555 2671' }),
        customer('C41', { phone: '+1 415 555 2671' }),
        customer('C42', { phone: '415 555 2672' }),
        customer('C43', { phone: 'nope' }),
        customer('C44', { phone: '+49 151 23456789', country: 'Atlantis' }),
      ]);
      await buildTypedTables(world.env.pool, runId2);
      const fill = (batch: number) =>
        withTransaction(world.env.pool, async (client) => {
          const counts = await fillPhoneE164(client, typedTable('customers', runId2), batch);
          const { rows } = await client.query('SELECT phone, region, e164 FROM pg_temp.customer_phone_e164 ORDER BY phone, region');
          return { counts, rows };
        });
      const one = await fill(1);
      expect(one.counts).toEqual({ pairs: 4, parsed: 3 });
      expect(one.rows).toEqual([
        { phone: '+1 415 555 2671', region: 'US', e164: '+14155552671' },
        { phone: '+49 151 23456789', region: '', e164: '+4915123456789' },
        { phone: '415 555 2672', region: 'US', e164: '+14155552672' },
        { phone: 'nope', region: 'US', e164: null },
      ]);
      expect(await fill(3)).toEqual(one);
      expect(await fill(10_000)).toEqual(one);
    });

    it('parses beside, committed on a connection of its own, only the pairs production cannot supply; the fill takes them and parses nothing more', async () => {
      const runId4 = 'r-personal-beside';
      // A marker production could not have computed: if C30 were parsed again it would be +442079460958.
      await world.env.pool.query(`UPDATE production.customers SET phone_e164 = '+440000000000' WHERE customer_id = 'C30'`);
      await world.runtime.ledger.createRun(runId4, params);
      await stage(runId4, 'customers', [
        // C30's phone and country are production's (its marked E.164 form must be kept); C37 is new.
        customer('C30', { first_name: ' Ronald ', last_name: 'McDonald', phone: '+44 20 7946 0958 ext. 12', country: 'United Kingdom' }),
        customer('C37', { phone: '+1 415 555 2699' }),
        customer('C38', { phone: 'nope' }),
      ]);
      await buildTypedTables(world.env.pool, runId4);
      const parsedTable = customerPhonesTable(runId4);
      expect(await parsePhonesBeside(world.env.pool, typedTable('customers', runId4), parsedTable, 1)).toBe(true);
      // Committed: another connection reads it.
      const { rows: parsed } = await world.env.pool.query(`SELECT phone, region, e164 FROM ${parsedTable} ORDER BY phone`);
      expect(parsed).toEqual([
        { phone: '+1 415 555 2699', region: 'US', e164: '+14155552699' },
        { phone: 'nope', region: 'US', e164: null },
      ]);
      const fill = (seed: string | undefined) =>
        withTransaction(world.env.pool, async (client) => {
          const counts = await fillPhoneE164(client, typedTable('customers', runId4), 10_000, seed);
          const { rows } = await client.query('SELECT phone, region, e164 FROM pg_temp.customer_phone_e164 ORDER BY phone');
          return { counts, rows };
        });
      const seeded = await fill(parsedTable);
      expect(seeded.counts).toEqual({ pairs: 0, parsed: 0 });
      expect(seeded.rows).toEqual([...parsed.slice(0, 1), { phone: '+44 20 7946 0958 ext. 12', region: 'GB', e164: '+440000000000' }, parsed[1]]);
      // The same table as a fill that parses every pair itself.
      expect((await fill(undefined)).rows).toEqual(seeded.rows);

      // A pair missing from the parsed table (production changed between the two reads) is parsed by the fill.
      await world.env.pool.query(`DELETE FROM ${parsedTable} WHERE phone = 'nope'`);
      const completed = await fill(parsedTable);
      expect(completed).toEqual({ counts: { pairs: 1, parsed: 0 }, rows: seeded.rows });
      await world.env.pool.query(`DROP TABLE ${parsedTable}`);
    });

    it('a transform whose typed tables the validator committed parses the phones beside and drops their table with its commit', async () => {
      const runId6 = 'r-personal-validated';
      await world.createRunWith(runId6, { customers: [customer('C39', { phone: '(415) 555-2688', country: 'usa' })] });
      await buildTypedTables(world.env.pool, runId6);
      const counts = await world.transform(runId6);
      expect(counts.detail.customers).toEqual({ in: 1, out: 1, rejected: 0, byReason: {} });
      const { rows } = await world.env.pool.query(`SELECT phone_e164 FROM production.customers WHERE customer_id = 'C39'`);
      expect(rows).toEqual([{ phone_e164: '+14155552688' }]);
      const left = await world.env.pool.query('SELECT to_regclass($1) IS NULL AS absent', [customerPhonesTable(runId6)]);
      expect(left.rows).toEqual([{ absent: true }]);
    });

    it('parses nothing beside, without waiting, when another transaction holds a table it reads (as the transform may: no wait through Node.js)', async () => {
      const runId7 = 'r-personal-locked';
      await world.createRunWith(runId7, { customers: [customer('C45', { phone: '+1 415 555 2611' })] });
      await buildTypedTables(world.env.pool, runId7);
      const parsedTable = customerPhonesTable(runId7);
      for (const locked of [typedTable('customers', runId7), 'production.customers']) {
        const holder = await world.env.pool.connect();
        try {
          await holder.query('BEGIN');
          await holder.query(`LOCK TABLE ${locked} IN ACCESS EXCLUSIVE MODE`);
          // The holder lets go only after this returns: a call that waited for it would never end.
          expect(await parsePhonesBeside(world.env.pool, typedTable('customers', runId7), parsedTable)).toBe(false);
        } finally {
          await holder.query('ROLLBACK');
          holder.release();
        }
        const { rows } = await world.env.pool.query('SELECT to_regclass($1) IS NULL AS absent', [parsedTable]);
        expect(rows).toEqual([{ absent: true }]);
      }
      expect(await parsePhonesBeside(world.env.pool, typedTable('customers', runId7), parsedTable)).toBe(true);
      await world.env.pool.query(`DROP TABLE ${parsedTable}`);
    });

    it('parses nothing beside when the typed customers are not committed (the transform builds them in its own transaction)', async () => {
      const runId5 = 'r-personal-unbuilt';
      const parsedTable = customerPhonesTable(runId5);
      expect(await parsePhonesBeside(world.env.pool, typedTable('customers', runId5), parsedTable)).toBe(false);
      const { rows } = await world.env.pool.query('SELECT to_regclass($1) IS NULL AS absent', [parsedTable]);
      expect(rows).toEqual([{ absent: true }]);
    });
  });
});
