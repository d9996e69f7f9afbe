/**
 * Tessera's layer rule, checked by `npm run depcheck` (part of `npm run lint` and `.ci/run`).
 *
 *   packages/domain  ->  (nothing: no Node built-ins, no npm packages, no other workspace)
 *   packages/contracts -> domain (and zod)
 *   packages/store   ->  contracts, domain (and the ORM)
 *   packages/client  ->  contracts (and the domain through it), jose
 *   apps/*           ->  store, contracts, domain
 *
 * Workspaces reach each other only through their package names (`@tessera/*`), never through a
 * relative `../` path. `import type` counts (tsPreCompilationDeps), so a type-only import of a
 * forbidden module breaks the rule too. Every rule is an error: depcruise exits non-zero.
 */

/** Test files may additionally use the test tooling. */
const TEST_FILE = '\\.test\\.ts$';
const TEST_TOOLING = '^node_modules/(vitest|@vitest/[^/]+|fast-check)/';


/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'domain-imports-nothing-outside',
      severity: 'error',
      comment:
        'packages/domain holds the pure rules: it may import only its own files (no framework, ' +
        'no ORM, no jose, no zod, no other workspace). Pass time, randomness and hashing in.',
      from: { path: '^packages/domain/src/', pathNot: TEST_FILE },
      to: { pathNot: '^packages/domain/' },
    },
    {
      name: 'domain-no-npm-or-node-builtins',
      severity: 'error',
      comment: 'packages/domain has no runtime dependencies: no npm package and no Node built-in (node:crypto, fs, ...).',
      from: { path: '^packages/domain/src/' },
      to: {
        dependencyTypes: [
          'core',
          'npm',
          'npm-dev',
          'npm-optional',
          'npm-peer',
          'npm-bundled',
          'npm-no-pkg',
          'npm-unknown',
        ],
        pathNot: TEST_TOOLING,
      },
    },
    {
      name: 'domain-tests-only-domain-and-test-tooling',
      severity: 'error',
      comment: 'Domain tests may import the domain itself, vitest and fast-check, nothing else.',
      from: { path: `^packages/domain/src/.*${TEST_FILE}` },
      to: { pathNot: [`^packages/domain/`, TEST_TOOLING] },
    },
    {
      name: 'contracts-not-apps-or-store',
      severity: 'error',
      comment: 'packages/contracts is the shared vocabulary: it may not depend on the apps or on the store.',
      from: { path: '^packages/contracts/src/' },
      to: { path: '^(apps/|packages/store/|node_modules/@tessera/(api|store)/)' },
    },
    {
      name: 'client-only-contracts-and-jose',
      severity: 'error',
      comment:
        'packages/client is the SDK that services and resource servers install: it may import only ' +
        'its own files, @tessera/contracts (which brings the domain) and jose. No store, no app, ' +
        'no direct domain import, no other npm package or Node built-in (it runs on fetch).',
      from: { path: '^packages/client/src/', pathNot: TEST_FILE },
      to: { pathNot: ['^packages/client/', '^packages/contracts/', '^node_modules/jose/'] },
    },
    {
      name: 'store-not-apps',
      severity: 'error',
      comment: 'packages/store is persistence: it may not depend on any app.',
      from: { path: '^packages/store/src/' },
      to: { path: '^(apps/|node_modules/@tessera/api/)' },
    },
    {
      name: 'no-relative-import-across-workspaces',
      severity: 'error',
      comment:
        'A workspace imports another one only through its package name (@tessera/...), never ' +
        'through a relative ../ path: that would bypass its exports map and its build.',
      from: { path: '^(packages|apps)/([^/]+)/' },
      to: {
        dependencyTypes: ['local'],
        path: '^(packages|apps)/',
        pathNot: '^$1/$2/',
      },
    },
    {
      name: 'no-circular-in-packages',
      severity: 'error',
      comment: 'No dependency cycles inside packages/ (import type included).',
      from: { path: '^packages/' },
      to: { path: '^packages/', circular: true },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'Every import must resolve (a typo, or a package missing from package.json).',
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: 'tests-only-from-tests',
      severity: 'error',
      comment: 'Production code may not import test tooling or test files.',
      from: { path: '^(packages|apps)/[^/]+/src/', pathNot: TEST_FILE },
      to: { path: [TEST_TOOLING, TEST_FILE] },
    },
    {
      name: 'test-sinks-only-from-tests',
      severity: 'error',
      comment: '@tessera/worker/testing (webhook and SMTP sinks, on development dependencies) is for test suites only: no production module may import it.',
      from: { path: '^(packages|apps)/[^/]+/src/', pathNot: [TEST_FILE, '^apps/worker/src/testing\\.ts$'] },
      to: { path: '^apps/worker/(src|dist)/testing\\.' },
    },
    {
      name: 'test-databases-only-from-tests',
      severity: 'error',
      comment:
        '@tessera/store/testing (test databases, an unpeppered hasher) is for test suites only: no production module may import it.',
      from: { path: '^(packages|apps)/[^/]+/src/', pathNot: [TEST_FILE, '^packages/store/src/testing\\.ts$'] },
      to: { path: '^packages/store/(src|dist)/testing\\.' },
    },
  ],
  options: {
    // Built output and installed packages are dependency *targets* (so `@tessera/store` resolves to
    // packages/store/dist and the rules see which workspace it is), never cruised themselves.
    // `@tessera/*` resolve to dist/: `npm run lint` runs typecheck first, which builds (^build).
    doNotFollow: { path: ['node_modules', '^(packages|apps)/[^/]+/dist/'] },
    exclude: { path: '(^|/)(coverage|test-results|\\.turbo)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.base.json' },
    // Resolve @tessera/* to the workspace's real path (packages/..., apps/...), so the rules see
    // which workspace an import reaches.
    preserveSymlinks: false,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
      extensions: ['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs', '.d.ts', '.json'],
    },
    reporterOptions: {
      text: { highlightFocused: true },
    },
  },
};
