import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// Every part imports the shared modules as @shared/… (tsconfig paths for tsc and tsx, aliases in
// electron.vite.config.ts and vitest.config.mts), never by climbing to them.
const sharedByAlias = { regex: '^(\\.\\./)+(src/)?shared(/|$)', message: "Import the shared modules as '@shared/…'." };

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'e2e/artifacts/**', 'test-results/**', 'playwright-report/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      eqeqeq: ['error', 'smart'],
      'no-restricted-imports': ['error', { patterns: [sharedByAlias] }],
    },
  },
  {
    files: [
      'src/main/**/*.ts',
      'src/cli/**/*.ts',
      'src/preload/**/*.ts',
      'src/shared/**/*.ts',
      'e2e/**/*.ts',
      'bench/**/*.ts',
      'test/**/*.ts',
      '*.config.*',
    ],
    languageOptions: { globals: globals.node },
  },
  {
    // The engine is pure Node so it can be tested without Electron.
    files: ['src/main/engine/**/*.ts', 'src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [{ name: 'electron', message: 'The engine and the contract never import electron.' }], patterns: [sharedByAlias] },
      ],
    },
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: globals.browser },
    plugins: { 'react-hooks': reactHooks },
    rules: reactHooks.configs.recommended.rules,
  },
  {
    // Commands go one way: components call an action in their feature's store module, named for
    // what the user does; only stores (.ts) call invoke.
    files: ['src/renderer/**/*.tsx'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/sync/engine'], message: "Call an action in the feature's store instead: only stores call invoke." },
            sharedByAlias,
          ],
        },
      ],
    },
  },
  {
    // Stores start in one visible place (startStores.ts): importing a module subscribes to nothing.
    files: ['src/renderer/src/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector:
            "Program > ExpressionStatement > CallExpression[callee.property.name='subscribe'], Program > VariableDeclaration > VariableDeclarator > CallExpression[callee.property.name='subscribe']",
          message: 'Subscribe inside a start function called from startStores (src/renderer/src/startStores.ts), not when the module is imported.',
        },
      ],
    },
  },
);
