/**
 * The quick per-file test for SQL-like text, so that files without SQL are never parsed and never sent
 * to a worker. The pattern is the core's own (`SQL_HINT`), so the CLI and the rules skip the same files.
 */
import type { Analyze } from './analysis.js';

// Loaded by name at run time: the CLI also runs where the core exposes no hint (then every file goes to
// analyzeText, which does the same pre-scan itself, only later).
const SQL_MODULE: string = '../sql/index.js';

export async function loadSqlHint(): Promise<RegExp | null> {
  try {
    const sqlModule = (await import(SQL_MODULE)) as { SQL_HINT?: unknown };
    return sqlModule.SQL_HINT instanceof RegExp ? sqlModule.SQL_HINT : null;
  } catch {
    return null;
  }
}

export function mayHoldSql(hint: RegExp | null, text: string): boolean {
  return hint === null || text.search(hint) !== -1;
}

export async function loadAnalyzer(): Promise<Analyze> {
  const core = await import('../analyze.js');
  return core.analyzeText;
}
