/**
 * eslint-plugin-sql-race: the ESLint plugin object (flat config), with the `recommended` preset.
 *
 *   import sqlRace from 'eslint-plugin-sql-race';
 *   export default [sqlRace.configs.recommended];
 */
import type { TSESLint } from '@typescript-eslint/utils';
import { rules } from '../rules/index.js';
import { packageInfo } from './package-info.js';

type RuleName = keyof typeof rules;

const recommendedRules = Object.fromEntries(
  (Object.keys(rules) as RuleName[]).map((name) => [`sql-race/${name}`, 'error']),
) as Record<`sql-race/${RuleName}`, TSESLint.SharedConfig.RuleEntry>;

const plugin = {
  meta: { name: packageInfo.name, version: packageInfo.version },
  rules,
  configs: {} as { recommended: TSESLint.FlatConfig.Config },
};

plugin.configs.recommended = {
  name: 'sql-race/recommended',
  plugins: { 'sql-race': plugin as unknown as TSESLint.FlatConfig.Plugin },
  rules: recommendedRules,
};

export default plugin;
export { rules };
export { analyzeText, mightContainSql } from './analyze.js';
export type { FileAnalysis, ReportedFinding } from './analyze-types.js';
export { RULE_IDS, type RuleId } from './checks/types.js';
