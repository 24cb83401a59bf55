import { LedgerRepository, checkStateParams, checkStatement, measureCheck, parseQualityChecks, type QualityCheck } from '@ecom/pipeline';
import { createTestEnv, scannedRelations, type TestEnv } from '@ecom/testing';

/** The transform's order-total reconciliation as config/quality-checks.yaml declares it. */
const [ORDERS_ADD_UP] = parseQualityChecks(`
checks:
  - { name: orders_add_up, type: reconciliation, stage: transform, entity: transactions, params: { from: staging, to: production, measure: order_total }, family: consistency, severity: error, weight: 1, description: d }
`).checks as [QualityCheck];

/**
 * sql/quality/reconcile_staging_production_order_total.sql when the run wrote every production
 * order (a first load): the orders and their lines are first compared by two sums weighted per
 * order, and only when those disagree order by order. These cases are the ones a weighted sum
 * could get wrong if it were built carelessly: differences that cancel in a plain sum, and an
 * order with no lines.
 */
describe('reconcile_order_total_production: a first load compared by weighted sums', () => {
  let env: TestEnv;
  let ledger: LedgerRepository;
  let run = 0;

  /**
   * A fresh production holding `orders` (id, total) and `lines` (id, order, line_total) written by
   * a new run, whose id it returns, and `older` orders and lines of an earlier run.
   */
  const firstLoad = async (
    orders: Array<[string, string]>,
    lines: Array<[string, string, string]>,
    older: { orders: Array<[string, string]>; lines: Array<[string, string, string]> } = { orders: [], lines: [] },
  ) => {
    const runId = `ot-${++run}`;
    await ledger.createRun(runId, { mode: 'source', inputDir: '/nowhere' });
    await env.pool.query('TRUNCATE production.transaction_items, production.transactions');
    const insertOrders = async (rows: Array<[string, string]>, lastRunId: string) => {
      for (const [id, total] of rows) {
        await env.pool.query(
          `INSERT INTO production.transactions (transaction_id, customer_id, transaction_date, payment_method, total_amount, last_run_id)
           VALUES ($1, 'C1', DATE '2024-03-01', 'UPI', $2, $3)`,
          [id, total, lastRunId],
        );
      }
    };
    const insertLines = async (rows: Array<[string, string, string]>, lastRunId: string) => {
      for (const [id, order, total] of rows) {
        await env.pool.query(
          `INSERT INTO production.transaction_items (item_id, transaction_id, product_id, quantity, unit_price, discount_percentage, line_total, last_run_id)
           VALUES ($1, $2, 'P1', 1, $3, 0, $3, $4)`,
          [id, order, total, lastRunId],
        );
      }
    };
    await insertOrders(orders, runId);
    await insertOrders(older.orders, 'an-earlier-run');
    await insertLines(lines, runId);
    await insertLines(older.lines, 'an-earlier-run');
    return runId;
  };

  const measure = async (runId: string) => {
    const r = await measureCheck(env.pool, runId, ORDERS_ADD_UP);
    return [Number(r.rowsChecked), r.violations, r.expected, r.actual, r.sampleIds];
  };

  /** How many scans of production's order lines ran: 1 when the weighted sums agreed, more when the per-order comparison ran too. */
  const lineScans = async (runId: string) => {
    const statement = checkStatement(ORDERS_ADD_UP);
    const client = await env.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SET LOCAL enable_hashagg = off');
      const scans = await scannedRelations(client, statement.text, [runId, ...(await checkStateParams(client, runId, ORDERS_ADD_UP))]);
      return scans.filter((scan) => scan.relation === 'transaction_items').length;
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  };

  beforeAll(async () => {
    env = await createTestEnv('transformer_order_total');
    ledger = new LedgerRepository(env.pool);
    await env.pool.query(
      `INSERT INTO production.customers (customer_id, first_name, last_name, email, registration_date, last_run_id)
       VALUES ('C1', 'A', 'A', 'c1@x.io', '2023-01-01', 'seed')`,
    );
    await env.pool.query(
      `INSERT INTO production.products (product_id, product_name, category, price, cost, profit_margin, price_category, last_run_id)
       VALUES ('P1', 'Thing', 'Home', 10.00, 6.00, 40.00, 'Standard', 'seed')`,
    );
  }, 60_000);
  afterAll(async () => {
    await env?.teardown();
  });

  const ADDING_UP: Array<[string, string]> = [['T1', '30.00'], ['T2', '5.50'], ['T3', '12.00']];
  const THEIR_LINES: Array<[string, string, string]> = [
    ['I1', 'T1', '10.00'], ['I2', 'T1', '20.00'], ['I3', 'T2', '5.50'], ['I4', 'T3', '2.00'], ['I5', 'T3', '10.00'],
  ];

  it('passes orders that add up from the weighted sums alone, reporting what the per-order comparison reports', async () => {
    const runId = await firstLoad(ADDING_UP, THEIR_LINES);
    expect(await measure(runId)).toEqual([3, '0', '47.50', '47.50', []]);
    expect(await lineScans(runId)).toBe(1);
  });

  it('compares order by order when another run wrote an order too, with the same result', async () => {
    // T9 is older and adds up: the run did not write every order, so the weighted sums are not used.
    const runId = await firstLoad(ADDING_UP, THEIR_LINES, { orders: [['T9', '4.00']], lines: [['I9', 'T9', '4.00']] });
    expect(await measure(runId)).toEqual([3, '0', '47.50', '47.50', []]);
    expect(await lineScans(runId)).toBeGreaterThan(1);
  });

  it('names an order whose lines do not add up', async () => {
    const runId = await firstLoad(ADDING_UP, THEIR_LINES.map(([id, order, total]) => [id, order, id === 'I3' ? '6.50' : total]));
    expect(await measure(runId)).toEqual([3, '1', '47.50', '48.50', ['T2']]);
  });

  it('names two orders whose differences cancel in a plain sum (+1.00 and -1.00)', async () => {
    const lines = THEIR_LINES.map(([id, order, total]): [string, string, string] => [id, order, id === 'I1' ? '11.00' : id === 'I4' ? '1.00' : total]);
    const runId = await firstLoad(ADDING_UP, lines);
    expect(await measure(runId)).toEqual([3, '2', '47.50', '47.50', ['T1', 'T3']]);
  });

  it('names an order without lines, also one whose total is 0 (which weighs nothing in the sums)', async () => {
    const runId = await firstLoad([...ADDING_UP, ['T4', '0.00'], ['T5', '3.00']], THEIR_LINES);
    expect(await measure(runId)).toEqual([5, '2', '50.50', '47.50', ['T4', 'T5']]);
    const zeroOnly = await firstLoad([...ADDING_UP, ['T4', '0.00']], THEIR_LINES);
    expect(await measure(zeroOnly)).toEqual([4, '1', '47.50', '47.50', ['T4']]);
  });
});
