const preset = require('../../jest.preset');

module.exports = { ...preset, displayName: 'ops-worker', rootDir: '../..', roots: ['<rootDir>/apps/ops-worker'] };
