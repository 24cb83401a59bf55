import { LedgerRepository, checkStatement, loadQualityChecks, measureCheck, typedRows, typedTable, type QualityCheck } from '@ecom/pipeline';
import { createTestEnv, scannedRelations, type TestEnv } from '@ecom/testing';
import { stageBatch, type StagedBatch } from './quality.fixtures';

/** The shipped check (config/quality-checks.yaml), sql/quality/custom/consistency_total_amount.sql. */
const CHECK = loadQualityChecks().checks.find((c) => c.name === 'consistency_total_amount');

const order = (id: string | null, total: string): Record<string, string | null> => ({ transaction_id: id, total_amount: total });
const line = (id: string, order: string, total: string): Record<string, string | null> => ({ item_id: id, transaction_id: order, line_total: total });

/** Three orders whose lines add up exactly. */
const ORDERS = [order('T1', '30.00'), order('T2', '5.50'), order('T3', '12.00')];
const LINES = [line('I1', 'T1', '10.00'), line('I2', 'T1', '20.00'), line('I3', 'T2', '5.50'), line('I4', 'T3', '2.00'), line('I5', 'T3', '10.00')];

/**
 * consistency_total_amount first compares the orders' totals and the lines' amounts by sums
 * weighted per transaction_id, and groups the lines per order only when those disagree. These are
 * the cases where such sums could pass what the per-order comparison fails, or change what it
 * counts: differences that cancel in a plain sum, duplicated orders, orders without lines, lines of
 * orders the run does not stage, and totals within the 0.01 the check allows.
 */
describe('consistency_total_amount: weighted sums first, the per-order comparison when they disagree', () => {
  let env: TestEnv;
  let ledger: LedgerRepository;
  let run = 0;

  const staged = async (orders: Array<Record<string, string | null>>, lines: Array<Record<string, string | null>>) => {
    const runId = `tac-${++run}`;
    await ledger.createRun(runId, { mode: 'source', inputDir: '/nowhere' });
    const batch: StagedBatch = { customers: [], products: [], transactions: orders, transaction_items: lines };
    await stageBatch(env.pool, runId, batch);
    return runId;
  };

  const check = (): QualityCheck => {
    if (!CHECK) throw new Error('no consistency_total_amount in config/quality-checks.yaml');
    return CHECK;
  };

  const measure = async (runId: string) => {
    const r = await measureCheck(env.pool, runId, check());
    return [Number(r.rowsChecked), Number(r.violations), r.sampleIds];
  };

  /** How often the run's typed order lines were read: once when the weighted sums agreed, twice when the comparison ran too. */
  const lineReads = async (runId: string) => {
    const lines = typedTable('transaction_items', runId).split('.')[1].replace(/"/g, '');
    const text = checkStatement(check(), typedRows(runId)).text;
    return (await scannedRelations(env.pool, text, [runId])).filter((scan) => scan.relation === lines).length;
  };

  beforeAll(async () => {
    env = await createTestEnv('validator_total_amount');
    ledger = new LedgerRepository(env.pool);
  }, 60_000);
  afterAll(async () => {
    await env?.teardown();
  });

  it('passes orders that add up exactly from the weighted sums alone', async () => {
    const runId = await staged(ORDERS, LINES);
    expect(await measure(runId)).toEqual([3, 0, []]);
    expect(await lineReads(runId)).toBe(1);
  });

  it('names two orders whose differences cancel in a plain sum (+1.00 and -1.00)', async () => {
    const runId = await staged([order('T1', '31.00'), order('T2', '5.50'), order('T3', '11.00')], LINES);
    expect(await measure(runId)).toEqual([3, 2, ['T1', 'T3']]);
    expect(await lineReads(runId)).toBe(2);
  });

  it('compares order by order when an order is staged twice, even when the two totals add up to its lines', async () => {
    // T4 twice at 10.00 against lines of 20.00: each row is 10.00 off.
    const runId = await staged([...ORDERS, order('T4', '10.00'), order('T4', '10.00')], [...LINES, line('I6', 'T4', '20.00')]);
    expect(await measure(runId)).toEqual([5, 2, ['T4']]);
  });

  it('leaves out an order without lines and lines of an order the run does not stage, as the comparison does', async () => {
    const runId = await staged([...ORDERS, order('T5', '7.00')], [...LINES, line('I9', 'T900', '4.00')]);
    expect(await measure(runId)).toEqual([3, 0, []]);
  });

  it('leaves out an order of total 0 without lines, which weighs nothing in the sums', async () => {
    const runId = await staged([...ORDERS, order('T6', '0.00')], LINES);
    expect(await measure(runId)).toEqual([3, 0, []]);
  });

  it('lets a total within 0.01 of its lines pass, through the comparison', async () => {
    const runId = await staged([order('T1', '30.01'), order('T2', '5.50'), order('T3', '12.00')], LINES);
    expect(await measure(runId)).toEqual([3, 0, []]);
    expect(await lineReads(runId)).toBe(2);
  });

  it('counts no order whose lines do not all parse, even when the lines that parse add up to its total', async () => {
    // T3's parsed line is its whole total; 'ten' weighs nothing in the sums.
    const runId = await staged([order('T1', '30.00'), order('T2', '5.50'), order('T3', '2.00')], [...LINES.slice(0, 4), line('I5', 'T3', 'ten')]);
    expect(await measure(runId)).toEqual([2, 0, []]);
  });
});
