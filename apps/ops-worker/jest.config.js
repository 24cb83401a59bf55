const preset = require('../../jest.preset');
const coverage = require('../../jest.coverage');

// libs/ops is the ops worker's engine (the api reaches only part of it over HTTP): its coverage is
// counted here, where its services run their scheduled jobs, rather than by its two unit specs.
module.exports = {
  ...preset,
  displayName: 'ops-worker',
  rootDir: '../..',
  roots: ['<rootDir>/apps/ops-worker'],
  ...coverage('ops-worker', ['<rootDir>/apps/ops-worker/src/**/*.ts', '<rootDir>/libs/ops/src/**/*.ts']),
};
