const preset = require('../../jest.preset');

module.exports = { ...preset, displayName: 'transformer', rootDir: '../..', roots: ['<rootDir>/apps/transformer'] };
