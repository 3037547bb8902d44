/** What every rule adapter shares: the doc URL and the bridge from core findings to context.report. */
import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { ESLintUtils } from '@typescript-eslint/utils';
import { resolve as resolvePath } from 'node:path';
import { importsDatabaseCode, knownVerdict } from '../src/project/prescan.js';
import { ANALYSIS_FAILED, analysisFailureReason, buildModel, defaultProject, mightContainDatabaseCode, runChecks } from '../src/analyze.js';
import type { CheckOptions, MessageIds, RuleId } from '../src/checks/types.js';
import { ruleDocsUrl } from '../src/package-info.js';
import { pluginSettings, schemaFor, skippedByImporters, skippedFile } from './settings-utils.js';

export const createRule = ESLintUtils.RuleCreator(ruleDocsUrl);

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
 * The six rules run one after another on the same file: the pre-scan (database code of its own, or an
 * import of a project module that has some) is done once per file rather than six times.
 */
let last: { text: string; filename: string; followImports: boolean; verdict: boolean } | null = null;
function fileMayHoldDatabaseCode(text: string, filename: string, followImports: boolean): boolean {
  if (last !== null && last.text === text && last.filename === filename && last.followImports === followImports) return last.verdict;
  const file = resolvePath(filename);
  // A module another file imports was pre-scanned then: its verdict is kept with its text.
  const verdict =
    (knownVerdict(file, text) ?? mightContainDatabaseCode(text)) ||
    (followImports && importsDatabaseCode(text, file, defaultProject().host));
  last = { text, filename, followImports, verdict };
  return verdict;
}

/** The pre-scan of the file a rule is created for, as `reportFindings` runs it. */
function contextMayHoldDatabaseCode(context: Readonly<TSESLint.RuleContext<string, readonly unknown[]>>): boolean {
  return fileMayHoldDatabaseCode(context.sourceCode.text, context.filename, pluginSettings(context.settings).followImports);
}

/**
 * The rule, created only for files the pre-scan admits. `createRule` (typescript-eslint's RuleCreator)
 * clones and merges the default options each time a rule is created, before `create` runs: on logto's
 * 5,514 files without database code, six times per file, for rules that then return no listener.
 */
export function gated<R extends TSESLint.RuleModule<string, readonly unknown[], unknown>>(rule: R): R {
  const create = rule.create.bind(rule);
  return {
    ...rule,
    create: (context: Parameters<R['create']>[0]) => (contextMayHoldDatabaseCode(context) ? create(context) : {}),
  } as R;
}

/**
 * Every rule also has a message for a file whose analysis threw: the core is written never to throw,
 * and if it does, `eslint .` goes on and reports the file (the CLI does the same).
 */
export function withFailureMessage<M extends Record<string, string>>(messages: M): M & { analysisFailed: string } {
  return { ...messages, analysisFailed: ANALYSIS_FAILED };
}

export type AnalysisFailed = 'analysisFailed';

/** What has been said already about a program whose analysis threw: the six rules report it once. */
const failures = new WeakMap<TSESTree.Program, Set<string>>();

/** Report the core's findings for one rule; returns no listeners at all on a file without SQL. */
export function reportFindings<R extends RuleId>(
  context: Readonly<TSESLint.RuleContext<MessageIds[R] | AnalysisFailed, readonly unknown[]>>,
  ruleId: R,
  options: CheckOptions = {},
): TSESLint.RuleListener {
  const { sourceCode } = context;
  const settings = pluginSettings(context.settings);
  if (!fileMayHoldDatabaseCode(sourceCode.text, context.filename, settings.followImports)) return {};
  if (skippedFile(context.cwd, context.filename, sourceCode.text, settings) !== null) return {};
  return {
    Program(program: TSESTree.Program) {
      let findings;
      try {
        const model = buildModel(
          program,
          sourceCode.scopeManager!,
          settings.followImports ? defaultProject().link(resolvePath(context.filename), 0, [context.cwd]) : null,
          { transactionHelpers: settings.transactionHelpers, callers: true },
        );
        if (model.units.length === 0) return;
        findings = runChecks(model, [ruleId], { ...options, includeOneShot: settings.checkOneShot }, schemaFor(context.cwd, settings));
      } catch (error) {
        if (skippedByImporters(context.cwd, context.filename, settings) !== null) return;
        const reason = analysisFailureReason(error);
        const said = failures.get(program) ?? new Set<string>();
        failures.set(program, said);
        if (!said.has(reason)) {
          said.add(reason);
          context.report({ loc: { line: 1, column: 0 }, messageId: 'analysisFailed', data: { reason } });
        }
        return;
      }
      if (findings.length > 0 && skippedByImporters(context.cwd, context.filename, settings) !== null) return;
      for (const finding of findings) {
        context.report({
          node: finding.node,
          messageId: finding.messageId,
          data: finding.data,
          suggest: finding.suggestions.map((suggestion) => ({
            messageId: suggestion.messageId,
            data: suggestion.data,
            fix: (fixer) => suggestion.edits.map((edit) => fixer.replaceTextRange(edit.range, edit.text)),
          })),
        });
      }
    },
  };
}
