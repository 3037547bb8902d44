/** The report formats `--format` accepts. */
import type { RuleId } from '../../checks/types.js';
import type { RuleMeta } from '../rule-meta.js';
import type { RuleLevels } from '../severity.js';
import type { FileReport } from '../results.js';
import { formatJson } from './json.js';
import { formatStylish } from './stylish.js';

export const FORMAT_NAMES = ['stylish', 'json', 'sarif'] as const;
export type FormatName = (typeof FORMAT_NAMES)[number];

export interface FormatContext {
  cwd: string;
  /** SARIF locations and fingerprints are relative to it (the repository root when there is one). */
  projectRoot: string;
  color: boolean;
  levels: RuleLevels;
  baselineInUse: boolean;
  /** Rule descriptions and doc URLs for SARIF (loaded from the plugin only for that format). */
  ruleMeta?: Record<RuleId, RuleMeta>;
}

export function isFormatName(name: string): name is FormatName {
  return (FORMAT_NAMES as readonly string[]).includes(name);
}

/** SARIF's builder (and the file-system packages it brings) is loaded only for that format. */
export async function formatReports(name: FormatName, reports: readonly FileReport[], context: FormatContext): Promise<string> {
  switch (name) {
    case 'stylish':
      return formatStylish(reports, context);
    case 'json':
      return formatJson(reports);
    case 'sarif':
      return (await import('./sarif.js')).formatSarif(reports, context);
  }
}
