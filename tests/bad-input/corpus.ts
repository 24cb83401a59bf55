import { copyFileSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

/** tests/fixtures/bad-input: one folder per case; its README.md describes the format. */
export const CORPUS_DIR = join(__dirname, '..', 'fixtures', 'bad-input');

/** Per input file: what a 'lands' case must account for. `quarantined` maps reason code to source lines. */
export interface ExpectedFile {
  linesRead: number;
  landed: number;
  quarantined: Record<string, number[]>;
  /** Blank lines skipped (default 0): not records, so in neither linesRead nor quarantined. */
  blankLines?: number;
}

interface Common {
  description: string;
  /** The case's time bound: its outcome must be known within it (default DEFAULT_BOUND_MS). */
  timeoutMs?: number;
}

export interface LandsCase extends Common {
  outcome: 'lands';
  /** 'full' runs the case through all six stages; by default it stops after ingest. */
  pipeline?: 'ingest' | 'full';
  /** Every input file of the folder, exactly. */
  files: Record<string, ExpectedFile>;
  /** Unknown columns kept in staging's `extra`, per file; files not named have none. */
  extraColumns?: Record<string, string[]>;
  /** Files the ingestor must leave alone and report as ignored (default: none). */
  ignoredFiles?: string[];
  /** Staging rows that must hold exactly these values (`extra` compared as JSON). */
  staged?: Array<{ file: string; line: number; values: Record<string, unknown> }>;
  /** Staging values too big to spell out: their length in characters. */
  stagedLengths?: Array<{ file: string; line: number; column: string; length: number }>;
  /** pipeline 'full' only: the business keys that must reach each production table. */
  production?: Record<string, string[]>;
}

export interface FailsCase extends Common {
  outcome: 'fails';
  stage: 'ingest';
  messageIncludes: string[];
}

export type RefusedSource = 'outside-roots' | 'symlink-out' | 'files-linked-out' | 'parent-traversal' | 'missing' | 'a-file' | 'as-is';

export interface RefusedCase extends Common {
  outcome: 'refused';
  /** How the runner builds the --source path it sends. */
  source: RefusedSource;
  status: number;
  messageIncludes: string[];
}

export type Expected = LandsCase | FailsCase | RefusedCase;

export interface CorpusCase {
  name: string;
  dir: string;
  expected: Expected;
}

export const DEFAULT_BOUND_MS = 20_000;

/** A piece of a generated file: literal text (UTF-8), raw bytes, a repeated string, or encoded text. */
type Piece = string | { hex: string } | { repeat: string; times: number } | { gzip: string } | { utf16le: string };

function pieceBytes(piece: Piece): Buffer {
  if (typeof piece === 'string') return Buffer.from(piece, 'utf8');
  if ('hex' in piece) return Buffer.from(piece.hex, 'hex');
  if ('repeat' in piece) return Buffer.from(piece.repeat.repeat(piece.times), 'utf8');
  if ('gzip' in piece) return gzipSync(Buffer.from(piece.gzip, 'utf8'));
  return Buffer.from(piece.utf16le, 'utf16le');
}

const RUNNER_FILES = new Set(['expected.json', 'make.json']);

export function loadCorpus(): CorpusCase[] {
  return readdirSync(CORPUS_DIR, { withFileTypes: true })
    .filter((e) => e.isDirectory() && /^\d{2}-/.test(e.name))
    .map((e) => e.name)
    .sort()
    .map((name) => {
      const dir = join(CORPUS_DIR, name);
      return { name, dir, expected: JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as Expected };
    });
}

/**
 * Writes a case's input folder at `target`: its committed files, then the files its make.json
 * describes (bytes that must not pass through an editor or git as text, and megabyte-sized
 * inputs that are not worth committing).
 */
export function buildCaseFolder(c: CorpusCase, target: string): void {
  mkdirSync(target, { recursive: true });
  for (const entry of readdirSync(c.dir, { withFileTypes: true })) {
    if (entry.isFile() && !RUNNER_FILES.has(entry.name)) copyFileSync(join(c.dir, entry.name), join(target, entry.name));
  }
  let recipe: Record<string, Piece[]>;
  try {
    recipe = JSON.parse(readFileSync(join(c.dir, 'make.json'), 'utf8')) as Record<string, Piece[]>;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  for (const [file, pieces] of Object.entries(recipe)) {
    writeFileSync(join(target, file), Buffer.concat(pieces.map(pieceBytes)));
  }
}
