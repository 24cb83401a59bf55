import { sqlFile, withTransaction } from '@ecom/db';
import { createTestEnv, type TestEnv, waitFor } from '@ecom/testing';
import { PRODUCTION_MEASURES, PROFILE_MEASURES, TYPED_MEASURES, assembleProfile, measureProfile, measureProfileIn, profileRun } from './run-profile';

/**
 * The data profile of a run, measured in SQL over its staging rows, on a batch small enough to
 * check by hand: four orders of three customers in Pune, one of them filed under the wrong state,
 * one order placed the day before its customer registered.
 */
describe('data profile of a run', () => {
  let env: TestEnv;
  const runId = 'profiled';

  beforeAll(async () => {
    env = await createTestEnv('pipeline_profile');
    await env.pool.query(`INSERT INTO ops.runs (run_id, mode, params) VALUES ($1, 'source', '{}')`, [runId]);
    await env.pool.query(
      `INSERT INTO staging.customers (customer_id, registration_date, city, state, country, run_id, source_file, source_line)
       VALUES ('C1', '2024-01-01', 'Pune', 'Maharashtra', 'India', $1, 'customers.csv', 2),
              ('C2', '2024-06-01', 'Pune', 'Maharashtra', 'India', $1, 'customers.csv', 3),
              ('C3', '2024-01-01', 'Pune', 'Karnataka', 'India', $1, 'customers.csv', 4)`,
      [runId],
    );
    await env.pool.query(
      `INSERT INTO staging.products (product_id, category, price, run_id, source_file, source_line)
       VALUES ('P1', 'Electronics', '500.00', $1, 'products.csv', 2), ('P2', 'Books', '10.00', $1, 'products.csv', 3)`,
      [runId],
    );
    await env.pool.query(
      `INSERT INTO staging.transactions (transaction_id, customer_id, transaction_date, transaction_time, payment_method,
                                         shipping_address, total_amount, run_id, source_file, source_line)
       VALUES ('T1', 'C1', '2024-11-02', '10:00:00', 'Credit Card', '1 A St, Pune, Maharashtra, India', '500.00', $1, 't.csv', 2),
              ('T2', 'C1', '2024-11-04', '03:00:00', 'UPI', '2 B St, Pune, Maharashtra, India', '20.00', $1, 't.csv', 3),
              ('T3', 'C2', '2024-05-31', '12:00:00', 'UPI', '3 C St, Pune, Maharashtra, India', '9.00', $1, 't.csv', 4),
              ('T4', 'C3', '2024-11-03', '20:00:00', 'Cash on Delivery', '4 D St, Pune, Maharashtra, India', '1010.00', $1, 't.csv', 5)`,
      [runId],
    );
    await env.pool.query(
      `INSERT INTO staging.transaction_items (item_id, transaction_id, product_id, quantity, unit_price, discount_percentage,
                                              line_total, run_id, source_file, source_line)
       VALUES ('I1', 'T1', 'P1', '1', '500.00', '0', '500.00', $1, 'i.csv', 2),
              ('I2', 'T2', 'P2', '2', '10.00', '0', '20.00', $1, 'i.csv', 3),
              ('I3', 'T3', 'P2', '1', '10.00', '10', '9.00', $1, 'i.csv', 4),
              ('I4', 'T4', 'P1', '2', '500.00', '0', '1000.00', $1, 'i.csv', 5),
              ('I5', 'T4', 'P2', '1', '10.00', '0', '10.00', $1, 'i.csv', 6)`,
      [runId],
    );
  });
  afterAll(() => env.teardown());

  it('measures the shape of the landed data and stores it by run', async () => {
    const profile = await profileRun(env.pool, runId);
    expect(profile).toEqual({
      orders: 4,
      orderLines: 5,
      revenue: 1539,
      buyers: 3,
      repeatBuyers: 1,
      oneTimeBuyers: 2,
      monthlyRevenue: [
        { month: '2024-05', orders: 1, revenue: 9, index: 0.0117, discountedLineShare: 1 },
        { month: '2024-11', orders: 3, revenue: 1530, index: 1.9883, discountedLineShare: 0 },
      ],
      // No December in the batch: no Q4 peak to speak of.
      q4PeakIndex: null,
      // 1510 over 46 weekend days against 29 over 112 weekdays, 2024-05-31..2024-11-04.
      weekendWeekdayRatio: 126.7766,
      nightOrderShare: 0.25,
      // The top 20% of three buyers is one: C3's 1010 of 1539.
      topCustomerRevenueShare: 0.6563,
      categories: [
        { category: 'Electronics', revenue: 1500, share: 0.9747, products: 1, avgPrice: 500 },
        { category: 'Books', revenue: 39, share: 0.0253, products: 1, avgPrice: 10 },
      ],
      paymentMix: [
        { paymentMethod: 'UPI', orders: 2, share: 0.5 },
        { paymentMethod: 'Cash on Delivery', orders: 1, share: 0.25 },
        { paymentMethod: 'Credit Card', orders: 1, share: 0.25 },
      ],
      basketSizeMean: 1.25,
      ordersBeforeRegistration: 1,
      // Pune appears 6 times in Maharashtra and once (C3) in Karnataka.
      geographyMismatches: 1,
    });
    const stored = await env.pool.query('SELECT profile FROM ops.run_profiles WHERE run_id = $1', [runId]);
    expect(stored.rows[0].profile).toEqual(profile);
  });

  it('replaces the stored profile when measured again (a retried stage)', async () => {
    await env.pool.query(`UPDATE staging.customers SET state = 'Maharashtra' WHERE run_id = $1 AND customer_id = 'C3'`, [runId]);
    const again = await profileRun(env.pool, runId);
    expect(again.geographyMismatches).toBe(0);
    const stored = await env.pool.query('SELECT count(*)::int AS n, max((profile->>\'geographyMismatches\')::int) AS g FROM ops.run_profiles');
    expect(stored.rows[0]).toEqual({ n: 1, g: 0 });
  });

  it('looks up customers of earlier runs in production for the registration check', async () => {
    const delta = 'delta';
    await env.pool.query(`INSERT INTO ops.runs (run_id, mode, params) VALUES ($1, 'source', '{}')`, [delta]);
    await env.pool.query(
      `INSERT INTO production.customers (customer_id, first_name, last_name, email, registration_date, city, state, country, age_group, last_run_id)
       VALUES ('C9', 'A', 'B', 'a.b9@example.com', '2025-01-02', 'Pune', 'Maharashtra', 'India', '26-35', 'earlier')`,
    );
    await env.pool.query(
      `INSERT INTO staging.transactions (transaction_id, customer_id, transaction_date, transaction_time, payment_method,
                                         shipping_address, total_amount, run_id, source_file, source_line)
       VALUES ('T9', 'C9', '2025-01-01', '09:00:00', 'UPI', '9 E St, Pune, Maharashtra, India', '5.00', $1, 't.csv', 2)`,
      [delta],
    );
    expect(await profileRun(env.pool, delta)).toMatchObject({ orders: 1, ordersBeforeRegistration: 1, geographyMismatches: 0, orderLines: 0 });
  });

  it('measures inside an open transaction what it measures on the pool, and leaves that transaction its settings', async () => {
    const onPool = assembleProfile(await measureProfile(env.pool, runId, PROFILE_MEASURES));
    const inside = await withTransaction(env.pool, async (client) => {
      await client.query("SET LOCAL work_mem = '7MB'");
      await client.query('SET LOCAL jit = on');
      const profile = assembleProfile(await measureProfileIn(client, runId, PROFILE_MEASURES));
      const settings = await client.query("SELECT current_setting('work_mem') AS work_mem, current_setting('jit') AS jit");
      return { profile, settings: settings.rows[0] };
    });
    expect(inside.profile).toEqual(onPool);
    expect(inside.settings).toEqual({ work_mem: '7MB', jit: 'on' });
  });

  it('reads production only through the placeholders of the measures named for it', () => {
    // A measure beside a first load's transform that read production would wait for its commit,
    // and the transform waits for the measure: production is reached only through
    // {{earlier_products}} / {{earlier_customers}}, which a first load fills with no rows.
    const code = (measure: string) =>
      sqlFile(`profile/${measure}`)
        .split('\n')
        .filter((line) => !line.trimStart().startsWith('--'))
        .join('\n');
    expect(PROFILE_MEASURES.filter((measure) => /\bproduction\./.test(code(measure)))).toEqual([]);
    expect(PROFILE_MEASURES.filter((measure) => /\{\{earlier_[a-z]+\}\}/.test(code(measure)))).toEqual([...PRODUCTION_MEASURES]);
    expect(TYPED_MEASURES.filter((measure) => PRODUCTION_MEASURES.includes(measure))).toEqual([]);
  });

  it('measures without reading production, beside a first load that holds it locked, what it measures with it', async () => {
    await env.pool.query('TRUNCATE production.customers CASCADE');
    const withProduction = assembleProfile(await measureProfile(env.pool, runId, PROFILE_MEASURES));
    // As a first load's transform holds production until it commits.
    const loader = await env.pool.connect();
    try {
      await loader.query('BEGIN');
      await loader.query('LOCK TABLE production.customers, production.products IN ACCESS EXCLUSIVE MODE');
      // Would wait for the lock, and fail the test on its timeout, if it read production.
      const without = await measureProfile(env.pool, runId, PRODUCTION_MEASURES, { earlier: false });
      expect(assembleProfile({ ...(await measureProfile(env.pool, runId, TYPED_MEASURES)), ...without })).toEqual(withProduction);
      // What reads production waits for the load: seen waiting on the lock, then done once it goes.
      let settled = false;
      const reading = measureProfile(env.pool, runId, ['registration']).finally(() => (settled = true));
      await waitFor(async () => {
        const { rows } = await env.pool.query(
          `SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%Orders dated before their customer registered%'`,
        );
        return rows.length > 0 ? true : undefined;
      }, 'the registration measure to wait on the locked customers');
      expect(settled).toBe(false);
      await loader.query('ROLLBACK');
      expect((await reading).registration).toEqual(without.registration);
    } finally {
      await loader.query('ROLLBACK').catch(() => undefined);
      loader.release();
    }
    expect(withProduction.ordersBeforeRegistration).toBe(1);
  });
});
