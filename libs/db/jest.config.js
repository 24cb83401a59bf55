const preset = require('../../jest.preset');

module.exports = { ...preset, displayName: 'db', rootDir: '../..', roots: ['<rootDir>/libs/db'] };
