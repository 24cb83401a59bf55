const preset = require('../../jest.preset');

module.exports = { ...preset, displayName: 'analytics', rootDir: '../..', roots: ['<rootDir>/apps/analytics'] };
