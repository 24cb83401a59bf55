import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { sqlDir } from '@ecom/config';
import { sqlFilesIn } from '@ecom/db';
import {
  QUALITY_CHECK_TYPES,
  QUALITY_FAMILIES,
  QualityConfigError,
  checkStatement,
  customRowForm,
  defaultQualityChecksFile,
  loadQualityChecks,
  parseQualityChecks,
} from '@ecom/pipeline';

/** A valid check to break one key at a time. */
const GOOD = {
  name: 'unique_customer_email',
  type: 'unique',
  entity: 'customers',
  column: 'email',
  params: { ignore_case: true },
  family: 'uniqueness',
  severity: 'error',
  threshold: '2%',
  weight: 2,
  description: 'no two customers share an email',
};

/** The loader's message for a file holding GOOD with `change` applied (undefined deletes a key). */
function mistake(change: Record<string, unknown>): string {
  const check: Record<string, unknown> = { ...GOOD, ...change };
  for (const [key, value] of Object.entries(change)) if (value === undefined) delete check[key];
  try {
    parseQualityChecks(JSON.stringify({ version: 1, checks: [check] }), '/somewhere/quality-checks.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(QualityConfigError);
    return (error as Error).message;
  }
  throw new Error('the loader accepted it');
}

describe('config/quality-checks.yaml: checks as data, checked when loaded', () => {
  it('loads the shipped file: 38 checks, unique names, all five families, every template and custom file present', () => {
    const config = loadQualityChecks();
    expect(config.file).toBe(defaultQualityChecksFile());
    expect(config.checks).toHaveLength(38);
    expect(new Set(config.checks.map((c) => c.name)).size).toBe(config.checks.length);
    expect(new Set(config.checks.map((c) => c.family))).toEqual(new Set(QUALITY_FAMILIES));
    expect(new Set(config.checks.map((c) => c.type))).toEqual(new Set(QUALITY_CHECK_TYPES));
    expect(config.forStage('validate')).toHaveLength(30);
    expect(config.forStage('transform').map((c) => c.name)).toEqual([
      'reconcile_customers_staging_production',
      'reconcile_products_staging_production',
      'reconcile_transactions_staging_production',
      'reconcile_transaction_items_staging_production',
      'reconcile_revenue_staging_production',
      'reconcile_order_total_production',
    ]);
    expect(config.forStage('warehouse').map((c) => c.name)).toEqual([
      'reconcile_transaction_items_production_warehouse',
      'reconcile_revenue_production_warehouse',
    ]);
    // Every check renders to SQL with no placeholder left, and every custom file is used.
    for (const check of config.checks) expect(checkStatement(check).text).not.toMatch(/\{\{/);
    // A custom check is a statement in sql/quality/custom/ or a row condition in its rows/ folder.
    const custom = config.checks.flatMap((c) => (c.type === 'sql' ? [`quality/custom/${customRowForm(c.file) ? 'rows/' : ''}${c.file}`] : []));
    expect(custom.sort()).toEqual([...sqlFilesIn('quality/custom'), ...sqlFilesIn('quality/custom/rows')].sort());
  });

  it('reads a check with its defaults: severity warn, threshold 0, stage validate', () => {
    const { checks } = parseQualityChecks(
      `checks:
         - name: range_age_group
           type: accepted_values
           entity: customers
           column: age_group
           params: { values: ['18-25', 60] }
           family: range
           weight: 1
           description: age groups we know`,
    );
    expect(checks).toEqual([
      {
        name: 'range_age_group',
        type: 'accepted_values',
        entity: 'customers',
        columns: ['age_group'],
        values: ['18-25', '60'],
        family: 'range',
        severity: 'warn',
        threshold: { text: '0', count: 0 },
        weight: 1,
        description: 'age groups we know',
        stage: 'validate',
      },
    ]);
  });

  it('names the check and the key of each kind of mistake', () => {
    const prefix = "quality-checks.yaml: check 'unique_customer_email': ";
    expect(mistake({ type: 'uniq' })).toBe(
      `${prefix}unknown type 'uniq' (one of not_null, unique, relationships, accepted_values, range, regex, row_count_change, freshness, reconciliation, sql)`,
    );
    expect(mistake({ colum: 'email' })).toBe(`${prefix}unknown key 'colum' for type unique`);
    expect(mistake({ params: { ignore_case: 'yes' } })).toBe(`${prefix}'params.ignore_case' must be true or false`);
    expect(mistake({ params: { case: true } })).toBe(`${prefix}unknown key 'params.case' for type unique`);
    expect(mistake({ severity: 'fatal' })).toBe(`${prefix}'severity' must be warn or error, got 'fatal'`);
    expect(mistake({ threshold: 'lots' })).toBe(`${prefix}'threshold' must be a count >= 0 or a rate like "2%", got 'lots'`);
    expect(mistake({ weight: -1 })).toBe(`${prefix}'weight' must be a number >= 0, got -1`);
    expect(mistake({ family: 'accuracy' })).toMatch(new RegExp(`^${prefix}'family' must be one of completeness, .*, got 'accuracy'$`));
    expect(mistake({ description: undefined })).toBe(`${prefix}'description' is required`);
    expect(mistake({ stage: 'warehouse' })).toBe(`${prefix}'stage' warehouse is only for reconciliation and sql checks; unique reads staging at validate`);
    expect(mistake({ type: 'range', params: { type: 'integer', min: 0.5 } })).toBe(`${prefix}'params.min' 0.5 is not of type integer`);
    expect(mistake({ type: 'regex', params: {} })).toContain(`${prefix}'params.pattern' is required for type regex`);
    expect(mistake({ type: 'sql', column: undefined, params: undefined, file: 'no_such_check' })).toBe(
      `${prefix}'file' sql/quality/custom/no_such_check.sql does not exist`,
    );
    expect(
      mistake({ type: 'reconciliation', column: undefined, params: { from: 'staging', to: 'production', measure: 'row_count' }, stage: 'warehouse' }),
    ).toBe(`${prefix}'stage' must be transform for a staging -> production reconciliation (that layer exists only then), got 'warehouse'`);
    expect(
      mistake({ type: 'reconciliation', column: undefined, params: { from: 'production', to: 'warehouse', measure: 'revenue_sum' }, stage: 'warehouse' }),
    ).toBe(`${prefix}'entity' must be transaction_items for revenue_sum (fact_sales holds order lines), got customers`);
    expect(
      mistake({ type: 'reconciliation', column: undefined, params: { from: 'staging', to: 'production', measure: 'order_total' }, stage: 'transform' }),
    ).toBe(`${prefix}'order_total' compares production orders with their lines: entity transactions, staging -> production, got customers, 'staging' -> 'production'`);
  });

  it('refuses identifiers outside the contract: entities, columns, relationship targets', () => {
    const prefix = "quality-checks.yaml: check 'unique_customer_email': ";
    expect(mistake({ entity: 'pg_catalog.pg_user' })).toBe(
      `${prefix}'entity' must be one of customers, products, transactions, transaction_items, got 'pg_catalog.pg_user'`,
    );
    expect(mistake({ column: 'email"); DROP TABLE ops.runs; --' })).toBe(
      `${prefix}'column' 'email"); DROP TABLE ops.runs; --' is not a column of customers ` +
        '(customer_id, first_name, last_name, email, phone, registration_date, city, state, country, age_group)',
    );
    expect(mistake({ column: 'run_id' })).toContain(`${prefix}'column' 'run_id' is not a column of customers`);
    expect(
      mistake({ type: 'relationships', params: { to: { entity: 'products', column: 'product_name' } }, column: 'customer_id' }),
    ).toBe(`${prefix}'params.to.column' must be products's key product_id, got 'product_name'`);
  });

  it('lists every mistake of a file at once, and catches duplicate names and broken YAML', () => {
    const text = JSON.stringify({
      checks: [GOOD, { ...GOOD }, { ...GOOD, name: 'Bad Name', weight: 'heavy' }],
      extra: true,
    });
    expect(() => parseQualityChecks(text)).toThrow(
      [
        "quality-checks.yaml: unknown top-level key 'extra'",
        "quality-checks.yaml: check 'unique_customer_email': name 'unique_customer_email' is used twice",
        "quality-checks.yaml: check 'Bad Name': 'name' must be lower_snake_case, got 'Bad Name'",
        "quality-checks.yaml: check 'Bad Name': 'weight' must be a number >= 0, got 'heavy'",
      ].join('\n'),
    );
    expect(() => parseQualityChecks('checks: [')).toThrow(/^quality-checks.yaml: not valid YAML: /);
    expect(() => parseQualityChecks('checks: []')).toThrow("quality-checks.yaml: 'checks' must be a non-empty list");
    expect(() => loadQualityChecks(join(sqlDir(), 'missing.yaml'))).toThrow(/^quality checks file not found: /);
    expect(existsSync(defaultQualityChecksFile())).toBe(true);
  });
});
