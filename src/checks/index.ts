/** The registry of checks: one pure function per rule, its messages and its description. */
import * as checkThenAct from './no-check-then-act.js';
import * as decoupledInsert from './no-decoupled-insert.js';
import * as ignoredRowcount from './no-ignored-rowcount.js';
import * as lockOutsideTransaction from './no-lock-outside-transaction.js';
import * as lostUpdate from './no-lost-update.js';
import * as transactionOnPool from './no-transaction-on-pool.js';
import type { CheckInput } from './shared.js';
import type { Finding, RuleId, RuleMessages } from './types.js';

export interface CheckDefinition {
  check: (input: CheckInput) => Finding[];
  messages: RuleMessages;
  description: string;
}

export const CHECKS: Record<RuleId, CheckDefinition> = {
  'no-check-then-act': { check: checkThenAct.noCheckThenAct, messages: checkThenAct.messages, description: checkThenAct.description },
  'no-decoupled-insert': { check: decoupledInsert.noDecoupledInsert, messages: decoupledInsert.messages, description: decoupledInsert.description },
  'no-ignored-rowcount': { check: ignoredRowcount.noIgnoredRowcount, messages: ignoredRowcount.messages, description: ignoredRowcount.description },
  'no-lost-update': { check: lostUpdate.noLostUpdate, messages: lostUpdate.messages, description: lostUpdate.description },
  'no-transaction-on-pool': { check: transactionOnPool.noTransactionOnPool, messages: transactionOnPool.messages, description: transactionOnPool.description },
  'no-lock-outside-transaction': {
    check: lockOutsideTransaction.noLockOutsideTransaction,
    messages: lockOutsideTransaction.messages,
    description: lockOutsideTransaction.description,
  },
};

/** Fill a message's `{{placeholders}}`. */
export function formatMessage(template: string, data: Readonly<Record<string, string>>): string {
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, key: string) => data[key] ?? whole);
}

export type { CheckInput } from './shared.js';
export { RULE_IDS, type Finding, type RuleId, type CheckOptions } from './types.js';
