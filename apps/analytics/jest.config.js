const preset = require('../../jest.preset');
const coverage = require('../../jest.coverage');

module.exports = { ...preset, displayName: 'analytics', rootDir: '../..', roots: ['<rootDir>/apps/analytics'], ...coverage('analytics', ['<rootDir>/apps/analytics/src/**/*.ts']) };
