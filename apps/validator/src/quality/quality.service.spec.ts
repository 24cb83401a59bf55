import { AppConfig } from '@ecom/config';
import { withTransaction } from '@ecom/db';
import type { RunParams } from '@ecom/contracts';
import {
  LedgerRepository,
  StageFailure,
  loadQualityChecks,
  parseQualityChecks,
  runQualityChecks,
  type QualityChecksConfig,
  scoreChecks,
  type QualityCheckResult,
  type StageCounts,
} from '@ecom/pipeline';
import { createTestEnv, type TestEnv } from '@ecom/testing';
import { CLEAN_BATCH, DEFECT_BATCH, seedProduction, stageBatch } from './quality.fixtures';
import { QualityRepository } from './quality.repository';
import { QualityService } from './quality.service';

/** The shipped config/quality-checks.yaml; the validator runs its validate-stage checks. */
const CHECKS = loadQualityChecks();
const VALIDATE_CHECKS = CHECKS.forStage('validate');

/** Generated runs as of the batches' last day, so the freshness check has a date to judge by. */
const GENERATED_AS_OF_2024_05_03: RunParams = {
  mode: 'generate',
  inputDir: '/nowhere',
  generate: { customers: 3, products: 2, transactions: 2, seed: 1, startDate: '2024-05-01', endDate: '2024-05-03' },
};

interface StoredCheck {
  check_name: string;
  family: string;
  rows_checked: string;
  violations: string;
  sample_ids: string[];
  passed: boolean;
  severity: string;
  status: string;
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
  // Operational checks (weight 0): no earlier succeeded run to compare with; T4's 2024-05-02 is
  // one day before the run's as-of date.
  completeness_row_count_change_customers: [0, 0, []],
  completeness_row_count_change_products: [0, 0, []],
  completeness_row_count_change_transactions: [0, 0, []],
  completeness_row_count_change_transaction_items: [0, 0, []],
  completeness_transactions_fresh: [1, 0, []],
};

describe('QualityService: scores a run’s staging rows with the checks of config/quality-checks.yaml', () => {
  let env: TestEnv;
  let ledger: LedgerRepository;
  let repository: QualityRepository;

  const serviceWithThreshold = (threshold: number) =>
    new QualityService(repository, env.pool, { ...env.config, quality: { threshold } } as AppConfig, CHECKS);

  /** What runStage does around the work: one transaction, rolled back if the work throws. */
  async function validateInStage(service: QualityService, runId: string, checks?: QualityChecksConfig): Promise<StageCounts> {
    const run = await ledger.getRun(runId);
    if (!run) throw new Error(`run ${runId} missing`);
    return withTransaction(env.pool, (client) =>
      service.validateRun({ runId, run, client, progress: async () => undefined }, checks),
    );
  }

  async function storedChecks(runId: string): Promise<StoredCheck[]> {
    const { rows } = await env.pool.query<StoredCheck>(
      `SELECT check_name, family, rows_checked, violations, sample_ids, passed, severity, status
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
      await ledger.createRun(runId, GENERATED_AS_OF_2024_05_03);
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
    expect(checks).toHaveLength(VALIDATE_CHECKS.length);
    for (const check of checks) {
      expect({ name: check.check_name, violations: check.violations, passed: check.passed, status: check.status, samples: check.sample_ids }).toEqual({
        name: check.check_name,
        violations: '0',
        passed: true,
        status: 'pass',
        samples: [],
      });
      // row_count_change has no earlier run to compare with: it saw nothing, and passes.
      if (!check.check_name.includes('row_count_change')) expect(Number(check.rows_checked)).toBeGreaterThan(0);
    }
    expect(await storedScore('clean')).toEqual({ score: '100.00', grade: 'A', threshold: '70.00', passed: true });
  });

  it('finds exactly the planted defects, each with the offending ids', async () => {
    await validateInStage(serviceWithThreshold(70), 'defects');

    const found = Object.fromEntries(
      (await storedChecks('defects')).map((c) => [c.check_name, [Number(c.rows_checked), Number(c.violations), c.sample_ids]]),
    );
    expect(found).toEqual(DEFECT_EXPECTATIONS);
    const failed = (await storedChecks('defects')).filter((c) => !c.passed);
    expect(new Set(failed.map((c) => c.family))).toEqual(new Set(['completeness', 'uniqueness', 'referential_integrity', 'consistency', 'range']));
    // Every error check stays under its 50 % threshold: the defects warn, the score decides.
    expect(new Set(failed.map((c) => c.status))).toEqual(new Set(['warn']));
    expect(failed.filter((c) => c.severity === 'error').map((c) => c.check_name)).toEqual([
      'completeness_customers_required',
      'referential_transaction_items_products',
      'referential_transaction_items_transactions',
      'referential_transactions_customers',
      'uniqueness_customer_id',
    ]);
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
    const [check] = VALIDATE_CHECKS;
    const oneCheck = (rowsChecked: number, violations: number): QualityCheckResult[] => [
      { check, rowsChecked: String(rowsChecked), violations: String(violations), sampleIds: [] },
    ];
    const graded = [];
    for (const [rows, violations] of [[100, 10], [10000, 1001], [100, 20], [100, 30], [100, 31], [100, 40], [100, 41], [0, 0]]) {
      const verdict = await scoreChecks(env.pool, oneCheck(rows, violations), 70);
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
    expect(rows[0]).toEqual({ checks: VALIDATE_CHECKS.length, scores: 1 });
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

  describe('severity and threshold: warnings never fail; an error fails only above its threshold', () => {
    /** Four checks on DEFECT_BATCH, each failing some rows; severities and thresholds differ. */
    const SEVERITIES = `
checks:
  - { name: emails_present, type: not_null, entity: customers, column: email, family: completeness,
      severity: warn, weight: 1, description: a warning never fails the run }
  - { name: ids_unique, type: unique, entity: customers, column: customer_id, family: uniqueness,
      severity: error, threshold: 1, weight: 1, description: one repeat is tolerated }
  - { name: customers_known, type: relationships, entity: transactions, column: customer_id,
      params: { to: { entity: customers, column: customer_id } }, family: referential_integrity,
      severity: error, threshold: 25%, weight: 1, description: a quarter of orphans is tolerated }
  - { name: line_totals_add_up, type: sql, file: consistency_line_total, entity: transaction_items,
      family: consistency, severity: error, threshold: 20%, weight: 1, description: at most a fifth may be off }
`;
    const statuses = async (runId: string) =>
      (
        await env.pool.query<{ check_name: string; violations: string; allowed_violations: string; status: string; stage: string }>(
          `SELECT check_name, violations, allowed_violations, status, stage FROM ops.quality_checks
            WHERE run_id = $1 ORDER BY stage, check_name`,
          [runId],
        )
      ).rows.map((r) => [r.stage, r.check_name, `${r.violations}/${Number(r.allowed_violations).toFixed(2)}`, r.status]);

    beforeAll(async () => {
      for (const runId of ['severity-fail', 'severity-pass']) {
        await ledger.createRun(runId, GENERATED_AS_OF_2024_05_03);
        await stageBatch(env.pool, runId, DEFECT_BATCH);
      }
    });

    it('an error check over its threshold fails the stage, naming it, and its results are kept', async () => {
      const failure = await validateInStage(serviceWithThreshold(70), 'severity-fail', parseQualityChecks(SEVERITIES)).catch(
        (error: unknown) => error,
      );

      expect(failure).toBeInstanceOf(StageFailure);
      // 2 of 9 line totals are off: 22 % > 20 %. The score (79.86, C) alone would have passed.
      expect((failure as StageFailure).message).toBe('error checks over their threshold: line_totals_add_up 2/9 (threshold 20%)');
      expect(await statuses('severity-fail')).toEqual([
        ['validate', 'customers_known', '1/1.00', 'warn'], // 1 of 4 = 25 %: not above
        ['validate', 'emails_present', '1/0.00', 'warn'], // severity warn
        ['validate', 'ids_unique', '1/1.00', 'warn'], // 1 allowed
        ['validate', 'line_totals_add_up', '2/1.80', 'fail'],
      ]);
      expect(await storedScore('severity-fail')).toEqual({ score: '79.86', grade: 'C', threshold: '70.00', passed: false });
    });

    it('errors under their threshold and warnings pass the stage', async () => {
      const tolerant = SEVERITIES.replace('threshold: 20%', 'threshold: 2');
      const counts = await validateInStage(serviceWithThreshold(70), 'severity-pass', parseQualityChecks(tolerant));

      expect(counts.detail).toEqual({
        score: 79.86,
        grade: 'C',
        threshold: 70,
        passed: true,
        failedChecks: ['customers_known', 'emails_present', 'ids_unique', 'line_totals_add_up'],
      });
      expect((await statuses('severity-pass')).map(([, name, , status]) => [name, status])).toEqual([
        ['customers_known', 'warn'],
        ['emails_present', 'warn'],
        ['ids_unique', 'warn'],
        ['line_totals_add_up', 'warn'],
      ]);
    });

    it('a later stage reconciles with the same gate: stores its own results beside the validator’s, fails on an error', async () => {
      const before = await storedScore('severity-pass');
      const reconcile = parseQualityChecks(`
checks:
  - { name: customers_reach_production, type: reconciliation, stage: transform, entity: customers,
      params: { from: staging, to: production, measure: row_count }, family: consistency, severity: error,
      weight: 1, description: staged = delivered + rejected }
`);
      // Nothing was delivered to production nor rejected: all 6 staged customers are unaccounted for.
      const failure = await withTransaction(env.pool, (client) =>
        runQualityChecks(client, env.pool, 'severity-pass', 'transform', { checks: reconcile }),
      ).catch((error: unknown) => error);

      expect((failure as StageFailure).message).toBe(
        'error checks over their threshold: customers_reach_production 6/6 (threshold 0); ' +
          'customers_reach_production: expected 6, actual 0 (C1, C2, C3, C4, C5)',
      );
      expect(await statuses('severity-pass')).toEqual([
        ['transform', 'customers_reach_production', '6/0.00', 'fail'],
        ['validate', 'customers_known', '1/1.00', 'warn'],
        ['validate', 'emails_present', '1/0.00', 'warn'],
        ['validate', 'ids_unique', '1/1.00', 'warn'],
        ['validate', 'line_totals_add_up', '2/2.00', 'warn'],
      ]);
      // Only the validator scores a run.
      expect(await storedScore('severity-pass')).toEqual(before);
      // A stage with no checks declared does nothing.
      const none = await runQualityChecks(env.pool, env.pool, 'severity-pass', 'warehouse', { checks: reconcile });
      expect(none.results).toEqual([]);
    });
  });
});

