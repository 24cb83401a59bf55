const preset = require('../../jest.preset');
const coverage = require('../../jest.coverage');

module.exports = { ...preset, displayName: 'db', rootDir: '../..', roots: ['<rootDir>/libs/db'], ...coverage('db', ['<rootDir>/libs/db/src/**/*.ts']) };
