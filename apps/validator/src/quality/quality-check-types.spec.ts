import {
  LedgerRepository,
  measureCheck,
  measureRowChecks,
  parseQualityChecks,
  rowCheckGroups,
  type QualityCheck,
  type RowCheck,
} from '@ecom/pipeline';
import { createTestEnv, type TestEnv } from '@ecom/testing';
import { seedProduction, stageBatch, type StagedBatch } from './quality.fixtures';

/** Each check type once (or twice, to show a parameter), on the rows staged below. */
const CHECKS = parseQualityChecks(`
checks:
  - { name: names_present, type: not_null, entity: customers, columns: [customer_id, first_name], family: completeness, weight: 1, description: d }
  - { name: customer_id_unique, type: unique, entity: customers, column: customer_id, family: uniqueness, weight: 1, description: d }
  - { name: email_unique_any_case, type: unique, entity: customers, column: email, params: { ignore_case: true }, family: uniqueness, weight: 1, description: d }
  - { name: email_unique_exact, type: unique, entity: customers, column: email, family: uniqueness, weight: 1, description: d }
  - { name: age_group_known, type: accepted_values, entity: customers, column: age_group, params: { values: ['18-25', '60+'] }, family: range, weight: 1, description: d }
  - { name: email_shaped, type: regex, entity: customers, column: email, params: { pattern: '^[^@]+@[^@]+$' }, family: range, weight: 1, description: d }
  - { name: registered_by_june, type: range, entity: customers, column: registration_date, params: { type: date, max: '2024-06-30' }, family: range, weight: 1, description: d }
  - { name: price_strictly_between, type: range, entity: transaction_items, column: unit_price, params: { type: number, min: 0, max: 100, inclusive: false }, family: range, weight: 1, description: d }
  - { name: quantity_positive, type: range, entity: transaction_items, column: quantity, params: { type: integer, min: 1 }, family: range, weight: 1, description: d }
  - { name: time_of_day, type: range, entity: transactions, column: transaction_time, params: { type: time }, family: range, weight: 1, description: d }
  - { name: payment_known, type: accepted_values, entity: transactions, column: payment_method, params: { values: ['Credit Card', 'Cash on Delivery'] }, family: range, weight: 1, description: d }
  - { name: item_transaction_exists, type: relationships, entity: transaction_items, column: transaction_id, params: { to: { entity: transactions, column: transaction_id } }, family: referential_integrity, weight: 1, description: d }
  - { name: customers_steady, type: row_count_change, entity: customers, params: { max_change_pct: 50 }, family: completeness, weight: 1, description: d }
  - { name: sales_within_week, type: freshness, entity: transactions, column: transaction_date, params: { max_age_days: 7 }, family: completeness, weight: 1, description: d }
  - { name: sales_within_fortnight, type: freshness, entity: transactions, column: transaction_date, params: { max_age_days: 14 }, family: completeness, weight: 1, description: d }
  - { name: customers_reach_production, type: reconciliation, stage: transform, entity: customers, params: { from: staging, to: production, measure: row_count }, family: consistency, severity: error, weight: 1, description: d }
  - { name: revenue_reaches_production, type: reconciliation, stage: transform, entity: transaction_items, params: { from: staging, to: production, measure: revenue_sum }, family: consistency, severity: error, weight: 1, description: d }
  - { name: lines_reach_warehouse, type: reconciliation, stage: warehouse, entity: transaction_items, params: { from: production, to: warehouse, measure: row_count }, family: consistency, severity: error, weight: 1, description: d }
  - { name: revenue_reaches_warehouse, type: reconciliation, stage: warehouse, entity: transaction_items, params: { from: production, to: warehouse, measure: revenue_sum }, family: consistency, severity: error, weight: 1, description: d }
`);

const EMPTY: StagedBatch = { customers: [], products: [], transactions: [], transaction_items: [] };

/** One defect or look-alike per rule; the comments at each expectation say which row is which. */
const CRAFTED: StagedBatch = {
  ...EMPTY,
  customers: [
    { customer_id: 'C1', first_name: 'Ana', email: 'ana@x.io', age_group: '18-25', registration_date: '2024-01-01' },
    { customer_id: 'C2', first_name: 'Ben', email: ' ANA@X.IO ', age_group: '99+', registration_date: '2024-13-01' },
    { customer_id: 'C3', first_name: '  ', email: 'not-an-email', age_group: null, registration_date: '2024-07-01' },
    { customer_id: 'C1', first_name: 'Ana', email: 'ana@x.io', age_group: ' 60+ ', registration_date: '2024-06-30' },
    { customer_id: null, first_name: 'Nobody', email: null, age_group: '', registration_date: '' },
  ],
  transactions: [
    { transaction_id: 'T1', transaction_time: '10:00', transaction_date: '2024-05-20', payment_method: ' credit  CARD' },
    { transaction_id: 'T2', transaction_time: '25:00', transaction_date: 'someday', payment_method: 'Bitcoin' },
  ],
  transaction_items: [
    { item_id: 'I1', transaction_id: 'T1', unit_price: '0', quantity: '1' },
    { item_id: 'I2', transaction_id: 'T900', unit_price: '100', quantity: '1.5' },
    { item_id: 'I3', transaction_id: ' T1 ', unit_price: '50', quantity: '0' },
    { item_id: 'I4', transaction_id: 'T404', unit_price: 'abc', quantity: '2' },
    { item_id: 'I5', transaction_id: '', unit_price: '', quantity: '3' },
  ],
};

describe('check types: each SQL template on crafted staging rows', () => {
  let env: TestEnv;
  let ledger: LedgerRepository;

  const check = (name: string): QualityCheck => {
    const found = CHECKS.checks.find((c) => c.name === name);
    if (!found) throw new Error(`no check ${name}`);
    return found;
  };
  /** [rows checked, violations, sample ids] of one check on one run. */
  const measure = async (name: string, runId: string) => {
    const result = await measureCheck(env.pool, runId, check(name));
    return [Number(result.rowsChecked), result.violations, result.sampleIds];
  };
  const generatedAsOf = (endDate: string) => ({
    mode: 'generate' as const,
    inputDir: '/nowhere',
    generate: { customers: 1, products: 1, transactions: 1, seed: 1, startDate: '2024-01-01', endDate },
  });

  beforeAll(async () => {
    env = await createTestEnv('validator_check_types');
    ledger = new LedgerRepository(env.pool);
    await seedProduction(env.pool);
    await ledger.createRun('crafted', generatedAsOf('2024-05-31'));
    await stageBatch(env.pool, 'crafted', CRAFTED);
  });
  afterAll(async () => {
    await env.teardown();
  });

  it('not_null: a blank or whitespace value is missing; a row without key is named by file and line', async () => {
    expect(await measure('names_present', 'crafted')).toEqual([5, '2', ['C3', 'customers.csv:6']]);
  });

  it('unique: on the key every repeat counts; on another column only other records holding the value', async () => {
    expect(await measure('customer_id_unique', 'crafted')).toEqual([4, '1', ['C1']]);
    // ' ANA@X.IO ' is C1's email in any case; C1's own repeat is not an email clash.
    expect(await measure('email_unique_any_case', 'crafted')).toEqual([4, '1', ['C2']]);
    expect(await measure('email_unique_exact', 'crafted')).toEqual([4, '0', []]);
  });

  it('accepted_values and regex compare trimmed values and leave blanks to not_null', async () => {
    expect(await measure('age_group_known', 'crafted')).toEqual([5, '1', ['C2']]); // 99+; ' 60+ ' is fine
    expect(await measure('email_shaped', 'crafted')).toEqual([5, '1', ['C3']]);
  });

  it('accepted_values sees the canonical spelling of a categorical value (config/categorical-values.yaml)', async () => {
    // ' credit  CARD' is Credit Card; Bitcoin is no payment method the file knows.
    expect(await measure('payment_known', 'crafted')).toEqual([2, '1', ['T2']]);
  });

  it('range: a value that does not parse as the type violates, as does one outside the bounds', async () => {
    expect(await measure('registered_by_june', 'crafted')).toEqual([5, '2', ['C2', 'C3']]); // month 13; July
    expect(await measure('price_strictly_between', 'crafted')).toEqual([5, '3', ['I1', 'I2', 'I4']]); // 0, 100 exclusive; abc
    expect(await measure('quantity_positive', 'crafted')).toEqual([5, '2', ['I2', 'I3']]); // 1.5 not whole; 0
    expect(await measure('time_of_day', 'crafted')).toEqual([2, '1', ['T2']]); // 25:00
  });

  it('row checks of one entity share one scan and give each check its own answer', async () => {
    // Two checks on one column and one check on two columns, so trimmed and parsed values are shared.
    const { checks } = parseQualityChecks(`
checks:
  - { name: amounts_present, type: not_null, entity: transaction_items, columns: [unit_price, quantity], family: completeness, weight: 1, description: d }
  - { name: price_low, type: range, entity: transaction_items, columns: [unit_price, quantity], params: { type: number, max: 60 }, family: range, weight: 1, description: d }
  - { name: price_in_list, type: accepted_values, entity: transaction_items, column: unit_price, params: { values: ['0', '50'] }, family: range, weight: 1, description: d }
  - { name: price_digits, type: regex, entity: transaction_items, column: unit_price, params: { pattern: '^[0-9]+$' }, family: range, weight: 1, description: d }
`);
    const rowChecks = [...CHECKS.checks, ...checks].filter((c): c is RowCheck => ['not_null', 'accepted_values', 'range', 'regex'].includes(c.type));
    const groups = rowCheckGroups(rowChecks);
    expect(groups.map((group) => group[0].entity)).toEqual(['customers', 'transaction_items', 'transactions']);
    for (const group of groups) {
      const shared = await measureRowChecks(env.pool, 'crafted', group);
      expect(shared.map((r) => r.check.name)).toEqual(group.map((c) => c.name));
      for (const result of shared) {
        const alone = await measureCheck(env.pool, 'crafted', result.check);
        expect([result.check.name, result.rowsChecked, result.violations, result.sampleIds]).toEqual([
          result.check.name,
          alone.rowsChecked,
          alone.violations,
          alone.sampleIds,
        ]);
      }
    }
    const byName = async (name: string) => {
      const group = groups.find((g) => g.some((c) => c.name === name)) as RowCheck[];
      const result = (await measureRowChecks(env.pool, 'crafted', group)).find((r) => r.check.name === name);
      return [Number(result?.rowsChecked), result?.violations, result?.sampleIds];
    };
    expect(await byName('amounts_present')).toEqual([5, '1', ['I5']]);
    expect(await byName('price_low')).toEqual([5, '2', ['I2', 'I4']]); // 100; abc (quantities are all low)
    expect(await byName('price_in_list')).toEqual([5, '2', ['I2', 'I4']]);
    expect(await byName('price_digits')).toEqual([5, '1', ['I4']]);
  });

  it('a custom row condition shares its entity’s scan, counts only the rows it judges, and gives what it gives alone', async () => {
    // consistency_line_total is a row condition (sql/quality/custom/rows/): NULL for a line whose
    // numbers do not all parse, which it leaves to the range checks.
    const { checks } = parseQualityChecks(`
checks:
  - { name: line_totals_add_up, type: sql, file: consistency_line_total, entity: transaction_items, family: consistency, weight: 1, description: d }
  - { name: prices_present, type: not_null, entity: transaction_items, columns: [unit_price], family: completeness, weight: 1, description: d }
  - { name: quantity_whole, type: range, entity: transaction_items, column: quantity, params: { type: integer, min: 1 }, family: range, weight: 1, description: d }
`);
    const line = (item_id: string | null, quantity: string, unit_price: string, discount_percentage: string | null, line_total: string) => ({
      item_id,
      transaction_id: 'T1',
      product_id: 'P1',
      quantity,
      unit_price,
      discount_percentage,
      line_total,
    });
    await ledger.createRun('line-totals', generatedAsOf('2024-05-31'));
    await stageBatch(env.pool, 'line-totals', {
      ...EMPTY,
      transaction_items: [
        line('L1', '2', '10.00', null, '20.00'), // no discount
        line('L2', '2', '10.00', ' 10 ', '18.00'),
        line('L3', '2', '10.00', '10', '20.00'), // the discount left out: off by 2.00
        line('L4', '1', '9.99', '0.0', '10.00'), // off by exactly 0.01: passes
        line('L5', '1', '9.99', 'ten', '1.00'), // the discount does not parse: not judged
        line('L6', 'two', '10.00', '', '20.00'), // the quantity does not parse: not judged
        line('L7', '3', '1.00', '', ''), // no total: not judged
        line(null, '1', '5.00', '', '6.00'), // off, and named by file and line
      ],
    });
    const [lineTotals, ...others] = checks;
    const [shared] = await measureRowChecks(env.pool, 'line-totals', checks as RowCheck[]);
    const alone = await measureCheck(env.pool, 'line-totals', lineTotals);
    expect([shared.check.name, shared.rowsChecked, shared.violations, shared.sampleIds]).toEqual(['line_totals_add_up', '5', '2', ['L3', 'transaction_items.csv:9']]);
    expect([alone.rowsChecked, alone.violations, alone.sampleIds]).toEqual([shared.rowsChecked, shared.violations, shared.sampleIds]);
    // The scan's other checks still count every line.
    const rest = (await measureRowChecks(env.pool, 'line-totals', checks as RowCheck[])).slice(1);
    expect(rest.map((r) => [r.check.name, r.rowsChecked, r.violations, r.sampleIds])).toEqual([
      ['prices_present', '8', '0', []],
      ['quantity_whole', '8', '1', ['L6']],
    ]);
    expect(rowCheckGroups(checks).map((group) => group.map((c) => c.name))).toEqual([[lineTotals.name, ...others.map((c) => c.name)]]);
  });

  it('relationships: the parent may be staged in the run or already in production', async () => {
    // T1 (also padded) is staged, T900 is in production, T404 nowhere; a blank reference is not checked.
    expect(await measure('item_transaction_exists', 'crafted')).toEqual([4, '1', ['I4']]);
  });

  it('relationships: the same verdicts when production, four times the rows checked, is probed by key', async () => {
    // Production grows past four times the staged lines (a delta beside a large production): the
    // template then probes production's key per reference the run lacks instead of its hash.
    await env.pool.query(
      `INSERT INTO production.transactions (transaction_id, customer_id, transaction_date, payment_method, total_amount, last_run_id)
       SELECT 'T' || (1000 + i), 'C900', '2023-12-02', 'UPI', 1.00, 'earlier' FROM generate_series(1, 60) AS i`,
    );
    await env.pool.query('ANALYZE production.transactions, staging.transaction_items');
    const { rows } = await env.pool.query(
      `SELECT c.reltuples >= 0 AND 4 * c.reltuples < p.reltuples AS probes
         FROM pg_class c, pg_class p
        WHERE c.oid = 'staging.transaction_items'::regclass AND p.oid = 'production.transactions'::regclass`,
    );
    expect(rows[0].probes).toBe(true);
    expect(await measure('item_transaction_exists', 'crafted')).toEqual([4, '1', ['I4']]);
    await env.pool.query(`DELETE FROM production.transactions WHERE transaction_id <> 'T900'`);
  });

  it('row_count_change: against the latest earlier succeeded run of the same mode, from its file accounting', async () => {
    const landed = async (runId: string, status: string, customers: number) => {
      await ledger.createRun(runId, { mode: 'source', inputDir: '/nowhere' });
      await env.pool.query('UPDATE ops.runs SET status = $2 WHERE run_id = $1', [runId, status]);
      await env.pool.query(
        `INSERT INTO ops.file_accounting (run_id, source_file, entity, lines_read, rows_landed, rows_quarantined)
         VALUES ($1, 'customers.csv', 'customers', $2, $2, 0)`,
        [runId, customers],
      );
    };
    const staged = async (runId: string, customers: number) => {
      await ledger.createRun(runId, { mode: 'source', inputDir: '/nowhere' });
      const rows = Array.from({ length: customers }, (_, i) => ({ customer_id: `C${i}` }));
      await stageBatch(env.pool, runId, { ...EMPTY, customers: rows });
    };
    await landed('older', 'succeeded', 100);
    await landed('previous', 'succeeded', 4);
    await landed('broken', 'failed', 1000); // failed runs are no baseline

    await staged('grown', 7);
    await staged('steady', 5);
    expect(await measure('customers_steady', 'grown')).toEqual([1, '1', ['previous: 4 -> 7 rows (75.00%)']]);
    expect(await measure('customers_steady', 'steady')).toEqual([1, '0', []]); // +25 %
    // The first run of a mode has nothing to compare with: it saw nothing and passes.
    expect(await measure('customers_steady', 'crafted')).toEqual([0, '0', []]);

    // A folder of new orders only had no customers file: nothing delivered, nothing to compare
    // (not a drop to zero). A customers file whose lines all failed to land is still a drop.
    const withFile = async (runId: string, entity: string, landedRows: number) => {
      await ledger.createRun(runId, { mode: 'source', inputDir: '/nowhere' });
      await env.pool.query(
        `INSERT INTO ops.file_accounting (run_id, source_file, entity, lines_read, rows_landed, rows_quarantined)
         VALUES ($1, $2::text || '.csv', $2::text, 3, $3::int, 3 - $3::int)`,
        [runId, entity, landedRows],
      );
    };
    await withFile('orders-only', 'transactions', 3);
    expect(await measure('customers_steady', 'orders-only')).toEqual([0, '0', []]);
    await withFile('customers-unreadable', 'customers', 0);
    expect(await measure('customers_steady', 'customers-unreadable')).toEqual([1, '1', ['previous: 4 -> 0 rows (-100.00%)']]);
  });

  it('freshness: the newest date against the generator endDate, else today', async () => {
    expect(await measure('sales_within_week', 'crafted')).toEqual([1, '1', ['newest 2024-05-20 is 11 days before 2024-05-31']]);
    expect(await measure('sales_within_fortnight', 'crafted')).toEqual([1, '0', []]);

    await ledger.createRun('from-folder', { mode: 'source', inputDir: '/nowhere' });
    const { rows } = await env.pool.query<{ day: string }>("SELECT (current_date - 3)::text AS day");
    await stageBatch(env.pool, 'from-folder', { ...EMPTY, transactions: [{ transaction_id: 'T1', transaction_date: rows[0].day }] });
    expect(await measure('sales_within_week', 'from-folder')).toEqual([1, '0', []]);
  });

  describe('reconciliation between layers', () => {
    beforeAll(async () => {
      await ledger.createRun('rec', { mode: 'source', inputDir: '/nowhere' });
      await stageBatch(env.pool, 'rec', {
        ...EMPTY,
        customers: [{ customer_id: 'C1' }, { customer_id: 'C2' }, { customer_id: 'C2' }, { customer_id: 'C3' }],
        transaction_items: [
          { item_id: 'I1', line_total: '10.00' },
          { item_id: 'I2', line_total: '5.00' },
          { item_id: 'I3', line_total: 'x' },
        ],
      });
      // The transform delivered C1 and C2, superseded C2's first line, and lost C3.
      await env.pool.query(
        `INSERT INTO production.customers (customer_id, first_name, last_name, email, registration_date, last_run_id)
         VALUES ('C1', 'A', 'A', 'c1@x.io', '2024-01-01', 'rec'), ('C2', 'B', 'B', 'c2@x.io', '2024-01-01', 'rec')`,
      );
      await env.pool.query(
        `INSERT INTO ops.quarantine (run_id, stage, entity, source_file, source_line, record_key, reason_code, message)
         VALUES ('rec', 'transform', 'customers', 'customers.csv', 3, 'C2', 'duplicate_superseded', 'later line wins'),
                ('rec', 'transform', 'transaction_items', 'transaction_items.csv', 4, 'I3', 'invalid_number', 'line_total x')`,
      );
      // I1 arrived intact; I2 arrived with 4.00 instead of 5.00.
      await env.pool.query(
        `INSERT INTO production.transaction_items (item_id, transaction_id, product_id, quantity, unit_price, discount_percentage, line_total, last_run_id)
         VALUES ('I1', 'T900', 'P900', 1, 10.00, 0, 10.00, 'rec'), ('I2', 'T900', 'P900', 1, 4.00, 0, 4.00, 'rec'),
                ('I9', 'T900', 'P900', 1, 7.00, 0, 7.00, 'earlier')`,
      );
    });

    it('staging -> production: staged rows = delivered + rejected, per entity; accepted revenue = delivered revenue', async () => {
      expect(await measure('customers_reach_production', 'rec')).toEqual([4, '1', ['C3']]);
      expect(await measure('revenue_reaches_production', 'rec')).toEqual([2, '1.00', ['I2']]);
      // What each layer holds, for the failure message: 4 staged; 2 delivered + 1 rejected.
      expect(await measureCheck(env.pool, 'rec', check('customers_reach_production'))).toMatchObject({ expected: '4', actual: '3' });
      expect(await measureCheck(env.pool, 'rec', check('revenue_reaches_production'))).toMatchObject({ expected: '15.00', actual: '14.00' });
    });

    it('staging -> production revenue: amounts swapped between lines or sign-flipped are found though count and total agree', async () => {
      // Each run: the same items, count and revenue on both sides; only the pairing of item and
      // amount differs (swapped amounts; then amounts of opposite sign swapped, which a hash of
      // the amount alone would not tell apart). The third line arrives as staged.
      const cases = [
        { runId: 'rec-swap', staged: ['10.00', '5.00'], delivered: ['5.00', '10.00'] },
        { runId: 'rec-sign', staged: ['7.50', '-7.50'], delivered: ['-7.50', '7.50'] },
      ];
      try {
        for (const { runId, staged, delivered } of cases) {
          await ledger.createRun(runId, { mode: 'source', inputDir: '/nowhere' });
          await stageBatch(env.pool, runId, {
            ...EMPTY,
            transaction_items: [
              { item_id: `${runId}-1`, line_total: staged[0] },
              { item_id: `${runId}-2`, line_total: staged[1] },
              { item_id: `${runId}-3`, line_total: '3.00' },
            ],
          });
          await env.pool.query(
            `INSERT INTO production.transaction_items (item_id, transaction_id, product_id, quantity, unit_price, discount_percentage, line_total, last_run_id)
             SELECT $1 || '-' || n, 'T900', 'P900', 1, 1.00, 0, amount, $1 FROM unnest($2::numeric[]) WITH ORDINALITY AS d (amount, n)`,
            [runId, [...delivered, '3.00']],
          );
          const revenue = (Number(staged[0]) + Number(staged[1]) + 3).toFixed(2);
          const gap = (2 * Math.abs(Number(staged[0]) - Number(delivered[0]))).toFixed(2);
          expect(await measure('revenue_reaches_production', runId)).toEqual([3, gap, [`${runId}-1`, `${runId}-2`]]);
          expect(await measureCheck(env.pool, runId, check('revenue_reaches_production'))).toMatchObject({ expected: revenue, actual: revenue });
        }
      } finally {
        // The warehouse reconciliations below read all of production.
        await env.pool.query(`DELETE FROM production.transaction_items WHERE last_run_id = ANY ($1)`, [cases.map((c) => c.runId)]);
      }
    });

    it('production -> warehouse (incremental): one fact per line the run delivered, and the same revenue', async () => {
      // Facts sit at their order's date: T900 is production's order of 2023-12-01.
      await env.pool.query(`INSERT INTO warehouse.dim_date (date_key, full_date, year, quarter, month, day, month_name, day_name, day_of_week, week_of_year, is_weekend)
                            VALUES (20231201, '2023-12-01', 2023, 4, 12, 1, 'December', 'Friday', 5, 48, false) ON CONFLICT DO NOTHING`);
      await env.pool.query(`INSERT INTO warehouse.dim_customers (customer_key, customer_id, full_name, effective_date) VALUES (9001, 'C900', 'Old Timer', '1900-01-01')`);
      await env.pool.query(`INSERT INTO warehouse.dim_products (product_key, product_id, product_name, category, effective_date) VALUES (9001, 'P900', 'Old Chair', 'Furniture', '1900-01-01')`);
      await env.pool.query(`INSERT INTO warehouse.dim_payment_method (payment_method_key, payment_method_name, payment_type) VALUES (9001, 'Cash', 'Offline')`);
      // The run's load: an empty window, so the lines checked are the ones the run delivered (up to
      // the watermark); I9 is another run's line, outside the window.
      await env.pool.query(
        `INSERT INTO ops.warehouse_loads (run_id, mode, as_of_date, items_from, items_to, transactions_from, transactions_to)
         VALUES ('rec', 'incremental', '2024-05-20', now(), now(), now(), now())`,
      );
      // I1's fact carries 10.00; I2 never reached the warehouse.
      await env.pool.query(
        `INSERT INTO warehouse.fact_sales (item_id, date_key, customer_key, product_key, payment_method_key, transaction_id,
                                           quantity, unit_price, discount_percentage, discount_amount, line_total, profit, last_run_id)
         VALUES ('I1', 20231201, 9001, 9001, 9001, 'T900', 1, 10.00, 0, 0, 10.00, 5.00, 'rec'),
                ('I9', 20231201, 9001, 9001, 9001, 'T900', 1, 7.00, 0, 0, 7.00, 3.00, 'earlier')`,
      );

      expect(await measure('lines_reach_warehouse', 'rec')).toEqual([2, '1', ['I2']]);
      expect(await measure('revenue_reaches_warehouse', 'rec')).toEqual([2, '4.00', ['I2']]);

      await env.pool.query(
        `INSERT INTO warehouse.fact_sales (item_id, date_key, customer_key, product_key, payment_method_key, transaction_id,
                                           quantity, unit_price, discount_percentage, discount_amount, line_total, profit, last_run_id)
         VALUES ('I2', 20231201, 9001, 9001, 9001, 'T900', 1, 4.00, 0, 0, 4.00, 1.00, 'rec')`,
      );
      expect(await measure('lines_reach_warehouse', 'rec')).toEqual([2, '0', []]);
      expect(await measure('revenue_reaches_warehouse', 'rec')).toEqual([2, '0.00', []]);
    });

    it('production -> warehouse (rebuild): the whole warehouse against all of production, stray facts included', async () => {
      await ledger.createRun('rec-rebuild', { mode: 'rebuild', inputDir: '' });
      await env.pool.query(
        `INSERT INTO ops.warehouse_loads (run_id, mode, as_of_date, items_to, transactions_to)
         VALUES ('rec-rebuild', 'rebuild', '2024-05-20', now(), now())`,
      );
      // Every production line (I1, I2 and the other run's I9) has its fact.
      expect(await measure('lines_reach_warehouse', 'rec-rebuild')).toEqual([3, '0', []]);
      expect(await measure('revenue_reaches_warehouse', 'rec-rebuild')).toEqual([3, '0.00', []]);

      // A fact whose line production does not hold.
      await env.pool.query(
        `INSERT INTO warehouse.fact_sales (item_id, date_key, customer_key, product_key, payment_method_key, transaction_id,
                                           quantity, unit_price, discount_percentage, discount_amount, line_total, profit, last_run_id)
         VALUES ('I404', 20231201, 9001, 9001, 9001, 'T900', 1, 3.00, 0, 0, 3.00, 1.00, 'rec-rebuild')`,
      );
      expect(await measure('lines_reach_warehouse', 'rec-rebuild')).toEqual([3, '1', ['I404']]);
      expect(await measure('revenue_reaches_warehouse', 'rec-rebuild')).toEqual([3, '3.00', ['I404']]);
      // The incremental run checks only its own lines: the stray fact is not its business.
      expect(await measure('lines_reach_warehouse', 'rec')).toEqual([2, '0', []]);

      // A fact left at another date than its order's: still one fact for the line, but its revenue
      // is in the wrong place, missing at the order's date and extra at the other.
      await env.pool.query(`INSERT INTO warehouse.dim_date (date_key, full_date, year, quarter, month, day, month_name, day_name, day_of_week, week_of_year, is_weekend)
                            VALUES (20240520, '2024-05-20', 2024, 2, 5, 20, 'May', 'Monday', 1, 21, false) ON CONFLICT DO NOTHING`);
      await env.pool.query(`UPDATE warehouse.fact_sales SET date_key = 20240520 WHERE item_id = 'I9'`);
      expect(await measure('lines_reach_warehouse', 'rec-rebuild')).toEqual([3, '1', ['I404']]);
      expect(await measure('revenue_reaches_warehouse', 'rec-rebuild')).toEqual([3, '17.00', ['I404', 'I9']]);
    });
  });
});
