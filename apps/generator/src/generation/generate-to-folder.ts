import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { GeneratorModel } from '@ecom/config';
import type { GenerateParams } from '@ecom/contracts';
import { generatedSource } from './dataset-source';
import { planParts, type GeneratePart } from './part-plan';
import type { PartWorkerData, PartWorkerReply } from './part-worker';
import { writeGeneratedPart, type WrittenPart } from './write-part';

export interface GenerateToFolderOptions {
  partSize: number;
  /** The shop model (config generator.model). */
  shop: GeneratorModel;
  /** Parts written at once in this process; output is the same whatever the value. */
  concurrency?: number;
  /**
   * Worker threads writing parts in parallel (one per core is right). Needs the compiled worker
   * script (dist); from TypeScript sources (tests) parts are written in this thread instead.
   */
  threads?: number;
}

export interface FolderGenerated {
  parts: Array<GeneratePart & WrittenPart>;
  rows: number;
  seconds: number;
  /** Threads that wrote parts (1 when in-process). */
  threads: number;
}

const WORKER_SCRIPT = join(__dirname, 'part-worker.js');

/** The whole data set into one folder: the CLI's path, and the tests' reference. */
export async function generateToFolder(outDir: string, params: GenerateParams, options: GenerateToFolderOptions): Promise<FolderGenerated> {
  const started = process.hrtime.bigint();
  const ranges = {
    customers: { first: 0, count: params.customers },
    products: { first: 0, count: params.products },
    transactions: { first: 0, count: params.transactions },
  };
  // Largest parts first, so the last part to finish is a small one and cores idle least.
  const pending = planParts(ranges, options.partSize).sort((a, b) => b.count - a.count);
  const threads = Math.min(options.threads ?? 1, pending.length);
  const done: Array<GeneratePart & WrittenPart> = [];
  if (threads > 1 && existsSync(WORKER_SCRIPT)) {
    // The model is built in each worker thread, not here: this thread only hands out parts.
    await Promise.all(Array.from({ length: threads }, () => runWorker({ outDir, params, shop: options.shop }, pending, done)));
  } else {
    const source = generatedSource(params, options.shop);
    const writer = async (): Promise<void> => {
      for (let part = pending.shift(); part; part = pending.shift()) {
        done.push({ ...part, ...(await writeGeneratedPart(source, outDir, part)) });
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 1) }, writer));
  }
  done.sort((a, b) => a.entity.localeCompare(b.entity) || a.part - b.part);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { parts: done, rows: done.reduce((sum, p) => sum + p.rows, 0), seconds, threads: threads > 1 && existsSync(WORKER_SCRIPT) ? threads : 1 };
}

/** One worker thread taking parts off the shared queue until it is empty. */
function runWorker(data: PartWorkerData, pending: GeneratePart[], done: Array<GeneratePart & WrittenPart>): Promise<void> {
  return new Promise((resolve, reject) => {
    // A larger young generation: rows are short-lived garbage, and fewer scavenges save ~15% CPU.
    const worker = new Worker(WORKER_SCRIPT, { workerData: data, resourceLimits: { maxYoungGenerationSizeMb: 64 } });
    let current: GeneratePart | undefined;
    const next = (): void => {
      current = pending.shift();
      if (current) worker.postMessage(current);
      else void worker.terminate().then(() => resolve());
    };
    worker.on('message', (reply: PartWorkerReply) => {
      if (!reply.ok) {
        void worker.terminate();
        reject(new Error(`part ${current?.entity} ${(current?.part ?? 0) + 1}: ${reply.error}`));
        return;
      }
      if (current) done.push({ ...current, files: reply.files, rows: reply.rows });
      next();
    });
    worker.once('error', reject);
    worker.once('online', next);
  });
}
