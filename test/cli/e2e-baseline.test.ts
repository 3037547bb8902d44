/** Baselines end to end: write one, pass on it, survive unrelated edits, fail on what is new. */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ReportedFinding } from '../../src/analyze-types.js';
import { legacyFingerprints } from '../../src/cli/baseline.js';
import { LOST_UPDATE, RACY, parseJson, project, sqlRace } from './cli-process.js';

function edit(cwd: string, file: string, change: (text: string) => string): void {
  const target = path.join(cwd, file);
  writeFileSync(target, change(readFileSync(target, 'utf8')));
}

interface Baseline {
  version: number;
  findings: { file: string; rule: string; function: string; sql: string; fingerprint: string }[];
}

describe('baseline', { timeout: 300_000 }, () => {
  it('--update-baseline writes a sorted, readable file and the audit then passes on it', () => {
    const cwd = project({ 'src/pay.ts': LOST_UPDATE, 'src/book.ts': RACY });
    const written = sqlRace(['audit', '--update-baseline'], { cwd });
    expect(written.code).toBe(0);
    expect(written.stderr).toBe('Wrote 2 findings to the baseline sql-race-baseline.json.\n');
    const text = readFileSync(path.join(cwd, 'sql-race-baseline.json'), 'utf8');
    const baseline = JSON.parse(text) as Baseline;
    expect(baseline.findings).toEqual([
      {
        file: 'src/book.ts',
        rule: 'no-check-then-act',
        function: 'bookSlot',
        sql: 'SELECT 1 FROM bookings WHERE doctor = $1 AND starts_at = $2',
        fingerprint: expect.stringMatching(/^[0-9a-f]{32}:1$/),
      },
      {
        file: 'src/pay.ts',
        rule: 'no-lost-update',
        function: 'deposit',
        sql: 'UPDATE accounts SET balance = $1 WHERE account_id = $2',
        fingerprint: expect.stringMatching(/^[0-9a-f]{32}:1$/),
      },
    ]);
    expect(text).toBe(`${JSON.stringify(baseline, null, 2)}\n`);

    const passing = sqlRace(['audit', '--baseline', 'sql-race-baseline.json'], { cwd });
    expect(passing).toMatchObject({ code: 0, stdout: '\n2 findings in the baseline not shown.\n' });
    const json = parseJson(sqlRace(['audit', '--baseline', 'sql-race-baseline.json', '--format', 'json'], { cwd }).stdout);
    expect(json.map((r) => [r.errorCount, r.suppressedMessages.length])).toEqual([
      [0, 1],
      [0, 1],
    ]);
  });

  it('survives an inserted line above a finding, and fails only on the new one', () => {
    const cwd = project({ 'src/book.ts': RACY, 'sql-race.config.json': JSON.stringify({ baseline: 'ci/baseline.json' }) });
    expect(sqlRace(['audit', '--update-baseline'], { cwd }).code).toBe(0);
    expect(sqlRace(['audit'], { cwd }).code).toBe(0);

    const file = path.join(cwd, 'src/book.ts');
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace(
        "import type { Pool } from 'pg';\n",
        "import type { Pool } from 'pg';\n// Bookings are per doctor.\n\n",
      ),
    );
    const shifted = sqlRace(['audit', '--format', 'json'], { cwd });
    expect(shifted.code).toBe(0);
    expect(parseJson(shifted.stdout)[0]?.suppressedMessages).toEqual([
      expect.objectContaining({ ruleId: 'sql-race/no-check-then-act', line: 7 }),
    ]);

    writeFileSync(file, `${readFileSync(file, 'utf8')}\n${LOST_UPDATE.replace("import type { Pool } from 'pg';\n", '')}`);
    const grown = sqlRace(['audit', '--format', 'json'], { cwd });
    expect(grown.code).toBe(1);
    const [result] = parseJson(grown.stdout);
    expect(result?.messages.map((m) => m.ruleId)).toEqual(['sql-race/no-lost-update']);
    expect(result?.suppressedMessages).toHaveLength(1);

    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace(
        'SELECT 1 FROM bookings WHERE doctor = $1 AND starts_at = $2',
        'SELECT 1 FROM bookings WHERE starts_at = $2 AND doctor = $1',
      ),
    );
    expect(parseJson(sqlRace(['audit', '--format', 'json'], { cwd }).stdout)[0]?.errorCount).toBe(2);
  });

  it('tells identical findings in one file apart, so a second copy is new', () => {
    const cwd = project({ 'src/book.ts': RACY });
    sqlRace(['audit', '--update-baseline', '--baseline', 'b.json'], { cwd });
    const file = path.join(cwd, 'src/book.ts');
    const body = RACY.replace("import type { Pool } from 'pg';\n", '');
    writeFileSync(
      file,
      `${readFileSync(file, 'utf8')}\nexport const again = {\n  ${body.replace('export async function bookSlot', 'async bookSlot')}};\n`,
    );
    const result = sqlRace(['audit', '--baseline', 'b.json', '--format', 'json'], { cwd });
    const [report] = parseJson(result.stdout);
    expect(report?.suppressedMessages).toHaveLength(1);
    expect(report?.messages).toEqual([expect.objectContaining({ ruleId: 'sql-race/no-check-then-act', line: 15 })]);
    expect(result.code).toBe(1);

    sqlRace(['audit', '--update-baseline', '--baseline', 'both.json'], { cwd });
    const prints = (JSON.parse(readFileSync(path.join(cwd, 'both.json'), 'utf8')) as Baseline).findings.map((f) => f.fingerprint);
    expect(prints).toHaveLength(2);
    expect(prints.map((p) => p.split(':')[0])).toEqual([prints[0]?.split(':')[0], prints[0]?.split(':')[0]]);
    expect(prints.map((p) => p.split(':')[1]).sort()).toEqual(['1', '2']);
  });

  it('exits 2 when the baseline file is missing or not a baseline', () => {
    const cwd = project({ 'src/book.ts': RACY, 'other.json': '{"a": 1}' });
    const missing = sqlRace(['audit', '--baseline', 'nope.json'], { cwd });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/Baseline .*nope\.json does not exist\. Create it with --update-baseline\./);
    expect(sqlRace(['audit', '--baseline', 'other.json'], { cwd }).code).toBe(2);
  });

  it('keeps a finding matched when its function is renamed, and says which entries are stale', () => {
    const cwd = project({ 'src/book.ts': RACY, 'src/pay.ts': LOST_UPDATE, 'src/old.ts': LOST_UPDATE });
    expect(sqlRace(['audit', '--update-baseline'], { cwd }).code).toBe(0);
    edit(cwd, 'src/book.ts', (text) => text.replace('bookSlot', 'reserveSlot'));
    expect(sqlRace(['audit', '--baseline', 'sql-race-baseline.json'], { cwd })).toEqual({
      code: 0,
      stdout: '\n3 findings in the baseline not shown.\n',
      stderr: '',
    });

    // Fixed in one file, deleted in another: two stale entries, named, and the audit still passes.
    edit(cwd, 'src/pay.ts', (text) => text.replace(/const \{ rows \}[^]*\n\}/, '}'));
    rmSync(path.join(cwd, 'src/old.ts'));
    const staleRun = sqlRace(['audit', '--baseline', 'sql-race-baseline.json'], { cwd });
    expect(staleRun.code).toBe(0);
    expect(staleRun.stderr).toBe(
      'sql-race: 2 entries of the baseline sql-race-baseline.json no longer match a finding (fixed or removed); ' +
        '--update-baseline drops them:\n  src/old.ts  no-lost-update  in deposit\n  src/pay.ts  no-lost-update  in deposit\n',
    );

    // Auditing one file keeps the other files' entries; the stale entry of the audited file goes.
    writeFileSync(path.join(cwd, 'src/old.ts'), LOST_UPDATE);
    const partial = sqlRace(['audit', 'src/pay.ts', '--update-baseline'], { cwd });
    expect(partial.stderr).toBe('Wrote 2 findings to the baseline sql-race-baseline.json, and removed 1 stale entry.\n');
    const files = (JSON.parse(readFileSync(path.join(cwd, 'sql-race-baseline.json'), 'utf8')) as Baseline).findings.map((f) => f.file);
    expect(files).toEqual(['src/book.ts', 'src/old.ts']);
    expect(sqlRace(['audit', '--baseline', 'sql-race-baseline.json'], { cwd })).toMatchObject({ code: 0, stderr: '' });
  });

  it('reads a version 1 baseline, whose fingerprints hashed the function name', () => {
    const cwd = project({ 'src/book.ts': RACY });
    const file = path.join(cwd, 'src/book.ts');
    const legacy = legacyFingerprints(cwd, file, [
      {
        ruleId: 'no-check-then-act',
        functionName: 'bookSlot',
        sql: 'SELECT 1 FROM bookings WHERE doctor = $1 AND starts_at = $2',
      } as ReportedFinding,
    ]);
    writeFileSync(
      path.join(cwd, 'v1.json'),
      JSON.stringify({
        version: 1,
        findings: [{ file: 'src/book.ts', rule: 'no-check-then-act', function: 'bookSlot', sql: '', fingerprint: legacy[0] }],
      }),
    );
    expect(sqlRace(['audit', '--baseline', 'v1.json'], { cwd })).toMatchObject({ code: 0, stderr: '' });
  });
});
