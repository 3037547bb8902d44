/**
 * The quick per-file test for database code (SQL text, or model and builder calls), so that files
 * without any are never parsed and never sent to a worker. The test is the core's own, so the CLI and
 * the rules skip the same files; it loads the adapters' hints but not TypeScript's parser.
 */
import { mightContainDatabaseCode } from '../extract/prescan.js';
import type { Analyze } from './analysis.js';

export function mayHoldSql(text: string): boolean {
  return mightContainDatabaseCode(text);
}

/** The core itself (TypeScript's parser included) is loaded only when a file needs it. */
export async function loadAnalyzer(): Promise<Analyze> {
  const core = await import('../analyze.js');
  return core.analyzePrescannedText;
}
