/** ESLint's JSON formatter output: one LintResult per audited file. */
import { countProblems, type FileReport, type Problem } from '../results.js';

export interface EslintMessage {
  ruleId: string | null;
  severity: 1 | 2;
  message: string;
  line: number;
  column: number;
  endLine?: number;
  endColumn?: number;
  messageId?: string;
  /** For findings: the enclosing function and the normalized SQL of the reported statement (as in baselines). */
  functionName?: string;
  sql?: string;
  /** For findings: the check, the act and the statements called functions run (`file` when in another file). */
  related?: { label: string; line: number; column: number; file?: string }[];
  fatal?: true;
  suggestions?: { desc: string; fix: { range: [number, number]; text: string } }[];
  suppressions?: { kind: string; justification: string }[];
}

export interface EslintResult {
  filePath: string;
  messages: EslintMessage[];
  suppressedMessages: EslintMessage[];
  errorCount: number;
  fatalErrorCount: number;
  warningCount: number;
  fixableErrorCount: number;
  fixableWarningCount: number;
  usedDeprecatedRules: never[];
  /** Beyond ESLint's shape, only on a file the audit did not read: why (too large, binary, ...). */
  notices?: EslintMessage[];
}

export function toEslintMessage(problem: Problem): EslintMessage {
  const message: EslintMessage = {
    ruleId: problem.ruleId,
    severity: problem.severity,
    message: problem.message,
    line: problem.line,
    column: problem.column,
  };
  if (problem.endLine !== undefined) message.endLine = problem.endLine;
  if (problem.endColumn !== undefined) message.endColumn = problem.endColumn;
  if (problem.finding !== undefined) {
    message.messageId = problem.finding.messageId;
    message.functionName = problem.finding.functionName;
    message.sql = problem.finding.sql;
    if (problem.finding.related.length > 0) message.related = problem.finding.related;
  }
  if (problem.fatal) message.fatal = true;
  if (problem.finding !== undefined && problem.finding.suggestions.length > 0) {
    message.suggestions = problem.finding.suggestions.map(({ desc, fix }) => ({ desc, fix }));
  }
  return message;
}

export function toEslintResults(reports: readonly FileReport[]): EslintResult[] {
  return reports.map((report) => ({
    filePath: report.filePath,
    messages: report.messages.map(toEslintMessage),
    suppressedMessages: [
      ...report.suppressed.map((problem) => ({ ...toEslintMessage(problem), suppressions: problem.suppressions ?? [] })),
      ...report.baselined.map((problem) => ({
        ...toEslintMessage(problem),
        suppressions: [{ kind: 'baseline', justification: 'In the sql-race baseline file.' }],
      })),
    ].sort((a, b) => a.line - b.line || a.column - b.column),
    ...countProblems(report.messages),
    fixableErrorCount: 0,
    fixableWarningCount: 0,
    usedDeprecatedRules: [],
    ...(report.notices.length > 0 ? { notices: report.notices.map(toEslintMessage) } : {}),
  }));
}

export function formatJson(reports: readonly FileReport[]): string {
  return `${JSON.stringify(toEslintResults(reports))}\n`;
}
