/**
 * eslint-plugin-sql-race: the ESLint plugin object (flat config), with the `recommended` preset.
 *
 *   import sqlRace from 'eslint-plugin-sql-race';          // ESM
 *   const sqlRace = require('eslint-plugin-sql-race');     // CommonJS (Node.js 20.19+ loads ESM)
 *   export default [sqlRace.configs.recommended];
 *
 * The plugin's parts are also named exports, so the module object that `require()` returns is a
 * plugin as it is: CommonJS configs need no `.default`.
 */
import tsParser from '@typescript-eslint/parser';
import type { ESLint, Linter } from 'eslint';
import { rules } from '../rules/index.js';
import { packageInfo } from './package-info.js';

type RuleName = keyof typeof rules;

/** Every extension the analysis reads: JavaScript and TypeScript, as modules, scripts and JSX. */
const FILES = ['**/*.js', '**/*.mjs', '**/*.cjs', '**/*.jsx', '**/*.ts', '**/*.mts', '**/*.cts', '**/*.tsx'];

const recommendedRules = Object.fromEntries((Object.keys(rules) as RuleName[]).map((name) => [`sql-race/${name}`, 'error'])) as Record<
  `sql-race/${RuleName}`,
  Linter.RuleEntry
>;

export const meta = { name: packageInfo.name, version: packageInfo.version };

/** Typed with ESLint's own config type, so `defineConfig()` from `eslint/config` takes them. */
export const configs = {} as { recommended: Linter.Config };

/**
 * The plugin as ESLint's own types see it (so `plugins: { 'sql-race': sqlRace }` type-checks in a
 * `defineConfig()`), keeping the rules' typescript-eslint types for TypeScript callers.
 */
export type SqlRacePlugin = ESLint.Plugin & { meta: typeof meta; rules: typeof rules; configs: typeof configs };

const plugin = { meta, rules, configs } as unknown as SqlRacePlugin;

/**
 * `files` and the parser make the one-line setup lint TypeScript too: ESLint's default parser reads
 * no TypeScript, and a flat config without `files` covers `.js` files only. typescript-eslint's
 * parser reads JavaScript as well (no type information is asked for); a config after this one can
 * set another parser.
 */
configs.recommended = {
  name: 'sql-race/recommended',
  files: FILES,
  plugins: { 'sql-race': plugin },
  languageOptions: { parser: tsParser, parserOptions: { ecmaFeatures: { jsx: true } } },
  rules: recommendedRules,
};

export default plugin;
export { rules };
export { analyzeText, mightContainDatabaseCode, mightContainSql } from './analyze.js';
export type { FileAnalysis, ReportedFinding } from './analyze-types.js';
export { RULE_IDS, type RuleId } from './checks/types.js';
