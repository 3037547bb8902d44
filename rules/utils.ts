/** What every rule adapter shares: the doc URL and the bridge from core findings to context.report. */
import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { ESLintUtils } from '@typescript-eslint/utils';
import { buildModel, mightContainSql, runChecks } from '../src/analyze.js';
import type { CheckOptions, RuleId } from '../src/checks/types.js';

export const DOCS_URL = 'https://github.com/sql-race/eslint-plugin-sql-race/blob/main/rules';

export const createRule = ESLintUtils.RuleCreator((name) => `${DOCS_URL}/${name}.md`);

export const keyColumnsOption = {
  type: 'object',
  properties: {
    keyColumns: {
      type: 'array',
      items: { type: 'string' },
      uniqueItems: true,
      description: 'Columns that identify a row besides `id`, `uuid` and `*_id`: equality on them is not a guard.',
    },
  },
  additionalProperties: false,
} as const;

/**
 * The six rules run one after another on the same file: the pre-scan is done once per source text
 * (the same string object) rather than six times.
 */
let lastText: string | null = null;
let lastVerdict = false;
function fileMayHoldSql(text: string): boolean {
  if (text !== lastText) {
    lastText = text;
    lastVerdict = mightContainSql(text);
  }
  return lastVerdict;
}

/** Report the core's findings for one rule; returns no listeners at all on a file without SQL. */
export function reportFindings<MessageId extends string>(
  context: Readonly<TSESLint.RuleContext<MessageId, readonly unknown[]>>,
  ruleId: RuleId,
  options: CheckOptions = {},
): TSESLint.RuleListener {
  const { sourceCode } = context;
  if (!fileMayHoldSql(sourceCode.text)) return {};
  return {
    Program(program: TSESTree.Program) {
      const model = buildModel(program, sourceCode.scopeManager!);
      for (const finding of runChecks(model, [ruleId], options)) {
        context.report({
          node: finding.node,
          messageId: finding.messageId as MessageId,
          data: finding.data,
          suggest: finding.suggestions.map((suggestion) => ({
            messageId: suggestion.messageId as MessageId,
            data: suggestion.data,
            fix: (fixer) => suggestion.edits.map((edit) => fixer.replaceTextRange(edit.range, edit.text)),
          })),
        });
      }
    },
  };
}
