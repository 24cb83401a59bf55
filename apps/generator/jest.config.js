const preset = require('../../jest.preset');
const coverage = require('../../jest.coverage');

module.exports = { ...preset, displayName: 'generator', rootDir: '../..', roots: ['<rootDir>/apps/generator'], ...coverage('generator', ['<rootDir>/apps/generator/src/**/*.ts']) };
