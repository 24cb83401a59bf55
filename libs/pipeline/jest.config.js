const preset = require('../../jest.preset');

module.exports = { ...preset, displayName: 'pipeline', rootDir: '../..', roots: ['<rootDir>/libs/pipeline'] };
