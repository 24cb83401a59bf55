const preset = require('../../jest.preset');

module.exports = { ...preset, displayName: 'ingestor', rootDir: '../..', roots: ['<rootDir>/apps/ingestor'] };
