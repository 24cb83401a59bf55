import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '@ecom/config';
import { runImportCli } from '../../tools/import-cli';

function io() {
  const out = { stdout: '', stderr: '' };
  return { out, streams: { stdout: { write: (t: string) => ((out.stdout += t), true) }, stderr: { write: (t: string) => ((out.stderr += t), true) } } };
}

describe('npm run import: a shop export to the four contract CSVs, without the pipeline', () => {
  it('writes the files and prints the source’s control totals', async () => {
    const dest = mkdtempSync(join(tmpdir(), 'import-cli-'));
    const { out, streams } = io();
    const code = await runImportCli(['--mapping', 'online-retail', '--from', join(repoRoot(), 'tests/fixtures/mapping/online-retail'), '--out', dest], streams);
    expect(code).toBe(0);
    expect(readdirSync(dest).sort()).toEqual(['customers.csv', 'mapping', 'products.csv', 'transaction_items.csv', 'transactions.csv']);
    expect(out.stdout).toContain('all              90 lines      20 orders  Σ quantity × unit price -18040.359');
  });

  it('stops with exit code 2 and one line per mapping problem, naming file and key', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'import-cli-bad-'));
    writeFileSync(join(dir, 'bad.yaml'), 'source: { files: "*.csv" }\nlines: {}\n');
    const { out, streams } = io();
    expect(await runImportCli(['--mapping', join(dir, 'bad.yaml'), '--from', dir, '--out', join(dir, 'out')], streams)).toBe(2);
    expect(out.stderr.split('\n')).toEqual(expect.arrayContaining([
      `${join(dir, 'bad.yaml')}: lines.order_id: missing (expected { column: <source column> })`,
      `${join(dir, 'bad.yaml')}: customers: missing (see docs/mappings.md)`,
    ]));
  });

  it('exit code 1 when the folder holds nothing the mapping reads', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'import-cli-empty-'));
    const { out, streams } = io();
    expect(await runImportCli(['--mapping', 'shopify-orders', '--from', dir, '--out', join(dir, 'out')], streams)).toBe(1);
    expect(out.stderr).toContain('holds no file the mapping shopify-orders reads (source.files: orders_export*.csv)');
  });
});
