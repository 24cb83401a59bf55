import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '@ecom/config';
import { RUN_ID_PATTERN } from '@ecom/contracts';
import { ApiError, PipelineApiClient } from './api-client';
import { formatRunSummary, stageProgressLine } from './report-format';

const USAGE = `usage: npm run pipeline -- [--customers N] [--products N] [--transactions N] [--seed S]
                            [--start-date YYYY-MM-DD] [--end-date YYYY-MM-DD] [--source DIR [--mapping NAME|FILE]]
                            [--incremental [--days N]] [--rebuild] [--defects RATE] [--api URL] [--json]
       npm run pipeline -- --resume RUN_ID [--api URL] [--json]
--source DIR runs on a folder of your own CSVs: any of the four files (only transactions.csv and
  transaction_items.csv is a delta of new orders for customers and products already loaded).
--mapping NAME|FILE reads DIR as a shop's own export and converts it with the mapping first
  (mappings/NAME.yaml, or a YAML file inside the source roots; docs/mappings.md).
--defects RATE damages that share of generated records on purpose (0..0.5) and writes a manifest.
--incremental generates the day(s) after the last generated date (a daily delta) and runs them.
--rebuild rebuilds the warehouse and the analyses from production history.
--resume RUN_ID goes on with a failed or stuck run from its first unfinished stage (what succeeded
  is kept) and waits for it as for a new run.
Asks the running API (npm start) to start a run, shows progress per stage on stderr, prints the
summary on stdout (--json: the run report as JSON, and nothing else on stdout).
Exit code 0 when the run succeeds, 1 when it fails, 2 for a usage or connection error.`;

const INTEGER_FLAGS = ['customers', 'products', 'transactions', 'seed'] as const;

/** Turns argv into the POST /runs body; throws with a one-line message naming the bad flag. */
export function parsePipelineArgs(argv: string[]): { body: Record<string, unknown>; api?: string; json: boolean; resume?: string } {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      customers: { type: 'string' },
      products: { type: 'string' },
      transactions: { type: 'string' },
      seed: { type: 'string' },
      'start-date': { type: 'string' },
      'end-date': { type: 'string' },
      source: { type: 'string' },
      mapping: { type: 'string' },
      incremental: { type: 'boolean', default: false },
      rebuild: { type: 'boolean', default: false },
      days: { type: 'string' },
      defects: { type: 'string' },
      api: { type: 'string' },
      json: { type: 'boolean', default: false },
      resume: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) throw new UsageError(USAGE);
  if (values.resume !== undefined) {
    const others = Object.entries(values)
      .filter(([key, value]) => !['resume', 'api', 'json', 'help', 'incremental', 'rebuild'].includes(key) && value !== undefined)
      .map(([key]) => `--${key}`);
    if (values.incremental) others.push('--incremental');
    if (values.rebuild) others.push('--rebuild');
    if (others.length > 0) throw new UsageError(`--resume goes on with an existing run and takes no run options; remove ${others.join(', ')}`);
    if (!RUN_ID_PATTERN.test(values.resume)) throw new UsageError(`--resume needs a run id (letters, digits, _ or -), got '${values.resume}'`);
    return { body: {}, api: values.api, json: values.json ?? false, resume: values.resume };
  }
  const body: Record<string, unknown> = {};
  for (const flag of INTEGER_FLAGS) {
    const raw = values[flag];
    if (raw === undefined) continue;
    if (!/^\d+$/.test(raw)) throw new UsageError(`--${flag} must be a whole number, got '${raw}'`);
    body[flag] = Number(raw);
  }
  if (values['start-date'] !== undefined) body.startDate = values['start-date'];
  if (values['end-date'] !== undefined) body.endDate = values['end-date'];
  if (values.source !== undefined) body.source = values.source;
  if (values.mapping !== undefined) {
    if (values.source === undefined) throw new UsageError('--mapping converts a source folder: give --source DIR with it');
    body.mapping = values.mapping;
  }
  if (values.defects !== undefined) {
    const rate = Number(values.defects);
    if (values.defects.trim() === '' || !(rate >= 0 && rate <= 0.5)) {
      throw new UsageError(`--defects must be a rate between 0 and 0.5 (e.g. 0.02), got '${values.defects}'`);
    }
    body.defects = rate;
  }
  if (values.days !== undefined && !values.incremental) throw new UsageError('--days is only for --incremental');
  if (values.rebuild) {
    if (values.incremental) throw new UsageError('--rebuild and --incremental exclude each other');
    body.mode = 'rebuild';
  }
  if (values.incremental) {
    body.mode = 'incremental';
    if (values.days !== undefined) {
      if (!/^\d+$/.test(values.days)) throw new UsageError(`--days must be a whole number, got '${values.days}'`);
      body.days = Number(values.days);
    }
  }
  return { body, api: values.api, json: values.json ?? false };
}

export class UsageError extends Error {}

export interface CliIo {
  stdout: Pick<NodeJS.WritableStream, 'write'>;
  stderr: Pick<NodeJS.WritableStream, 'write'>;
  env: NodeJS.ProcessEnv;
}

/**
 * The CLI without process.exit. Stdout carries only the result (the summary, or with --json one
 * JSON document, so `npm run -s pipeline -- --json | jq` works); everything said along the way
 * (the started run, progress, warnings, errors) goes to stderr.
 */
export async function runPipelineCli(argv: string[], io: CliIo = process): Promise<number> {
  const { stdout, stderr, env } = io;
  let parsed: ReturnType<typeof parsePipelineArgs>;
  try {
    parsed = parsePipelineArgs(argv);
  } catch (error) {
    stderr.write(`${(error as Error).message}${error instanceof UsageError ? '' : `\n${USAGE}`}\n`);
    return 2;
  }
  let port = 3000;
  try {
    port = loadConfig({ env }).port;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
  }
  const baseUrl = parsed.api ?? env.API_URL ?? `http://127.0.0.1:${port}`;
  const client = new PipelineApiClient(baseUrl, env.API_KEY, 'cli');
  try {
    const idle = await client.idleStages();
    if (idle.length > 0) {
      stderr.write(`warning: no worker is running for stage(s) ${idle.join(', ')}; the run will wait there (is npm start running?)\n`);
    }
    let runId: string;
    if (parsed.resume) {
      const resumed = await client.resumeRun(parsed.resume);
      runId = resumed.runId;
      stderr.write(`resumed run ${runId} (was ${resumed.previousStatus}) from stage ${resumed.resumedFrom} via ${baseUrl}\n`);
    } else {
      runId = (await client.startRun(parsed.body)).runId;
      stderr.write(`started run ${runId} via ${baseUrl}\n`);
    }
    const started = Date.now();
    const report = await client.waitForRun(runId, (r) => {
      const active = r.stages.filter((s) => s.status === 'running' || s.status === 'failed');
      for (const stage of active) {
        stderr.write(`[${((Date.now() - started) / 1000).toFixed(1)}s] ${stageProgressLine(stage)}\n`);
      }
    });
    stdout.write(parsed.json ? `${JSON.stringify(report, null, 2)}\n` : `\n${formatRunSummary(report)}\n`);
    return report.status === 'succeeded' ? 0 : 1;
  } catch (error) {
    stderr.write(`${(error as Error).message}\n`);
    return error instanceof ApiError && error.status === undefined ? 2 : 1;
  }
}

if (require.main === module) {
  void runPipelineCli(process.argv.slice(2)).then((code) => process.exit(code));
}
