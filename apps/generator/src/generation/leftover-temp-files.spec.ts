import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@ecom/config';
import { ENTITY_SPECS, type GenerateParams } from '@ecom/contracts';
import { CsvPartFile, tempFileName } from './csv-part-file';
import { generatedSource } from './dataset-source';
import { planParts } from './part-plan';
import { writeGeneratedPart } from './write-part';

/** A generator killed while writing a part leaves its temporary files; the retry of that part removes them. */
describe('temporary files of a killed generator', () => {
  const params: GenerateParams = { customers: 300, products: 40, transactions: 600, seed: 3, startDate: '2024-01-01', endDate: '2024-03-31' };
  const shop = loadConfig({ env: {} }).generator.model;
  const parts = planParts(
    { customers: { first: 0, count: params.customers }, products: { first: 0, count: params.products }, transactions: { first: 0, count: params.transactions } },
    200,
  );
  const part = (entity: string, index: number) => parts.find((p) => p.entity === entity && p.part === index)!;
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'ecom-leftovers-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  /** What a writer killed mid-file leaves: its temporary file, half written, never renamed. */
  async function killedWriter(dir: string, name: string): Promise<void> {
    const file = new CsvPartFile(dir, name, ENTITY_SPECS.customers.columns);
    for (let i = 0; i < 50_000; i++) file.write(ENTITY_SPECS.customers.columns.map(() => `v${i}`));
    await file.drained();
    // No commit(): the process died here. Only its temporary file is on disk.
  }

  it("removes the part's leftovers when it is written again, and leaves other parts' writers alone", async () => {
    const dir = join(root, 'run');
    mkdirSync(dir);
    await killedWriter(dir, 'customers.part-0001.csv');
    await killedWriter(dir, 'customers.part-0001.csv'); // killed twice: two attempts, two leftovers
    await killedWriter(dir, 'customers.part-0002.csv'); // another part, perhaps still being written
    expect(readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toHaveLength(3);

    const source = generatedSource(params, shop);
    await writeGeneratedPart(source, dir, part('customers', 0));

    const left = readdirSync(dir).sort();
    expect(left.filter((n) => n.startsWith('.customers.part-0001.csv.'))).toEqual([]);
    expect(left.filter((n) => n.startsWith('.customers.part-0002.csv.'))).toHaveLength(1);
    expect(left.filter((n) => !n.startsWith('.'))).toEqual(['customers.part-0001.csv']);
    expect(readFileSync(join(dir, 'customers.part-0001.csv'), 'utf8').trim().split('\n')).toHaveLength(201);

    await writeGeneratedPart(source, dir, part('customers', 1));
    expect(readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('removes leftovers of both files of a transactions part and of its defect manifests', async () => {
    const dir = join(root, 'run');
    mkdirSync(join(dir, 'defects'), { recursive: true });
    await killedWriter(dir, 'transactions.part-0002.csv');
    await killedWriter(dir, 'transaction_items.part-0002.csv');
    writeFileSync(join(dir, 'defects', tempFileName('transactions.part-0002.csv.json')), '{"half":');

    await writeGeneratedPart(generatedSource({ ...params, defects: 0.05 }, shop), dir, part('transactions', 1));

    expect(readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    expect(readdirSync(join(dir, 'defects')).sort()).toEqual(['transaction_items.part-0002.csv.json', 'transactions.part-0002.csv.json']);
  });
});
