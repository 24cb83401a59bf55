const preset = require('../../jest.preset');

module.exports = { ...preset, displayName: 'api', rootDir: '../..', roots: ['<rootDir>/apps/api'] };
