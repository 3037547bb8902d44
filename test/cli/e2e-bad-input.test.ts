/**
 * Bad input never ends the audit or prints a stack trace: each file gets a clear message and the
 * audit goes on to report the real finding beside them. Nothing the audit reads is ever run.
 */
import { chmodSync, existsSync, mkdirSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RACY, parseJson, project, sqlRace, type JsonResult } from './cli-process.js';

const MB = 1024 * 1024;

function battery(): string {
  const deep = 20_000;
  const cwd = project({
    'src/book.ts': RACY,
    'src/syntax.ts': 'const q = "SELECT 1 FROM t";\nfunction (\n',
    'src/binary.js': Buffer.from([0x53, 0x45, 0x4c, 0x00, 0x01, 0xff]),
    'src/latin1.js': Buffer.from('const q = "SELECT caf\xe9 FROM menu";\n', 'latin1'),
    'src/bundle.generated.js': `const q = "SELECT 1 FROM t";\n// ${'x'.repeat(5 * MB)}\n`,
    'src/deep.ts': `const q = "SELECT a FROM t";\nexport const v = ${'['.repeat(deep)}${']'.repeat(deep)};\n`,
    'src/run-me.ts':
      'import { writeFileSync } from "node:fs";\nwriteFileSync("RAN", "x");\nconst q = "SELECT 1 FROM t";\nprocess.exit(7);\n',
  });
  mkdirSync(path.join(cwd, 'src/loop'));
  symlinkSync('..', path.join(cwd, 'src/loop/up'));
  symlinkSync('self.ts', path.join(cwd, 'src/self.ts'));
  return cwd;
}

function byFile(cwd: string, results: JsonResult[]): Record<string, JsonResult['messages']> {
  return Object.fromEntries(results.map((r) => [path.relative(cwd, r.filePath).split(path.sep).join('/'), r.messages]));
}

function noticesByFile(cwd: string, results: JsonResult[]): Record<string, JsonResult['notices']> {
  return Object.fromEntries(
    results.filter((r) => r.notices).map((r) => [path.relative(cwd, r.filePath).split(path.sep).join('/'), r.notices]),
  );
}

describe('bad input', { timeout: 120_000 }, () => {
  it('gives each bad file a message and goes on', () => {
    const cwd = battery();
    const result = sqlRace(['audit', '--format', 'json'], { cwd });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(1);
    const files = byFile(cwd, parseJson(result.stdout));
    expect(files['src/book.ts']).toEqual([expect.objectContaining({ ruleId: 'sql-race/no-check-then-act', line: 5 })]);
    expect(files['src/syntax.ts']).toEqual([
      expect.objectContaining({ ruleId: null, fatal: true, severity: 2, line: 2, message: expect.stringMatching(/expected/i) }),
    ]);
    const skipped = noticesByFile(cwd, parseJson(result.stdout));
    expect(skipped['src/binary.js']).toEqual([
      expect.objectContaining({ ruleId: null, severity: 1, message: 'Skipped: binary file (it contains NUL bytes).' }),
    ]);
    expect(skipped['src/latin1.js']).toEqual([
      expect.objectContaining({ severity: 1, message: 'Skipped: the file is not valid UTF-8 text.' }),
    ]);
    expect(skipped['src/bundle.generated.js']).toEqual([
      expect.objectContaining({ severity: 1, message: expect.stringMatching(/^Skipped: 5\.0 MB is larger than the 2\.0 MB limit/) }),
    ]);
    for (const file of ['src/binary.js', 'src/latin1.js', 'src/bundle.generated.js', 'src/loop/up', 'src/self.ts']) {
      expect(files[file], file).toEqual([]);
    }
    const deep = files['src/deep.ts'] ?? [];
    expect(deep.every((m) => m.ruleId === null && m.line >= 1)).toBe(true);
    if (deep.length > 0) expect(deep[0]?.message).toMatch(/stack|nested/i);
    expect(skipped['src/loop/up']).toEqual([
      expect.objectContaining({ severity: 1, message: expect.stringMatching(/^Skipped: symbolic link loop/) }),
    ]);
    expect(skipped['src/self.ts']).toEqual([expect.objectContaining({ severity: 1, message: 'Skipped: symbolic link loop.' })]);
    expect(files['src/run-me.ts']).toEqual([]);
    expect(existsSync(path.join(cwd, 'RAN'))).toBe(false);
    expect(existsSync(path.join(cwd, 'src/RAN'))).toBe(false);

    const stylish = sqlRace(['audit'], { cwd });
    expect(stylish.code).toBe(1);
    expect(stylish.stdout).not.toMatch(/\n\s+at /);
    expect(stylish.stdout).toMatch(/\nNot audited \(5 files\):\n( {2}.*\n)* {2}src\/bundle\.generated\.js {2}Skipped: 5\.0 MB/);
    expect(stylish.stdout).not.toMatch(/warning {2}Skipped/);
    // Skipped files are not warnings: only the two real errors (a finding, a syntax error) count.
    const strict = sqlRace(['audit', 'src/binary.js', 'src/latin1.js', 'src/bundle.generated.js', '--max-warnings', '0', '--stats'], {
      cwd,
    });
    expect(strict.code).toBe(0);
    expect(strict.stderr).toMatch(/files skipped +3\n/);
    expect(sqlRace(['audit', '--stats', '--format', 'json'], { cwd }).stderr).toMatch(/files skipped +5\n {2}files not parsed +1\n/);
    const quiet = sqlRace(['audit', '--quiet', '--format', 'json'], { cwd });
    expect(
      parseJson(quiet.stdout)
        .flatMap((r) => r.messages)
        .every((m) => m.severity === 2),
    ).toBe(true);
  });

  it('reports an unreadable file and goes on (run as an unprivileged user when the tests run as root)', () => {
    const cwd = project({ 'src/book.ts': RACY, 'src/secret.ts': 'const q = "SELECT 1 FROM t";\n' });
    chmodSync(path.join(cwd, 'src/secret.ts'), 0o000);
    for (const dir of [cwd, path.join(cwd, 'src')]) chmodSync(dir, 0o755);
    const asUser = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    const result = sqlRace(['audit', '--format', 'json'], { cwd, ...asUser });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(1);
    const files = byFile(cwd, parseJson(result.stdout));
    expect(files['src/secret.ts']).toEqual([
      { ruleId: null, severity: 2, fatal: true, message: 'Cannot read file: permission denied.', line: 1, column: 1 },
    ]);
    expect(files['src/book.ts']).toHaveLength(1);
  });

  it('says why a file named on the command line is not audited; a missing one is a usage error', () => {
    const cwd = project({ 'db/schema.sql': 'SELECT 1 FROM t;\n', 'config.json': '{"query": "SELECT 1"}\n', 'src/book.ts': RACY });
    const result = sqlRace(['audit', 'db/schema.sql', 'config.json', '--format', 'json'], { cwd });
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(noticesByFile(cwd, parseJson(result.stdout))).toEqual({
      'config.json': [
        expect.objectContaining({
          message: expect.stringMatching(/^Skipped: the audit reads JavaScript and TypeScript files only \(\.ts, /),
        }),
      ],
      'db/schema.sql': [expect.objectContaining({ message: expect.stringMatching(/^Skipped: SQL files are not audited: /) })],
    });
    const stylish = sqlRace(['audit', 'db/schema.sql', 'src/book.ts'], { cwd });
    expect(stylish.code).toBe(1);
    expect(stylish.stdout).toContain('\nNot audited (1 file):\n  db/schema.sql  Skipped: SQL files are not audited');
    const missing = sqlRace(['audit', 'src/book.ts', 'src/gone.ts'], { cwd });
    expect(missing).toEqual({ code: 2, stdout: '', stderr: 'sql-race: No such file or directory: src/gone.ts\n' });
  });
});
