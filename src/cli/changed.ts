/**
 * `--changed-since <ref>`: the lines a pull request touches, from git alone — `git diff --unified=0
 * <ref>` (the working tree against the ref, staged or not) and untracked files, which count as
 * changed throughout. A finding is kept when its reported node or one of its related locations (the
 * check, the read, the write) lies on a changed line.
 */
import { spawnSync } from 'node:child_process';
import { realpathSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from './usage-error.js';

/** Changed lines per absolute file path; `'all'` for a file changed throughout (untracked). */
export type ChangedLines = Map<string, Set<number> | 'all'>;

function git(args: readonly string[], cwd: string): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync('git', [...args], { cwd, encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
  if (result.error !== undefined) {
    const code = (result.error as NodeJS.ErrnoException).code;
    throw new UsageError(
      code === 'ENOENT' ? '--changed-since needs git, and git is not on the PATH.' : `--changed-since: git failed: ${result.error.message}`,
    );
  }
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Git's C-style quoting of unusual paths (`"a\tb"`, octal escapes for bytes). */
export function unquoteGitPath(text: string): string {
  if (!text.startsWith('"') || !text.endsWith('"')) return text;
  const bytes: number[] = [];
  const body = text.slice(1, -1);
  const simple: Record<string, number> = { a: 7, b: 8, t: 9, n: 10, v: 11, f: 12, r: 13, '"': 34, '\\': 92 };
  for (let i = 0; i < body.length; i += 1) {
    const char = body[i] as string;
    if (char !== '\\') {
      bytes.push(...Buffer.from(char, 'utf8'));
      continue;
    }
    const next = body[i + 1] ?? '';
    if (/[0-7]/.test(next)) {
      bytes.push(parseInt(body.slice(i + 1, i + 4), 8));
      i += 3;
    } else {
      bytes.push(simple[next] ?? next.charCodeAt(0));
      i += 1;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** The new-side lines of each file in a `--unified=0` diff (paths relative to the repository root). */
export function parseUnifiedDiff(diff: string): Map<string, Set<number>> {
  const files = new Map<string, Set<number>>();
  let current: Set<number> | null = null;
  for (const line of diff.split('\n')) {
    if (line.startsWith('+++ ')) {
      const target = line.slice(4);
      if (target === '/dev/null') {
        current = null;
        continue;
      }
      const unquoted = unquoteGitPath(target);
      const name = unquoted.startsWith('b/') ? unquoted.slice(2) : unquoted;
      current = files.get(name) ?? new Set<number>();
      files.set(name, current);
      continue;
    }
    const hunk = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@/.exec(line);
    if (hunk !== null && current !== null) {
      const start = Number(hunk[1]);
      const count = hunk[2] === undefined ? 1 : Number(hunk[2]);
      for (let n = start; n < start + count; n += 1) current.add(n);
    }
  }
  return files;
}

export function changedLinesSince(ref: string, cwd: string): ChangedLines {
  const top = git(['rev-parse', '--show-toplevel'], cwd);
  if (top.status !== 0) {
    throw new UsageError(`--changed-since needs a git repository, and ${cwd} is not inside one.`);
  }
  const root = top.stdout.trim();
  if (ref.startsWith('-') || git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], root).status !== 0) {
    throw new UsageError(`--changed-since: "${ref}" is not a commit, branch or tag of this repository.`);
  }
  const diff = git(['-c', 'core.quotePath=false', 'diff', '--unified=0', '--no-color', '--no-ext-diff', '--find-renames', ref, '--'], root);
  if (diff.status !== 0) throw new UsageError(`--changed-since: git diff failed: ${diff.stderr.trim()}`);
  const changed: ChangedLines = new Map();
  for (const [name, lines] of parseUnifiedDiff(diff.stdout)) changed.set(path.join(root, name), lines);
  const untracked = git(['ls-files', '-z', '--others', '--exclude-standard'], root);
  if (untracked.status !== 0) throw new UsageError(`--changed-since: git ls-files failed: ${untracked.stderr.trim()}`);
  for (const name of untracked.stdout.split('\0')) if (name !== '') changed.set(path.join(root, name), 'all');
  return changed;
}

export interface LocatedLines {
  line: number;
  endLine?: number;
  related?: readonly { line: number }[];
}

/** Whether any line of the reported node, or the line of any related location, changed. */
export function touchesChangedLines(lines: Set<number> | 'all' | undefined, located: LocatedLines): boolean {
  if (lines === undefined) return false;
  if (lines === 'all') return true;
  for (let line = located.line; line <= (located.endLine ?? located.line); line += 1) if (lines.has(line)) return true;
  return (located.related ?? []).some((related) => lines.has(related.line));
}

/** The changed lines of a file, found by its path or its real path (git names files by real paths). */
export function linesOf(changed: ChangedLines, filePath: string): Set<number> | 'all' | undefined {
  const direct = changed.get(filePath);
  if (direct !== undefined) return direct;
  try {
    return changed.get(realpathSync(filePath));
  } catch {
    return undefined;
  }
}
