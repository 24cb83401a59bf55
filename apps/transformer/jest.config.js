const preset = require('../../jest.preset');
const coverage = require('../../jest.coverage');

module.exports = { ...preset, displayName: 'transformer', rootDir: '../..', roots: ['<rootDir>/apps/transformer'], ...coverage('transformer', ['<rootDir>/apps/transformer/src/**/*.ts']) };
