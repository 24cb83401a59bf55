import { parseArgs } from 'node:util';

export const SCENARIOS = ['reject-heavy'] as const;
export type Scenario = (typeof SCENARIOS)[number];

export const BENCH_USAGE = `usage: npm run bench -- [--transactions N | --scale N,N,...] [--customers N] [--products N]
                         [--seed S] [--concurrency N]
       npm run bench -- --scenario reject-heavy [--transactions N]

Runs the pipeline in this process (api and all six workers) on a fresh database <db>_bench for
each data size, and prints per stage how far it is from its floor:

  run 1    a generated data set on the empty database (--transactions, default 100000;
           customers = transactions / 10 unless --customers; --products 500; --seed 42)
  floors   right after run 1, on the same database and files, each timed on its own and never
           counted in a run (SQL in sql/bench/, one file per step):
             generate   the generated files stream-copied to a scratch folder on the same disk:
                        writing the same bytes, no PostgreSQL
             ingest     COPY ... FROM STDIN (FORMAT csv) of the same files into UNLOGGED all-text
                        tables, workerConcurrency files at a time, as the ingest stage lands them
             validate   per entity one CREATE UNLOGGED TABLE AS of the run's staged rows, every
                        value cast once to its type (nullif(btrim(x), '')::numeric, ...)
             transform  per entity one CREATE TABLE AS (logged, like production) of the typed
                        rows de-duplicated on the key (DISTINCT ON, latest source line wins)
             warehouse  one CREATE TABLE AS of the facts: order lines joined to their orders, the
                        customer and product versions valid on the order date and the payment
                        method, discount_amount and profit as fact_sales computes them
             analytics  one CREATE TABLE AS ... GROUP BY GROUPING SETS over fact_sales: per
                        product, customer, day, payment method and discount, with the sums the
                        analyses need
  run 2    the same parameters again on the same database: the same data delivered again
  delta    POST /runs {mode: 'incremental', days: 1} on top: one more day (target <= 2 s at 1M)

Columns: rows in, run 1 seconds, hand-off (from the stage's recorded finish to the next
stage's start: its COMMIT, where deferred constraints are checked, and the queue hop), rows/s,
CPU s (busy CPU seconds of the whole machine while the stage ran, every process; Linux) and
cores (CPU s / wall s), the floor's seconds, run 1 / floor (x floor), run 2 and delta seconds; total is each run's wall
time, hand-offs included.
--scale 10000,100000,1000000 does this per size and adds the growth of each stage's seconds per
x10 of data (10 = linear). Peak RSS is this process's, per run and for the floors, each
measured from a full garbage collection. Above each table: the PostgreSQL server's version, the
bench database's collation (created in C, as the app creates its own) and its memory, WAL,
checkpoint, durability and parallel-worker settings.

--scenario reject-heavy generates --transactions (default 10000) orders, then a copy whose
customers.csv has nine customers in ten registering the day after the order window, so their
orders are rejected (before_registration) and their lines with them; runs the clean files and the
copy as source runs, each on a fresh database, and prints both.

--concurrency N sets workerConcurrency (jobs each worker runs at once; default from config).
Results: bench-results/bench-<sizes>.json or bench-results/bench-reject-heavy-<N>.json.`;

export class BenchUsageError extends Error {}

export interface BenchOptions {
  /** Transactions per data size, ascending. */
  sizes: number[];
  /** Fixed customers (one size only); otherwise transactions / 10 per size. */
  customers?: number;
  products: number;
  seed: number;
  concurrency?: number;
  scenario?: Scenario;
}

function wholeNumber(flag: string, raw: string, min = 1): number {
  if (!/^\d+$/.test(raw) || Number(raw) < min) {
    throw new BenchUsageError(`--${flag} must be a whole number${min > 0 ? ` of at least ${min}` : ''}, got '${raw}'`);
  }
  return Number(raw);
}

/** argv of `npm run bench` into options; throws BenchUsageError naming the bad flag (or the usage for --help). */
export function parseBenchArgs(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      transactions: { type: 'string' },
      scale: { type: 'string' },
      customers: { type: 'string' },
      products: { type: 'string', default: '500' },
      seed: { type: 'string', default: '42' },
      concurrency: { type: 'string' },
      scenario: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) throw new BenchUsageError(BENCH_USAGE);
  if (values.scenario !== undefined && !(SCENARIOS as readonly string[]).includes(values.scenario)) {
    throw new BenchUsageError(`--scenario must be one of ${SCENARIOS.join(', ')}, got '${values.scenario}'`);
  }
  const scenario = values.scenario as Scenario | undefined;
  if (values.scale !== undefined && values.transactions !== undefined) {
    throw new BenchUsageError('--scale and --transactions exclude each other: --scale lists every size');
  }
  let sizes: number[];
  if (values.scale !== undefined) {
    if (scenario) throw new BenchUsageError('--scenario runs one size: use --transactions');
    sizes = [...new Set(values.scale.split(',').map((raw) => wholeNumber('scale', raw.trim())))].sort((a, b) => a - b);
  } else {
    sizes = [values.transactions === undefined ? (scenario ? 10_000 : 100_000) : wholeNumber('transactions', values.transactions)];
  }
  if (values.customers !== undefined && sizes.length > 1) {
    throw new BenchUsageError('--customers fixes one size; with --scale customers follow each size (transactions / 10)');
  }
  return {
    sizes,
    ...(values.customers !== undefined ? { customers: wholeNumber('customers', values.customers) } : {}),
    products: wholeNumber('products', values.products ?? '500'),
    seed: wholeNumber('seed', values.seed ?? '42', 0),
    ...(values.concurrency !== undefined ? { concurrency: wholeNumber('concurrency', values.concurrency) } : {}),
    ...(scenario ? { scenario } : {}),
  };
}

/** Customers for a data size: as the bench has always sized them, one per ten orders, at least 100. */
export function customersFor(transactions: number, options: Pick<BenchOptions, 'customers'>): number {
  return options.customers ?? Math.max(100, Math.round(transactions / 10));
}
