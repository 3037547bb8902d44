/**
 * The quick per-file test for SQL-like text, so that files without SQL are never parsed and never sent
 * to a worker. The pattern is the core's own, so the CLI and the rules skip the same files; it comes
 * from its own small module so that deciding costs no parser load.
 */
import { mightContainSql } from '../sql/detect.js';
import type { Analyze } from './analysis.js';

export function mayHoldSql(text: string): boolean {
  return mightContainSql(text);
}

/** The core itself (TypeScript's parser included) is loaded only when a file needs it. */
export async function loadAnalyzer(): Promise<Analyze> {
  const core = await import('../analyze.js');
  return core.analyzePrescannedText;
}
