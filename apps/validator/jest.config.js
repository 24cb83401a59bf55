const preset = require('../../jest.preset');

module.exports = { ...preset, displayName: 'validator', rootDir: '../..', roots: ['<rootDir>/apps/validator'] };
