// Lint rules: type-aware typescript-eslint, plus the import boundaries of STYLE.md
// (core <- store <- runtime <- executors <- server, cli) and a pure core.
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const layers = ['core', 'store', 'runtime', 'executors', 'server', 'cli'];

/** Files in `layer` may import only from the layers listed before it in `layers`. */
function boundary(layer) {
  const index = layers.indexOf(layer);
  const forbidden = layers.slice(index + 1);
  return {
    files: [`src/${layer}/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: forbidden.flatMap((name) => [
                `../${name}/*`,
                `../../${name}/*`,
                `../../../${name}/*`,
                `**/${name}/**`,
              ]),
              message: `src/${layer} may only import from layers below it (${layers.slice(0, index).join(', ') || 'none'}).`,
            },
          ],
        },
      ],
    },
  };
}

const pureCore = {
  files: ['src/core/**/*.ts'],
  ignores: ['src/core/**/*.test.ts'],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        paths: builtinModules
          .flatMap((name) => [name, `node:${name}`])
          .map((name) => ({
            name,
            message: 'src/core is pure: no node: modules.',
          })),
        patterns: [
          {
            group: [
              'node:*',
              ...layers.slice(1).flatMap((name) => [`../${name}/*`, `**/${name}/**`]),
            ],
            message: 'src/core is pure and imports only from src/core.',
          },
        ],
      },
    ],
    'no-restricted-globals': [
      'error',
      { name: 'Date', message: 'src/core reads no clock: time comes in as an argument.' },
      { name: 'performance', message: 'src/core reads no clock.' },
      { name: 'crypto', message: 'src/core makes no ids: ids come in as arguments.' },
      { name: 'setTimeout', message: 'src/core does no I/O and schedules nothing.' },
      { name: 'setInterval', message: 'src/core does no I/O and schedules nothing.' },
      { name: 'process', message: 'src/core does no I/O.' },
      { name: 'fetch', message: 'src/core does no I/O.' },
    ],
    'no-restricted-properties': [
      'error',
      { object: 'Math', property: 'random', message: 'src/core makes no random values.' },
    ],
  },
};

const baseSyntax = [
  {
    selector: 'TSEnumDeclaration',
    message: 'Use string-literal unions or `as const` objects, never enum.',
  },
  {
    selector: 'ExportAllDeclaration',
    message: 'List public names explicitly; no `export *`.',
  },
  { selector: 'ExportDefaultDeclaration', message: 'No default exports.' },
];

/** One write path (STYLE.md): a session's durable state changes only through its commit under its gate. */
const oneWritePath = {
  files: ['src/runtime/**/*.ts', 'src/executors/**/*.ts', 'src/server/**/*.ts', 'src/cli/**/*.ts'],
  ignores: [
    // commitChange / commitAhead build the batch; the session's writer (writes.ts) hands it to the store.
    'src/runtime/session/commit.ts',
    'src/runtime/session/writes.ts',
    // The metrics wrapper times the store's commit for whoever calls it; it calls nothing itself.
    'src/server/metrics/server-metrics.ts',
    '**/*.test.ts',
    '**/*.test-support.ts',
  ],
  rules: {
    'no-restricted-syntax': [
      'error',
      ...baseSyntax,
      {
        selector: "CallExpression[callee.property.name='commit']",
        message:
          'One write path: only the session writer (src/runtime/session/writes.ts, fed by commit.ts) calls store.commit.',
      },
    ],
  },
};

/** `burrow/client` runs in browsers too: it may import only the pure core, and no node: modules. */
const clientBoundary = {
  files: ['src/client/**/*.ts'],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          {
            group: [
              'node:*',
              ...layers.slice(1).flatMap((name) => [`../${name}/*`, `**/${name}/**`]),
            ],
            message: 'src/client imports only from src/core and itself (it runs in browsers too).',
          },
        ],
      },
    ],
  },
};

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'reports/**',
      'test-artifacts/**',
      'src/server/static/**',
      'scratch/**',
      'src/client/openapi-types.ts',
      'src/client/openapi/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: true },
      ],
      '@typescript-eslint/no-explicit-any': 'error',
      // AbortSignal.reason is `any`: STYLE asks us to reject with it unchanged.
      '@typescript-eslint/prefer-promise-reject-errors': [
        'error',
        { allowThrowingAny: true, allowThrowingUnknown: true },
      ],
      '@typescript-eslint/no-non-null-assertion': 'error',
      '@typescript-eslint/ban-ts-comment': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      'no-restricted-syntax': ['error', ...baseSyntax],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  ...['store', 'runtime', 'executors', 'server'].map(boundary),
  pureCore,
  oneWritePath,
  clientBoundary,
  {
    files: ['**/*.test.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  {
    // A child that outlives its test must not hold CI's own output open: test children get pipes.
    files: ['test/**/*.ts', '**/*.test.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        ...baseSyntax,
        {
          selector: "Property[key.name='stdio'] Literal[value='inherit']",
          message:
            'Test children never inherit stdio: use a pipe and forwardStderr (test/support/child-output.ts).',
        },
      ],
    },
  },
  {
    files: ['vitest.config.ts', 'eslint.config.js'],
    rules: { 'no-restricted-syntax': 'off' },
  },
);
