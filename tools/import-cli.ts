import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { MappingError, loadMapping } from '@ecom/config';
import { MappingSourceError, convertSource, type ControlTotals } from '../apps/ingestor/src/mapping/convert';

const USAGE = `usage: npm run import -- --mapping NAME|FILE --from FILE_OR_DIR --out DIR [--json]
Converts a shop's export with a mapping (mappings/NAME.yaml, or a YAML file) into the four
contract CSVs in DIR, without running the pipeline: for inspection, or to run later with
npm run pipeline -- --source DIR. DIR/mapping/ holds rejects.csv (the lines the mapping set aside,
each with its source file, line and reason), returns.csv (the cancelled and adjusted lines) and
control-totals.json (the source's own totals).
DIR is emptied first. --json prints the control totals as JSON on stdout.
Exit code 0 when the files are written, 1 when the source cannot be read, 2 for a usage or mapping error.`;

export interface ImportIo {
  stdout: Pick<NodeJS.WritableStream, 'write'>;
  stderr: Pick<NodeJS.WritableStream, 'write'>;
}

export async function runImportCli(argv: string[], io: ImportIo = process): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        mapping: { type: 'string' },
        from: { type: 'string' },
        out: { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    io.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    io.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const missing = (['mapping', 'from', 'out'] as const).filter((k) => values[k] === undefined).map((k) => `--${k}`);
  if (missing.length > 0) {
    io.stderr.write(`missing ${missing.join(', ')}\n${USAGE}\n`);
    return 2;
  }
  let mapping;
  try {
    mapping = loadMapping(values.mapping!);
  } catch (error) {
    if (!(error instanceof MappingError)) throw error;
    io.stderr.write(`${error.message}\n`);
    return 2;
  }
  const started = Date.now();
  try {
    const result = await convertSource({ mapping, from: resolve(values.from!), outDir: resolve(values.out!) });
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    io.stderr.write(`converted with mapping ${mapping.name} into ${result.outDir} in ${seconds} s\n`);
    io.stdout.write(values.json ? `${JSON.stringify(result.controlTotals, null, 2)}\n` : `${formatControlTotals(result.controlTotals)}\n`);
    return 0;
  } catch (error) {
    if (!(error instanceof MappingSourceError)) throw error;
    io.stderr.write(`${error.message}\n`);
    return 1;
  }
}

/** The source's control totals as a few readable lines. */
export function formatControlTotals(totals: ControlTotals): string {
  const out = [
    `source: ${totals.sourceFiles.map((f) => `${f.file} (${f.lines} lines)`).join(', ')}`,
    `lines read ${totals.lines}${totals.unreadable ? `, ${totals.unreadable} unreadable (no quantity or price)` : ''}`,
  ];
  // void is rare (exports that keep voided orders): shown only when there is some.
  for (const [status, t] of Object.entries(totals.byStatus)) if (status !== 'void' || t.lines > 0) out.push(`  ${status.padEnd(9)} ${String(t.lines).padStart(9)} lines ${String(t.orders).padStart(7)} orders  Σ quantity × unit price ${t.amount}`);
  out.push(`  ${'all'.padEnd(9)} ${String(totals.total.lines).padStart(9)} lines ${String(totals.total.orders).padStart(7)} orders  Σ quantity × unit price ${totals.total.amount}`);
  const c = totals.converted;
  out.push(`converted: ${c.customers} customers, ${c.products} products, ${c.orders} orders, ${c.lines} lines, Σ line_total ${c.lineTotal} (rounding to the cent ${c.rounding})`);
  for (const [status, r] of Object.entries(totals.returned ?? {})) {
    if (r.lines > 0) out.push(`returns (mapping/returns.csv): ${status} ${r.lines} lines, Σ line_total ${r.lineTotal} (rounding to the cent ${r.rounding})`);
  }
  if (totals.rejected.length > 0) {
    out.push('set aside (mapping/rejects.csv):');
    for (const r of totals.rejected) out.push(`  ${r.reason.padEnd(17)} ${r.status.padEnd(10)} ${String(r.lines).padStart(8)} lines  Σ ${r.amount}`);
  }
  return out.join('\n');
}

if (require.main === module) {
  void runImportCli(process.argv.slice(2)).then((code) => process.exit(code));
}
