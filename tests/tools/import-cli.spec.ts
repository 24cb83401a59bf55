import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseMapping, repoRoot } from '@ecom/config';
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

describe('docs/mappings.md: the walk-through does what it says', () => {
  const guide = readFileSync(join(repoRoot(), 'docs', 'mappings.md'), 'utf8');
  const block = (after: string, lang: string) => {
    const start = guide.indexOf(after) + after.length;
    const open = guide.indexOf(`\`\`\`${lang}\n`, start) + lang.length + 4;
    return guide.slice(open, guide.indexOf('```', open));
  };

  it('converts the example export with the example mapping into the output it shows', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mapping-guide-'));
    mkdirSync(join(dir, 'exports'));
    writeFileSync(join(dir, 'exports', 'sales.csv'), block('The export, `sales.csv`', 'csv'));
    writeFileSync(join(dir, 'my-till.yaml'), block('Save this as `my-till.yaml`', 'yaml'));
    const { out, streams } = io();
    expect(await runImportCli(['--mapping', join(dir, 'my-till.yaml'), '--from', join(dir, 'exports'), '--out', join(dir, 'till')], streams)).toBe(0);
    expect(out.stdout.trim()).toBe(block('--out /tmp/till\n```', '').trim());
    const shown = block('now holds the four files', 'csv').split('\n').filter((l) => l !== '' && !l.startsWith('#'));
    const written = ['customers.csv', 'transactions.csv', 'transaction_items.csv'].flatMap((f) => readFileSync(join(dir, 'till', f), 'utf8').split('\n'));
    for (const line of shown) expect(written).toContain(line);
  });

  it('shows the mistakes exactly as the validator words them', () => {
    const yaml = block('Save this as `my-till.yaml`', 'yaml')
      .replace('DD.MM.YYYY HH:mm', 'DD.MM.YY HH:mm')
      .replace('{ derive: first_order_date }', '{ derive: first_visit }')
      .replace('payment_method: { constant: Unknown }', 'shipping_address: { constant: shop }');
    let message = '';
    try {
      parseMapping(yaml, 'my-till.yaml');
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toBe(block('naming the file,\nthe key and what was expected:', '').trim());
  });
});
