const preset = require('../jest.preset');
const coverage = require('../jest.coverage');

// tests/faults is a project of its own (its own PostgreSQL and Redis, the built workers).
module.exports = {
  ...preset,
  displayName: 'e2e',
  rootDir: '..',
  roots: ['<rootDir>/tests'],
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/tests/faults/'],
  testTimeout: 180000,
  // What the end-to-end suites reach of the apps, the libraries and the tools they drive in-process.
  ...coverage('e2e', ['<rootDir>/apps/*/src/**/*.ts', '<rootDir>/libs/*/src/**/*.ts', '<rootDir>/tools/**/*.ts']),
};
