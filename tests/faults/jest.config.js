const preset = require('../../jest.preset');

module.exports = { ...preset, displayName: 'faults', rootDir: '../..', roots: ['<rootDir>/tests/faults'], testTimeout: 180000 };
