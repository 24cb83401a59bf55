const preset = require('../../jest.preset');
const coverage = require('../../jest.coverage');

module.exports = { ...preset, displayName: 'config', rootDir: '../..', roots: ['<rootDir>/libs/config'], ...coverage('config', ['<rootDir>/libs/config/src/**/*.ts']) };
