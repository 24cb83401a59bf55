const preset = require('../jest.preset');

module.exports = { ...preset, displayName: 'e2e', rootDir: '..', roots: ['<rootDir>/tests'], testTimeout: 180000 };
