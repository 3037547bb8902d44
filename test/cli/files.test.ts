import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { collectFiles } from '../../src/cli/files.js';

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'sql-race-files-'));
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(root, name);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
  return root;
}

function relative(root: string, files: string[]): string[] {
  return files.map((file) => path.relative(root, file).split(path.sep).join('/'));
}

const walk = (root: string, paths = ['.'], extra: Partial<Parameters<typeof collectFiles>[1]> = {}) =>
  collectFiles(paths, { cwd: root, ignorePatterns: [], gitignore: true, ...extra });

describe('finding files', () => {
  it('takes every JS/TS extension and skips declarations, minified files and other files', () => {
    const names = ['a.ts', 'b.tsx', 'c.mts', 'd.cts', 'e.js', 'f.jsx', 'g.mjs', 'h.cjs'];
    const root = tree(Object.fromEntries([...names, 'types.d.ts', 'lib.min.js', 'x.json', 'y.sql', 'z.md'].map((n) => [n, ''])));
    expect(relative(root, walk(root).files)).toEqual(names);
  });

  it('skips dependency and build directories', () => {
    const root = tree(
      Object.fromEntries(
        [
          'node_modules/p/i.js',
          'dist/i.js',
          'build/i.js',
          'out/i.js',
          'coverage/i.js',
          '.next/i.js',
          '.git/i.js',
          '.yarn/releases/yarn-4.0.0.cjs',
          'src/i.ts',
        ].map((n) => [n, '']),
      ),
    );
    expect(relative(root, walk(root).files)).toEqual(['src/i.ts']);
  });

  it('follows .gitignore files, nested ones included, and negations', () => {
    const root = tree({
      '.git/HEAD': '',
      '.gitignore': 'generated/\n*.gen.ts\n',
      'src/a.ts': '',
      'src/a.gen.ts': '',
      'generated/g.ts': '',
      'pkg/.gitignore': 'local.ts\n!keep.gen.ts\n',
      'pkg/local.ts': '',
      'pkg/keep.gen.ts': '',
      'pkg/other.ts': '',
    });
    expect(relative(root, walk(root).files)).toEqual(['pkg/keep.gen.ts', 'pkg/other.ts', 'src/a.ts']);
    expect(relative(root, walk(root, ['.'], { gitignore: false }).files)).toHaveLength(6);
  });

  it('applies the repository root .gitignore when auditing a subdirectory', () => {
    const root = tree({ '.git/HEAD': '', '.gitignore': 'skip.ts\n', 'pkg/skip.ts': '', 'pkg/keep.ts': '' });
    expect(relative(root, walk(path.join(root, 'pkg')).files)).toEqual(['pkg/keep.ts']);
  });

  it('adds ignore patterns relative to their base directory', () => {
    const root = tree({ 'src/a.ts': '', 'src/legacy/b.ts': '', 'test/c.test.ts': '' });
    const result = walk(root, ['.'], { ignorePatterns: [{ base: root, patterns: ['src/legacy/', '*.test.ts'] }] });
    expect(relative(root, result.files)).toEqual(['src/a.ts']);
  });

  it('audits a JS/TS file named on the command line whatever its name or ignore rules, and a script without extension', () => {
    const root = tree({ '.gitignore': 'a.ts\n', 'a.ts': '', 'types.d.ts': '', 'bin/run': '', 'script.sql.txt': '', 'db.SQL': '' });
    const result = walk(root, ['a.ts', 'types.d.ts', 'bin/run', 'script.sql.txt', 'db.SQL']);
    expect(relative(root, result.files)).toEqual(['a.ts', 'types.d.ts', 'bin/run']);
    expect(result.notices.map((n) => [path.relative(root, n.filePath), n.problem.message])).toEqual([
      ['script.sql.txt', expect.stringMatching(/^Skipped: the audit reads JavaScript and TypeScript files only/)],
      ['db.SQL', expect.stringMatching(/^Skipped: SQL files are not audited/)],
    ]);
  });

  it('survives symbolic link loops and reads each file once', () => {
    const root = tree({ 'src/a.ts': '' });
    symlinkSync(root, path.join(root, 'src', 'loop'));
    symlinkSync(path.join(root, 'src', 'a.ts'), path.join(root, 'alias.ts'));
    symlinkSync(path.join(root, 'self.ts'), path.join(root, 'self.ts'));
    const result = walk(root);
    expect(relative(root, result.files)).toEqual(['alias.ts']);
    const notices = result.notices.map((n) => [path.relative(root, n.filePath), n.problem.message]);
    expect(notices).toEqual([
      ['self.ts', 'Skipped: symbolic link loop.'],
      [path.join('src', 'loop'), expect.stringMatching(/^Skipped: symbolic link loop \(.* leads back to /)],
    ]);
  });

  it('fails with a usage error on a path that does not exist', () => {
    const root = tree({});
    expect(() => walk(root, ['nope'])).toThrow('No such file or directory: nope');
  });
});
