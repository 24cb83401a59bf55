const preset = require('../../jest.preset');

module.exports = { ...preset, displayName: 'ops', rootDir: '../..', roots: ['<rootDir>/libs/ops'] };
