/** swc options shared by the TypeScript sources and the ESM-only packages compiled for jest. */
const swc = (syntax) => [
  '@swc/jest',
  {
    jsc: {
      target: 'es2022',
      parser: syntax === 'typescript' ? { syntax, decorators: true } : { syntax },
      ...(syntax === 'typescript' ? { transform: { legacyDecorator: true, decoratorMetadata: true } } : {}),
    },
    module: { type: 'commonjs' },
  },
];

/**
 * Packages published as ES modules only. Node 22 and 24 `require()` them (the built dist/ does),
 * but jest's own module registry cannot before Node 24.9, so jest compiles them to CommonJS.
 */
const ESM_ONLY = ['cockatiel', 'jose'];

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  setupFiles: ['reflect-metadata', '<rootDir>/test/support/offline.ts'],
  transform: {
    '^.+\\.ts$': swc('typescript'),
    [`/node_modules/(?:${ESM_ONLY.join('|')})/.+\\.js$`]: swc('ecmascript'),
  },
  transformIgnorePatterns: [`/node_modules/(?!(?:${ESM_ONLY.join('|')})/)`],
  testTimeout: 20000,
};
