/**
 * The quick per-file test for database code (SQL text, or model and builder calls), so that files
 * without any are never parsed and never sent to a worker. The test is the core's own, so the CLI and
 * the rules skip the same files; it loads the adapters' hints but not TypeScript's parser.
 */
import { resolve } from 'node:path';
import { snapshotHost } from '../project/host.js';
import { holdsDatabaseCode, importsDatabaseModule, projectSpecifiers } from '../project/prescan.js';
import type { Analyze } from './analysis.js';

/** Database code of its own, or (with `followImports`) an import of a project module that holds some. */
export function mayHoldSql(text: string, filePath: string, followImports = true): boolean {
  return holdsSqlOfItsOwn(text, filePath) || (followImports && importsSql(projectSpecifiers(text), filePath));
}

/** Database code in the file's own text; the verdict is remembered for its path (an audit reads a snapshot). */
export function holdsSqlOfItsOwn(text: string, filePath: string): boolean {
  return holdsDatabaseCode(resolve(filePath), text, true);
}

/**
 * One of `specifiers` (`projectSpecifiers` of the file's text) names a project module with database
 * code. A module already audited is not read again: its verdict is remembered. Each module is resolved
 * once however many files import it, through the host the analysis reads modules with.
 */
export function importsSql(specifiers: readonly string[], filePath: string): boolean {
  return specifiers.length > 0 && importsDatabaseModule(specifiers, resolve(filePath), snapshotHost());
}

export { projectSpecifiers };

/** The core itself (TypeScript's parser included) is loaded only when a file needs it. */
export async function loadAnalyzer(): Promise<Analyze> {
  const core = await loadCore();
  return core.analyzePrescannedText;
}

export function loadCore(): Promise<typeof import('../analyze.js')> {
  return import('../analyze.js');
}
