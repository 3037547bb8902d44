/** `--changed-since <ref>` in a real temporary git repository: only findings on changed lines. */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseUnifiedDiff, touchesChangedLines, unquoteGitPath } from '../../src/cli/changed.js';
import { LOST_UPDATE, RACY, parseJson, project, sqlRace } from './cli-process.js';

function git(cwd: string, ...args: string[]): string {
  const result = spawnSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', '-c', 'commit.gpgsign=false', ...args], {
    cwd,
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`git ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

function repository(files: Record<string, string>): string {
  const cwd = project(files);
  git(cwd, 'init', '--quiet', '--initial-branch=main');
  git(cwd, 'add', '.');
  git(cwd, 'commit', '--quiet', '-m', 'start');
  return cwd;
}

function findings(cwd: string, ...args: string[]): string[] {
  const result = sqlRace(['audit', '--format', 'json', '--no-progress', ...args], { cwd });
  expect(result.stderr).toBe('');
  return parseJson(result.stdout).flatMap((r) => r.messages.map((m) => `${path.relative(cwd, r.filePath)}:${m.line} ${m.ruleId}`));
}

function edit(cwd: string, file: string, change: (text: string) => string): void {
  const target = path.join(cwd, file);
  writeFileSync(target, change(readFileSync(target, 'utf8')));
}

describe('--changed-since', { timeout: 300_000 }, () => {
  it('reports only findings whose reported line, check or write changed since the ref', () => {
    const cwd = repository({ 'src/book.ts': RACY, 'src/pay.ts': LOST_UPDATE });
    expect(findings(cwd)).toEqual(['src/book.ts:5 sql-race/no-check-then-act', 'src/pay.ts:6 sql-race/no-lost-update']);
    expect(findings(cwd, '--changed-since', 'HEAD')).toEqual([]);

    edit(cwd, 'src/book.ts', (text) => `${text}\n// Slots are per doctor.\n`);
    expect(findings(cwd, '--changed-since', 'HEAD')).toEqual([]);

    // The check (line 6) is one of the finding's related locations: changing it brings the finding in.
    edit(cwd, 'src/book.ts', (text) => text.replace('return { ok: false };', 'return { ok: false, reason: "taken" };'));
    expect(findings(cwd, '--changed-since', 'HEAD')).toEqual(['src/book.ts:5 sql-race/no-check-then-act']);
    expect(findings(cwd, '--changed-since', 'main', 'src/pay.ts')).toEqual([]);

    // Committed changes count too, as do untracked files, wholly.
    git(cwd, 'commit', '--quiet', '-am', 'reason');
    expect(findings(cwd, '--changed-since', 'HEAD')).toEqual([]);
    expect(findings(cwd, '--changed-since', 'HEAD~1')).toEqual(['src/book.ts:5 sql-race/no-check-then-act']);
    writeFileSync(path.join(cwd, 'src/new.ts'), LOST_UPDATE);
    expect(findings(cwd, '--changed-since', 'HEAD')).toEqual(['src/new.ts:6 sql-race/no-lost-update']);
  });

  it('exits 2 with a clear message outside a repository or for an unknown ref', () => {
    const outside = project({ 'src/book.ts': RACY });
    const notRepo = sqlRace(['audit', '--changed-since', 'main'], {
      cwd: outside,
      env: { GIT_CEILING_DIRECTORIES: path.dirname(outside) },
    });
    expect(notRepo.code).toBe(2);
    expect(notRepo.stderr).toMatch(/^sql-race: --changed-since needs a git repository, and .* is not inside one\.\n$/);

    const cwd = repository({ 'src/book.ts': RACY });
    for (const ref of ['no-such-branch', '--output=x']) {
      const unknown = sqlRace(['audit', `--changed-since=${ref}`], { cwd });
      expect(unknown.code, ref).toBe(2);
      expect(unknown.stderr).toBe(`sql-race: --changed-since: "${ref}" is not a commit, branch or tag of this repository.\n`);
    }
  });
});

describe('reading git diff', () => {
  it('takes the new side of each hunk, and no lines from a pure deletion', () => {
    const diff = [
      'diff --git a/src/a.ts b/src/a.ts',
      '--- a/src/a.ts',
      '+++ b/src/a.ts',
      '@@ -3 +3 @@',
      '@@ -10,2 +11,3 @@ function f() {',
      '@@ -20,4 +22,0 @@',
      'diff --git a/old.ts b/gone.ts',
      '--- a/gone.ts',
      '+++ /dev/null',
      '@@ -1,2 +0,0 @@',
      '+++ "b/sp\\303\\251cial \\"name\\".ts"',
      '@@ -0,0 +1,2 @@',
    ].join('\n');
    expect(parseUnifiedDiff(diff)).toEqual(
      new Map([
        ['src/a.ts', new Set([3, 11, 12, 13])],
        ['spécial "name".ts', new Set([1, 2])],
      ]),
    );
    expect(unquoteGitPath('"a\\tb"')).toBe('a\tb');
  });

  it('keeps a finding when its node spans a changed line or a related location is on one', () => {
    const finding = { line: 5, endLine: 7, related: [{ line: 12 }] };
    expect(touchesChangedLines(new Set([6]), finding)).toBe(true);
    expect(touchesChangedLines(new Set([12]), finding)).toBe(true);
    expect(touchesChangedLines(new Set([8, 11]), finding)).toBe(false);
    expect(touchesChangedLines('all', finding)).toBe(true);
    expect(touchesChangedLines(undefined, finding)).toBe(false);
  });
});
