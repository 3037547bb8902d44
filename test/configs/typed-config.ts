// A typed eslint.config.ts as users write it: it must compile against the built types (test/configs.test.ts runs tsc on it).
// It imports the package by its name, which resolves to dist/ through package.json "exports".
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';
import sqlRace from 'eslint-plugin-sql-race';

export default defineConfig(
  tseslint.configs.recommended,
  sqlRace.configs.recommended,
  { extends: [sqlRace.configs.recommended], files: ['src/**/*.ts'] },
  {
    plugins: { 'sql-race': sqlRace },
    rules: { 'sql-race/no-check-then-act': ['error', { keyColumns: ['sku'] }] },
  },
);
