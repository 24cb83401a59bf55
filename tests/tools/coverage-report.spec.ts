import { formatCoverage, judgeCoverage } from '../../tools/coverage-report';

const summary = (lines: number) => ({
  total: {
    lines: { total: 100, covered: lines, pct: lines },
    statements: { total: 100, covered: lines, pct: lines },
    functions: { total: 10, covered: 5, pct: 50 },
    branches: { total: 20, covered: 15, pct: 75 },
  },
});

describe('coverage report: each jest project against its floor', () => {
  it('passes projects at or over their floor and fails one under it, naming both figures', () => {
    const { rows, failures } = judgeCoverage({ api: summary(80), db: summary(69.5) }, { api: 80, db: 70 });
    expect(rows.map((r) => [r.project, r.pct?.lines, r.floor])).toEqual([
      ['api', 80, 80],
      ['db', 69.5, 70],
    ]);
    expect(failures).toEqual(['db: lines 69.5% under its floor of 70%']);
  });

  it('fails a project with a floor but no summary, and one with a summary but no floor', () => {
    expect(judgeCoverage({ api: summary(80) }, { api: 10, validator: 60 }).failures).toEqual([
      'validator: no coverage summary (did its tests run with COVERAGE=1?)',
    ]);
    expect(judgeCoverage({ api: summary(80), newapp: summary(40) }, { api: 10 }).failures).toEqual([
      'newapp: no floor in coverage-floors.json (npm run coverage:report -- --update)',
    ]);
  });

  it('prints one row per project with every metric and the floor', () => {
    const text = formatCoverage(judgeCoverage({ api: summary(81.25) }, { api: 80 }).rows);
    expect(text.split('\n')[0]).toMatch(/^project\s+lines %\s+statements %\s+functions %\s+branches %\s+floor \(lines\) %$/);
    expect(text.split('\n')[1]).toMatch(/^api\s+81\.3\s+81\.3\s+50\.0\s+75\.0\s+80$/);
  });
});
