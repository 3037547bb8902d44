import type { TSESTree } from '@typescript-eslint/types';

export const RULE_IDS = [
  'no-check-then-act',
  'no-decoupled-insert',
  'no-ignored-rowcount',
  'no-lost-update',
  'no-transaction-on-pool',
  'no-lock-outside-transaction',
] as const;

export type RuleId = (typeof RULE_IDS)[number];

export interface TextEdit {
  range: [number, number];
  text: string;
}

export interface Suggestion {
  messageId: string;
  data: Record<string, string>;
  edits: TextEdit[];
}

/** A place a finding points to besides the reported node: the check, the act. */
export interface RelatedLocation {
  label: 'read' | 'check' | 'write' | 'begin' | 'lock';
  node: TSESTree.Node;
}

/** What a check says: everything a front end needs to report it. */
export interface Finding {
  ruleId: RuleId;
  messageId: string;
  data: Record<string, string>;
  /** The node to report (a query site). */
  node: TSESTree.Node;
  related: RelatedLocation[];
  suggestions: Suggestion[];
  /** Name of the enclosing function (or `<module>`), for stable fingerprints. */
  functionName: string;
  /** Normalized SQL of the reported statement, for stable fingerprints. */
  sql: string;
}

/** Per-rule options the checks understand (the ESLint rules' and the CLI's options). */
export interface CheckOptions {
  /** Columns that identify a row besides `id` and `*_id` (equality on them is not a guard). */
  keyColumns?: readonly string[];
}

export interface RuleMessages {
  readonly [messageId: string]: string;
}
