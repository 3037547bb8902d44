/** Calling the core on one file so that nothing it does can end the audit. */
import type { FileAnalysis } from '../analyze-types.js';

export interface AnalyzeOptions {
  keyColumns?: string[];
}

export type Analyze = (text: string, filePath: string, options?: AnalyzeOptions) => FileAnalysis;

export function failedAnalysis(filePath: string, message: string): FileAnalysis {
  return {
    filePath,
    scanned: true,
    findings: [],
    fatal: { message, line: 1, column: 1 },
    stats: { querySites: 0, statements: 0, unparsed: [] },
  };
}

/** The core promises not to throw; a stack overflow on absurd nesting is the one thing it cannot promise. */
export function analyzeSafely(
  analyze: Analyze,
  text: string,
  filePath: string,
  options: AnalyzeOptions,
): FileAnalysis {
  try {
    return analyze(text, filePath, options);
  } catch (error) {
    const reason =
      error instanceof RangeError && /call stack/i.test(error.message)
        ? 'the code is nested too deeply to analyze'
        : `internal error (${error instanceof Error ? error.message : String(error)})`;
    return failedAnalysis(filePath, `Could not analyze this file: ${reason}.`);
  }
}

export function unscannedAnalysis(filePath: string): FileAnalysis {
  return {
    filePath,
    scanned: false,
    findings: [],
    fatal: null,
    stats: { querySites: 0, statements: 0, unparsed: [] },
  };
}
