/**
 * The plugin's shared settings, `settings['sql-race']` in the ESLint config:
 *
 *   settings: { 'sql-race': { schema: ['db/schema.sql', 'prisma/schema.prisma'] } }
 *
 * - `schema`: files or directories (relative to ESLint's cwd) to read the declared schema from, besides
 *   what is found under the cwd (`*.prisma`, `*.sql`, entities, models, migrations).
 * - `schemaDiscovery`: `false` to read only the `schema` paths, not search the cwd (default `true`).
 * - `checkOneShot`: `true` to check migrations, seeds and scripts too (default `false`).
 * - `checkTests`: `true` to check test files too (default `false`).
 * - `transactionHelpers`: names of functions that run their callback in a transaction on the connection
 *   they pass it, for helpers the analysis cannot see into (`['withTransaction', 'db.tx']`).
 * - `followImports`: `false` to analyse each file alone, not following calls into the functions other
 *   modules of the project export (default `true`; see src/project).
 *
 * Which files are one-shot or tests is decided on their path relative to ESLint's cwd, and on their
 * shape (src/oneshot); with `followImports`, a module every importer of which under the cwd is one-shot
 * code is one-shot too (src/oneshot/importers.ts).
 */
import path from 'node:path';
import { defaultProject } from '../src/analyze.js';
import { skipVerdict, type OneShotVerdict } from '../src/oneshot/index.js';
import { importerVerdict, runsPerMessage, type ImporterScope } from '../src/oneshot/importers.js';
import { loadSchema } from '../src/schema/load.js';
import type { Schema } from '../src/schema/types.js';

export interface PluginSettings {
  schema: string[];
  schemaDiscovery: boolean;
  checkOneShot: boolean;
  checkTests: boolean;
  followImports: boolean;
  transactionHelpers: string[];
}

function stringList(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

export function pluginSettings(settings: Readonly<Record<string, unknown>> | undefined): PluginSettings {
  const raw = settings?.['sql-race'];
  const own = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
  return {
    schema: stringList(own['schema']),
    schemaDiscovery: own['schemaDiscovery'] !== false,
    checkOneShot: own['checkOneShot'] === true,
    checkTests: own['checkTests'] === true,
    followImports: own['followImports'] !== false,
    transactionHelpers: stringList(own['transactionHelpers']),
  };
}

/** A path relative to `cwd`, `/`-separated, or null when the file is not under it. */
function underCwd(cwd: string, filename: string): string | null {
  const relative = path.relative(cwd, filename);
  return relative.startsWith('..') || path.isAbsolute(relative) ? null : relative.split(path.sep).join('/');
}

/** The six rules ask about the same file one after another: each verdict is made once. */
let lastSkip: { cwd: string; filename: string; text: string; key: string; verdict: OneShotVerdict | null } | null = null;
let lastImporters: { cwd: string; filename: string; key: string; verdict: OneShotVerdict | null } | null = null;

const settingsKey = (settings: PluginSettings): string => `${settings.checkOneShot} ${settings.checkTests} ${settings.followImports}`;

/** Why the rules leave this file alone by its own path and shape (one-shot or test code not asked for), or null. */
export function skippedFile(cwd: string, filename: string, text: string, settings: PluginSettings): OneShotVerdict | null {
  const key = settingsKey(settings);
  if (lastSkip?.cwd === cwd && lastSkip.filename === filename && lastSkip.text === text && lastSkip.key === key) return lastSkip.verdict;
  const relative = underCwd(cwd, filename);
  // A file outside the cwd (or a virtual name) is judged by its name and shape, not its folders.
  let verdict = skipVerdict(relative ?? path.basename(filename), text, {
    includeOneShot: settings.checkOneShot,
    includeTests: settings.checkTests,
  });
  // A module of a scheduled job's folder that a handler of a queue's messages imports runs per message.
  if (
    verdict?.kind === 'scheduled' &&
    relative !== null &&
    settings.followImports &&
    runsPerMessage(path.resolve(filename), importerScope(cwd))
  ) {
    verdict = null;
  }
  lastSkip = { cwd, filename, text, key, verdict };
  return verdict;
}

/**
 * Why the rules leave this file alone by its importers (every project module importing it is one-shot
 * code), or null. Asked only of a file with something to report: answering lists the import
 * specifiers of every file under the cwd, and the answer changes nothing for a file without findings.
 */
export function skippedByImporters(cwd: string, filename: string, settings: PluginSettings): OneShotVerdict | null {
  const key = settingsKey(settings);
  if (lastImporters?.cwd === cwd && lastImporters.filename === filename && lastImporters.key === key) return lastImporters.verdict;
  const relative = underCwd(cwd, filename);
  const verdict =
    relative !== null && settings.followImports && !settings.checkOneShot
      ? importerVerdict(path.resolve(filename), importerScope(cwd))
      : null;
  lastImporters = { cwd, filename, key, verdict };
  return verdict;
}

/** Where the importers of a file are looked for: one scope per working directory, for the life of the process. */
const importerScopes = new Map<string, ImporterScope>();
function importerScope(cwd: string): ImporterScope {
  let scope = importerScopes.get(cwd);
  if (!scope) {
    scope = { host: defaultProject().host, roots: [path.resolve(cwd)], relative: (file) => underCwd(cwd, file) };
    importerScopes.set(cwd, scope);
  }
  return scope;
}

/** One schema per cwd and setting for the life of the process (one lint run); files are memoized per content. */
const schemas = new Map<string, Schema>();

export function schemaFor(cwd: string, settings: PluginSettings): Schema {
  const key = JSON.stringify([cwd, settings.schema, settings.schemaDiscovery]);
  let schema = schemas.get(key);
  if (!schema) {
    const host = defaultProject().host;
    schema = loadSchema(
      { discover: settings.schemaDiscovery ? [cwd] : [], paths: settings.schema.map((p) => path.resolve(cwd, p)) },
      undefined,
      (file) => host.scan(file),
    );
    schemas.set(key, schema);
  }
  return schema;
}
