const preset = require('../../jest.preset');
const coverage = require('../../jest.coverage');

module.exports = { ...preset, displayName: 'contracts', rootDir: '../..', roots: ['<rootDir>/libs/contracts'], ...coverage('contracts', ['<rootDir>/libs/contracts/src/**/*.ts']) };
