/** Lint a source text through ESLint's own API with the plugin's recommended preset, as an editor would. */
import { ESLint, Linter } from 'eslint';
import tsParser from '@typescript-eslint/parser';
import plugin from '../../src/index.js';

const linter = new Linter({ configType: 'flat' });

export interface LintMessage {
  ruleId: string | null;
  messageId?: string;
  message: string;
  line: number;
  column: number;
}

/** `rules` is a config given after the preset, as a user would give a rule its options. */
export function lintWithEslint(code: string, filename = 'file.ts', rules: Linter.RulesRecord = {}): LintMessage[] {
  const config = [
    { files: ['**/*.ts', '**/*.js'], languageOptions: { parser: tsParser, ecmaVersion: 'latest' as const, sourceType: 'module' as const } },
    plugin.configs.recommended,
    // The seeds and the docs' examples are checked wherever they live (fixtures/seeds/ is a seeds/ folder).
    { settings: { 'sql-race': { schemaDiscovery: false, checkOneShot: true, checkTests: true } } },
    { rules },
  ];
  return linter.verify(code, config as Linter.Config[], { filename }).map((m) => ({
    ruleId: m.ruleId,
    messageId: m.messageId,
    message: m.message,
    line: m.line,
    column: m.column,
  }));
}

/**
 * ESLint over a project written to `root`, with the TypeScript parser and the recommended preset, as a
 * user's flat config runs it; `settings` are the plugin's (`settings['sql-race']`), schema discovery off.
 */
export function projectEslint(root: string, settings: Record<string, unknown> = {}): ESLint {
  return new ESLint({
    cwd: root,
    overrideConfigFile: true,
    overrideConfig: [
      { files: ['**/*.ts'], languageOptions: { parser: tsParser, ecmaVersion: 'latest', sourceType: 'module' } },
      plugin.configs.recommended,
      { settings: { 'sql-race': { schemaDiscovery: false, ...settings } } },
    ] as Linter.Config[],
  });
}
