const preset = require('../../jest.preset');

module.exports = { ...preset, displayName: 'generator', rootDir: '../..', roots: ['<rootDir>/apps/generator'] };
