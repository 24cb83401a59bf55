#!/usr/bin/env node
// The SQL formatter check over sql/ (`npm run lint` through Nx, project `sql`): every file must be
// what sql-formatter makes of it. `--write` formats them (`npm run format:sql`).
//
// Keywords keep the case they are written in, so formatting changes only whitespace. sql/migrations is left as it
// is: a migration is the record of what ran on every database, and is never edited once applied.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { format } from 'sql-formatter';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SQL = join(ROOT, 'sql');
const SKIPPED = new Set([join(SQL, 'migrations')]);
const OPTIONS = {
  language: 'postgresql',
  keywordCase: 'preserve',
  tabWidth: 2,
  expressionWidth: 100,
  paramTypes: { numbered: ['$'] },
};

// A template placeholder ({{n}} in `violated_{{n}}`) is often part of a word: formatted as a token
// of its own it would be set apart (`violated_ {{n}}`). Stood in for by a word while formatting,
// it stays where it is.
const PLACEHOLDER = /\{\{([a-z_]+)\}\}/g;
const STAND_IN = /zzplaceholder_([a-z_]+?)_zz/g;
const formatSql = (text) =>
  format(text.replace(PLACEHOLDER, 'zzplaceholder_$1_zz'), OPTIONS).replace(STAND_IN, '{{$1}}');

const args = process.argv.slice(2);
const write = args.includes('--write');
if (args.some((a) => a !== '--write' && a !== '--check')) {
  process.stderr.write('usage: node tools/sql-format.mjs [--check | --write]\n');
  process.exit(2);
}

function sqlFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return SKIPPED.has(path) ? [] : sqlFiles(path);
    return entry.name.endsWith('.sql') ? [path] : [];
  });
}

const unformatted = [];
for (const file of sqlFiles(SQL).sort()) {
  const source = readFileSync(file, 'utf8');
  let formatted;
  try {
    formatted = `${formatSql(source)}\n`;
  } catch (error) {
    process.stderr.write(`${relative(ROOT, file)}: sql-formatter cannot read it: ${error.message.split('\n')[0]}\n`);
    process.exitCode = 1;
    continue;
  }
  if (formatted === source) continue;
  if (write) writeFileSync(file, formatted);
  else unformatted.push(relative(ROOT, file));
}
if (unformatted.length > 0) {
  process.stderr.write(`${unformatted.length} SQL file(s) not formatted (npm run format:sql formats them):\n${unformatted.map((f) => `  ${f}`).join('\n')}\n`);
  process.exitCode = 1;
}
