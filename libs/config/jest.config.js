const preset = require('../../jest.preset');

module.exports = { ...preset, displayName: 'config', rootDir: '../..', roots: ['<rootDir>/libs/config'] };
