/**
 * The quick per-file test for database code (SQL text, or model and builder calls), so that files
 * without any are never parsed and never sent to a worker. The test is the core's own, so the CLI and
 * the rules skip the same files; it loads the adapters' hints but not TypeScript's parser.
 */
import { resolve } from 'node:path';
import { fileSystemHost } from '../project/host.js';
import { holdsDatabaseCode, importsDatabaseCode } from '../project/prescan.js';
import type { Analyze } from './analysis.js';

// An audit reads a snapshot: each module is resolved and read once however many files import it.
const host = fileSystemHost({ unchanging: true });

/** Database code of its own, or (with `followImports`) an import of a project module that holds some. */
export function mayHoldSql(text: string, filePath: string, followImports = true): boolean {
  const file = resolve(filePath);
  return holdsDatabaseCode(file, text, true) || (followImports && importsDatabaseCode(text, file, host));
}

/** The core itself (TypeScript's parser included) is loaded only when a file needs it. */
export async function loadAnalyzer(): Promise<Analyze> {
  const core = await loadCore();
  return core.analyzePrescannedText;
}

export function loadCore(): Promise<typeof import('../analyze.js')> {
  return import('../analyze.js');
}
