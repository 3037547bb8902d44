/**
 * Baselines for legacy code: the findings a team has accepted for now, so the audit fails only on new
 * ones. A finding's fingerprint is built from what survives unrelated edits — rule, file, enclosing
 * function, normalized SQL — never from line numbers; identical findings in one file are told apart by
 * their order. The file is sorted, pretty-printed JSON with one readable entry per finding, so a change
 * to it reads well in a diff.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ReportedFinding } from '../analyze-types.js';
import { UsageError } from './usage-error.js';

export const DEFAULT_BASELINE_FILE = 'sql-race-baseline.json';
const SQL_SNIPPET_LENGTH = 160;

export interface BaselineEntry {
  file: string;
  rule: string;
  function: string;
  sql: string;
  fingerprint: string;
}

export interface BaselineFile {
  $comment: string;
  version: 1;
  findings: BaselineEntry[];
}

export function toPosixRelative(root: string, filePath: string): string {
  return path.relative(root, filePath).split(path.sep).join('/');
}

function fingerprintHash(ruleId: string, file: string, finding: ReportedFinding): string {
  return createHash('sha256')
    .update([ruleId, file, finding.functionName, normalizeSql(finding.sql)].join('\u0000'))
    .digest('hex')
    .slice(0, 32);
}

/** Whitespace and case of keywords must not change a fingerprint; the core normalizes, this is a guard. */
export function normalizeSql(sql: string): string {
  return sql.replace(/\s+/g, ' ').trim();
}

/**
 * Fingerprints of one file's findings, in the order given (sorted by position): `<hash>:<n>` where n
 * counts earlier findings of the file with the same hash.
 */
export function fingerprintFindings(root: string, filePath: string, findings: readonly ReportedFinding[]): string[] {
  const file = toPosixRelative(root, filePath);
  const seen = new Map<string, number>();
  return findings.map((finding) => {
    const hash = fingerprintHash(finding.ruleId, file, finding);
    const occurrence = (seen.get(hash) ?? 0) + 1;
    seen.set(hash, occurrence);
    return `${hash}:${occurrence}`;
  });
}

export function baselineEntry(root: string, filePath: string, finding: ReportedFinding, fingerprint: string): BaselineEntry {
  const sql = normalizeSql(finding.sql);
  return {
    file: toPosixRelative(root, filePath),
    rule: finding.ruleId,
    function: finding.functionName,
    sql: sql.length > SQL_SNIPPET_LENGTH ? `${sql.slice(0, SQL_SNIPPET_LENGTH - 1)}…` : sql,
    fingerprint,
  };
}

function compareEntries(a: BaselineEntry, b: BaselineEntry): number {
  for (const key of ['file', 'rule', 'function', 'fingerprint'] as const) {
    if (a[key] < b[key]) return -1;
    if (a[key] > b[key]) return 1;
  }
  return 0;
}

export function serializeBaseline(entries: readonly BaselineEntry[]): string {
  const baseline: BaselineFile = {
    $comment: 'Findings of `sql-race audit` accepted for now. Regenerate with `sql-race audit --update-baseline`.',
    version: 1,
    findings: [...entries].sort(compareEntries),
  };
  return `${JSON.stringify(baseline, null, 2)}\n`;
}

export function writeBaseline(file: string, entries: readonly BaselineEntry[]): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, serializeBaseline(entries));
}

/** The fingerprints a baseline file accepts. */
export function readBaseline(file: string): Set<string> {
  if (!existsSync(file)) {
    throw new UsageError(`Baseline ${file} does not exist. Create it with --update-baseline.`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`Baseline ${file} is not valid JSON: ${(error as Error).message}`);
  }
  const findings = (parsed as Partial<BaselineFile> | null)?.findings;
  if (!Array.isArray(findings) || !findings.every((entry) => typeof entry?.fingerprint === 'string')) {
    throw new UsageError(`Baseline ${file} is not a sql-race baseline (expected "findings" with fingerprints).`);
  }
  return new Set(findings.map((entry) => entry.fingerprint));
}
