import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { GeneratorDefaults } from '@ecom/config';
import { MANIFEST_DIR, readDefectManifests } from '../generation/defect-writer';
import { generateToFolder } from '../generation/generate-to-folder';
import { GENERATE_USAGE, GenerateArgsError, parseGenerateArgs } from './generate-args';

export interface CliOutput {
  out(line: string): void;
  err(line: string): void;
}

/** `npm run generate -- ...`: writes the data set into a folder; returns the exit code. */
export async function runGenerateCli(argv: readonly string[], defaults: GeneratorDefaults, io: CliOutput): Promise<number> {
  let command;
  try {
    command = parseGenerateArgs(argv, defaults);
  } catch (error) {
    if (error instanceof GenerateArgsError) {
      io.err(`generate: ${error.message}`);
      return 1;
    }
    throw error;
  }
  if (command === 'help') {
    io.out(GENERATE_USAGE);
    return 0;
  }
  const { outDir, params, partSize } = command;
  // One thread per core: parts are independent, and output is the same whatever the count.
  const threads = command.threads ?? availableParallelism();
  io.out(
    `generating ${params.customers} customers, ${params.products} products, ${params.transactions} transactions ` +
      `(seed ${params.seed}, ${params.startDate}..${params.endDate}${params.defects ? `, defects ${params.defects}` : ''}) into ${outDir}`,
  );
  try {
    const result = await generateToFolder(outDir, params, { partSize, shop: defaults.model, threads });
    for (const part of result.parts) for (const file of part.files) io.out(`  ${file.name}  ${file.rows} rows`);
    if (params.defects) {
      const manifests = await readDefectManifests(outDir);
      const rejects = manifests.flatMap((m) => m.rejects);
      const injected = rejects.filter((r) => r.kind !== 'consequence').length;
      const tricky = manifests.reduce((sum, m) => sum + m.tricky.length, 0);
      io.out(
        `injected ${injected} defects (${rejects.length - injected} more lines rejected as their consequence) ` +
          `and ${tricky} tricky valid values; manifest in ${join(outDir, MANIFEST_DIR)}`,
      );
    }
    const rate = Math.round(result.rows / Math.max(result.seconds, 1e-6));
    io.out(`wrote ${result.rows} rows in ${result.seconds.toFixed(2)} s (${rate} rows/s, ${result.threads} thread${result.threads === 1 ? '' : 's'})`);
    return 0;
  } catch (error) {
    io.err(`generate: cannot write into ${outDir}: ${(error as Error).message}`);
    return 1;
  }
}
