/**
 * How the analysis of one file reaches the modules it imports: resolve a specifier to a file on disk
 * and read it. Only relative specifiers, `index` files, `.js` specifiers that name `.ts` files, and
 * tsconfig `paths` (with `baseUrl`) are followed; a package in node_modules is a library, not the
 * project. Reads are cached and re-read when a file's modification time or size changes, so an editor
 * session sees edits in other files on the next lint of the importing file. Nothing is executed.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve as resolvePath } from 'node:path';

export interface ProjectHost {
  /** The file a specifier imported from `fromFile` names, or null (a package, a missing file). */
  resolve(specifier: string, fromFile: string): string | null;
  /** The text of a file, or null when it cannot be read or is too large to be source. */
  read(file: string): string | null;
  /** The text of a file for a one-off look (not kept), or null as for `read`. */
  scan(file: string): string | null;
  /** The source files under a directory (not in node_modules or hidden directories); null beyond MAX_PROJECT_FILES. */
  list(root: string): string[] | null;
}

/** Beyond this many files under a root, the project's callers are not looked for (a function's callers stay unknown). */
export const MAX_PROJECT_FILES = 20_000;

const EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];
const SOURCE = /\.(?:c|m)?[jt]sx?$/;
const MAX_SIZE = 1_000_000;

interface CachedText {
  mtimeMs: number;
  size: number;
  text: string | null;
}

interface PathsConfig {
  base: string;
  paths: [RegExp, string[]][];
}

export function fileSystemHost(): ProjectHost {
  const texts = new Map<string, CachedText>();
  const tsconfigs = new Map<string, PathsConfig | null>();

  // `throwIfNoEntry: false`: most candidates of a specifier do not exist, and an exception per missing
  // candidate was most of the cost of resolving one.
  const isFile = (file: string): boolean => {
    try {
      return statSync(file, { throwIfNoEntry: false })?.isFile() === true;
    } catch {
      return false;
    }
  };

  const withExtension = (base: string): string | null => {
    // `./stock.js` written for `./stock.ts` (TypeScript's ESM convention).
    const stripped = base.replace(/\.(?:c|m)?js$/, '');
    if (stripped !== base) {
      for (const ext of ['.ts', '.tsx', '.mts', '.cts']) if (isFile(stripped + ext)) return stripped + ext;
    }
    if (/\.(?:c|m)?[jt]sx?$/.test(base) && isFile(base)) return base;
    for (const ext of EXTENSIONS) if (isFile(base + ext)) return base + ext;
    for (const ext of EXTENSIONS) if (isFile(join(base, `index${ext}`))) return join(base, `index${ext}`);
    return null;
  };

  const pathsFor = (fromFile: string): PathsConfig | null => {
    let dir = dirname(fromFile);
    const visited: string[] = [];
    for (let i = 0; i < 30; i++) {
      if (tsconfigs.has(dir)) {
        const found = tsconfigs.get(dir) ?? null;
        visited.forEach((d) => tsconfigs.set(d, found));
        return found;
      }
      visited.push(dir);
      const candidate = join(dir, 'tsconfig.json');
      if (isFile(candidate)) {
        const found = readPaths(candidate);
        visited.forEach((d) => tsconfigs.set(d, found));
        return found;
      }
      const parent = dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
    visited.forEach((d) => tsconfigs.set(d, null));
    return null;
  };

  return {
    resolve(specifier, fromFile) {
      if (specifier.startsWith('.')) return withExtension(resolvePath(dirname(fromFile), specifier));
      const config = pathsFor(fromFile);
      if (!config) return null;
      for (const [pattern, targets] of config.paths) {
        const match = pattern.exec(specifier);
        if (!match) continue;
        for (const target of targets) {
          const file = withExtension(resolvePath(config.base, target.replace('*', match[1] ?? '')));
          if (file) return file;
        }
      }
      return null;
    },
    scan(file) {
      const cached = texts.get(file);
      if (cached) return this.read(file);
      try {
        const stat = statSync(file);
        if (!stat.isFile() || stat.size > MAX_SIZE) return null;
        const text = readFileSync(file, 'utf8');
        return text.includes('\u0000') ? null : text;
      } catch {
        return null;
      }
    },
    list(root) {
      const found: string[] = [];
      const pending = [root];
      while (pending.length > 0) {
        const dir = pending.pop()!;
        let entries;
        try {
          entries = readdirSync(dir, { withFileTypes: true });
        } catch {
          continue;
        }
        for (const entry of entries) {
          if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
          const full = join(dir, entry.name);
          if (entry.isDirectory()) pending.push(full);
          else if (entry.isFile() && SOURCE.test(entry.name) && !entry.name.endsWith('.d.ts')) found.push(full);
          if (found.length > MAX_PROJECT_FILES) return null;
        }
      }
      return found.sort();
    },
    read(file) {
      let stat;
      try {
        stat = statSync(file, { throwIfNoEntry: false });
      } catch {
        return null;
      }
      if (stat === undefined) return null;
      const cached = texts.get(file);
      if (cached && cached.mtimeMs === stat.mtimeMs && cached.size === stat.size) return cached.text;
      let text: string | null = null;
      if (stat.isFile() && stat.size <= MAX_SIZE) {
        try {
          text = readFileSync(file, 'utf8');
          if (text.includes('\u0000')) text = null;
        } catch {
          text = null;
        }
      }
      texts.set(file, { mtimeMs: stat.mtimeMs, size: stat.size, text });
      return text;
    },
  };
}

/** `compilerOptions.paths` and `baseUrl` of a tsconfig (comments and trailing commas allowed; `extends` not followed). */
function readPaths(file: string): PathsConfig | null {
  try {
    const raw = readFileSync(file, 'utf8')
      .replace(/\/\*[\s\S]*?\*\/|(^|[^:"'])\/\/[^\n]*/g, '$1')
      .replace(/,(\s*[}\]])/g, '$1');
    const config = JSON.parse(raw) as { compilerOptions?: { baseUrl?: string; paths?: Record<string, string[]> } };
    const options = config.compilerOptions;
    if (!options?.paths) return null;
    const base = resolvePath(dirname(file), options.baseUrl ?? '.');
    const paths: [RegExp, string[]][] = Object.entries(options.paths).map(([key, targets]) => [
      new RegExp(`^${key.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace('*', '(.*)')}$`),
      targets,
    ]);
    return { base, paths };
  } catch {
    return null;
  }
}
