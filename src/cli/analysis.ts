/** Calling the core on one file so that nothing it does can end the audit. */
import type { FileAnalysis } from '../analyze-types.js';
import { analysisFailure, type AnalyzeOptions } from '../analyze.js';

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

/** The core promises not to throw (see analysisFailure); nothing it does may end the audit. */
export function analyzeSafely(analyze: Analyze, text: string, filePath: string, options: AnalyzeOptions): FileAnalysis {
  try {
    return analyze(text, filePath, options);
  } catch (error) {
    return failedAnalysis(filePath, analysisFailure(error));
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
