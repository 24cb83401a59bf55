import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StageFailure } from '@ecom/pipeline';
import { readInputFolder } from './input-folder';

/** The folder rule (docs/operations.md): any non-empty subset of the four files is a batch. */
describe('readInputFolder: which folders are a batch', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'input-folder-'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const folder = (name: string, files: string[]): string => {
    const dir = join(root, name);
    mkdirSync(dir, { recursive: true });
    for (const file of files) writeFileSync(join(dir, file), 'header\n');
    return dir;
  };
  const entitiesOf = async (dir: string) => (await readInputFolder(dir)).files.map((f) => f.entity);

  it('takes every subset of the four entities: new orders only, one master-data file, all four', async () => {
    expect(await entitiesOf(folder('orders', ['transaction_items.csv', 'transactions.csv']))).toEqual(['transactions', 'transaction_items']);
    expect(await entitiesOf(folder('customers', ['customers.csv']))).toEqual(['customers']);
    expect(await entitiesOf(folder('items', ['transaction_items.part-0001.csv', 'transaction_items.part-0002.csv']))).toEqual([
      'transaction_items',
      'transaction_items',
    ]);
    expect(await entitiesOf(folder('all', ['products.csv', 'customers.csv', 'transactions.csv', 'transaction_items.csv']))).toEqual([
      'customers',
      'products',
      'transactions',
      'transaction_items',
    ]);
  });

  it('refuses a folder with none of the four files in one line naming the folder and the expected names', async () => {
    const dir = folder('notes', ['README.txt', 'orders.csv']);
    const error = await readInputFolder(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StageFailure);
    expect((error as Error).message).toBe(
      `no input file in ${dir}: expected at least one of customers.csv, products.csv, transactions.csv, transaction_items.csv (or their .part-NNNN.csv parts)`,
    );
    expect((error as Error).message).not.toContain('\n');
  });

  it('still refuses a whole file beside its parts', async () => {
    const dir = folder('overlap', ['transactions.csv', 'transactions.part-0001.csv']);
    await expect(readInputFolder(dir)).rejects.toThrow(/holds overlapping transactions files/);
  });
});
