import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadConfig, type GeneratorDefaults } from '@ecom/config';
import { GenerateArgsError, parseGenerateArgs } from './generate-args';
import { runGenerateCli } from './generate-cli';

/** `npm run generate -- --out DIR [...]`: writes a data set without the pipeline. */
describe('generate command', () => {
  const defaults: GeneratorDefaults = {
    customers: 1000,
    products: 500,
    transactions: 10000,
    seed: 42,
    startDate: '2024-01-01',
    endDate: '2024-12-31',
    partSize: 250000,
    model: loadConfig({ env: {} }).generator.model,
  };
  const root = mkdtempSync(join(tmpdir(), 'ecom-generate-cli-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const errorOf = (argv: string[]): string => {
    try {
      parseGenerateArgs(argv, defaults);
    } catch (error) {
      if (error instanceof GenerateArgsError) return error.message;
      throw error;
    }
    throw new Error(`expected ${argv.join(' ')} to be refused`);
  };

  it('takes the configured defaults for whatever is not given', () => {
    expect(parseGenerateArgs(['--out', 'data/x'], defaults)).toEqual({
      outDir: resolve('data/x'),
      params: { customers: 1000, products: 500, transactions: 10000, seed: 42, startDate: '2024-01-01', endDate: '2024-12-31' },
      partSize: 250000,
    });
  });

  it('reads every option, as "--flag value" or "--flag=value"', () => {
    const argv = ['--out=/tmp/o', '--customers', '5', '--products=6', '--transactions', '7', '--seed', '0'];
    argv.push('--start-date', '2023-02-01', '--end-date=2023-02-28', '--part-size', '5000');
    expect(parseGenerateArgs(argv, defaults)).toEqual({
      outDir: '/tmp/o',
      params: { customers: 5, products: 6, transactions: 7, seed: 0, startDate: '2023-02-01', endDate: '2023-02-28' },
      partSize: 5000,
    });
    expect(parseGenerateArgs(['--help'], defaults)).toBe('help');
    const damaged = parseGenerateArgs(['--out', '/tmp/o', '--defects', '0.02'], defaults);
    expect(damaged !== 'help' && damaged.params.defects).toBe(0.02);
  });

  it('refuses bad arguments with a one-line message naming the culprit', () => {
    expect(errorOf(['--out', 'x', '--colour', 'red'])).toMatch(/^unknown option --colour \(usage: generate --out DIR/);
    expect(errorOf(['--out', 'x', '--transactions', '10k'])).toBe("--transactions must be a whole number, got '10k'");
    expect(errorOf(['--out', 'x', '--customers', '0'])).toBe('--customers must be between 1 and 50000000, got 0');
    expect(errorOf(['--out', 'x', '--seed', '-1'])).toBe("--seed must be a whole number, got '-1'");
    expect(errorOf(['--out', 'x', '--seed'])).toBe('--seed needs a value');
    expect(errorOf(['--out', 'x', '--part-size', '10'])).toBe('--part-size must be between 1000 and 100000000, got 10');
    expect(errorOf(['--out', 'x', '--start-date', '2024-02-30'])).toBe("--start-date must be a date YYYY-MM-DD, got '2024-02-30'");
    expect(errorOf(['--out', 'x', '--start-date', '2024-06-01', '--end-date', '2024-05-31'])).toBe(
      '--start-date 2024-06-01 is after --end-date 2024-05-31',
    );
    expect(errorOf(['--customers', '5'])).toMatch(/^--out DIR is required/);
    expect(errorOf(['--out', 'x', '--seed', '1', '--seed', '2'])).toBe('--seed is given twice');
    expect(errorOf(['--out', 'x', 'stray'])).toMatch(/^unexpected argument 'stray'/);
    expect(errorOf(['--out', 'x', '--defects', '0.6'])).toBe("--defects must be a rate between 0 and 0.5 (e.g. 0.02), got '0.6'");
    expect(errorOf(['--out', 'x', '--defects', '2%'])).toBe("--defects must be a rate between 0 and 0.5 (e.g. 0.02), got '2%'");
    for (const argv of [['--out', 'x', '--colour', 'red'], ['--out', 'x', '--end-date', '2020-01-01']]) {
      expect(errorOf(argv)).not.toContain('\n');
    }
  });

  it('exits 1 on bad arguments, printing the message once on stderr', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runGenerateCli(['--out', root, '--transactions', 'many'], defaults, {
      out: (l) => out.push(l),
      err: (l) => err.push(l),
    });
    expect({ code, out, err }).toEqual({ code: 1, out: [], err: ["generate: --transactions must be a whole number, got 'many'"] });
  });

  it('writes the files and reports rows and speed', async () => {
    const out: string[] = [];
    const dir = join(root, 'small');
    const code = await runGenerateCli(
      ['--out', dir, '--customers', '1500', '--products', '40', '--transactions', '1200', '--part-size', '1000'],
      defaults,
      { out: (l) => out.push(l), err: (l) => out.push(`ERR ${l}`) },
    );
    expect(code).toBe(0);
    expect(readdirSync(dir).sort()).toEqual([
      'customers.part-0001.csv',
      'customers.part-0002.csv',
      'products.csv',
      'transaction_items.part-0001.csv',
      'transaction_items.part-0002.csv',
      'transactions.part-0001.csv',
      'transactions.part-0002.csv',
    ]);
    expect(out).toContainEqual('  customers.part-0002.csv  500 rows');
    expect(out).toContainEqual('  transactions.part-0002.csv  200 rows');
    expect(out[out.length - 1]).toMatch(/^wrote \d+ rows in \d+\.\d\d s \(\d+ rows\/s, 1 thread\)$/);
  });
});
