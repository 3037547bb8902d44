/**
 * A throw inside the analysis is a message for that file, never an aborted `eslint .`: the same answer
 * the CLI gives. The throw is forced through the one thing ESLint hands the core besides the AST, its
 * scope manager, whose scope list fails once the rules run (ESLint reads it before, to set up scopes).
 */
import { Linter } from 'eslint';
import tsParser from '@typescript-eslint/parser';
import { describe, expect, it } from 'vitest';
import plugin from '../../src/index.js';
import { absoluteWriteBack } from '../helpers/snippets.js';

let rulesRunning = false;
const arm: Linter.Config = {
  plugins: {
    test: {
      rules: {
        arm: {
          create() {
            rulesRunning = true;
            return {};
          },
        },
      },
    },
  },
  rules: { 'test/arm': 'error' },
};

const failingScopes = {
  parseForESLint(code: string, options: Record<string, unknown>) {
    const result = tsParser.parseForESLint(code, options);
    const scopeManager = new Proxy(result.scopeManager!, {
      get(target, key, receiver) {
        if (key === 'scopes' && rulesRunning) throw new TypeError('scope list unavailable');
        return Reflect.get(target, key, receiver);
      },
    });
    return { ...result, scopeManager };
  },
};

/** The parser comes after the preset, which sets its own. */
function lint(code: string, parser: Linter.Parser): Linter.LintMessage[] {
  rulesRunning = false;
  const linter = new Linter({ configType: 'flat' });
  return linter.verify(
    code,
    [
      plugin.configs.recommended,
      arm,
      { files: ['**/*.ts'], languageOptions: { parser } },
      { settings: { 'sql-race': { schemaDiscovery: false } } },
    ] as Linter.Config[],
    { filename: 'file.ts' },
  );
}

describe('a throw inside the analysis', () => {
  it('is reported once for the file, at its first line, and the lint run goes on', () => {
    const messages = lint(absoluteWriteBack, failingScopes as Linter.Parser);
    expect(
      messages.map(({ ruleId, messageId, message, line, column, severity }) => ({ ruleId, messageId, message, line, column, severity })),
    ).toEqual([
      {
        ruleId: 'sql-race/no-check-then-act',
        messageId: 'analysisFailed',
        message: 'Could not analyze this file: internal error (scope list unavailable).',
        line: 1,
        column: 1,
        severity: 2,
      },
    ]);
  });

  it('leaves a file the analysis reads as it was', () => {
    const messages = lint(absoluteWriteBack, tsParser as Linter.Parser);
    expect(messages.map((m) => m.ruleId)).toEqual(['sql-race/no-lost-update']);
  });
});
