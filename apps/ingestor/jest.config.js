const preset = require('../../jest.preset');
const coverage = require('../../jest.coverage');

module.exports = { ...preset, displayName: 'ingestor', rootDir: '../..', roots: ['<rootDir>/apps/ingestor'], ...coverage('ingestor', ['<rootDir>/apps/ingestor/src/**/*.ts']) };
