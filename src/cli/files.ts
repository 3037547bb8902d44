/**
 * Which files an audit reads: JS/TS sources under the given paths, following `.gitignore` files (nested
 * ones too) and `--ignore-pattern`, never entering dependency or build directories, and safe against
 * symbolic-link loops.
 */
import { readFileSync, readdirSync, realpathSync, statSync, type Dirent, type Stats } from 'node:fs';
import path from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { fileProblem, type Problem } from './results.js';
import { UsageError } from './usage-error.js';

export const SOURCE_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];
/**
 * Dependencies, build output and tool state, never the project's own code. `.yarn` holds Yarn's own
 * release and plugins as bundles of a megabyte or more (on medusa, one such plugin was the audit's first
 * file and lifted its peak memory from 330 to 610 MB), its cache and its editor SDKs.
 */
export const SKIPPED_DIRECTORIES = ['node_modules', 'dist', 'build', 'out', 'coverage', '.next', '.git', '.yarn'];
const SKIPPED_SUFFIXES = ['.d.ts', '.d.mts', '.d.cts', '.min.js', '.min.mjs', '.min.cjs'];

export interface IgnorePatterns {
  /** The directory the patterns are relative to. */
  base: string;
  patterns: string[];
}

export interface WalkOptions {
  cwd: string;
  ignorePatterns: IgnorePatterns[];
  gitignore: boolean;
  /**
   * Lists a directory (null when it cannot be: it is then read again here for the error); the audit
   * passes its project host's, so that the tree is listed once for the walk, the schema and the host.
   */
  readDirectory?: (dir: string) => readonly Dirent[] | null;
}

export interface FileNotice {
  filePath: string;
  problem: Problem;
}

export interface WalkResult {
  /** Absolute paths, in a stable order. */
  files: string[];
  /** Files or directories that could not be walked (loops, unreadable directories). */
  notices: FileNotice[];
}

interface Matcher {
  dir: string;
  ignore: Ignore;
}

export function isSourceFile(name: string): boolean {
  return SOURCE_EXTENSIONS.includes(path.extname(name)) && !SKIPPED_SUFFIXES.some((suffix) => name.endsWith(suffix));
}

function toPosix(relative: string): string {
  return relative.split(path.sep).join('/');
}

function readGitignore(dir: string): Matcher | null {
  let text: string;
  try {
    text = readFileSync(path.join(dir, '.gitignore'), 'utf8');
  } catch {
    return null;
  }
  return { dir, ignore: ignore().add(text) };
}

/** `.gitignore` files from the repository root (the nearest parent with `.git`) down to `dir`'s parent. */
function ancestorGitignores(dir: string): Matcher[] {
  const chain: string[] = [];
  for (let current = path.dirname(dir); ; current = path.dirname(current)) {
    chain.unshift(current);
    if (exists(path.join(current, '.git')) || path.dirname(current) === current) break;
  }
  if (!chain.some((candidate) => exists(path.join(candidate, '.git')))) return [];
  return chain.map(readGitignore).filter((matcher): matcher is Matcher => matcher !== null);
}

function exists(file: string): boolean {
  try {
    statSync(file);
    return true;
  } catch {
    return false;
  }
}

/** Last matcher with an opinion wins, as deeper `.gitignore` files override shallower ones. */
function isIgnored(absolute: string, isDirectory: boolean, matchers: readonly Matcher[]): boolean {
  let ignored = false;
  for (const matcher of matchers) {
    const relative = toPosix(path.relative(matcher.dir, absolute));
    if (relative === '' || relative.startsWith('../') || path.isAbsolute(relative)) continue;
    const result = matcher.ignore.test(isDirectory ? `${relative}/` : relative);
    if (result.ignored) ignored = true;
    else if (result.unignored) ignored = false;
  }
  return ignored;
}

function describe(error: unknown): string {
  const { code, message } = error as NodeJS.ErrnoException;
  if (code === 'ELOOP') return 'symbolic link loop';
  if (code === 'ENOENT') return 'broken symbolic link or missing file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return code ?? message;
}

/** What to say about a file named on the command line that is not JS or TS. */
export function notSourceMessage(file: string): string {
  const extension = path.extname(file).toLowerCase();
  const why =
    extension === '.sql'
      ? 'SQL files are not audited: the audit reads the SQL that JavaScript and TypeScript code runs'
      : 'the audit reads JavaScript and TypeScript files only';
  return `Skipped: ${why} (${SOURCE_EXTENSIONS.join(', ')}).`;
}

export function collectFiles(paths: readonly string[], options: WalkOptions): WalkResult {
  const files: string[] = [];
  const notices: FileNotice[] = [];
  const seenFiles = new Set<string>();
  const seenDirectories = new Set<string>();
  const userMatchers: Matcher[] = options.ignorePatterns
    .filter((set) => set.patterns.length > 0)
    .map((set) => ({ dir: set.base, ignore: ignore().add(set.patterns) }));

  /** `knownReal`: a plain file's real path is its real directory's plus its name (no lstat needed). */
  const addFile = (absolute: string, knownReal?: string): void => {
    let real: string;
    try {
      real = knownReal ?? realpathSync(absolute);
    } catch (error) {
      notices.push({ filePath: absolute, problem: fileProblem(1, `Skipped: ${describe(error)}.`, false) });
      return;
    }
    if (seenFiles.has(real)) return;
    seenFiles.add(real);
    files.push(absolute);
  };

  const walk = (dir: string, realDir: string, matchers: Matcher[]): void => {
    let entries: Dirent[];
    try {
      const listed = options.readDirectory?.(dir) ?? null;
      // A copy: the listing may be shared, and is sorted here.
      entries = listed === null ? readdirSync(dir, { withFileTypes: true }) : [...listed];
    } catch (error) {
      notices.push({
        filePath: dir,
        problem: fileProblem(2, `Cannot read directory: ${describe(error)}.`, true),
      });
      return;
    }
    // Most directories have no `.gitignore`: the listing says so without a failed read (an exception each).
    const own = options.gitignore && entries.some((entry) => entry.name === '.gitignore') ? readGitignore(dir) : null;
    const scope = own === null ? matchers : [...matchers, own];
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const absolute = path.join(dir, entry.name);
      let isDirectory = entry.isDirectory();
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        let target: Stats;
        try {
          target = statSync(absolute);
        } catch (error) {
          if (isSourceFile(entry.name) || (error as NodeJS.ErrnoException).code === 'ELOOP') {
            notices.push({ filePath: absolute, problem: fileProblem(1, `Skipped: ${describe(error)}.`, false) });
          }
          continue;
        }
        isDirectory = target.isDirectory();
        isFile = target.isFile();
      }
      if (isDirectory) {
        if (SKIPPED_DIRECTORIES.includes(entry.name)) continue;
        if (isIgnored(absolute, true, scope) || isIgnored(absolute, true, userMatchers)) continue;
        // A directory that is no symbolic link is its real parent's entry: no walk up its path (an lstat
        // per segment) to find where it really is.
        let real: string;
        try {
          real = entry.isSymbolicLink() ? realpathSync(absolute) : path.join(realDir, entry.name);
        } catch (error) {
          notices.push({ filePath: absolute, problem: fileProblem(1, `Skipped: ${describe(error)}.`, false) });
          continue;
        }
        if (seenDirectories.has(real)) {
          if (realDir === real || realDir.startsWith(real + path.sep)) {
            notices.push({
              filePath: absolute,
              problem: fileProblem(1, `Skipped: symbolic link loop (${absolute} leads back to ${real}).`, false),
            });
          }
          continue;
        }
        seenDirectories.add(real);
        walk(absolute, real, scope);
      } else if (isFile && isSourceFile(entry.name)) {
        if (isIgnored(absolute, false, scope) || isIgnored(absolute, false, userMatchers)) continue;
        addFile(absolute, entry.isSymbolicLink() ? undefined : path.join(realDir, entry.name));
      } else if (!isFile && !isDirectory && isSourceFile(entry.name)) {
        notices.push({ filePath: absolute, problem: fileProblem(1, 'Skipped: not a regular file.', false) });
      }
    }
  };

  for (const given of paths) {
    const absolute = path.resolve(options.cwd, given);
    let stats: Stats;
    try {
      stats = statSync(absolute);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') throw new UsageError(`No such file or directory: ${given}`);
      notices.push({ filePath: absolute, problem: fileProblem(2, `Cannot read: ${describe(error)}.`, true) });
      continue;
    }
    if (stats.isDirectory()) {
      let real: string;
      try {
        real = realpathSync(absolute);
      } catch (error) {
        notices.push({ filePath: absolute, problem: fileProblem(2, `Cannot read: ${describe(error)}.`, true) });
        continue;
      }
      if (seenDirectories.has(real)) continue;
      seenDirectories.add(real);
      walk(absolute, real, options.gitignore ? ancestorGitignores(absolute) : []);
    } else if (path.extname(absolute) !== '' && !SOURCE_EXTENSIONS.includes(path.extname(absolute))) {
      notices.push({ filePath: absolute, problem: fileProblem(1, notSourceMessage(absolute), false) });
    } else {
      // A JS/TS file (or a script without extension) named on the command line is audited whatever
      // its name or ignore rules say.
      addFile(absolute);
    }
  }
  return { files, notices };
}
