const preset = require('../jest.preset');

// tests/faults is a project of its own (its own PostgreSQL and Redis, the built workers).
module.exports = {
  ...preset,
  displayName: 'e2e',
  rootDir: '..',
  roots: ['<rootDir>/tests'],
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/tests/faults/'],
  testTimeout: 180000,
};
