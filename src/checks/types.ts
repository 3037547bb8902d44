import type { TSESTree } from '@typescript-eslint/types';
import type * as CheckThenAct from './no-check-then-act.js';
import type * as DecoupledInsert from './no-decoupled-insert.js';
import type * as IgnoredRowcount from './no-ignored-rowcount.js';
import type * as LockOutsideTransaction from './no-lock-outside-transaction.js';
import type * as LostUpdate from './no-lost-update.js';
import type * as TransactionOnPool from './no-transaction-on-pool.js';

export const RULE_IDS = [
  'no-check-then-act',
  'no-decoupled-insert',
  'no-ignored-rowcount',
  'no-lost-update',
  'no-transaction-on-pool',
  'no-lock-outside-transaction',
] as const;

export type RuleId = (typeof RULE_IDS)[number];

/** Each rule's message ids, as its check declares them: a finding can only carry one of its own rule's. */
export interface MessageIds {
  'no-check-then-act': CheckThenAct.MessageId;
  'no-decoupled-insert': DecoupledInsert.MessageId;
  'no-ignored-rowcount': IgnoredRowcount.MessageId;
  'no-lost-update': LostUpdate.MessageId;
  'no-transaction-on-pool': TransactionOnPool.MessageId;
  'no-lock-outside-transaction': LockOutsideTransaction.MessageId;
}

export interface TextEdit {
  range: [number, number];
  text: string;
}

export interface Suggestion<M extends string = string> {
  messageId: M;
  data: Record<string, string>;
  edits: TextEdit[];
}

/** A place a finding points to besides the reported node: the check, the act. */
export interface RelatedLocation {
  label: 'read' | 'check' | 'write' | 'begin' | 'lock';
  node: TSESTree.Node;
}

/** What a check of rule `R` says: everything a front end needs to report it. */
interface RuleFinding<R extends RuleId> {
  ruleId: R;
  messageId: MessageIds[R];
  data: Record<string, string>;
  /** The node to report (a query site). */
  node: TSESTree.Node;
  related: RelatedLocation[];
  suggestions: Suggestion<MessageIds[R]>[];
  /** Name of the enclosing function (or `<module>`), for stable fingerprints. */
  functionName: string;
  /** Normalized SQL of the reported statement, for stable fingerprints. */
  sql: string;
}

/** A finding of one of the rules `R` (of any rule by default), its message id of that rule's. */
export type Finding<R extends RuleId = RuleId> = { [K in R]: RuleFinding<K> }[R];

/** Per-rule options the checks understand (the ESLint rules' and the CLI's options). */
export interface CheckOptions {
  /** Columns that identify a row besides `id` and `*_id` (equality on them is not a guard). */
  keyColumns?: readonly string[];
  /**
   * Check the functions that run once too: data migrations named for one, start-up code, and what only
   * they call (src/flow/runs-once.ts). Left out by default, with one-shot files.
   */
  includeOneShot?: boolean;
}

export interface RuleMessages {
  readonly [messageId: string]: string;
}
