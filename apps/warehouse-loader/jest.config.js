const preset = require('../../jest.preset');

module.exports = { ...preset, displayName: 'warehouse-loader', rootDir: '../..', roots: ['<rootDir>/apps/warehouse-loader'] };
