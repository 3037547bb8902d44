// The project lints itself with typescript-eslint, eslint-plugin-eslint-plugin (rules are ESLint
// rules), and its own plugin (built to dist/ by `tsc`, which the test command runs first).
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import eslintPlugin from 'eslint-plugin-eslint-plugin';
import tseslint from 'typescript-eslint';
import sqlRace from './dist/src/index.js';

export default defineConfig(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.tmp/**', 'fixtures/.prisma-client/**'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['rules/**/*.ts'],
    ...eslintPlugin.configs.recommended,
    rules: {
      ...eslintPlugin.configs.recommended.rules,
      // Rules report through the shared bridge in rules/utils.ts, where `suggest` is built from the
      // core's findings; this rule only looks for `suggest` inside the rule file itself.
      'eslint-plugin/require-meta-has-suggestions': 'off',
    },
  },
  // CommonJS files (a user's config the tests load) are scripts with require() and module.
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  // Fixtures and examples are deliberately racy: the proof suite asserts what the rules say about them.
  // Tests are linted too (the plugin skips test files by default).
  {
    ...sqlRace.configs.recommended,
    files: ['src/**/*.ts', 'rules/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    settings: { 'sql-race': { checkTests: true } },
  },
);
