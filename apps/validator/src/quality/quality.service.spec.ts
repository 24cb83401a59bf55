import { AppConfig } from '@ecom/config';
import { withTransaction } from '@ecom/db';
import { LedgerRepository, StageFailure, type StageCounts } from '@ecom/pipeline';
import { createTestEnv, type TestEnv } from '@ecom/testing';
import { QUALITY_CHECKS } from './quality-checks';
import { CLEAN_BATCH, DEFECT_BATCH, seedProduction, stageBatch } from './quality.fixtures';
import { QualityRepository, type CheckResult } from './quality.repository';
import { QualityService } from './quality.service';

interface StoredCheck {
  check_name: string;
  family: string;
  rows_checked: string;
  violations: string;
  sample_ids: string[];
  passed: boolean;
}

/** DEFECT_BATCH, check by check: [rows checked, violations, sample ids]. */
const DEFECT_EXPECTATIONS: Record<string, [number, number, string[]]> = {
  completeness_customers_required: [6, 1, ['C2']], // null email
  completeness_products_required: [2, 0, []],
  completeness_transactions_required: [4, 0, []],
  completeness_transaction_items_required: [9, 0, []],
  uniqueness_customer_id: [6, 1, ['C3']], // C3 twice: the second row is the violation
  uniqueness_customer_email: [5, 1, ['C4']], // ANA@Example.com is C1's; C3's repeat is not an email clash
  uniqueness_product_id: [2, 0, []],
  uniqueness_transaction_id: [4, 0, []],
  uniqueness_item_id: [9, 0, []],
  referential_transactions_customers: [4, 1, ['T2']], // C404 exists nowhere; C900 is in production; ' C1 ' trims to C1
  referential_transaction_items_transactions: [9, 1, ['I6']], // T999 nowhere; T900 in production
  referential_transaction_items_products: [9, 1, ['I7']], // P404 nowhere; P900 in production
  consistency_line_total: [9, 2, ['I3', 'I4']], // I4 wrong; I3's 120 % discount makes any positive total wrong; I2 off by 0.01 passes
  consistency_total_amount: [4, 1, ['T4']], // 99.99 vs 21.00; T999 and T900 are not staged transactions
  range_cost_below_price: [2, 1, ['P2']], // cost = price
  range_stock_quantity: [2, 0, []],
  range_discount_percentage: [9, 1, ['I3']], // 120
  range_quantity: [9, 1, ['I5']], // 0
  range_item_amounts: [9, 0, []],
  range_total_amount: [4, 0, []],
  range_registration_date: [6, 1, ['C5']], // 2999-01-01
  range_transaction_date: [4, 1, ['T3']], // 2024-02-30 does not exist
  range_transaction_time: [4, 0, []],
  range_age_group: [6, 0, []],
  range_email_format: [6, 0, []],
};

describe('QualityService: scores a run’s staging rows with five check families', () => {
  let env: TestEnv;
  let ledger: LedgerRepository;
  let repository: QualityRepository;

  const serviceWithThreshold = (threshold: number) =>
    new QualityService(repository, env.pool, { ...env.config, quality: { threshold } } as AppConfig);

  /** What runStage does around the work: one transaction, rolled back if the work throws. */
  async function validateInStage(service: QualityService, runId: string): Promise<StageCounts> {
    const run = await ledger.getRun(runId);
    if (!run) throw new Error(`run ${runId} missing`);
    return withTransaction(env.pool, (client) =>
      service.validateRun({ runId, run, client, progress: async () => undefined }),
    );
  }

  async function storedChecks(runId: string): Promise<StoredCheck[]> {
    const { rows } = await env.pool.query<StoredCheck>(
      `SELECT check_name, family, rows_checked, violations, sample_ids, passed
         FROM ops.quality_checks WHERE run_id = $1 ORDER BY check_name`,
      [runId],
    );
    return rows;
  }

  async function storedScore(runId: string) {
    const { rows } = await env.pool.query<{ score: string; grade: string; threshold: string; passed: boolean }>(
      'SELECT score, grade, threshold, passed FROM ops.quality_scores WHERE run_id = $1',
      [runId],
    );
    return rows[0];
  }

  beforeAll(async () => {
    env = await createTestEnv('validator_quality_service');
    ledger = new LedgerRepository(env.pool);
    repository = new QualityRepository();
    await seedProduction(env.pool);
    for (const [runId, batch] of [
      ['clean', CLEAN_BATCH],
      ['defects', DEFECT_BATCH],
      ['defects-strict', DEFECT_BATCH],
    ] as const) {
      await ledger.createRun(runId, { mode: 'source', inputDir: '/nowhere' });
      await stageBatch(env.pool, runId, batch);
    }
  });
  afterAll(async () => {
    await env.teardown();
  });

  it('gives a clean batch 100 (A), every check passed, and passes all 10 staged rows on', async () => {
    const counts = await validateInStage(serviceWithThreshold(70), 'clean');

    expect(counts).toEqual({
      rowsIn: 10,
      rowsOut: 10,
      rowsRejected: 0,
      detail: { score: 100, grade: 'A', threshold: 70, passed: true, failedChecks: [] },
    });
    const checks = await storedChecks('clean');
    expect(checks).toHaveLength(QUALITY_CHECKS.length);
    for (const check of checks) {
      expect({ name: check.check_name, violations: check.violations, passed: check.passed, samples: check.sample_ids }).toEqual({
        name: check.check_name,
        violations: '0',
        passed: true,
        samples: [],
      });
      expect(Number(check.rows_checked)).toBeGreaterThan(0);
    }
    expect(await storedScore('clean')).toEqual({ score: '100.00', grade: 'A', threshold: '70.00', passed: true });
  });

  it('finds exactly the planted defects, each with the offending ids', async () => {
    await validateInStage(serviceWithThreshold(70), 'defects');

    const found = Object.fromEntries(
      (await storedChecks('defects')).map((c) => [c.check_name, [Number(c.rows_checked), Number(c.violations), c.sample_ids]]),
    );
    expect(found).toEqual(DEFECT_EXPECTATIONS);
    const failed = (await storedChecks('defects')).filter((c) => !c.passed).map((c) => c.family);
    expect(new Set(failed)).toEqual(new Set(['completeness', 'uniqueness', 'referential_integrity', 'consistency', 'range']));
  });

  it('scores 100 x the weighted passing share of the checks and grades it (89.53 is a B)', async () => {
    // 55 weight in all; the planted defects cost 5.7611 of it: 100 x 49.2389 / 55 = 89.525...
    expect(await storedScore('defects')).toEqual({ score: '89.53', grade: 'B', threshold: '70.00', passed: true });
    const stage = await validateInStage(serviceWithThreshold(70), 'defects');
    expect(stage.detail).toMatchObject({ score: 89.53, grade: 'B', passed: true });
    expect(stage.detail?.failedChecks).toEqual(
      Object.entries(DEFECT_EXPECTATIONS)
        .filter(([, [, violations]]) => violations > 0)
        .map(([name]) => name)
        .sort(),
    );
  });

  it('grades on the edges A ≥ 90, B ≥ 80, C ≥ 70, D ≥ 60, else F; a check that saw no rows counts as passed', async () => {
    const [check] = QUALITY_CHECKS;
    const oneCheck = (rowsChecked: number, violations: number): CheckResult[] => [
      { check, rowsChecked: String(rowsChecked), violations: String(violations), sampleIds: [] },
    ];
    const graded = [];
    for (const [rows, violations] of [[100, 10], [10000, 1001], [100, 20], [100, 30], [100, 31], [100, 40], [100, 41], [0, 0]]) {
      const verdict = await repository.score(env.pool, oneCheck(rows, violations), 70);
      graded.push([verdict.score, verdict.grade, verdict.passed]);
    }
    expect(graded).toEqual([
      ['90.00', 'A', true],
      ['89.99', 'B', true],
      ['80.00', 'B', true],
      ['70.00', 'C', true],
      ['69.00', 'D', false],
      ['60.00', 'D', false],
      ['59.00', 'F', false],
      ['100.00', 'A', true],
    ]);
  });

  it('replaces its results when the same run is validated again', async () => {
    const before = { checks: await storedChecks('defects'), score: await storedScore('defects') };
    await validateInStage(serviceWithThreshold(70), 'defects');
    expect({ checks: await storedChecks('defects'), score: await storedScore('defects') }).toEqual(before);
    const { rows } = await env.pool.query(
      "SELECT (SELECT count(*) FROM ops.quality_checks WHERE run_id = 'defects')::int AS checks, (SELECT count(*) FROM ops.quality_scores WHERE run_id = 'defects')::int AS scores",
    );
    expect(rows[0]).toEqual({ checks: QUALITY_CHECKS.length, scores: 1 });
  });

  it('below the threshold fails the stage naming score, grade and worst checks, and keeps the results although the stage rolls back', async () => {
    const failure = await validateInStage(serviceWithThreshold(95), 'defects-strict').catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(StageFailure);
    expect((failure as StageFailure).message).toBe(
      'quality score 89.53 (B) is below the threshold 95; worst checks: ' +
        'range_cost_below_price 1/2, referential_transactions_customers 1/4, completeness_customers_required 1/6',
    );
    expect(await storedScore('defects-strict')).toEqual({ score: '89.53', grade: 'B', threshold: '95.00', passed: false });
    expect((await storedChecks('defects-strict')).map((c) => [c.check_name, Number(c.violations)])).toEqual(
      Object.entries(DEFECT_EXPECTATIONS)
        .map(([name, [, violations]]) => [name, violations])
        .sort(([a], [b]) => String(a).localeCompare(String(b))),
    );
  });
});
