// Shared by every project's jest.config.js. Tests run against the real PostgreSQL and Redis,
// so each suite creates its own database and BullMQ prefix (see libs/testing).
const path = require('node:path');

const root = __dirname;

module.exports = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.(t|j)sx?$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
          target: 'es2022',
        },
        module: { type: 'commonjs' },
      },
    ],
  },
  // faker 10 ships ESM only; transforming the rest of node_modules runs out of memory.
  transformIgnorePatterns: ['/node_modules/(?!@faker-js/faker/)'],
  moduleNameMapper: {
    '^@ecom/(contracts|config|db|pipeline|ops|testing)$': path.join(root, 'libs/$1/src/index.ts'),
  },
  setupFiles: [path.join(root, 'jest.setup.js')],
  testTimeout: 60000,
};
