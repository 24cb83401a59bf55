import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { ENTITIES, parseInputFileName, type Entity } from '@ecom/contracts';

/** Test helper: the input files of a folder, grouped by entity and ordered by part. */
export function inputFiles(dir: string): Record<Entity, string[]> {
  const byEntity = Object.fromEntries(ENTITIES.map((e) => [e, [] as Array<[number, string]>])) as Record<Entity, Array<[number, string]>>;
  for (const name of readdirSync(dir)) {
    const parsed = parseInputFileName(name);
    if (parsed) byEntity[parsed.entity].push([parsed.part, name]);
  }
  return Object.fromEntries(
    ENTITIES.map((e) => [e, byEntity[e].sort((a, b) => a[0] - b[0]).map(([, name]) => name)]),
  ) as Record<Entity, string[]>;
}

/** Every part's header line, and the data lines of all parts concatenated in part order. */
export function entityText(dir: string, entity: Entity): { headers: string[]; body: string } {
  const headers: string[] = [];
  let body = '';
  for (const name of inputFiles(dir)[entity]) {
    const text = readFileSync(join(dir, name), 'utf8');
    const cut = text.indexOf('\n') + 1;
    headers.push(text.slice(0, cut - 1));
    body += text.slice(cut);
  }
  return { headers, body };
}

export type CsvRecord = Record<string, string>;

export function entityRecords(dir: string, entity: Entity): CsvRecord[] {
  return inputFiles(dir)[entity].flatMap(
    (name) => parse(readFileSync(join(dir, name)), { columns: true }) as CsvRecord[],
  );
}

/** "12.34" → 1234, exactly. */
export function cents(money: string): number {
  const match = /^(\d+)\.(\d{2})$/.exec(money);
  if (!match) throw new Error(`not a money amount with two decimals: '${money}'`);
  return Number(match[1]) * 100 + Number(match[2]);
}
