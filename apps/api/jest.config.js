const preset = require('../../jest.preset');
const coverage = require('../../jest.coverage');

module.exports = { ...preset, displayName: 'api', rootDir: '../..', roots: ['<rootDir>/apps/api'], ...coverage('api', ['<rootDir>/apps/api/src/**/*.ts']) };
