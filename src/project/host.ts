/**
 * How the analysis of one file reaches the modules it imports: resolve a specifier to a file on disk
 * and read it. Only relative specifiers, `index` files, `.js` specifiers that name `.ts` files,
 * tsconfig `paths` (with `baseUrl`) and the packages of an npm or yarn workspace (by the names their
 * package.json files give) are followed; a package in node_modules is a library, not the project.
 * Reads are cached and re-read when a file's modification time or size changes, so an editor session
 * sees edits in other files on the next lint of the importing file. Nothing is executed.
 *
 * A run that reads a snapshot (the audit CLI: files are not expected to change while it runs) asks for
 * `unchanging` files: what a path is, what a specifier resolves to and a file's text are then looked up
 * once per process, not stat'ed again at every use. On logto (5,837 files) the audit's pre-scan of
 * imports resolved and stat'ed the same modules once per importing file.
 */
import { readdirSync, readFileSync, statSync, type Dirent } from 'node:fs';
import { basename, dirname, join, resolve as resolvePath } from 'node:path';
import { performance } from 'node:perf_hooks';

export interface ProjectHost {
  /** Files are taken not to change while the process runs (see `fileSystemHost`). */
  readonly unchanging?: boolean;
  /** The file a specifier imported from `fromFile` names, or null (a package, a missing file). */
  resolve(specifier: string, fromFile: string): string | null;
  /** The text of a file, or null when it cannot be read or is too large to be source. */
  read(file: string): string | null;
  /** The text of a file for a look at every file of the project (kept within a budget), or null as for `read`. */
  scan(file: string): string | null;
  /** The source files under a directory (not in node_modules or hidden directories); null beyond MAX_PROJECT_FILES. */
  list(root: string): string[] | null;
  /**
   * Files that do not change only: the text of a file as `read` gives it when it was read already,
   * without touching the disk; undefined when it was not (null when it could not be read).
   */
  known?(file: string): string | null | undefined;
  /** Files that do not change only: a file's text read by someone else (as `read` would give it), kept for `read`. */
  offer?(file: string, text: string): void;
  /**
   * Files that do not change only: the entries of a directory (null when it cannot be listed), listed
   * once for every walk of the tree that asks (the schema's files, the project's files, resolutions).
   */
  entries?(dir: string): readonly Dirent[] | null;
}

/** Beyond this many files under a root, the project's callers are not looked for (a function's callers stay unknown). */
export const MAX_PROJECT_FILES = 20_000;

const EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];
const TS_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts'];
const SOURCE = /\.(?:c|m)?[jt]sx?$/;
const MAX_SIZE = 1_000_000;
/** Most characters of text a host of files that may change keeps from `scan` (about 128 MB of heap at most). */
const SCAN_BUDGET = 64_000_000;

interface CachedText {
  mtimeMs: number;
  size: number;
  text: string | null;
  /** The check (see `recheckAfterMs`) in which it was last compared with the disk. */
  check: number;
}

/** The regular files, directories and symbolic links of a directory, as last listed. */
interface Listing {
  dir: string;
  /** The directory's modification time when listed; -1 when it was no directory. */
  mtimeMs: number;
  /** The check (see `recheckAfterMs`) in which it was last compared with the disk. */
  check: number;
  files: Set<string>;
  dirs: Set<string>;
  links: Set<string>;
}

/**
 * What a specifier resolved to, and the directory listings that decided it: when each of them still
 * lists the same entries (a directory's modification time changes when an entry is added, removed or
 * renamed), it resolves the same way, and is not resolved again (on logto, an ESLint run with the plugin
 * resolved specifiers 17,268 times, 12,183 since).
 */
interface Resolution {
  check: number;
  file: string | null;
  consulted: Listing[] | null;
}

const isNone = (listing: Listing): boolean =>
  listing.mtimeMs === -1 && listing.files.size === 0 && listing.dirs.size === 0 && listing.links.size === 0;

interface PathsConfig {
  base: string;
  paths: [RegExp, string[]][];
}

export interface HostOptions {
  /** The files do not change while the process runs: stat, resolve and read each once. */
  unchanging?: boolean;
  /**
   * Without `unchanging`: how long what was found on disk (a directory's listing, a file's text, what a
   * specifier resolves to) is trusted before it is compared with the disk again (default
   * RECHECK_AFTER_MS). An editor lints the file being edited from its buffer; another file edited and
   * saved is seen by a lint at most this long after. 0 compares at every resolution and read.
   */
  recheckAfterMs?: number;
}

/**
 * A second: a lint run over a whole tree (ESLint from the command line, the plugin's rules on
 * thousands of files) compares a module's directory and text with the disk once a second, not once
 * per importing file; an edit in another file is seen on the next lint a second later.
 */
export const RECHECK_AFTER_MS = 1000;

let snapshot: ProjectHost | null = null;

/**
 * The one `unchanging` host of this thread: the audit's pre-scan of imports and the project that
 * follows calls read and resolve through it, so a module both look at is read once and held once.
 */
export function snapshotHost(): ProjectHost {
  return (snapshot ??= fileSystemHost({ unchanging: true }));
}

export function fileSystemHost(options: HostOptions = {}): ProjectHost {
  const unchanging = options.unchanging === true;
  const recheckAfterMs = options.recheckAfterMs ?? RECHECK_AFTER_MS;
  // What was found on disk in the current check is trusted; a new check begins when the last one is
  // `recheckAfterMs` old. Files that do not change are checked once: the check never moves on.
  let check = 0;
  /** Characters of text kept by `scan` (see SCAN_BUDGET). */
  let scanned = 0;
  let checkStarted = -Infinity;
  const tick = (): void => {
    if (unchanging) return;
    const now = performance.now();
    if (now - checkStarted >= recheckAfterMs) {
      check += 1;
      checkStarted = now;
    }
  };
  const texts = new Map<string, CachedText>();
  /**
   * Files that do not change: each directory listed once, and each root's files once. On logto the audit
   * listed its 1,423 directories five times (its own walk aside): twice for the schema's files, once for
   * each of the project's lists of files (importers, callers), and again to resolve specifiers.
   */
  const directories = new Map<string, Dirent[] | null>();
  const lists = new Map<string, string[] | null>();
  const readDirectory = (dir: string): Dirent[] | null => {
    const known = unchanging ? directories.get(dir) : undefined;
    if (known !== undefined) return known;
    let entries: Dirent[] | null;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      entries = null;
    }
    if (unchanging) directories.set(dir, entries);
    return entries;
  };
  const tsconfigs = new Map<string, PathsConfig | null>();
  const workspaces = new Map<string, Map<string, string> | null>();
  /**
   * By the importing file's directory, then specifier. What a specifier names depends only on where it is
   * written from (relative paths, the nearest tsconfig's `paths`, the workspace above): the files of one
   * directory share their resolutions (on logto, 11,112 resolutions by 5,837 files).
   */
  const resolved = new Map<string, Map<string, Resolution>>();
  /**
   * The listings looked at while a specifier is resolved (null when none is being resolved, or when a
   * symbolic link was stat'ed: its target may change without its directory's listing changing).
   */
  let consulted: Listing[] | null = null;
  let resolving = false;

  // `throwIfNoEntry: false`: a link's target may be missing, and an exception per missing file was
  // most of the cost of resolving one before directories were listed.
  const statFile = (file: string): boolean => {
    try {
      return statSync(file, { throwIfNoEntry: false })?.isFile() === true;
    } catch {
      return false;
    }
  };

  /**
   * A specifier's candidates (`./stock` -> stock.ts, stock.tsx, ... stock/index.ts) are looked up in
   * their directory's listing rather than stat'ed one by one: most candidates do not exist (on logto,
   * 117,632 of 161,791 stats failed). A listing is read once and, unless files are unchanging, checked
   * against the directory's modification time once per check (an added, removed or renamed entry
   * changes it); an entry that is a symbolic link is stat'ed.
   */
  const listings = new Map<string, Listing>();
  const listing = (dir: string): Listing => {
    const found = listingOf(dir);
    consulted?.push(found);
    return found;
  };
  const listingOf = (dir: string): Listing => {
    const cached = listings.get(dir);
    if (cached !== undefined && cached.check === check) return cached;
    // `./stock/index.ts` after `./stock.ts` and its siblings were not found: the parent, just listed, says
    // whether there is a `stock` directory at all.
    const parent = listings.get(dirname(dir));
    const name = basename(dir);
    if (parent !== undefined && parent.check === check && !parent.dirs.has(name) && !parent.links.has(name)) {
      if (cached !== undefined && isNone(cached)) {
        cached.check = check;
        return cached;
      }
      const none: Listing = { dir, mtimeMs: -1, check, files: new Set(), dirs: new Set(), links: new Set() };
      listings.set(dir, none);
      return none;
    }
    let mtimeMs = -1;
    if (!unchanging) {
      try {
        const stat = statSync(dir, { throwIfNoEntry: false });
        if (stat?.isDirectory() === true) mtimeMs = stat.mtimeMs;
      } catch {
        mtimeMs = -1;
      }
      if (cached !== undefined && cached.mtimeMs === mtimeMs) {
        cached.check = check;
        return cached;
      }
    }
    const fresh: Listing = { dir, mtimeMs, check, files: new Set(), dirs: new Set(), links: new Set() };
    // Not a directory, or not readable (null): no candidate in it exists.
    if (unchanging || mtimeMs !== -1) {
      for (const entry of readDirectory(dir) ?? []) {
        if (entry.isFile()) fresh.files.add(entry.name);
        else if (entry.isDirectory()) fresh.dirs.add(entry.name);
        else if (entry.isSymbolicLink()) fresh.links.add(entry.name);
      }
    }
    listings.set(dir, fresh);
    return fresh;
  };
  /** Whether `name` is a file in the directory `listed` (a symbolic link is stat'ed). */
  const isFileIn = (listed: Listing, name: string): boolean => {
    if (listed.files.has(name)) return true;
    if (!listed.links.has(name)) return false;
    if (resolving) consulted = null;
    return statFile(join(listed.dir, name));
  };
  const isFile = (file: string): boolean => isFileIn(listing(dirname(file)), basename(file));

  /**
   * A specifier's candidates are looked up in two listings, its directory's and its own (for `index`
   * files): each is asked for once, not once per candidate (on logto, resolving specifiers asked for
   * a listing about fifteen times per specifier).
   */
  const withExtension = (base: string): string | null => {
    const dir = dirname(base);
    const name = basename(base);
    // `./stock.js` written for `./stock.ts` (TypeScript's ESM convention).
    const stripped = name.replace(/\.(?:c|m)?js$/, '');
    const siblings = listing(dir);
    if (stripped !== name) {
      for (const ext of TS_EXTENSIONS) if (isFileIn(siblings, stripped + ext)) return join(dir, stripped + ext);
    }
    if (SOURCE.test(name) && isFileIn(siblings, name)) return base;
    for (const ext of EXTENSIONS) if (isFileIn(siblings, name + ext)) return base + ext;
    const own = listing(base);
    for (const ext of EXTENSIONS) if (isFileIn(own, `index${ext}`)) return join(base, `index${ext}`);
    return null;
  };

  /**
   * What the nearest directory above `fromFile` that has one says (`read` gives undefined for a directory
   * that has none), cached for every directory walked through.
   */
  const nearest = <T>(cache: Map<string, T | null>, fromFile: string, read: (dir: string) => T | null | undefined): T | null => {
    let dir = dirname(fromFile);
    const visited: string[] = [];
    for (let i = 0; i < 30; i++) {
      if (cache.has(dir)) {
        const found = cache.get(dir) ?? null;
        visited.forEach((d) => cache.set(d, found));
        return found;
      }
      visited.push(dir);
      const found = read(dir);
      if (found !== undefined) {
        visited.forEach((d) => cache.set(d, found));
        return found;
      }
      const parent = dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
    visited.forEach((d) => cache.set(d, null));
    return null;
  };

  const pathsFor = (fromFile: string): PathsConfig | null =>
    nearest(tsconfigs, fromFile, (dir) => {
      const candidate = join(dir, 'tsconfig.json');
      return isFile(candidate) ? readPaths(candidate) : undefined;
    });

  const workspacesFor = (fromFile: string): Map<string, string> | null =>
    nearest(workspaces, fromFile, (dir) => readWorkspaces(dir, isFile));

  /** `@acme/lib/server/get-role` -> the workspace package `@acme/lib`'s `server/get-role` (or `src/server/get-role`). */
  const fromWorkspace = (specifier: string, fromFile: string): string | null => {
    const packages = workspacesFor(fromFile);
    if (!packages) return null;
    for (const [name, dir] of packages) {
      if (specifier !== name && !specifier.startsWith(`${name}/`)) continue;
      const sub = specifier.slice(name.length + 1);
      if (sub.length > 0) return withExtension(join(dir, sub)) ?? withExtension(join(dir, 'src', sub));
      for (const entry of packageEntries(join(dir, 'package.json'))) {
        const file = withExtension(resolvePath(dir, entry));
        if (file && !file.endsWith('.d.ts')) return file;
      }
      return withExtension(join(dir, 'src', 'index')) ?? withExtension(join(dir, 'index'));
    }
    return null;
  };

  const resolveSpecifier = (specifier: string, fromFile: string): string | null => {
    if (specifier.startsWith('.')) return withExtension(resolvePath(dirname(fromFile), specifier));
    const config = pathsFor(fromFile);
    if (config) {
      for (const [pattern, targets] of config.paths) {
        const match = pattern.exec(specifier);
        if (!match) continue;
        for (const target of targets) {
          const file = withExtension(resolvePath(config.base, target.replace('*', match[1] ?? '')));
          if (file) return file;
        }
      }
    }
    // Not a path the tsconfig maps: a package of the workspace, or a library.
    return fromWorkspace(specifier, fromFile);
  };

  return {
    unchanging,
    resolve(specifier, fromFile) {
      tick();
      const dir = dirname(fromFile);
      let byDir = resolved.get(dir);
      if (byDir === undefined) resolved.set(dir, (byDir = new Map()));
      let found = byDir.get(specifier);
      if (
        found !== undefined &&
        found.check !== check &&
        found.consulted !== null &&
        found.consulted.every((l) => listingOf(l.dir) === l)
      ) {
        // The directories it was resolved from list the same entries as then: it resolves the same way.
        found.check = check;
      }
      if (found === undefined || found.check !== check) {
        consulted = [];
        resolving = true;
        try {
          const file = resolveSpecifier(specifier, fromFile);
          byDir.set(specifier, (found = { check, file, consulted }));
        } finally {
          consulted = null;
          resolving = false;
        }
      }
      return found.file;
    },
    scan(file) {
      const cached = texts.get(file);
      if (cached) return this.read(file);
      // Files looked at are kept, as modules read are, and compared with the disk the same way: the callers
      // of each function name asked (src/flow/callers.ts) are looked for in every file of the project,
      // name after name (on logto, reading them again for each name was a fifth of the audit, and 2 % of
      // an ESLint run with the plugin). In an editor the texts kept this way stop at SCAN_BUDGET.
      if (unchanging || scanned < SCAN_BUDGET) {
        const text = this.read(file);
        scanned += text?.length ?? 0;
        return text;
      }
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
      if (unchanging && lists.has(root)) return lists.get(root) ?? null;
      const found = listSources(root, readDirectory);
      if (unchanging) lists.set(root, found);
      return found;
    },
    ...(unchanging
      ? {
          entries: readDirectory,
          known: (file: string) => texts.get(file)?.text,
          offer: (file: string, text: string) => {
            if (texts.has(file)) return;
            const size = Buffer.byteLength(text);
            // What `read` would make of it: nothing for a file too large or holding a NUL.
            texts.set(file, { mtimeMs: -1, size, text: size > MAX_SIZE || text.includes('\u0000') ? null : text, check });
          },
        }
      : {}),
    read(file) {
      tick();
      const known = texts.get(file);
      if (known !== undefined && known.check === check) return known.text;
      let stat;
      try {
        stat = statSync(file, { throwIfNoEntry: false });
      } catch {
        return null;
      }
      if (stat === undefined) return null;
      const cached = texts.get(file);
      if (cached && cached.mtimeMs === stat.mtimeMs && cached.size === stat.size) {
        cached.check = check;
        return cached.text;
      }
      let text: string | null = null;
      if (stat.isFile() && stat.size <= MAX_SIZE) {
        try {
          text = readFileSync(file, 'utf8');
          if (text.includes('\u0000')) text = null;
        } catch {
          text = null;
        }
      }
      texts.set(file, { mtimeMs: stat.mtimeMs, size: stat.size, text, check });
      return text;
    },
  };
}

/** The source files under `root` (not in node_modules or hidden directories), sorted; null beyond MAX_PROJECT_FILES. */
function listSources(root: string, readDirectory: (dir: string) => readonly Dirent[] | null): string[] | null {
  const found: string[] = [];
  const pending = [root];
  while (pending.length > 0) {
    const dir = pending.pop()!;
    const entries = readDirectory(dir);
    if (entries === null) continue;
    for (const entry of entries) {
      if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
      const full = join(dir, entry.name);
      if (entry.isDirectory()) pending.push(full);
      else if (entry.isFile() && SOURCE.test(entry.name) && !entry.name.endsWith('.d.ts')) found.push(full);
      if (found.length > MAX_PROJECT_FILES) return null;
    }
  }
  return found.sort();
}

/**
 * JSON with comments made JSON: `//` and `/* *\/` outside strings blanked. Strings are skipped whole, so
 * `"@/lib/*": ["lib/*"]` followed by `"**\/*.ts"` is not read as a comment running from one to the other.
 */
export function withoutJsonComments(text: string): string {
  return text.replace(/"(?:[^"\\\n]|\\.)*"|\/\/[^\n]*|\/\*[\s\S]*?\*\//g, (match) => (match.startsWith('"') ? match : ' '));
}

/** `compilerOptions.paths` and `baseUrl` of a tsconfig (comments and trailing commas allowed; `extends` not followed). */
function readPaths(file: string): PathsConfig | null {
  try {
    const raw = withoutJsonComments(readFileSync(file, 'utf8')).replace(/,(\s*[}\]])/g, '$1');
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

/**
 * The packages of the npm or yarn workspace whose root is `dir` (its package.json lists
 * `workspaces`): package name -> directory. Patterns name directories (`packages/lib`) or their
 * children (`packages/*`); `!` excludes. Undefined when `dir` is no workspace root.
 */
function readWorkspaces(dir: string, isFile: (file: string) => boolean): Map<string, string> | undefined {
  const manifest = join(dir, 'package.json');
  if (!isFile(manifest)) return undefined;
  let patterns: unknown;
  try {
    const json = JSON.parse(readFileSync(manifest, 'utf8')) as { workspaces?: unknown };
    patterns = Array.isArray(json.workspaces) ? json.workspaces : (json.workspaces as { packages?: unknown } | undefined)?.packages;
  } catch {
    return undefined;
  }
  if (!Array.isArray(patterns)) return undefined;
  const excluded = new Set(
    patterns.filter((p): p is string => typeof p === 'string' && p.startsWith('!')).map((p) => resolvePath(dir, p.slice(1))),
  );
  const packages = new Map<string, string>();
  for (const pattern of patterns) {
    if (typeof pattern !== 'string' || pattern.startsWith('!')) continue;
    const dirs = pattern.endsWith('/*') ? children(resolvePath(dir, pattern.slice(0, -2))) : [resolvePath(dir, pattern)];
    for (const candidate of dirs) {
      if (excluded.has(candidate)) continue;
      const name = packageName(join(candidate, 'package.json'));
      if (name !== null && !packages.has(name)) packages.set(name, candidate);
    }
  }
  // The longest name first: `@acme/lib-extra` before `@acme/lib`.
  return new Map([...packages].sort((a, b) => b[0].length - a[0].length));
}

function children(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory() && !e.name.startsWith('.') && e.name !== 'node_modules')
      .map((e) => join(dir, e.name));
  } catch {
    return [];
  }
}

function packageName(manifest: string): string | null {
  try {
    const name = (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name;
    return typeof name === 'string' && name.length > 0 ? name : null;
  } catch {
    return null;
  }
}

/** A package's entry points, as its package.json names them (`main`, `types`, `module`, `source`). */
function packageEntries(manifest: string): string[] {
  try {
    const json = JSON.parse(readFileSync(manifest, 'utf8')) as Record<string, unknown>;
    return ['source', 'main', 'module', 'types'].map((k) => json[k]).filter((v): v is string => typeof v === 'string');
  } catch {
    return [];
  }
}
