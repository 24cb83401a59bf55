const preset = require('../../jest.preset');
const coverage = require('../../jest.coverage');

module.exports = { ...preset, displayName: 'validator', rootDir: '../..', roots: ['<rootDir>/apps/validator'], ...coverage('validator', ['<rootDir>/apps/validator/src/**/*.ts']) };
