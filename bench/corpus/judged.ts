/**
 * The judged list: findings on real codebases judged by hand, kept as pointers (codebase, commit, path,
 * line, rule, a hash of the statement's normalized SQL, verdict, reason) — never the code itself. One
 * file per codebase under `bench/judged/`. Matching current findings to judged ones tolerates a line
 * that moved when the statement is the same.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { AuditFinding } from './audit.js';

export type Verdict = 'true' | 'false' | 'debatable';

export interface JudgedFinding {
  path: string;
  line: number;
  /** Rule id without the `sql-race/` prefix. */
  rule: string;
  /** `sqlHash()` of the reported statement: tells two findings on one line apart, and finds a moved line. */
  sqlHash: string;
  verdict: Verdict;
  /** One line: why, as a reviewer would say it. */
  reason: string;
}

export interface JudgedFile {
  /** `owner/name`. */
  codebase: string;
  /** The commit the paths and lines point into. */
  commit: string;
  findings: JudgedFinding[];
}

/** A line may move this far (code added above it) and still match a judged finding with the same SQL. */
export const LINE_TOLERANCE = 60;

/** 12 hex digits of the SHA-256 of the whitespace-normalized SQL: identifies the statement, holds none of it. */
export function sqlHash(sql: string): string {
  return createHash('sha256').update(sql.replace(/\s+/g, ' ').trim()).digest('hex').slice(0, 12);
}

export function judgedFileName(codebase: string): string {
  return `${codebase.replace('/', '+')}.json`;
}

export function loadJudged(dir: string): Map<string, JudgedFile> {
  const judged = new Map<string, JudgedFile>();
  if (!existsSync(dir)) return judged;
  for (const name of readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .sort()) {
    const file = JSON.parse(readFileSync(path.join(dir, name), 'utf8')) as JudgedFile;
    for (const entry of file.findings) {
      if (!['true', 'false', 'debatable'].includes(entry.verdict)) {
        throw new Error(`${name}: ${entry.path}:${entry.line} has verdict ${JSON.stringify(entry.verdict)} (true, false or debatable)`);
      }
    }
    judged.set(file.codebase, file);
  }
  return judged;
}

export interface Match {
  finding: AuditFinding;
  judged: JudgedFinding | null;
}

/**
 * Pairs each current finding with at most one judged entry of the same path and rule: the same line and
 * SQL first, then the same line, then the same SQL within `LINE_TOLERANCE` lines (nearest first).
 */
export function matchFindings(
  findings: readonly AuditFinding[],
  judged: readonly JudgedFinding[],
): { matches: Match[]; unmatched: JudgedFinding[] } {
  const free = new Set(judged);
  const matches: Match[] = findings.map((finding) => ({ finding, judged: null }));
  const hashes = findings.map((finding) => sqlHash(finding.sql));
  const passes: ((entry: JudgedFinding, finding: AuditFinding, hash: string) => number | null)[] = [
    (entry, finding, hash) => (entry.line === finding.line && entry.sqlHash === hash ? 0 : null),
    (entry, finding) => (entry.line === finding.line ? 0 : null),
    (entry, finding, hash) => {
      const distance = Math.abs(entry.line - finding.line);
      return entry.sqlHash === hash && distance <= LINE_TOLERANCE ? distance : null;
    },
  ];
  for (const pass of passes) {
    matches.forEach((match, index) => {
      if (match.judged !== null) return;
      let best: JudgedFinding | null = null;
      let bestDistance = Infinity;
      for (const entry of free) {
        if (entry.path !== match.finding.path || entry.rule !== match.finding.rule) continue;
        const distance = pass(entry, match.finding, hashes[index] ?? '');
        if (distance !== null && distance < bestDistance) {
          best = entry;
          bestDistance = distance;
        }
      }
      if (best !== null) {
        match.judged = best;
        free.delete(best);
      }
    });
  }
  return { matches, unmatched: [...free] };
}

/** A judged-list entry for a finding, with the verdict still to be given. */
export function skeleton(finding: AuditFinding): Omit<JudgedFinding, 'verdict'> & { verdict: string } {
  return { path: finding.path, line: finding.line, rule: finding.rule, sqlHash: sqlHash(finding.sql), verdict: '?', reason: '' };
}
