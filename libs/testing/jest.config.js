const preset = require('../../jest.preset');
const coverage = require('../../jest.coverage');

module.exports = { ...preset, displayName: 'testing', rootDir: '../..', roots: ['<rootDir>/libs/testing'], ...coverage('testing', ['<rootDir>/libs/testing/src/**/*.ts']) };
