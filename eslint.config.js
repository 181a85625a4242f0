// `npm run lint`: typescript-eslint's strict, type-aware rules over the TypeScript sources, with the few
// relaxations below (each says why).
import tseslint from 'typescript-eslint';

export default tseslint.config(
  // The JavaScript files (bin/, scripts/) are plain Node entry points outside the TypeScript project; the other
  // folders are .gitignore's (build output, runs, caches).
  {
    ignores: ['**/*.js', '**/*.mjs', '**/*.cjs', 'node_modules/', 'native/build/', 'test-output/', 'runs/', '.cache/', 'tmp/',
      'gpu-check-out/'],
  },
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // Messages name numbers and flags ("Expected integer in [1, 65536] for dim but received 0").
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
      // The public API checks its arguments at run time (callers may be plain JavaScript), which the types call
      // unnecessary; the checks stay.
      '@typescript-eslint/no-unnecessary-condition': 'off',
      // `x!` marks an invariant the code has just established (a Map entry set a line above, an optional
      // field filled by validation); noUncheckedIndexedAccess is off for the same reason.
      '@typescript-eslint/no-non-null-assertion': 'off',
      // `(x) => void doSomething(x)` and one-line arrows that return a call's void are idiomatic.
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true }],
      // Run-time checks narrow an `unknown` argument to `{}` (non-nullish, still unknown); treat it as the rule
      // treats `unknown`: error messages print what a JavaScript caller passed with String().
      '@typescript-eslint/no-base-to-string': ['error', { ignoredTypeNames: ['Error', 'RegExp', 'URL', 'URLSearchParams', '{}'] }],
      // Copying an object without some keys (`const { losses: _, ...summary } = result`) leaves those keys unused;
      // `_name` marks a parameter that a signature needs and the body does not use.
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true, argsIgnorePattern: '^_' }],
      // `async` methods without `await` implement Promise-returning interfaces (Dataset.labelsOf, PretrainSync,
      // Scorer) and turn a thrown argument error into a rejection, as callers of the interface expect.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      // node:test's test() and describe() return promises that the runner awaits itself.
      '@typescript-eslint/no-floating-promises': ['error', {
        allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['test', 'describe', 'it', 'suite'] }],
      }],
      // Assertion messages print the numbers they compared, arrays of them included (`hot pixel ${[r, g, b]}`).
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true, allowArray: true }],
    },
  },
);
