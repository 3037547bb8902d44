/** The registry of checks: one pure function per rule, its messages and its description. */
import * as checkThenAct from './no-check-then-act.js';
import * as decoupledInsert from './no-decoupled-insert.js';
import * as ignoredRowcount from './no-ignored-rowcount.js';
import * as lockOutsideTransaction from './no-lock-outside-transaction.js';
import * as lostUpdate from './no-lost-update.js';
import * as transactionOnPool from './no-transaction-on-pool.js';
import type { CheckInput } from './shared.js';
import type { Finding, MessageIds, RuleId } from './types.js';

export interface CheckDefinition<R extends RuleId> {
  check: (input: CheckInput) => Finding<R>[];
  messages: Readonly<Record<MessageIds[R], string>>;
  description: string;
}

export const CHECKS: { readonly [R in RuleId]: CheckDefinition<R> } = {
  'no-check-then-act': { check: checkThenAct.noCheckThenAct, messages: checkThenAct.messages, description: checkThenAct.description },
  'no-decoupled-insert': {
    check: decoupledInsert.noDecoupledInsert,
    messages: decoupledInsert.messages,
    description: decoupledInsert.description,
  },
  'no-ignored-rowcount': {
    check: ignoredRowcount.noIgnoredRowcount,
    messages: ignoredRowcount.messages,
    description: ignoredRowcount.description,
  },
  'no-lost-update': { check: lostUpdate.noLostUpdate, messages: lostUpdate.messages, description: lostUpdate.description },
  'no-transaction-on-pool': {
    check: transactionOnPool.noTransactionOnPool,
    messages: transactionOnPool.messages,
    description: transactionOnPool.description,
  },
  'no-lock-outside-transaction': {
    check: lockOutsideTransaction.noLockOutsideTransaction,
    messages: lockOutsideTransaction.messages,
    description: lockOutsideTransaction.description,
  },
};

/** The text of one of a rule's messages, its placeholders filled. */
export function ruleMessage<R extends RuleId>(ruleId: R, messageId: MessageIds[R], data: Readonly<Record<string, string>>): string {
  const messages: Readonly<Record<MessageIds[R], string>> = CHECKS[ruleId].messages;
  return formatMessage(messages[messageId], data);
}

/** Fill a message's `{{placeholders}}`. */
export function formatMessage(template: string, data: Readonly<Record<string, string>>): string {
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, key: string) => data[key] ?? whole);
}
