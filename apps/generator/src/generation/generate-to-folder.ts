import type { GenerateParams } from '@ecom/contracts';
import { datasetModel } from './model';
import { planParts, type GeneratePart } from './part-plan';
import { writeGeneratedPart, type WrittenPart } from './write-part';

export interface GenerateToFolderOptions {
  partSize: number;
  /** Parts written at once in this process; output is the same whatever the value. */
  concurrency?: number;
}

export interface FolderGenerated {
  parts: Array<GeneratePart & WrittenPart>;
  rows: number;
  seconds: number;
}

/** The whole data set into one folder, in this process: the CLI's path, and the tests' reference. */
export async function generateToFolder(
  outDir: string,
  params: GenerateParams,
  options: GenerateToFolderOptions,
): Promise<FolderGenerated> {
  const started = process.hrtime.bigint();
  const model = datasetModel(params);
  const pending = planParts(params, options.partSize);
  const done: Array<GeneratePart & WrittenPart> = [];
  const worker = async (): Promise<void> => {
    for (let part = pending.shift(); part; part = pending.shift()) {
      done.push({ ...part, ...(await writeGeneratedPart(model, outDir, part)) });
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 1) }, worker));
  done.sort((a, b) => a.entity.localeCompare(b.entity) || a.part - b.part);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { parts: done, rows: done.reduce((sum, p) => sum + p.rows, 0), seconds };
}
