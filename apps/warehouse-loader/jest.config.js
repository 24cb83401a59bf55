const preset = require('../../jest.preset');
const coverage = require('../../jest.coverage');

module.exports = { ...preset, displayName: 'warehouse-loader', rootDir: '../..', roots: ['<rootDir>/apps/warehouse-loader'], ...coverage('warehouse-loader', ['<rootDir>/apps/warehouse-loader/src/**/*.ts']) };
