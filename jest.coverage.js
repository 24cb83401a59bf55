// Coverage of one jest project, collected when COVERAGE=1 (CI): V8's own counters, so the code
// under test runs as it is, not instrumented. Each project writes coverage/<name>/, and
// tools/coverage-report.ts prints the table and holds each project to its floor
// (coverage-floors.json).
module.exports = function coverage(name, sources) {
  return {
    collectCoverage: process.env.COVERAGE === '1',
    coverageProvider: 'v8',
    // The dashboard's browser code (apps/dashboard-web) runs in Chromium (tests/dashboard), where jest cannot count it.
    collectCoverageFrom: [...sources, '!**/*.spec.ts', '!**/*.d.ts', '!<rootDir>/apps/dashboard-web/**'],
    coverageDirectory: `<rootDir>/coverage/${name}`,
    coverageReporters: ['json-summary'],
  };
};
