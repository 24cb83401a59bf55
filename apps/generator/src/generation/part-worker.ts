import { parentPort, workerData } from 'node:worker_threads';
import type { GeneratorModel } from '@ecom/config';
import type { GenerateParams } from '@ecom/contracts';
import { generatedSource } from './dataset-source';
import type { GeneratePart } from './part-plan';
import { writeGeneratedPart } from './write-part';

/** What generateToFolder hands each worker thread once; parts then arrive one message at a time. */
export interface PartWorkerData {
  outDir: string;
  params: GenerateParams;
  shop: GeneratorModel;
}

export type PartWorkerReply = { ok: true; files: Array<{ name: string; rows: number }>; rows: number } | { ok: false; error: string };

// A worker thread of the generate CLI: builds the model once, then writes the parts it is sent.
if (parentPort) {
  const port = parentPort;
  const { outDir, params, shop } = workerData as PartWorkerData;
  port.on('message', (part: GeneratePart) => {
    writeGeneratedPart(generatedSource(params, shop), outDir, part).then(
      (written) => port.postMessage({ ok: true, ...written } satisfies PartWorkerReply),
      (error: unknown) => port.postMessage({ ok: false, error: (error as Error).message } satisfies PartWorkerReply),
    );
  });
}
