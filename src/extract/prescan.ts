/**
 * The cheap per-file test both front ends run before parsing a file: may it hold database code? SQL
 * text (src/sql/detect.ts), or the model and query-builder calls an adapter names in its `hints`
 * (`prisma.user.update(`, `.findOne(`, `.updateTable(`), which carry no SQL text. A file that
 * matches neither is never parsed.
 */
import { mightContainSql } from '../sql/detect.js';
import { ADAPTERS } from './libraries/index.js';
import type { TextTest } from './types.js';

const HINTS: readonly TextTest[] = ADAPTERS.flatMap((adapter) => (adapter.hints ? [adapter.hints] : []));

export function mightContainDatabaseCode(text: string): boolean {
  return mightContainSql(text) || HINTS.some((hint) => hint.test(text));
}

const LIBRARY_MODULES = [...new Set(ADAPTERS.flatMap((adapter) => adapter.modules))];
const LIBRARY_IMPORT = new RegExp(
  `(?:\\bfrom|\\brequire\\(|\\bimport\\()\\s*['"](${LIBRARY_MODULES.map((m) => m.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|')})(?:/[^'"]*)?['"]`,
  'g',
);

/** The text imports a client library: a module that only creates the pool (`db.ts`) still exports a connection. */
export function importsClientLibrary(text: string): boolean {
  return importedClientLibraries(text).length > 0;
}

/** The client libraries a module's text imports or requires (`postgres`, `mysql2`), as the adapters name them. */
export function importedClientLibraries(text: string): string[] {
  return [...new Set([...text.matchAll(LIBRARY_IMPORT)].map((m) => m[1]!))];
}
