import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  baselineEntry,
  fingerprintFindings,
  legacyFingerprints,
  matchBaseline,
  readBaseline,
  serializeBaseline,
  writeBaseline,
  type BaselineEntry,
} from '../../src/cli/baseline.js';
import type { ReportedFinding } from '../../src/analyze-types.js';
import { buildReports } from '../../src/cli/report.js';
import { defaultRuleLevels } from '../../src/cli/severity.js';
import { analysis, finding } from './fixtures.js';

const root = '/repo';
const file = '/repo/src/book.ts';

describe('fingerprints', () => {
  it('do not depend on lines or columns', () => {
    const [before] = fingerprintFindings(root, file, [finding()]);
    const [after] = fingerprintFindings(root, file, [finding({ line: 40, column: 9, endLine: 41, related: [] })]);
    expect(after).toBe(before);
  });

  it('change with the rule, the file and the SQL, not with the enclosing function', () => {
    const [base] = fingerprintFindings(root, file, [finding()]);
    const variants = [
      fingerprintFindings(root, file, [finding({ ruleId: 'no-lost-update' })]),
      fingerprintFindings(root, '/repo/src/other.ts', [finding()]),
      fingerprintFindings(root, file, [finding({ sql: 'INSERT INTO bookings (patient) VALUES ($1)' })]),
    ].map(([fingerprint]) => fingerprint);
    expect(new Set([base, ...variants]).size).toBe(4);
    expect(fingerprintFindings(root, file, [finding({ functionName: 'cancelSlot' })])).toEqual([base]);
  });

  it('ignore whitespace in the SQL and tell identical findings apart by order', () => {
    const prints = fingerprintFindings(root, file, [finding(), finding({ sql: ' INSERT  INTO bookings\n(doctor) VALUES ($1) ' })]);
    expect(prints[0]).toMatch(/^[0-9a-f]{32}:1$/);
    expect(prints[1]).toBe(prints[0]!.replace(/:1$/, ':2'));
  });

  it('use posix paths relative to the project root', () => {
    expect(baselineEntry(root, file, finding(), 'x:1').file).toBe('src/book.ts');
  });
});

describe('baseline file', () => {
  it('is sorted, pretty-printed JSON with a readable entry per finding', () => {
    const entries = [
      baselineEntry(root, '/repo/src/z.ts', finding(), 'b:1'),
      baselineEntry(root, '/repo/src/a.ts', finding({ ruleId: 'no-lost-update', functionName: 'pay' }), 'a:1'),
    ];
    const text = serializeBaseline(entries);
    expect(text.endsWith('\n')).toBe(true);
    const parsed = JSON.parse(text) as { version: number; findings: unknown[] };
    expect(parsed.version).toBe(2);
    expect(parsed.findings).toEqual([
      { file: 'src/a.ts', rule: 'no-lost-update', function: 'pay', sql: finding().sql, fingerprint: 'a:1' },
      { file: 'src/z.ts', rule: 'no-check-then-act', function: 'bookSlot', sql: finding().sql, fingerprint: 'b:1' },
    ]);
    expect(text).toContain('\n  "findings": [\n    {\n      "file": "src/a.ts",');
    expect(serializeBaseline([...entries].reverse())).toBe(text);
  });

  it('round-trips and filters the findings it holds', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sql-race-baseline-'));
    const target = path.join(dir, 'nested', 'baseline.json');
    const audited = [{ filePath: file, problem: null, analysis: analysis(file, [finding()]), text: null }];
    const options = { cwd: root, projectRoot: root, levels: defaultRuleLevels(), quiet: false, baseline: null };
    const { baselineEntries } = buildReports(audited, options);
    writeBaseline(target, baselineEntries);
    expect(readFileSync(target, 'utf8')).toContain('"rule": "no-check-then-act"');
    const accepted = readBaseline(target);
    const again = buildReports(
      [...audited, { filePath: '/repo/src/new.ts', problem: null, analysis: analysis('/repo/src/new.ts', [finding()]), text: null }],
      { ...options, baseline: accepted },
    );
    expect(again.files[0]?.messages).toEqual([]);
    expect(again.files[0]?.baselined).toHaveLength(1);
    expect(again.files[1]?.messages).toHaveLength(1);
  });

  it('rejects a missing or foreign file with a usage error', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sql-race-baseline-'));
    expect(() => readBaseline(path.join(dir, 'missing.json'))).toThrow(/does not exist.*--update-baseline/);
    const foreign = path.join(dir, 'package.json');
    writeBaseline(foreign, []);
    expect(readBaseline(foreign).entries).toHaveLength(0);
  });
});

describe('matching findings to baseline entries', () => {
  /** Baseline entries for findings, as --update-baseline writes them. */
  function entriesFor(findings: ReportedFinding[]): BaselineEntry[] {
    const prints = fingerprintFindings(root, file, findings);
    return findings.map((f, i) => baselineEntry(root, file, f, prints[i]!));
  }
  function match(entries: BaselineEntry[], findings: ReportedFinding[], version = 2) {
    const prints = fingerprintFindings(root, file, findings);
    const legacy = legacyFingerprints(root, file, findings);
    const result = matchBaseline(
      version,
      entries,
      findings.map((f, i) => ({ finding: f, fingerprint: prints[i]!, legacyFingerprint: legacy[i]! })),
    );
    return { matched: [...result.matched].sort(), stale: result.stale.map((e) => e.function) };
  }
  const inBook = finding({ functionName: 'bookSlot' });
  const inCancel = finding({ functionName: 'cancelSlot' });

  it('keeps a finding matched when its function is renamed', () => {
    expect(match(entriesFor([inBook]), [finding({ functionName: 'reserveSlot' })])).toEqual({ matched: [0], stale: [] });
  });

  it('with two identical statements, pairs by function first, then by order', () => {
    const entries = entriesFor([inBook, inCancel]);
    // bookSlot renamed; cancelSlot unchanged but now first in the file.
    expect(match(entries, [inCancel, finding({ functionName: 'reserveSlot' })])).toEqual({ matched: [0, 1], stale: [] });
    // A third copy in a new function is new; the two known ones stay matched.
    expect(match(entries, [inBook, finding({ functionName: 'moveSlot' }), inCancel])).toEqual({ matched: [0, 2], stale: [] });
    // One copy fixed: the entry of its function is the stale one.
    expect(match(entries, [inCancel])).toEqual({ matched: [0], stale: ['bookSlot'] });
  });

  it('reads a version 1 baseline (function name in the fingerprint) by its own fingerprints', () => {
    const legacy = legacyFingerprints(root, file, [inBook, inCancel]);
    const entries = [inBook, inCancel].map((f, i) => baselineEntry(root, file, f, legacy[i]!));
    expect(match(entries, [inCancel], 1)).toEqual({ matched: [0], stale: ['bookSlot'] });
  });
});
