/**
 * The quick per-file test for database code (SQL text, or model and builder calls), so that files
 * without any are never parsed and never sent to a worker. The test is the core's own, so the CLI and
 * the rules skip the same files; it loads the adapters' hints but not TypeScript's parser.
 */
import { resolve } from 'node:path';
import { mightContainDatabaseCode } from '../extract/prescan.js';
import { fileSystemHost } from '../project/host.js';
import { importsDatabaseCode } from '../project/prescan.js';
import type { Analyze } from './analysis.js';

const host = fileSystemHost();

/** Database code of its own, or (with `followImports`) an import of a project module that holds some. */
export function mayHoldSql(text: string, filePath: string, followImports = true): boolean {
  return mightContainDatabaseCode(text) || (followImports && importsDatabaseCode(text, resolve(filePath), host));
}

/** The core itself (TypeScript's parser included) is loaded only when a file needs it. */
export async function loadAnalyzer(): Promise<Analyze> {
  const core = await loadCore();
  return core.analyzePrescannedText;
}

export function loadCore(): Promise<typeof import('../analyze.js')> {
  return import('../analyze.js');
}
