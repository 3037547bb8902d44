/**
 * From what the core found to what the user is told: rule severities, `--quiet`, the baseline, and
 * fingerprints, giving one ESLint-shaped report per file.
 */
import path from 'node:path';
import type { ReportedFinding } from '../analyze-types.js';
import { baselineEntry, fingerprintFindings, type BaselineEntry } from './baseline.js';
import type { AuditedFile } from './run.js';
import { RULE_PREFIX, type FileReport, type Problem } from './results.js';
import { severityOf, type RuleLevels } from './severity.js';

export interface ReportOptions {
  cwd: string;
  /** Fingerprints and baseline paths are relative to it. */
  projectRoot: string;
  levels: RuleLevels;
  quiet: boolean;
  /** Fingerprints to leave out; null when no baseline is in use. */
  baseline: ReadonlySet<string> | null;
}

export interface Reports {
  files: FileReport[];
  /** Every active finding (before the baseline and --quiet), for --update-baseline. */
  baselineEntries: BaselineEntry[];
}

function byPosition(a: { line: number; column: number }, b: { line: number; column: number }): number {
  return a.line - b.line || a.column - b.column;
}

function findingProblem(finding: ReportedFinding, severity: 1 | 2, fingerprint: string): Problem {
  return {
    ruleId: `${RULE_PREFIX}${finding.ruleId}`,
    severity,
    message: finding.message,
    line: finding.line,
    column: finding.column,
    endLine: finding.endLine,
    endColumn: finding.endColumn,
    finding,
    fingerprint,
  };
}

export function buildReports(audited: readonly AuditedFile[], options: ReportOptions): Reports {
  const files: FileReport[] = [];
  const baselineEntries: BaselineEntry[] = [];
  for (const file of audited) {
    const messages: Problem[] = [];
    const baselined: Problem[] = [];
    if (file.problem !== null) messages.push(file.problem);
    const analysis = file.analysis;
    if (analysis?.fatal) {
      const { message, line, column } = analysis.fatal;
      messages.push({ ruleId: null, severity: 2, fatal: true, message, line, column });
    }
    if (analysis !== null && analysis.findings.length > 0) {
      const findings = [...analysis.findings].sort(byPosition);
      const fingerprints = fingerprintFindings(options.projectRoot, file.filePath, findings);
      findings.forEach((finding, index) => {
        const severity = severityOf(options.levels[finding.ruleId] ?? 'error');
        const fingerprint = fingerprints[index] ?? '';
        if (severity === 0) return;
        baselineEntries.push(baselineEntry(options.projectRoot, file.filePath, finding, fingerprint));
        const problem = findingProblem(finding, severity, fingerprint);
        if (options.baseline?.has(fingerprint)) baselined.push(problem);
        else messages.push(problem);
      });
    }
    const shown = options.quiet ? messages.filter((message) => message.severity === 2) : messages;
    shown.sort(byPosition);
    files.push({
      filePath: file.filePath,
      relativePath: path.relative(options.cwd, file.filePath).split(path.sep).join('/') || path.basename(file.filePath),
      messages: shown,
      baselined,
      source: shown.length > 0 ? file.text : null,
    });
  }
  return { files, baselineEntries };
}
