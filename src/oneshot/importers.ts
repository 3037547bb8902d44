/**
 * One-shot by its importers: a module that every project module importing it is one-shot code (a
 * migration, a seed, a script, a scheduled job, or a module imported only by such code, a few levels
 * up) runs only when they run. An importer of a data import job (`lib/tolt/import-commissions.ts`,
 * imported only by `api/cron/import/tolt/route.ts`) is left out with the job.
 *
 * Tests do not count either way: a module imported only by its tests is checked. A module no project
 * file imports (an entry point, a route the framework loads by its path, a package's public module)
 * has nothing to say about it and is checked, as are `index` modules (a package's entry, or a folder's
 * barrel, imported as `'.'` or `'./lib'`: their importers cannot be found by name).
 *
 * The importers are found under the project's roots (the audited directories, ESLint's working
 * directory) by the specifiers their text imports from: a file is read once per process and root
 * (capped at MAX_PROJECT_FILES, as for the callers of src/project), and only the specifiers whose last
 * segment is the module's name are resolved; when one of them resolves to nothing (an alias the host
 * does not read, a package of the same name), the importers are not known and the module is checked.
 * An import the text does not spell (a module loaded by a computed path) is not seen.
 */
import path from 'node:path';
import type { ProjectHost } from '../project/host.js';
import { importSpecifiers } from '../project/prescan.js';
import { classifyFile, type OneShotVerdict } from './index.js';

/** Where the importers of a module are looked for, and how their paths are judged. */
export interface ImporterScope {
  host: ProjectHost;
  /** The directories whose source files are the project's. */
  roots: readonly string[];
  /** A file's path relative to the root it is judged from (`/`-separated), or null when under none. */
  relative(file: string): string | null;
}

/** How many modules up a chain of importers is followed (the job's route, then the job's module, ...). */
export const MAX_IMPORTER_DEPTH = 3;

/** For one root: the files whose text imports a specifier ending in a name, by that name. */
type ImportIndex = Map<string, { file: string; specifiers: string[] }[]>;

const indexes = new WeakMap<ProjectHost, Map<string, ImportIndex | null>>();

/** `../lib/tolt/import-commissions.js` -> `import-commissions`; `./stock` -> `stock`. */
function lastName(specifier: string): string {
  const last = specifier.split('/').at(-1) ?? '';
  return last.replace(/\.(?:[cm]?[jt]sx?)$/i, '');
}

function importIndex(host: ProjectHost, root: string): ImportIndex | null {
  let byRoot = indexes.get(host);
  if (!byRoot) indexes.set(host, (byRoot = new Map()));
  if (byRoot.has(root)) return byRoot.get(root) ?? null;
  const files = host.list(root);
  let index: ImportIndex | null = null;
  if (files !== null) {
    index = new Map();
    for (const file of files) {
      const text = host.scan(file);
      if (text === null) continue;
      const byName = new Map<string, string[]>();
      for (const specifier of importSpecifiers(text)) {
        const name = lastName(specifier);
        if (name === '' || name === '.' || name === '..') continue;
        byName.set(name, [...(byName.get(name) ?? []), specifier]);
      }
      for (const [name, specifiers] of byName) {
        let entries = index.get(name);
        if (!entries) index.set(name, (entries = []));
        entries.push({ file, specifiers });
      }
    }
  }
  byRoot.set(root, index);
  return index;
}

/**
 * The project files that import `file`, or null when they are not known: the project's files are not
 * listed, or a specifier that may name it (its last segment is the module's name) resolves to nothing,
 * an import of the project the host cannot follow (an alias it does not read) as far as can be told.
 */
export function importersOf(file: string, scope: ImporterScope): string[] | null {
  const name = path.basename(file).replace(/\.(?:[cm]?[jt]sx?)$/i, '');
  const found = new Set<string>();
  for (const root of scope.roots) {
    const index = importIndex(scope.host, root);
    if (index === null) return null;
    for (const { file: importer, specifiers } of index.get(name) ?? []) {
      if (importer === file) continue;
      for (const specifier of specifiers) {
        const resolved = scope.host.resolve(specifier, importer);
        if (resolved === null) return null;
        if (resolved === file) found.add(importer);
      }
    }
  }
  return [...found].sort();
}

/**
 * Why `file` is one-shot code by its importers, or null: at least one project module imports it, and
 * every one that does (tests aside) is one-shot code by its path or shape, or by its own importers.
 */
export function importerVerdict(file: string, scope: ImporterScope): OneShotVerdict | null {
  return verdictAt(file, scope, 0, new Set([file]));
}

/**
 * What an importer is by its path and shape, once per scope (the audit makes one scope; the plugin one
 * per working directory, as it lists the project's imports once per process and root).
 */
const classified = new WeakMap<ImporterScope, Map<string, OneShotVerdict | null>>();
function classifyImporter(importer: string, scope: ImporterScope): OneShotVerdict | null {
  let byFile = classified.get(scope);
  if (!byFile) classified.set(scope, (byFile = new Map()));
  if (byFile.has(importer)) return byFile.get(importer) ?? null;
  const relative = scope.relative(importer);
  const verdict = relative === null ? null : classifyFile(relative, scope.host.scan(importer) ?? undefined);
  byFile.set(importer, verdict);
  return verdict;
}

function verdictAt(file: string, scope: ImporterScope, depth: number, visiting: Set<string>): OneShotVerdict | null {
  if (/^index\.[cm]?[jt]sx?$/i.test(path.basename(file))) return null;
  const importers = importersOf(file, scope);
  if (importers === null) return null;
  let first: { importer: string; verdict: OneShotVerdict } | null = null;
  for (const importer of importers) {
    if (scope.relative(importer) === null) return null;
    let verdict = classifyImporter(importer, scope);
    if (verdict?.kind === 'test') continue;
    // An import cycle, or a chain longer than followed: not known to be one-shot.
    if (verdict === null && (depth + 1 >= MAX_IMPORTER_DEPTH || visiting.has(importer))) return null;
    if (verdict === null) {
      visiting.add(importer);
      verdict = verdictAt(importer, scope, depth + 1, visiting);
      visiting.delete(importer);
    }
    if (verdict === null) return null;
    first ??= { importer, verdict };
  }
  if (first === null) return null;
  const others = importers.filter((i) => i !== first.importer && classifyImporter(i, scope)?.kind !== 'test').length;
  const where = `${scope.relative(first.importer)}${others > 0 ? ` and ${others} more` : ''}`;
  return { kind: first.verdict.kind, reason: `imported only by one-shot code (${where}: ${first.verdict.reason})` };
}

/**
 * Whether a module of a scheduled job's folder runs once per message instead: a handler of a `cron/`
 * folder that takes a message (src/oneshot/index.ts, `handlesMessage`) imports it, directly or through
 * other modules of such folders (up to MAX_IMPORTER_DEPTH levels). `api/cron/charge-succeeded/route.ts`
 * parses an invoice id from a queue's message and hands the invoice to `send-payouts.ts` beside it: both
 * run once per delivery, and deliveries of one message may run side by side.
 */
export function runsPerMessage(file: string, scope: ImporterScope): boolean {
  return perMessageAt(file, scope, 0, new Set([file]));
}

function perMessageAt(file: string, scope: ImporterScope, depth: number, visiting: Set<string>): boolean {
  const importers = importersOf(file, scope);
  if (importers === null) return false;
  for (const importer of importers) {
    const relative = scope.relative(importer);
    if (relative === null || classifyFile(relative)?.kind !== 'scheduled') continue;
    const verdict = classifyImporter(importer, scope);
    if (verdict === null) return true;
    if (verdict.kind !== 'scheduled' || depth + 1 >= MAX_IMPORTER_DEPTH || visiting.has(importer)) continue;
    visiting.add(importer);
    const found = perMessageAt(importer, scope, depth + 1, visiting);
    visiting.delete(importer);
    if (found) return true;
  }
  return false;
}
