import { resolve } from 'node:path';
import type { GenerateParams } from '@ecom/contracts';
import type { GeneratorDefaults } from '@ecom/config';
import { epochDay } from '../generation/calendar';

export const GENERATE_USAGE =
  'usage: generate --out DIR [--customers N] [--products N] [--transactions N] [--seed S] ' +
  '[--start-date YYYY-MM-DD] [--end-date YYYY-MM-DD] [--part-size N] [--threads N] [--defects RATE]';

/** A wrong command line; the message is one line, fit to print as is. */
export class GenerateArgsError extends Error {
  override name = 'GenerateArgsError';
}

export interface GenerateCommand {
  outDir: string;
  params: GenerateParams;
  partSize: number;
  /** Worker threads; undefined means one per core. */
  threads?: number;
}

type Flag = 'out' | 'customers' | 'products' | 'transactions' | 'seed' | 'start-date' | 'end-date' | 'part-size' | 'threads' | 'defects';
const FLAGS: readonly Flag[] = ['out', 'customers', 'products', 'transactions', 'seed', 'start-date', 'end-date', 'part-size', 'threads', 'defects'];

/** Same bounds as POST /runs, so a data set the CLI writes could also be asked of the API. */
const INTEGER_BOUNDS: Partial<Record<Flag, readonly [number, number]>> = {
  customers: [1, 50_000_000],
  products: [1, 10_000_000],
  transactions: [1, 100_000_000],
  seed: [0, 2 ** 31 - 1],
  'part-size': [1000, 100_000_000],
  threads: [1, 64],
};

function integer(flag: Flag, raw: string): number {
  const [min, max] = INTEGER_BOUNDS[flag] ?? [0, Number.MAX_SAFE_INTEGER];
  if (!/^\d+$/.test(raw)) throw new GenerateArgsError(`--${flag} must be a whole number, got '${raw}'`);
  const value = Number(raw);
  if (value < min || value > max) throw new GenerateArgsError(`--${flag} must be between ${min} and ${max}, got ${raw}`);
  return value;
}

/** Same bound as POST /runs: past half the records damaged, a test data set stops being one. */
function defectRate(raw: string): number {
  const value = /^(0|1)?(\.\d+)?$/.test(raw) && raw !== '' && raw !== '.' ? Number(raw) : Number.NaN;
  if (!(value >= 0 && value <= 0.5)) throw new GenerateArgsError(`--defects must be a rate between 0 and 0.5 (e.g. 0.02), got '${raw}'`);
  return value;
}

function date(flag: Flag, raw: string): string {
  if (epochDay(raw) === undefined) throw new GenerateArgsError(`--${flag} must be a date YYYY-MM-DD, got '${raw}'`);
  return raw;
}

/**
 * `--flag value` or `--flag=value`; anything else is an error naming the culprit. Missing
 * options fall back to the configured generator defaults. Returns 'help' for --help.
 */
export function parseGenerateArgs(argv: readonly string[], defaults: GeneratorDefaults): GenerateCommand | 'help' {
  const given = new Map<Flag, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') return 'help';
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!match) throw new GenerateArgsError(`unexpected argument '${arg}' (${GENERATE_USAGE})`);
    const flag = match[1] as Flag;
    if (!FLAGS.includes(flag)) throw new GenerateArgsError(`unknown option --${match[1]} (${GENERATE_USAGE})`);
    if (given.has(flag)) throw new GenerateArgsError(`--${flag} is given twice`);
    let value = match[2];
    if (value === undefined) {
      value = argv[i + 1];
      if (value === undefined || value.startsWith('--')) throw new GenerateArgsError(`--${flag} needs a value`);
      i++;
    }
    given.set(flag, value);
  }

  const out = given.get('out');
  if (!out) throw new GenerateArgsError(`--out DIR is required (${GENERATE_USAGE})`);
  const pick = (flag: Flag, fallback: number): number => {
    const raw = given.get(flag);
    return raw === undefined ? fallback : integer(flag, raw);
  };
  const startDate = date('start-date', given.get('start-date') ?? defaults.startDate);
  const endDate = date('end-date', given.get('end-date') ?? defaults.endDate);
  if (startDate > endDate) throw new GenerateArgsError(`--start-date ${startDate} is after --end-date ${endDate}`);
  return {
    outDir: resolve(out),
    params: {
      customers: pick('customers', defaults.customers),
      products: pick('products', defaults.products),
      transactions: pick('transactions', defaults.transactions),
      seed: pick('seed', defaults.seed),
      startDate,
      endDate,
      ...(given.has('defects') ? { defects: defectRate(given.get('defects') ?? '') } : {}),
    },
    partSize: pick('part-size', defaults.partSize),
    ...(given.has('threads') ? { threads: pick('threads', 1) } : {}),
  };
}
