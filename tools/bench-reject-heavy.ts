import { cp, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import type { AppConfig } from '@ecom/config';
import { csvLine, parseInputFileName, type GenerateParams } from '@ecom/contracts';
import { generateToFolder, type GenerateToFolderOptions } from '../apps/generator/src/generation/generate-to-folder';

export interface RejectHeavyData {
  /** The generated files, untouched. */
  cleanDir: string;
  /** The same files, customers.csv with most registrations moved after the order window. */
  rejectHeavyDir: string;
  registrationDate: string;
  customersMoved: number;
  customers: number;
}

/** The day after an ISO date (UTC). */
export function dayAfter(isoDate: string): string {
  return new Date(Date.parse(`${isoDate}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

/**
 * customers.csv text with the registration_date of nine customers in ten (all but every tenth
 * record) set to `registrationDate`. The other records and the header stay byte for byte; a
 * rewritten record is written as the generator writes records.
 */
export function delayRegistrations(csv: string, registrationDate: string): { csv: string; moved: number; records: number } {
  const records = parse(csv) as string[][];
  const [header, ...rows] = records;
  const column = header?.indexOf('registration_date') ?? -1;
  if (column < 0) throw new Error('customers file has no registration_date column');
  const lines = csv.split('\n');
  // Generated records are one line each (clean data has no line breaks inside fields): the
  // records and the lines correspond one to one, which the parse above just confirmed.
  if (lines.length - 1 !== records.length || lines[lines.length - 1] !== '') {
    throw new Error('customers file is not one record per line ending in a line break');
  }
  let moved = 0;
  const out = [lines[0]];
  rows.forEach((row, index) => {
    // Every tenth customer keeps its date: most orders are rejected, not all.
    if (index % 10 !== 0) {
      const late = [...row];
      late[column] = registrationDate;
      out.push(csvLine(late).slice(0, -1));
      moved++;
    } else {
      out.push(lines[index + 1]);
    }
  });
  return { csv: `${out.join('\n')}\n`, moved, records: rows.length };
}

/**
 * The reject-heavy scenario's input: a generated data set (the generate CLI's code) in `cleanDir`,
 * and a copy in `rejectHeavyDir` whose customers register the day after the order window, nine in
 * ten, so the transformer rejects their orders as before_registration and their order lines as
 * orphan_transaction. Nothing else differs, so the two runs read the same number of lines.
 */
export async function writeRejectHeavyData(
  root: string,
  params: GenerateParams,
  options: GenerateToFolderOptions,
): Promise<RejectHeavyData> {
  const cleanDir = join(root, 'clean');
  const rejectHeavyDir = join(root, 'reject-heavy');
  await generateToFolder(cleanDir, params, options);
  await cp(cleanDir, rejectHeavyDir, { recursive: true });
  const registrationDate = dayAfter(params.endDate);
  let customersMoved = 0;
  let customers = 0;
  for (const name of await readdir(rejectHeavyDir)) {
    if (parseInputFileName(name)?.entity !== 'customers') continue;
    const path = join(rejectHeavyDir, name);
    const delayed = delayRegistrations(await readFile(path, 'utf8'), registrationDate);
    await writeFile(path, delayed.csv);
    customersMoved += delayed.moved;
    customers += delayed.records;
  }
  return { cleanDir, rejectHeavyDir, registrationDate, customersMoved, customers };
}

/**
 * The scenario rejects most orders on purpose, to time the pipeline under that load: with the
 * configured reject limits (quality.maxRejectPercent) the run would stop at the transform, so it
 * runs with none. Its report still shows the rates and the F they earn.
 */
export function withoutRejectLimits(config: AppConfig): AppConfig {
  return {
    ...config,
    quality: { ...config.quality, maxRejectPercent: { customers: null, products: null, transactions: null, transaction_items: null } },
  };
}
