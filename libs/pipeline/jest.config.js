const preset = require('../../jest.preset');
const coverage = require('../../jest.coverage');

module.exports = { ...preset, displayName: 'pipeline', rootDir: '../..', roots: ['<rootDir>/libs/pipeline'], ...coverage('pipeline', ['<rootDir>/libs/pipeline/src/**/*.ts']) };
