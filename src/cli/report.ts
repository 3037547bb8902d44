/**
 * From what the core found to what the user is told: rule severities, `--quiet`, the baseline, and
 * fingerprints, giving one ESLint-shaped report per file.
 */
import path from 'node:path';
import type { ReportedFinding } from '../analyze-types.js';
import { RULE_IDS } from '../checks/types.js';
import { existsSync } from 'node:fs';
import {
  baselineEntry,
  fingerprintFindings,
  legacyFingerprints,
  matchBaseline,
  toPosixRelative,
  type Baseline,
  type BaselineEntry,
  type MatchCandidate,
} from './baseline.js';
import { linesOf, touchesChangedLines, type ChangedLines } from './changed.js';
import { applyDirectives, readDirectives } from './directives.js';
import type { AuditedFile } from './run.js';
import { RULE_PREFIX, type FileReport, type Problem } from './results.js';
import { severityOf, type RuleLevels } from './severity.js';

export interface ReportOptions {
  cwd: string;
  /** Fingerprints and baseline paths are relative to it. */
  projectRoot: string;
  levels: RuleLevels;
  quiet: boolean;
  /** The findings to leave out; null when no baseline is in use. */
  baseline: Baseline | null;
  /** `--report-unused-disable-directives`: the severity of an unused directive, or 0 (off, the default). */
  reportUnusedDirectives?: 0 | 1 | 2;
  /** `--changed-since`: report only what touches these lines. */
  changedLines?: ChangedLines;
}

const KNOWN_RULES: ReadonlySet<string> = new Set(RULE_IDS.map((id) => `${RULE_PREFIX}${id}`));

/**
 * ESLint's `rulesToIgnore` for unused directives: `--quiet` does not run the rules at warn, so a
 * directive naming one (or naming none) cannot be known to be unused.
 */
function ignoredForUnused(options: ReportOptions): Set<string | null> {
  const ignored = new Set<string | null>();
  if (!options.quiet) return ignored;
  for (const id of RULE_IDS) if (options.levels[id] === 'warn') ignored.add(`${RULE_PREFIX}${id}`);
  if (ignored.size > 0) ignored.add(null);
  return ignored;
}

export interface Reports {
  files: FileReport[];
  /** Every active finding (before the baseline and --quiet), for --update-baseline. */
  baselineEntries: BaselineEntry[];
  /** Baseline entries that match no finding of an audited file, or whose file is gone. */
  stale: BaselineEntry[];
  /** Baseline entries of files this audit did not read (kept by --update-baseline). */
  unaudited: BaselineEntry[];
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
  const ignored = ignoredForUnused(options);
  const stale: BaselineEntry[] = [];
  const entriesByFile = new Map<string, BaselineEntry[]>();
  for (const entry of options.baseline?.entries ?? []) {
    const list = entriesByFile.get(entry.file);
    if (list === undefined) entriesByFile.set(entry.file, [entry]);
    else list.push(entry);
  }
  for (const file of audited) {
    const relativeToRoot = toPosixRelative(options.projectRoot, file.filePath);
    const fileEntries = entriesByFile.get(relativeToRoot) ?? [];
    entriesByFile.delete(relativeToRoot);
    const messages: Problem[] = [];
    const baselined: Problem[] = [];
    let suppressed: Problem[] = [];
    const notices: Problem[] = [];
    if (file.problem !== null) (file.problem.fatal ? messages : notices).push(file.problem);
    const analysis = file.analysis;
    if (analysis?.fatal) {
      const { message, line, column } = analysis.fatal;
      messages.push({ ruleId: null, severity: 2, fatal: true, message, line, column });
    }
    if (analysis === null || analysis.fatal !== null) {
      // Not analyzed this time (unreadable, skipped, a syntax error): its entries are neither matched nor stale.
      if (fileEntries.length > 0) entriesByFile.set(relativeToRoot, fileEntries);
    } else {
      const findings = [...analysis.findings].sort(byPosition);
      const fingerprints = fingerprintFindings(options.projectRoot, file.filePath, findings);
      const legacy =
        options.baseline !== null && options.baseline.version < 2 ? legacyFingerprints(options.projectRoot, file.filePath, findings) : [];
      const legacyOf = new Map<ReportedFinding, string>();
      const reported: Problem[] = [];
      findings.forEach((finding, index) => {
        const severity = severityOf(options.levels[finding.ruleId] ?? 'error');
        if (legacy[index] !== undefined) legacyOf.set(finding, legacy[index]);
        if (severity !== 0) reported.push(findingProblem(finding, severity, fingerprints[index] ?? ''));
      });
      const directives = readDirectives(analysis.directiveComments ?? [], KNOWN_RULES);
      const applied = applyDirectives([...directives.problems, ...reported], directives.directives, {
        reportUnused: options.reportUnusedDirectives ?? 0,
        ignoredForUnused: ignored,
      });
      suppressed = applied.suppressed.map(({ problem, suppressions }) => ({ ...problem, suppressions }));
      const candidates: (MatchCandidate & { problem: Problem })[] = [];
      for (const problem of applied.kept) {
        if (problem.finding === undefined || problem.fingerprint === undefined) {
          messages.push(problem);
          continue;
        }
        baselineEntries.push(baselineEntry(options.projectRoot, file.filePath, problem.finding, problem.fingerprint));
        const legacyFingerprint = legacyOf.get(problem.finding);
        candidates.push({
          problem,
          finding: problem.finding,
          fingerprint: problem.fingerprint,
          ...(legacyFingerprint === undefined ? {} : { legacyFingerprint }),
        });
      }
      const match = matchBaseline(options.baseline?.version ?? 2, fileEntries, candidates);
      candidates.forEach(({ problem }, index) => (match.matched.has(index) ? baselined : messages).push(problem));
      stale.push(...match.stale);
      messages.push(...applied.unused);
    }
    let shown = options.quiet ? messages.filter((message) => message.severity === 2) : messages;
    if (options.changedLines !== undefined) {
      const lines = linesOf(options.changedLines, file.filePath);
      const touched = (problem: Problem): boolean =>
        touchesChangedLines(lines, { line: problem.line, endLine: problem.endLine, related: problem.finding?.related });
      shown = shown.filter((problem) => (problem.finding === undefined ? lines !== undefined : touched(problem)));
      baselined.splice(0, baselined.length, ...baselined.filter(touched));
      suppressed = suppressed.filter(touched);
    }
    shown.sort(byPosition);
    files.push({
      filePath: file.filePath,
      relativePath: path.relative(options.cwd, file.filePath).split(path.sep).join('/') || path.basename(file.filePath),
      messages: shown,
      baselined,
      suppressed,
      notices,
      source: shown.length > 0 ? file.text : null,
    });
  }
  const unaudited: BaselineEntry[] = [];
  for (const [file, entries] of entriesByFile) {
    (existsSync(path.join(options.projectRoot, file)) ? unaudited : stale).push(...entries);
  }
  return { files, baselineEntries, stale, unaudited };
}
