import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
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
  const entitiesOf = async (dir: string) => (await readInputFolder(dir, [root])).files.map((f) => f.entity);

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
    const error = await readInputFolder(dir, [root]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StageFailure);
    expect((error as Error).message).toBe(
      `no input file in ${dir}: expected at least one of customers.csv, products.csv, transactions.csv, transaction_items.csv (or their .part-NNNN.csv parts)`,
    );
    expect((error as Error).message).not.toContain('\n');
  });

  it('still refuses a whole file beside its parts', async () => {
    const dir = folder('overlap', ['transactions.csv', 'transactions.part-0001.csv']);
    await expect(readInputFolder(dir, [root])).rejects.toThrow(/holds overlapping transactions files/);
  });

  describe('symbolic links', () => {
    let outside: string;
    beforeAll(() => {
      outside = mkdtempSync(join(tmpdir(), 'input-folder-outside-'));
      writeFileSync(join(outside, 'customers.csv'), 'header\n');
      // A FIFO blocks whoever opens it for reading until a writer comes: if the check opened the
      // outside file, this suite would hang instead of getting its refusal.
      execFileSync('mkfifo', [join(outside, 'fifo.csv')]);
    });
    afterAll(() => rmSync(outside, { recursive: true, force: true }));

    it('reads every file by its real path, following links that stay inside a root', async () => {
      const dir = folder('linked-inside', ['transactions.csv']);
      const elsewhere = folder('elsewhere', ['products.csv']);
      symlinkSync(join(elsewhere, 'products.csv'), join(dir, 'products.csv'));
      const { files } = await readInputFolder(dir, [root]);
      expect(files.map((f) => [f.sourceFile, f.path])).toEqual([
        ['products.csv', realpathSync(join(elsewhere, 'products.csv'))],
        ['transactions.csv', realpathSync(join(dir, 'transactions.csv'))],
      ]);
    });

    it('refuses a folder whose files lead outside the roots, without opening them or naming their targets', async () => {
      const dir = folder('linked-out', ['products.csv']);
      symlinkSync(join(outside, 'customers.csv'), join(dir, 'customers.csv'));
      symlinkSync(join(outside, 'fifo.csv'), join(dir, 'transactions.csv'));
      symlinkSync(join(outside, 'gone.csv'), join(dir, 'transaction_items.csv'));
      const error = (await readInputFolder(dir, [root]).catch((e: unknown) => e)) as Error;
      expect(error).toBeInstanceOf(StageFailure);
      expect(error.message).toBe(
        `input folder ${dir}: customers.csv leads outside the allowed folders through a symbolic link; ` +
          'transaction_items.csv leads outside the allowed folders through a symbolic link; ' +
          'transactions.csv leads outside the allowed folders through a symbolic link',
      );
      expect(error.message).not.toContain(outside);
    });

    it('refuses a link inside the roots that leads nowhere, naming it', async () => {
      const dir = folder('dangling', ['products.csv']);
      symlinkSync(join(dir, 'missing.csv'), join(dir, 'customers.csv'));
      await expect(readInputFolder(dir, [root])).rejects.toThrow(`input folder ${dir}: customers.csv is a symbolic link to nothing (ENOENT)`);
    });
  });
});
