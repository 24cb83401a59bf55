const preset = require('../../jest.preset');

// Coverage of libs/ops is measured by the ops-worker project (apps/ops-worker/jest.config.js).
module.exports = { ...preset, displayName: 'ops', rootDir: '../..', roots: ['<rootDir>/libs/ops'] };
