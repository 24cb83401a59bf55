import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '@ecom/config';

/**
 * `npm run coverage:report` after `COVERAGE=1 npm test`: one row per jest project from
 * coverage/<project>/coverage-summary.json, beside its floor in coverage-floors.json (line
 * coverage, %). Exits 1 when a project is under its floor or has no summary, so coverage can only
 * rise. `--update` writes each floor just under today's figure (1 point below, rounded down).
 */
type Metric = 'lines' | 'statements' | 'functions' | 'branches';
const METRICS: Metric[] = ['lines', 'statements', 'functions', 'branches'];
interface Summary {
  total: Record<Metric, { total: number; covered: number; pct: number }>;
}

export interface CoverageRow {
  project: string;
  pct: Record<Metric, number> | undefined;
  floor: number | undefined;
}

/** The rows, and what fails: a project under its floor, a floor with no summary, a summary with no floor. */
export function judgeCoverage(summaries: Record<string, Summary>, floors: Record<string, number>): { rows: CoverageRow[]; failures: string[] } {
  const projects = [...new Set([...Object.keys(summaries), ...Object.keys(floors)])].sort();
  const failures: string[] = [];
  const rows = projects.map((project) => {
    const summary = summaries[project];
    const floor = floors[project];
    const pct = summary ? (Object.fromEntries(METRICS.map((m) => [m, summary.total[m].pct])) as Record<Metric, number>) : undefined;
    if (!pct) failures.push(`${project}: no coverage summary (did its tests run with COVERAGE=1?)`);
    else if (floor === undefined) failures.push(`${project}: no floor in coverage-floors.json (npm run coverage:report -- --update)`);
    else if (pct.lines < floor) failures.push(`${project}: lines ${pct.lines}% under its floor of ${floor}%`);
    return { project, pct, floor };
  });
  return { rows, failures };
}

export function formatCoverage(rows: CoverageRow[]): string {
  const header = ['project', ...METRICS.map((m) => `${m} %`), 'floor (lines) %'];
  const body = rows.map((r) => [r.project, ...METRICS.map((m) => (r.pct ? r.pct[m].toFixed(1) : '-')), r.floor === undefined ? '-' : String(r.floor)]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(header), ...body.map(line)].join('\n');
}

function main(): void {
  const root = repoRoot();
  const dir = join(root, 'coverage');
  const floorsFile = join(root, 'coverage-floors.json');
  const summaries: Record<string, Summary> = {};
  for (const project of existsSync(dir) ? readdirSync(dir) : []) {
    const file = join(dir, project, 'coverage-summary.json');
    const summary = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Summary) : undefined;
    // A project without specs of its own (libs/testing) measures nothing: no row, no floor.
    if (summary && summary.total.lines.total > 0) summaries[project] = summary;
  }
  if (process.argv.includes('--update')) {
    const floors = Object.fromEntries(Object.entries(summaries).map(([p, s]) => [p, Math.max(0, Math.floor(s.total.lines.pct - 1))]));
    writeFileSync(floorsFile, `${JSON.stringify(floors, null, 2)}\n`);
  }
  const floors = existsSync(floorsFile) ? (JSON.parse(readFileSync(floorsFile, 'utf8')) as Record<string, number>) : {};
  const { rows, failures } = judgeCoverage(summaries, floors);
  process.stdout.write(`coverage per jest project (V8)\n\n${formatCoverage(rows)}\n`);
  if (failures.length > 0) {
    process.stdout.write(`\n${failures.join('\n')}\n`);
    process.exitCode = 1;
  }
}

if (require.main === module) main();
