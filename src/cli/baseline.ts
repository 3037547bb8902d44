/**
 * Baselines for legacy code: the findings a team has accepted for now, so the audit fails only on new
 * ones. A finding's fingerprint is built from what survives unrelated edits — rule, file, normalized
 * SQL — never from line numbers or the enclosing function's name (a renamed function keeps its
 * findings); identical findings in one file are told apart by their order, and matched to the baseline
 * by enclosing function first, then by order. The file is sorted, pretty-printed JSON with one readable
 * entry per finding, so a change to it reads well in a diff. Entries that match no finding any more
 * are stale: the audit says so, and `--update-baseline` drops them.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ReportedFinding } from '../analyze-types.js';
import { UsageError } from './usage-error.js';

export const DEFAULT_BASELINE_FILE = 'sql-race-baseline.json';
const SQL_SNIPPET_LENGTH = 160;
/** 1: the fingerprint hashed the function name too. 2: it does not. */
const BASELINE_VERSION = 2;

export interface BaselineEntry {
  file: string;
  rule: string;
  function: string;
  sql: string;
  fingerprint: string;
}

export interface BaselineFile {
  $comment: string;
  version: number;
  findings: BaselineEntry[];
}

export interface Baseline {
  version: number;
  entries: BaselineEntry[];
}

export function toPosixRelative(root: string, filePath: string): string {
  return path.relative(root, filePath).split(path.sep).join('/');
}

function fingerprintHash(parts: readonly string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 32);
}

function numbered(hashes: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return hashes.map((hash) => {
    const occurrence = (seen.get(hash) ?? 0) + 1;
    seen.set(hash, occurrence);
    return `${hash}:${occurrence}`;
  });
}

/** Whitespace and case of keywords must not change a fingerprint; the core normalizes, this is a guard. */
export function normalizeSql(sql: string): string {
  return sql.replace(/\s+/g, ' ').trim();
}

/**
 * Fingerprints of one file's findings, in the order given (sorted by position): `<hash>:<n>` where the
 * hash covers rule, file and SQL, and n counts earlier findings of the file with the same hash.
 */
export function fingerprintFindings(root: string, filePath: string, findings: readonly ReportedFinding[]): string[] {
  const file = toPosixRelative(root, filePath);
  return numbered(findings.map((finding) => fingerprintHash([finding.ruleId, file, normalizeSql(finding.sql)])));
}

/** Version 1 fingerprints (the function name hashed in), to read baselines written before version 2. */
export function legacyFingerprints(root: string, filePath: string, findings: readonly ReportedFinding[]): string[] {
  const file = toPosixRelative(root, filePath);
  return numbered(findings.map((finding) => fingerprintHash([finding.ruleId, file, finding.functionName, normalizeSql(finding.sql)])));
}

export interface MatchCandidate {
  finding: ReportedFinding;
  fingerprint: string;
  /** The version 1 fingerprint, needed only for a version 1 baseline. */
  legacyFingerprint?: string;
}

function hashOf(fingerprint: string): string {
  return fingerprint.replace(/:\d+$/, '');
}

/**
 * Which of one file's findings its baseline entries hold, and which entries hold none (stale). Within
 * a group of identical findings (same rule, file and SQL), an entry first goes to a finding in the
 * same function, then the rest go in order — so renaming a function keeps its finding matched, and a
 * copy of the statement added elsewhere is new.
 */
export function matchBaseline(
  version: number,
  entries: readonly BaselineEntry[],
  candidates: readonly MatchCandidate[],
): { matched: Set<number>; stale: BaselineEntry[] } {
  const matched = new Set<number>();
  if (version < 2) {
    const byPrint = new Map(entries.map((entry) => [entry.fingerprint, entry]));
    candidates.forEach((candidate, index) => {
      if (candidate.legacyFingerprint !== undefined && byPrint.delete(candidate.legacyFingerprint)) matched.add(index);
    });
    return { matched, stale: [...byPrint.values()] };
  }
  const open = new Map<string, BaselineEntry[]>();
  for (const entry of entries) {
    const group = open.get(hashOf(entry.fingerprint));
    if (group === undefined) open.set(hashOf(entry.fingerprint), [entry]);
    else group.push(entry);
  }
  const take = (index: number, sameFunction: boolean): void => {
    const candidate = candidates[index] as MatchCandidate;
    const group = open.get(hashOf(candidate.fingerprint));
    if (group === undefined) return;
    const at = sameFunction ? group.findIndex((entry) => entry.function === candidate.finding.functionName) : 0;
    if (at < 0 || at >= group.length) return;
    group.splice(at, 1);
    matched.add(index);
  };
  candidates.forEach((_, index) => take(index, true));
  candidates.forEach((_, index) => {
    if (!matched.has(index)) take(index, false);
  });
  return { matched, stale: [...open.values()].flat() };
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
    version: BASELINE_VERSION,
    findings: [...entries].sort(compareEntries),
  };
  return `${JSON.stringify(baseline, null, 2)}\n`;
}

export function writeBaseline(file: string, entries: readonly BaselineEntry[]): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, serializeBaseline(entries));
}

/** A baseline file's entries. */
export function readBaseline(file: string): Baseline {
  if (!existsSync(file)) {
    throw new UsageError(`Baseline ${file} does not exist. Create it with --update-baseline.`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`Baseline ${file} is not valid JSON: ${(error as Error).message}`);
  }
  const { findings, version } = (parsed ?? {}) as Partial<BaselineFile>;
  if (!Array.isArray(findings) || !findings.every((entry) => typeof entry?.fingerprint === 'string' && typeof entry.file === 'string')) {
    throw new UsageError(`Baseline ${file} is not a sql-race baseline (expected "findings" with files and fingerprints).`);
  }
  if (typeof version === 'number' && version > BASELINE_VERSION) {
    throw new UsageError(`Baseline ${file} is version ${version}, newer than this sql-race reads (${BASELINE_VERSION}).`);
  }
  return {
    version: typeof version === 'number' ? version : 1,
    entries: findings.map((entry) => ({
      file: entry.file,
      rule: String(entry.rule ?? ''),
      function: String(entry.function ?? ''),
      sql: String(entry.sql ?? ''),
      fingerprint: entry.fingerprint,
    })),
  };
}
