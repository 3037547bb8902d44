/**
 * The audit's result model: ESLint's LintResult shape, plus what the formatters need besides it (the
 * finding behind a message, the fingerprint, the source for code frames).
 */
import type { ReportedFinding } from '../analyze-types.js';

export type Severity = 1 | 2;

export interface Problem {
  /** `sql-race/<id>`, or null for a problem with the file itself (parse error, unreadable, skipped). */
  ruleId: string | null;
  severity: Severity;
  message: string;
  line: number;
  column: number;
  endLine?: number;
  endColumn?: number;
  fatal?: true;
  /** Set for findings: what the core reported, and its baseline fingerprint. */
  finding?: ReportedFinding;
  fingerprint?: string;
  /** Set on problems an `eslint-disable` comment covers: why, as in ESLint's suppressed messages. */
  suppressions?: { kind: 'directive'; justification: string }[];
}

export interface FileReport {
  /** Absolute path, as in ESLint's results. */
  filePath: string;
  /** Path relative to the working directory, with `/` separators. */
  relativePath: string;
  messages: Problem[];
  /** Findings left out because the baseline holds them. */
  baselined: Problem[];
  /** Problems an `eslint-disable` comment covers, each with its `suppressions`. */
  suppressed: Problem[];
  /**
   * Why the file was not audited (too large, binary, not JS/TS, a link loop): listed apart, never
   * counted as warnings (`--max-warnings`) or errors.
   */
  notices: Problem[];
  /** The file's text, kept only when it has messages (for code frames). */
  source: string | null;
}

export interface Counts {
  errorCount: number;
  warningCount: number;
  fatalErrorCount: number;
}

export function countProblems(messages: readonly Problem[]): Counts {
  let errorCount = 0;
  let warningCount = 0;
  let fatalErrorCount = 0;
  for (const message of messages) {
    if (message.severity === 2) errorCount += 1;
    else warningCount += 1;
    if (message.fatal) fatalErrorCount += 1;
  }
  return { errorCount, warningCount, fatalErrorCount };
}

export function totalCounts(reports: readonly FileReport[]): Counts & { baselinedCount: number } {
  const total = { errorCount: 0, warningCount: 0, fatalErrorCount: 0, baselinedCount: 0 };
  for (const report of reports) {
    const counts = countProblems(report.messages);
    total.errorCount += counts.errorCount;
    total.warningCount += counts.warningCount;
    total.fatalErrorCount += counts.fatalErrorCount;
    total.baselinedCount += report.baselined.length;
  }
  return total;
}

/** A problem with the file itself, at its first character. */
export function fileProblem(severity: Severity, message: string, fatal: boolean): Problem {
  const problem: Problem = { ruleId: null, severity, message, line: 1, column: 1 };
  if (fatal) problem.fatal = true;
  return problem;
}

export const RULE_PREFIX = 'sql-race/';
