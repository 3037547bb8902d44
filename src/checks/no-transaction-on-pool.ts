import type { TSESTree } from '@typescript-eslint/types';
import type { Resolver } from '../extract/scope.js';
import type { TransactionScope } from '../extract/types.js';
import type { Step, Unit } from '../flow/index.js';
import { dependsOn } from '../flow/results.js';
import { coveringKey, findTable, type Schema } from '../schema/index.js';
import { columnName } from '../sql/keys.js';
import { propertyName } from '../extract/ast.js';
import { line, type CheckInput, findingAt } from './shared.js';
import type { Finding, RuleMessages } from './types.js';

export const messages = {
  transactionOnPool:
    '`{{statement}}` is sent through the pool `{{pool}}`: every pool query may run on a different connection, so the statements after it are not in this transaction. Take one client (`const client = await {{pool}}.connect()`), run BEGIN, the statements and COMMIT on it, and release it in `finally`.',
  transactionOnPoolApi:
    '`{{statement}}` is sent through `{{pool}}`, which runs each query on any of its connections, so the statements after it are not in this transaction. Use {{api}}.',
  queryOutsideTransaction:
    'This query runs on `{{connection}}`, not on the transaction `{{transaction}}` opened on line {{beginLine}}: it is not part of that transaction and does not see its uncommitted changes. Send it through `{{transaction}}`.',
} as const satisfies RuleMessages;

export type MessageId = keyof typeof messages;

export const description = 'Disallow starting a transaction through a connection pool, and pool queries inside a transaction callback';

export function noTransactionOnPool({ units, schema, resolver }: CheckInput): Finding<'no-transaction-on-pool'>[] {
  const findings: Finding<'no-transaction-on-pool'>[] = [];
  for (const unit of units) {
    for (const step of unit.steps) {
      const scope = step.outsideEnclosingTransaction;
      if (
        scope &&
        step.connection.kind === 'pool' &&
        step.statementIndex === 0 &&
        scope.connectionParam?.type === 'Identifier' &&
        escapesTransaction(unit, step, scope, schema, resolver)
      ) {
        findings.push(
          findingAt(
            unit,
            step,
            'no-transaction-on-pool',
            'queryOutsideTransaction',
            { connection: step.connection.name, transaction: scope.connectionParam.name, beginLine: line(scope.node) },
            [{ label: 'begin', node: scope.node }],
          ),
        );
      }
      if (
        step.connection.kind !== 'pool' ||
        step.facts.transaction?.action !== 'begin' ||
        (step.site.derived && step.site.connection === null)
      )
        continue;
      // `BEGIN; ...; COMMIT` in one call runs on one connection: that is a transaction.
      const sameCall = unit.steps.filter((s) => s.site === step.site && s.index > step.index);
      if (sameCall.some((s) => s.facts.transaction?.action === 'commit' || s.facts.transaction?.action === 'rollback')) continue;
      const statement = step.facts.text.trim().split(/\s+/).slice(0, 4).join(' ');
      const api = step.site.transactionHint;
      findings.push(
        findingAt(
          unit,
          step,
          'no-transaction-on-pool',
          api === undefined ? 'transactionOnPool' : 'transactionOnPoolApi',
          api === undefined ? { statement, pool: step.connection.name } : { statement, pool: step.connection.name, api },
        ),
      );
    }
  }
  return findings;
}

/**
 * What the pool query misses by running outside the transaction: a write (not undone on rollback, not
 * atomic with the rest), a locking read (its lock is not the transaction's, and may wait on it; when it
 * runs outside any transaction, no-lock-outside-transaction reports it instead), or a
 * read of a table the transaction wrote before it (it does not see those changes). A plain read of
 * rows the transaction has not touched sees what it would see inside (under READ COMMITTED).
 */
function escapesTransaction(unit: Unit, step: Step, scope: TransactionScope, schema: Schema, resolver: Resolver): boolean {
  const { facts } = step;
  // A row lock sent outside any transaction is no-lock-outside-transaction's finding, with its fix: one act, one finding.
  if (
    facts.kind === 'select' &&
    facts.lock !== null &&
    step.transaction.state === 'none' &&
    !(step.site.derived && step.site.connection === null)
  )
    return false;
  if (detached(step)) return false;
  if (facts.kind !== 'select' || facts.lock !== null || facts.advisoryLock !== null) return true;
  if (facts.tablesRead.length === 0) return true;
  if (readsBesideTransactionGiven(unit, step, scope)) return false;
  const written = unit.steps.filter(
    (s) => s.index < step.index && s.transaction.scope === scope && s.facts.tablesWritten.some((t) => facts.tablesRead.includes(t)),
  );
  return written.length > 0 && !looksUpOtherRows(step, written, schema, resolver);
}

/**
 * A statement of a called function whose call the callback drops: `sendEmailNotifications(order);` as a
 * statement of its own, `void notify(order)`, `notify(order).catch(log)`. The callback does not wait for
 * it, so it may run after COMMIT (or ROLLBACK): it is detached from the transaction on purpose, and sent
 * through the transaction it would find it closed. A query the callback itself starts without `await` is
 * still reported: there a missing `await` is as likely as a missing transaction.
 */
function detached(step: Step): boolean {
  if (step.site.derived === undefined || step.site.node.type !== 'CallExpression') return false;
  let node: TSESTree.Node = step.site.node;
  // `notify(order).catch(log)`, `.then(...)`: the chain's promise is dropped in its turn.
  while (
    node.parent?.type === 'MemberExpression' &&
    node.parent.object === node &&
    ['catch', 'then', 'finally'].includes(propertyName(node.parent) ?? '') &&
    node.parent.parent?.type === 'CallExpression' &&
    node.parent.parent.callee === node.parent
  )
    node = node.parent.parent;
  if (node.parent?.type === 'UnaryExpression' && node.parent.operator === 'void') node = node.parent;
  return node.parent?.type === 'ExpressionStatement';
}

/**
 * A plain read a called function makes on a connection of its own, in a call that hands it the
 * transaction (`createDoubleEntry(data, { sequelizeTransaction: transaction })`, whose writes run in it):
 * the function chose to read that outside the transaction it was given (a vendor row by its slug, a
 * currency rate), and the caller has sent it what it could. Whether that read should see the
 * transaction's changes is the function's own question; its writes outside it are still reported.
 */
function readsBesideTransactionGiven(unit: Unit, step: Step, scope: TransactionScope): boolean {
  if (step.site.derived?.ownConnection !== true) return false;
  return unit.steps.some(
    (s) =>
      s.site.node === step.site.node &&
      s.site.connection !== null &&
      s.transaction.scope === scope &&
      s.outsideEnclosingTransaction === null &&
      s.connection.kind !== 'pool',
  );
}

/**
 * The read looks a row up by its table's primary key, with a value none of the transaction's earlier
 * writes of that table returned, and those writes are INSERTs that leave the key to the database: a
 * row they added has a key only their results hold, so the read is not after one of them, and sees
 * outside the transaction what it would see inside (`Expense.create(..., { transaction })`, then
 * `Expense.findByPk(idFromTheUploadUrl)`).
 */
function looksUpOtherRows(step: Step, written: readonly Step[], schema: Schema, resolver: Resolver): boolean {
  const table = step.facts.tablesRead.length === 1 ? step.facts.tablesRead[0]! : null;
  const primary = table === null ? undefined : findTable(schema, table)?.primaryKey?.columns.map(columnName);
  if (table === null || primary === undefined) return false;
  const equal = step.facts.where.filter((p) => p.operator === '=' && p.column !== null).map((p) => p.column!);
  if (coveringKey(schema, table, equal)?.kind !== 'primary key') return false;
  const values = lookupValues(step);
  return written.every(
    (w) =>
      w.facts.kind === 'insert' &&
      w.facts.cteWrites.length === 0 &&
      w.facts.insertColumns !== null &&
      !w.facts.insertColumns.some((c) => primary.includes(columnName(c))) &&
      !values.some((v) => dependsOn(v, w.result, resolver)),
  );
}

/** What the read's key may come from: its parameters and whatever its call is given (all of it, for a called function that runs the read). */
function lookupValues(step: Step): TSESTree.Node[] {
  const { node } = step.site;
  const given = node.type === 'CallExpression' ? node.arguments : [node];
  return [...step.site.sql.params.filter((p): p is NonNullable<typeof p> => p !== null), ...given];
}
