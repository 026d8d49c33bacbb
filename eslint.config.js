// Lint configuration (#13). Scope: `npm run lint` (main preload renderer/src test bench bin scripts),
// which `npm test` runs after the typecheck. A rule is tuned here only with the reason written next to it.
//
// The type-aware rules cost most of a full run (~60 s of CPU, ~23 s without them: building
// the three TypeScript programs, then no-misused-promises, no-floating-promises and the
// no-unsafe-* family), so `npm run lint` keeps a cache in node_modules/.cache/eslint/
// (~5 s when nothing changed). The cache is keyed by each file's content, not by the types it
// imports: a change in one file can leave a stale verdict on another until that one changes.
// CI starts from `npm ci` (no node_modules, so no cache) and always lints everything; locally,
// `rm -rf node_modules/.cache/eslint` forces the full run.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig([
  {
    ignores: ['out/', 'dist/', 'node_modules/', 'firmware/', 'bench/results/', 'test/artifacts/', 'resources/', 'test/fixtures/'],
  },
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        // There is no root tsconfig.json: each face has its own project, and the project service
        // would not find these files, so the projects are named.
        project: ['./tsconfig.node.json', './tsconfig.web.json', './tsconfig.test.json'],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // An async function without await is how this code implements a Promise-returning
      // contract (AckSource, DeviceDriver, the API handlers, commander actions, test fakes):
      // `async` turns a throw into the rejection the contract's callers handle, and dropping
      // it would make those throws synchronous.
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          // A leading underscore names a parameter the signature requires and the body does not
          // need; a rest sibling is how an object is copied without one field.
          argsIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      // Vitest's asymmetric matchers (expect.any, expect.stringContaining, …) are typed `any`
      // by design, and every toMatchObject with one would be a finding. What an `any` is then
      // used for is still checked by no-unsafe-member-access, -call, -argument and -return.
      '@typescript-eslint/no-unsafe-assignment': 'off',
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    extends: [reactHooks.configs.flat.recommended],
  },
  {
    // Plain JavaScript (the CLI launcher, scripts, the bench runner, this file) runs in Node and
    // is in no TypeScript project.
    files: ['**/*.js', '**/*.mjs', '**/*.cjs', 'bin/**', 'scripts/**', 'bench/**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: globals.node },
  },
]);
