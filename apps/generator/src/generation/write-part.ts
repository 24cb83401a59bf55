import { mkdir } from 'node:fs/promises';
import { ENTITY_SPECS } from '@ecom/contracts';
import { CsvPartFile, removeLeftoverTempFiles } from './csv-part-file';
import type { DatasetSource } from './dataset-source';
import { DefectWriter } from './defect-writer';
import { partFiles, type GeneratePart } from './part-plan';
import { RecordRandom } from './random';
import { OrderDraw, drawOrder, orderRows, writeOrder } from './transactions';

export interface WrittenPart {
  files: Array<{ name: string; rows: number }>;
  /** Data rows over all the part's files (headers not counted). */
  rows: number;
}

export type PartProgress = (update: { recordsDone: number; records: number }) => Promise<void> | void;

const PROGRESS_EVERY = 100_000;

/** Writes one part's files into `dir`, streaming with backpressure; memory stays flat. */
export async function writeGeneratedPart(
  source: DatasetSource,
  dir: string,
  part: GeneratePart,
  onProgress?: PartProgress,
): Promise<WrittenPart> {
  await mkdir(dir, { recursive: true });
  const specs = partFiles(part);
  // A writer killed mid-part (kill -9, OOM) left its temporary files; this attempt replaces them.
  await removeLeftoverTempFiles(dir, specs.map((f) => f.name));
  const files = specs.map((f) => new CsvPartFile(dir, f.name, ENTITY_SPECS[f.entity].columns));
  const [main, items] = files;
  // With --defects, rows go through the injector, which also keeps each file's manifest.
  const defects = source.defects && new DefectWriter(source.defects, source.model, files.map((file, i) => ({ file, entity: specs[i].entity })));
  const random = new RecordRandom();
  const lookup = new RecordRandom();
  const itemRows: string[][] = [];
  const order = new OrderDraw();
  try {
    const end = part.first + part.count;
    for (let index = part.first; index < end; index++) {
      let flowing = true;
      if (part.entity === 'customers') {
        const row = source.customerRow(index, random, lookup);
        if (row) flowing = defects ? defects.customer(index, row) : main.write(row);
      } else if (part.entity === 'products') {
        const row = source.productRow(index, random, lookup);
        if (row) flowing = defects ? defects.product(index, row) : main.write(row);
      } else {
        drawOrder(source.world, index, random, lookup, order);
        if (defects) {
          itemRows.length = 0;
          flowing = defects.transaction(index, orderRows(order, source.model, itemRows), itemRows);
        } else {
          flowing = writeOrder(order, source.model, main, items);
        }
      }
      if (!flowing) for (const file of files) await file.drained();
      if (onProgress && (index - part.first + 1) % PROGRESS_EVERY === 0) {
        await onProgress({ recordsDone: index - part.first + 1, records: part.count });
      }
    }
    await Promise.all(files.map((file) => file.commit()));
    await defects?.writeManifests(dir);
  } catch (error) {
    await Promise.all(files.map((file) => file.discard()));
    throw error;
  }
  return { files: files.map((f) => ({ name: f.name, rows: f.rows })), rows: files.reduce((sum, f) => sum + f.rows, 0) };
}
