import type { TSESTree } from '@typescript-eslint/types';
import type { Step, Unit, ValueTest } from '../flow/index.js';
import type { Assignment, Predicate, SqlDialect } from '../sql/facts.js';
import { setsRecount } from '../flow/recounts.js';
import { tokenize } from '../sql/tokenize.js';
import {
  branchLeaves,
  contains,
  inExclusiveBranches,
  isFunction,
  LEAVES_FUNCTION,
  LEAVES_TURN,
  logicalParts,
  loopBrokenOutOf,
  propertyName,
  unwrap,
  someNode,
  walk,
} from '../extract/ast.js';
import { isEnumMember } from '../extract/kit.js';
import { acknowledgesOnly, answersAlike, refuses } from './same-answer.js';
import { lostWrite } from './no-lost-update.js';
import { dialectAdvice, sqliteTransaction } from './advice.js';
import { boundedDecrement, handledDuplicate, insertKey, insertsOutsideLookedUpKey, lookedUp, uniqueOn } from './schema-facts.js';
import { columnValues, coveringKey, coveringKeys, tableDatabase, type Schema } from '../schema/index.js';
import { guardsOf, isWrite, type SubqueryClaim } from '../sql/facts.js';
import { dependsOn } from '../flow/results.js';
import { callsOutside, sameWhenRepeated } from '../flow/outside-calls.js';
import { columnName, isKeyColumn, isStateColumn } from '../sql/keys.js';
import {
  stepLine,
  claimGuards,
  controls,
  countChecked,
  seesResult,
  groupActs,
  isHarmlessWrite,
  guardsOn,
  guardText,
  isRead,
  kindOn,
  laterWrites,
  line,
  lines,
  linesOf,
  readProtection,
  onSqlite,
  ownKey,
  isResponseCall,
  auditsOnly,
  retestsReadValue,
  sharedTable,
  type CheckInput,
  findingAt,
} from './shared.js';
import type { Finding, RelatedLocation, RuleMessages, Suggestion } from './types.js';
import { testsAnotherRow, writesAnotherRow } from './other-rows.js';
import { deleteUnderCeiling, demandsMinimumCount } from './minimum-counts.js';
import { compensates } from '../flow/compensation.js';
import { aimedAtCreatedRows, insertsUnderCreatedKey } from '../flow/created-rows.js';
import { insertsPerRowFound } from '../flow/rows-made-of.js';
import { argumentValue } from '../flow/row-keys.js';

export const messages = {
  checkThenAct:
    '`{{table}}` is read on {{readLines}} without a lock, tested on {{checkLines}}, and written on {{writeLines}}: a concurrent request can change it in between. Lock the rows (`SELECT ... FOR UPDATE` inside the transaction) or make the write conditional (`UPDATE ... WHERE <the tested condition>`) and check {{countHint}}.',
  checkThenActModel:
    '`{{table}}` is read on {{readLines}} without a lock, tested on {{checkLines}}{{tested}}, and written on {{writeLines}}: a concurrent request can change it in between. {{fix}}.',
  checkThenInsertModel:
    'The check of `{{table}}` on {{readLines}} (tested on {{checkLines}}) does not stop a concurrent request from creating the same row before the create on {{writeLines}}: both see nothing and both create. {{fix}}.',
  checkThenInsert:
    'The check of `{{table}}` on {{readLines}} (tested on {{checkLines}}) does not stop a concurrent request from inserting the same row before the INSERT on {{writeLines}}: both see nothing and both insert. Enforce it with a unique constraint and {{upsert}}, or run the transaction as SERIALIZABLE and retry on {{serializationFailure}}.',
  checkThenActBounded:
    '`{{table}}` is read on {{readLines}} without a lock, tested on {{checkLines}}, and written on {{writeLines}}: a concurrent request can change it in between. `CHECK ({{check}})` makes the losing UPDATE fail ({{checkViolation}}) instead of taking `{{column}}` past its bound, so the race surfaces as an error: make the write conditional (`UPDATE ... WHERE <the tested condition>`) and check {{countHint}}, or lock the rows (`SELECT ... FOR UPDATE` inside the transaction).',
  checkThenSetUnique:
    'The check on line {{readLine}} that no other `{{table}}` row has this `{{column}}` (tested on line {{checkLine}}) does not stop a concurrent request from setting the same value before the UPDATE on line {{writeLine}}: both see none and both write it. Enforce it with a unique constraint on `{{column}}` and handle the violation ({{duplicateError}}), or run the transaction as SERIALIZABLE and retry on {{serializationFailure}}.',
  claimBySubquery:
    "The UPDATE of `{{table}}` picks its row by `{{guard}}` in {{picker}} without locking it, and does not re-test it: under READ COMMITTED two concurrent callers pick the same row and both take it. Add `FOR UPDATE SKIP LOCKED` to {{picker}}, or repeat `{{guard}}` in the UPDATE's WHERE and check {{countHint}}.",
  addForUpdate: 'Lock the rows read until the transaction ends: append `FOR UPDATE`.',
} as const satisfies RuleMessages;

export type MessageId = keyof typeof messages;

export const description = 'Disallow reading a row, testing it in JavaScript, then writing it without a lock';

export function noCheckThenAct({ units, resolver, options, schema }: CheckInput): Finding<'no-check-then-act'>[] {
  const findings: Finding<'no-check-then-act'>[] = [];
  for (const unit of units) {
    for (const step of unit.steps) {
      const claim = step.site.derived ? null : unlockedSubqueryClaim(step, schema);
      if (claim)
        findings.push(
          findingAt(unit, step, 'no-check-then-act', 'claimBySubquery', {
            table: claim.table,
            guard: guardText(claim.guards),
            picker: claim.cte !== null ? `the CTE \`${claim.cte}\`` : 'the subquery',
            countHint: step.site.countHint,
          }),
        );
    }
    const pairs: Pair[] = [];
    // What depends on one step alone, asked once per step rather than once per read and write.
    const onCreatedRows = memo((step: Step) => aimedAtCreatedRows(unit, step, resolver));
    const compensating = memo((step: Step) => compensates(unit, step));
    for (const read of unit.steps) {
      if (!isRead(read) || read.result.tests.length === 0) continue;
      const lookedUpBy = equalityColumns(read);
      for (const write of laterWrites(unit, read)) {
        const table = sharedTable(read, write);
        if (
          table === null ||
          write.site === read.site ||
          protects(readProtection(read, write, false, schema), unit, read, write, table, resolver)
        )
          continue;
        if (lockedBefore(unit, read, write, table, resolver)) continue;
        // The rows read or written belong to a row this transaction created: nobody else can see them yet.
        if (
          (sameConnection(read, write) && onCreatedRows(read)) ||
          onCreatedRows(write) ||
          insertsUnderCreatedKey(unit, write, lookedUpBy, resolver)
        )
          continue;
        const unique = uniqueColumnSet(read, write, table, resolver);
        const uniqueTest = unique === null ? undefined : read.result.tests.find((t) => seesResult(read, t) && controls(t, write.site.node));
        if (unique !== null && uniqueTest !== undefined && !asksWhetherTaken(read, uniqueTest)) {
          // What the rows hold was tested (a balance summed over a card's transactions) and the write moves
          // rows into that set: a check-then-act on it, not a uniqueness check.
          if (isSafeWrite(read, write, table, resolver, options)) continue;
          const messageId = write.site.model ? 'checkThenActModel' : 'checkThenAct';
          const extra = write.site.model ? modelData(read, write, uniqueTest, messageId, schema) : {};
          pairs.push({ read, write, test: uniqueTest, table, insert: false, messageId, extra });
          continue;
        }
        if (unique !== null) {
          const test = uniqueTest;
          // A unique key on the column makes the second write fail: no two rows hold the value.
          if (!test || write.catchesUniqueViolation || uniqueOn(schema, table, unique, read) !== null) continue;
          const { duplicateError, serializationFailure } = dialectAdvice(write.site);
          findings.push(
            findingAt(
              unit,
              read,
              'no-check-then-act',
              'checkThenSetUnique',
              {
                table,
                column: unique,
                readLine: stepLine(read),
                checkLine: line(test),
                writeLine: stepLine(write),
                duplicateError,
                serializationFailure,
              },
              [
                { label: 'check', node: test },
                { label: 'write', node: write.site.node },
              ],
            ),
          );
          break;
        }
        if (isSafeWrite(read, write, table, resolver, options)) continue;
        // The row written is one this function created after the read: not the row the read tested.
        if (aimsAtRowCreated(unit, read, write, table, resolver)) continue;
        // A called function writes a row it found from other values than the row read (src/flow/row-keys.ts).
        if (kindOn(write, table) !== 'insert' && writesAnotherRow(unit, read, write, resolver)) continue;
        // The write names its row by a key the code made sure differs from the one the read found it by.
        if (kindOn(write, table) !== 'insert' && aimedAtRowTestedOther(read, write, resolver)) continue;
        // Undoing an earlier write in a `catch` that throws again: that earlier write is the act.
        if (compensating(write)) continue;
        const insert = kindOn(write, table) === 'insert';
        // What the UPDATE stores is a recount made after the read (a total summed again from the rows):
        // whatever the test saw, and whoever else wrote, it writes what the rows hold when it runs.
        if (!insert && setsRecount(unit, write, resolver, read)) continue;
        // A library that rejects an empty result (slonik `one`) tests it at the call: that decides a write consuming the state the read's WHERE tested.
        // `if (count >= limit) throw`, then a DELETE: it only lowers the count (see src/checks/minimum-counts.ts).
        const test = decidingTests(read, write, table, { options, resolver, unit, units, schema }).find(
          (t) =>
            (seesResult(read, t) || (t === read.site.node && !insert)) &&
            controls(t, write.site.node) &&
            !deleteUnderCeiling(read, t, write, table, resolver) &&
            // Both ways the test goes, the same write runs with the same values: it decides nothing about it.
            !writtenEitherWay(unit, read, write, t, resolver) &&
            // It leaves on no rows, before a loop over them that makes the write: with no row, that loop writes nothing either.
            !skipsEmptyLoop(unit, read, write, t, resolver) &&
            // `for (let i = 0; i < rows.length; i++)` walks the rows as `for (const row of rows)` does: no test of them.
            !(t.type === 'ForStatement' && countsUpTo(t, (node) => constRowList(node, read, resolver) !== null)),
        );
        if (!test || decidedValueIsLost(read, write, test, resolver)) continue;
        if (convergesOnRowsFound(unit, read, write, table, { options, resolver, units, schema })) continue;
        if (claimedBetween(unit, read, write, test, options, schema) || claimedByKey(unit, read, write, test, schema, resolver)) continue;
        // The row the read pointed at is moved off its key first: a second request's UPDATE finds none and stops.
        if (claimedByMovingKey(unit, read, write, test, schema, resolver)) continue;
        if (recheckedUnderLock(unit, read, write, table, schema, resolver) || claimedUnderLock(unit, read, write, test, table, schema))
          continue;
        // The rows written are picked again under a row lock, by the condition tested: see `pickedUnderLock`.
        if (pickedUnderLock(unit, read, write, test, table, schema, resolver)) continue;
        if (
          isMonotonicFlag(unit, read, write, test) ||
          // A count reset only while there is something to reset, which is all a concurrent writer can have reset too.
          resetsWhatWasTested(unit, read, write, test, table, units, resolver) ||
          isSetOnce(unit, read, write, test) ||
          stampsWhatWasUnset(unit, read, write, test, resolver) ||
          clearsOnce(unit, read, write, test) ||
          clearedOnOutsideAnswer(read, write, test, table, resolver) ||
          skipsNoOpWrite(unit, read, write, test, resolver, schema) ||
          // Skipping a constant already stored: two requests that both pass write the same state.
          skipsSameConstant(unit, read, write, test) ||
          // A column of two values tested for one and set to the other: whoever else moved it, moved it there.
          takesTheOtherValue(unit, read, write, test, table, schema) ||
          // Deletes and constant writes of a two-valued state, nothing else run, nobody told apart: done twice, done once.
          idempotentAct(unit, read, write, test, table, { options, schema, resolver })
        )
          continue;
        // A key on the values looked up makes the duplicate fail: no second row. The loser gets a
        // duplicate-key error, handled or not; that is an error page, not a race, so it is not reported.
        if (insert && insertKey(read, write, table, schema) !== null) continue;
        // A number counted in the check's snapshot under a key: two requests that both pass write one number.
        if (insert && numberedByCount(unit, read, write, table, schema, resolver)) continue;
        // A key computed from the values looked up (a buffer filled with them): the duplicate fails on it too.
        if (insert && keyedByLookup(read, write, table, schema, resolver)) continue;
        if (insert && handledDuplicate(read, write, table, schema)) continue;
        // A row found does not stop the create, and a key on what it sets refuses and answers the duplicate.
        if (insert && keyedWhetherFound(read, write, table, schema)) continue;
        // The read names no row and JavaScript searched what it loaded: a key the INSERT sets whole refuses the duplicate, and the failure is answered.
        if (insert && keyedAndAnsweredAfterScan(unit, read, write, table, schema, resolver)) continue;
        if (insert && (looksUpAnotherRow(read, write, table) || insertsOutsideLookedUpKey(read, write, table, schema))) continue;
        const bounded = insert ? null : boundedDecrement(write, table, schema);
        const plain = insert ? 'checkThenInsert' : bounded !== null ? 'checkThenActBounded' : 'checkThenAct';
        // A model call has no SQL to quote: its site says the fix in the library's API.
        const words = write.site.model;
        const messageId =
          words && plain === 'checkThenAct' ? 'checkThenActModel' : words && plain === 'checkThenInsert' ? 'checkThenInsertModel' : plain;
        const advice = dialectAdvice(write.site);
        pairs.push({
          read,
          write,
          test,
          table,
          insert,
          messageId,
          extra: {
            ...(words ? modelData(read, write, test, messageId, schema) : {}),
            ...(insert ? { upsert: advice.upsert, serializationFailure: advice.serializationFailure } : {}),
            ...(bounded !== null ? { check: bounded.check.text, column: bounded.column, checkViolation: advice.checkViolation } : {}),
          },
        });
      }
    }
    // Several reads feeding one write, or one read feeding several writes: one finding per act.
    for (const act of groupActs(pairs)) {
      const first = act.pairs[0];
      if (!first) continue;
      const read = act.reads[0]!;
      const tests = [...new Set(act.pairs.map((p) => p.test))].sort((a, b) => a.range[0] - b.range[0]);
      const related: RelatedLocation[] = [
        ...act.reads.slice(1).map((r) => ({ label: 'read' as const, node: r.site.node })),
        ...tests.map((node) => ({ label: 'check' as const, node })),
        ...act.writes.map((w) => ({ label: 'write' as const, node: w.site.node })),
      ];
      findings.push(
        findingAt(
          unit,
          read,
          'no-check-then-act',
          first.messageId,
          {
            table: first.table,
            readLines: lines(act.reads),
            checkLines: linesOf(tests),
            writeLines: lines(act.writes),
            countHint: act.writes[0]!.site.countHint,
            ...first.extra,
          },
          related,
          first.insert ? [] : forUpdateSuggestion(read),
        ),
      );
    }
  }
  return findings;
}

/**
 * A row lock does not stop an INSERT into the table it read on PostgreSQL: `FOR UPDATE` locks the rows
 * that exist, and a new row is a phantom no lock covers (a row looked for and missing locks nothing;
 * under READ COMMITTED a statement waiting on a lock still does not see rows inserted meanwhile).
 * MySQL's InnoDB takes gap locks under REPEATABLE READ, which do. Locking a parent row (another table)
 * first in the same transaction is the fix that holds, and counts.
 */
function protects(
  protection: string | null,
  unit: Unit,
  read: Step,
  write: Step,
  table: string,
  resolver: CheckInput['resolver'],
): boolean {
  const insert = kindOn(write, table) === 'insert' && read.site.sql.dialect === 'postgres';
  // A plain read after that lock, in the transaction of the INSERT: a second request waits at the lock
  // until the first commits, and its read (a new snapshot under READ COMMITTED) then sees the row added.
  if (protection === null)
    return (
      insert &&
      read.facts.lock === null &&
      (read.transaction.isolation === null || read.transaction.isolation === 'read committed') &&
      sameTransaction(read, write) &&
      lockedFirst(unit, read, write, table, resolver)
    );
  if (protection !== 'row lock' || !insert) return true;
  return lockedFirst(unit, read, write, table, resolver);
}

/**
 * A row of another table locked earlier in the same transaction (the customer's account, the concert)
 * serializes the requests that would insert: the fix that holds.
 */
function lockedFirst(unit: Unit, read: Step, write: Step, table: string, resolver: CheckInput['resolver']): boolean {
  return unit.steps.some(
    (s) =>
      s.index < read.index &&
      s.facts.lock !== null &&
      s.transaction.state === 'open' &&
      sameConnection(s, read) &&
      !s.facts.tablesRead.includes(table) &&
      // A lock taken only on some paths (`if (anchored) { ... FOR UPDATE }`) serializes only those.
      runsWhenever(s.site.node, write.site.node, resolver),
  );
}

/**
 * An earlier statement of the same transaction took a row lock that serializes the requests racing
 * here, and it runs whenever the write does:
 * - the lock of the rows read (the same table, the same key columns compared to the same values:
 *   `findOne({ where: { id }, lock: t.LOCK.UPDATE, transaction: t })`, then `findByPk(id, { transaction:
 *   t })` loads what to test): the fix, taken one statement early. Not for an INSERT, which a lock on the
 *   rows that exist does not stop (see `protects`);
 * - the lock of a parent row, a row of another table locked by a key value the read looks its rows up
 *   by (`SELECT ... FROM doctors WHERE doctor = $1 FOR UPDATE`, then `SELECT ... FROM bookings WHERE
 *   doctor = $1 AND starts_at = $2`): every request for those rows queues on the parent first, INSERTs
 *   included, and reads them once the one before committed. Under READ COMMITTED only: a REPEATABLE
 *   READ read keeps the snapshot taken before the wait. A lock of another row (the order, while the
 *   lookup is by payment method) serializes only the requests for that row, and does not count here
 *   (`protects` takes any such lock for an INSERT).
 */
function lockedBefore(unit: Unit, read: Step, write: Step, table: string, resolver: CheckInput['resolver']): boolean {
  if (read.transaction.state === 'none') return false;
  const keys = read.facts.where.filter((p) => p.isKey && p.operator === '=' && p.column !== null);
  if (keys.length === 0) return false;
  const insert = kindOn(write, table) === 'insert';
  const readCommitted = read.transaction.isolation === null || read.transaction.isolation === 'read committed';
  return unit.steps.some(
    (lock) =>
      lock.index < read.index &&
      lock.facts.lock !== null &&
      lock.facts.kind === 'select' &&
      sameConnection(read, lock) &&
      sameConnection(write, lock) &&
      (lock.facts.tablesRead.includes(table)
        ? !insert && lock.facts.tablesRead.length === 1 && sameRowsLooked(lock, read, keys, resolver)
        : readCommitted && lockedByValueLooked(lock, read, keys, resolver)) &&
      runsWhenever(lock.site.node, write.site.node, resolver),
  );
}

/** A key conjunct of `lock` compares to a value that one of the read's `keys` compares to too. */
function lockedByValueLooked(lock: Step, read: Step, keys: readonly Predicate[], resolver: CheckInput['resolver']): boolean {
  return lock.facts.where.some(
    (p) => p.isKey && p.operator === '=' && keys.some((k) => sameValue(paramOf(lock, p.params[0]), paramOf(read, k.params[0]), resolver)),
  );
}

/** `lock` looks rows up by exactly the key conjuncts `keys` of `read`, each compared to the same value. */
function sameRowsLooked(lock: Step, read: Step, keys: readonly Predicate[], resolver: CheckInput['resolver']): boolean {
  const own = lock.facts.where.filter((p) => p.isKey && p.operator === '=' && p.column !== null);
  return (
    own.length === keys.length &&
    own.every((p) => keys.some((k) => k.column === p.column && sameValue(paramOf(lock, p.params[0]), paramOf(read, k.params[0]), resolver)))
  );
}

/**
 * `node` runs whenever `other` (after it) does: between `node` and the statement that holds both there
 * are only blocks and expressions that hold a call, or an `if` whose condition, a constant, also lets
 * `other` run on the same branch (`if (anchored) { lock }` ... `if (anchored) { write }`).
 */
function runsWhenever(node: TSESTree.Node, other: TSESTree.Node, resolver: CheckInput['resolver']): boolean {
  return alwaysWith(node, other, (parent, child) => {
    if (parent.type !== 'IfStatement' || child === parent.test) return false;
    const branch = child === parent.consequent ? 'consequent' : 'alternate';
    for (let up = other.parent, below: TSESTree.Node = other; up && !contains(up, node); below = up, up = up.parent)
      if (up.type === 'IfStatement' && up[branch] === below && sameCondition(up.test, parent.test, resolver)) return true;
    return false;
  });
}

/**
 * Two conditions written alike over variables never assigned again (`anchored`, `!options.dryRun`): they
 * hold alike wherever both run.
 */
function sameCondition(a: TSESTree.Node, b: TSESTree.Node, resolver: CheckInput['resolver']): boolean {
  if (a.type === 'UnaryExpression' && b.type === 'UnaryExpression')
    return a.operator === b.operator && sameCondition(a.argument, b.argument, resolver);
  if (a.type === 'MemberExpression' && b.type === 'MemberExpression')
    return !a.computed && !b.computed && propertyName(a) === propertyName(b) && sameCondition(a.object, b.object, resolver);
  if (a.type === 'Identifier' && b.type === 'Identifier') {
    const variable = resolver.variable(a);
    if (variable === null || variable !== resolver.variable(b)) return false;
    const kind = resolver.definition(a)?.kind;
    return (kind === 'variable' || kind === 'parameter') && variable.references.every((r) => !assigns(r.identifier));
  }
  return false;
}

/** The reference writes its variable: `x = ...`, `x += ...`, `x++`, a destructuring target. */
function assigns(id: TSESTree.Node): boolean {
  const parent = id.parent;
  if (parent?.type === 'AssignmentExpression') return parent.left === id;
  if (parent?.type === 'UpdateExpression') return true;
  return parent?.type === 'ArrayPattern' || (parent?.type === 'Property' && parent.parent?.type === 'ObjectPattern');
}

interface Pair {
  read: Step;
  write: Step;
  test: TSESTree.Node;
  table: string;
  insert: boolean;
  messageId: 'checkThenAct' | 'checkThenActModel' | 'checkThenInsert' | 'checkThenInsertModel' | 'checkThenActBounded';
  extra: Record<string, string>;
}

/**
 * A model call's words: the model as written (`prisma.product`), the field the test read
 * (`product.stock`), and the fix in the library's API, as the sites carry them.
 */
function modelData(read: Step, write: Step, test: TSESTree.Node, messageId: MessageId, schema: Schema): Record<string, string> {
  const words = write.site.model!;
  const reader = read.site.model;
  const columns = read.result.valueTests.find((t) => t.node === test)?.columns ?? [];
  const field = columns.find((c) => !/^\d+$/.test(c));
  const lock =
    onSqlite(read, schema) && onSqlite(write, schema)
      ? sqliteTransaction(write.site)
      : (reader?.lock ?? 'lock the rows (`SELECT ... FOR UPDATE` inside the transaction)');
  const fix =
    messageId === 'checkThenInsertModel'
      ? words.createOnce
      : `${capitalize(words.conditional.replace('{atomic}', comparesQuantity(test) && changesTestedColumn(read, write, test) ? words.atomic : ''))}, or ${lock}`;
  return { table: reader?.display ?? words.display, tested: field ? ` (\`${reader?.name ?? words.name}.${field}\`)` : '', fix };
}

/**
 * The test orders a quantity (`stock < qty`, `balance >= amount`), or its shape cannot be told: the
 * conditional write then also needs its change made atomic. A status or presence test (`status !==
 * 'PENDING'`, `!user.verifiedAt`) only needs the condition in the write's WHERE.
 */
function comparesQuantity(test: TSESTree.Node): boolean {
  if (test.type !== 'IfStatement' && test.type !== 'ConditionalExpression' && test.type !== 'WhileStatement') return true;
  let ordered = false;
  walk(test.test, (node) => {
    if (ordered || (node !== test.test && isFunction(node))) return false;
    if (node.type === 'BinaryExpression' && ['<', '<=', '>', '>='].includes(node.operator)) ordered = true;
    return !ordered;
  });
  return ordered;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * The write changes a column the test read by what it holds (`{ decrement: n }`, `Model.decrement(...)`,
 * `stock = stock - $1`), or the columns tested cannot be told: that change is what must be made atomic.
 * A write that sets the tested column to a value of the request (`size: file.size` after `if (file.size >
 * declaredSize) throw`) or sets none of them (`status: 'approved'` after `if (order.total > limit)`) has
 * nothing to make atomic: the tested condition in its WHERE is the whole fix.
 */
function changesTestedColumn(read: Step, write: Step, test: TSESTree.Node): boolean {
  const columns = read.result.valueTests.find((t) => t.node === test)?.columns;
  if (!columns || columns.length === 0) return true;
  return write.facts.set.some((a) => a.shape !== 'value' && columns.some((c) => hasColumn(new Set([columnName(a.column)]), c)));
}

/**
 * The UPDATE or DELETE names its rows by a column equal to a value (`where('did', '=', other.did)`) that
 * a condition the write runs under has found different from the value the read looked its row up by on
 * that column (`if (other && did !== other.did)`, the read `where('did', '=', did)`): every row written
 * holds another value there than every row read, so the write changes none of the rows tested. What the
 * test read of its own row gates the write, as `writesAnotherRow` says of a row found from other values.
 */
function aimedAtRowTestedOther(read: Step, write: Step, resolver: CheckInput['resolver']): boolean {
  const single = (p: Predicate): boolean =>
    p.operator === '=' && p.column !== null && p.params.length === 1 && p.alternatives === undefined;
  const looked = read.facts.where.filter(single);
  if (looked.length === 0) return false;
  return write.facts.where.some((p) => {
    if (!single(p)) return false;
    const aimed = paramOf(write, p.params[0]);
    if (aimed === null) return false;
    return looked.some((f) => {
      if (columnName(f.column!) !== columnName(p.column!)) return false;
      const found = paramOf(read, f.params[0]);
      return found !== null && testedUnequal(write.site.node, found, aimed, resolver);
    });
  });
}

/**
 * `node` runs only where a condition around it holds `a !== b` (or `b != a`): one of the `&&`-joined
 * parts of an `if` whose consequent holds `node`, or of a `&&` whose right side holds it.
 */
function testedUnequal(node: TSESTree.Node, a: TSESTree.Node, b: TSESTree.Node, resolver: CheckInput['resolver']): boolean {
  const unequal = (part: TSESTree.Node): boolean =>
    part.type === 'BinaryExpression' &&
    (part.operator === '!==' || part.operator === '!=') &&
    ((sameValue(part.left, a, resolver) && sameValue(part.right, b, resolver)) ||
      (sameValue(part.left, b, resolver) && sameValue(part.right, a, resolver)));
  for (let child: TSESTree.Node = node, parent = node.parent; parent && !isFunction(child); child = parent, parent = parent.parent) {
    const condition =
      parent.type === 'IfStatement' && parent.consequent === child
        ? parent.test
        : parent.type === 'LogicalExpression' && parent.operator === '&&' && parent.right === child
          ? parent.left
          : null;
    if (condition !== null && logicalParts(condition, '&&').some(unequal)) return true;
  }
  return false;
}

/**
 * The test's two ways both lead to the same write: its branch writes and leaves (`if (!subjects.length)
 * { await this.updateCursor(now.toISOString()); return }`), and the same call, on the same values, runs
 * after the `if` whenever the function goes on past it. No value of either call comes from the row
 * read. Whatever the test finds, the row ends as that write leaves it: the test decides what else runs,
 * not this write.
 */
function writtenEitherWay(unit: Unit, read: Step, write: Step, test: TSESTree.Node, resolver: CheckInput['resolver']): boolean {
  if (test.type !== 'IfStatement' || test.alternate !== null || !branchLeaves(test.consequent, LEAVES_FUNCTION)) return false;
  if (test.parent?.type !== 'BlockStatement' && test.parent?.type !== 'Program') return false;
  // A value of the statement, or anything handed to the function that runs it (which may compute one from it).
  const fromRead = (step: Step): boolean => {
    const call = unwrap(step.site.node);
    const handed = step.site.derived && call.type === 'CallExpression' ? call.arguments : [];
    return [...step.site.sql.params, ...handed].some((v) => v != null && dependsOn(v, read.result, resolver));
  };
  const inBranch = (step: Step): boolean => contains(test.consequent, step.site.node) && alwaysWith(step.site.node, test.consequent);
  const after = (step: Step): boolean => step.site.node.range[0] > test.range[1] && alwaysWith(step.site.node, test);
  const other = inBranch(write) ? after : after(write) ? inBranch : null;
  if (other === null || fromRead(write)) return false;
  return unit.steps.some(
    (twin) =>
      twin.site.node !== write.site.node &&
      isWrite(twin.facts) &&
      other(twin) &&
      !fromRead(twin) &&
      sameExpression(twin.site.node, write.site.node, resolver),
  );
}

/**
 * `if (rows.length === 0) return`, or `rows.length > 0 ? write : []`, and the write runs only inside a
 * loop over those same rows (`for (const row of rows)`, `for (let i = 0; i < rows.length; i++)`,
 * `rows.map(async (row) => ...)`, or over batches sliced from them), the list a `const`, and is aimed at
 * the row the loop is on (`where: { id: row.id }`, `verify(domain.id)`); or it is made by a called
 * function on rows named only by the elements of that list (`bulkUpdate({ ids: rows })`, which updates
 * `where: { id }` for each of `ids`, see `derived.rowsOfArgument`). With no row the write names no row
 * either, so the test lets no write run that would not run without it. Without the test the same writes
 * run on the same rows; what decides them is asked of each row, not by this test. A write after the
 * loop, which runs once whatever the rows, or one in the loop aimed at a row the loop is not on
 * (`pause({ id: fallbackId })`), is still decided by it.
 */
function skipsEmptyLoop(unit: Unit, read: Step, write: Step, test: TSESTree.Node, resolver: CheckInput['resolver']): boolean {
  const shape = emptyListShape(test, write);
  if (shape === null) return false;
  const list = emptyListTested(shape.condition, shape.empty, read, resolver);
  if (list === null) return false;
  const isList = (node: TSESTree.Node): boolean => {
    const inner = unwrap(node);
    return inner.type === 'Identifier' && resolver.variable(inner) === list;
  };
  const listed = write.site.derived?.rowsOfArgument;
  if (listed !== undefined && isList(argumentValue(listed, resolver))) return true;
  const walked = (node: TSESTree.Node): boolean => walksList(node, isList, resolver, 0);
  const values = keyValues(write, resolver);
  if (values === null || !values.every((v) => onElement(v, walked, resolver))) return false;
  for (let node: TSESTree.Node | undefined = write.site.node.parent; node !== undefined && node !== unit.node; node = node.parent) {
    if (node === test || (shape.empty && node.range[0] < test.range[1])) return false;
    if (node.type === 'ForOfStatement' && walked(node.right)) return true;
    if (node.type === 'ForStatement' && countsUpTo(node, isList)) return true;
    if (perElementCallback(node, walked)) return true;
  }
  return false;
}

/**
 * The condition of a test that leaves when it holds, with the write after it (`empty`: it asks for an
 * empty list), or of one whose consequent holds the write (`if (cond) { write }`, `cond ? write : []`:
 * it asks for a list that is not).
 */
function emptyListShape(test: TSESTree.Node, write: Step): { condition: TSESTree.Expression; empty: boolean } | null {
  if (test.type === 'IfStatement' && test.alternate === null && branchLeaves(test.consequent, LEAVES_FUNCTION))
    return contains(test, write.site.node) ? null : { condition: test.test, empty: true };
  if ((test.type === 'IfStatement' || test.type === 'ConditionalExpression') && contains(test.consequent, write.site.node))
    return { condition: test.test, empty: false };
  return null;
}

/** A callback a list's own method calls once per element (`rows.map(async (row) => ...)`), of a list `walked` accepts. */
function perElementCallback(node: TSESTree.Node, walked: (node: TSESTree.Node) => boolean): boolean {
  const call = node.parent;
  return (
    isFunction(node) &&
    call?.type === 'CallExpression' &&
    call.arguments[0] === node &&
    call.callee.type === 'MemberExpression' &&
    walked(call.callee.object) &&
    PER_ROW_METHODS.has(propertyName(call.callee) ?? '')
  );
}

/** The list itself, or a `const` sliced or filtered from it (`const batch = rows.slice(i, i + 10)`). */
function walksList(
  node: TSESTree.Node,
  isList: (node: TSESTree.Node) => boolean,
  resolver: CheckInput['resolver'],
  depth: number,
): boolean {
  const inner = unwrap(node);
  if (isList(inner)) return true;
  if (depth > 5) return false;
  if (
    inner.type === 'CallExpression' &&
    inner.callee.type === 'MemberExpression' &&
    ['slice', 'filter'].includes(propertyName(inner.callee) ?? '')
  )
    return walksList(inner.callee.object, isList, resolver, depth + 1);
  if (inner.type !== 'Identifier') return false;
  const def = resolver.definition(inner);
  return (
    def?.kind === 'variable' &&
    def.declarationKind === 'const' &&
    def.node.type === 'VariableDeclarator' &&
    def.node.id.type === 'Identifier' &&
    def.init != null &&
    walksList(def.init, isList, resolver, depth + 1)
  );
}

/**
 * The values the write names its rows by: those of its WHERE, or, where a called function writes, what
 * the caller passes for the keys it names its rows by (`derived.keyArguments`). Null when one is not told.
 */
function keyValues(write: Step, resolver: CheckInput['resolver']): TSESTree.Node[] | null {
  if (write.site.derived !== undefined) return write.site.derived.keyArguments?.map((a) => argumentValue(a, resolver)) ?? null;
  const values: TSESTree.Node[] = [];
  for (const p of write.facts.where)
    for (const n of p.params) {
      const value = write.site.sql.params[n - 1];
      if (!value) return null;
      values.push(value);
    }
  return values.length > 0 ? values : null;
}

/** `row.id`, `rows[i].id`: a value read off the element a loop over a list `walked` accepts is on (not `rows[0]`). */
function onElement(value: TSESTree.Node, walked: (node: TSESTree.Node) => boolean, resolver: CheckInput['resolver']): boolean {
  let inner = unwrap(value);
  while (inner.type === 'MemberExpression' || inner.type === 'ChainExpression') {
    if (inner.type === 'ChainExpression') inner = unwrap(inner.expression);
    else if (inner.computed) return inner.property.type === 'Identifier' && walked(inner.object);
    else inner = unwrap(inner.object);
  }
  if (inner.type !== 'Identifier') return false;
  const def = resolver.definition(inner);
  if (def?.kind === 'parameter') {
    const fn = def.node;
    return isFunction(fn) && fn.params[0]?.type === 'Identifier' && fn.params[0].name === inner.name && perElementCallback(fn, walked);
  }
  if (def?.kind !== 'variable' || def.node.type !== 'VariableDeclarator' || def.node.init !== null) return false;
  const loop = def.node.parent?.parent;
  return loop?.type === 'ForOfStatement' && walked(loop.right);
}

const PER_ROW_METHODS = new Set(['map', 'forEach', 'flatMap', 'filter', 'some', 'every', 'find', 'findIndex', 'reduce']);

/**
 * The `const` list of rows a condition asks to be empty (`rows.length === 0`, `!rows.length`,
 * `rows.length < 1`), or, with `empty` false, not to be (`rows.length > 0`, `rows.length !== 0`,
 * `rows.length >= 1`, `rows.length`), as the variable it is, or null.
 */
function emptyListTested(condition: TSESTree.Expression, empty: boolean, read: Step, resolver: CheckInput['resolver']) {
  const inner = unwrap(condition);
  const length = (node: TSESTree.Node): TSESTree.Identifier | null => {
    const n = unwrap(node);
    if (n.type !== 'MemberExpression' || n.computed || propertyName(n) !== 'length') return null;
    const object = unwrap(n.object);
    return object.type === 'Identifier' ? object : null;
  };
  const is = (node: TSESTree.Node, n: number): boolean => {
    const v = unwrap(node);
    return v.type === 'Literal' && v.value === n;
  };
  let id: TSESTree.Identifier | null = null;
  if (inner.type === 'UnaryExpression' && inner.operator === '!') id = empty ? length(inner.argument) : null;
  else if (inner.type === 'MemberExpression') id = empty ? null : length(inner);
  else if (inner.type === 'BinaryExpression' && inner.left.type !== 'PrivateIdentifier') {
    const { operator, left, right } = inner;
    const equal = empty ? ['===', '=='] : ['!==', '!='];
    if (equal.includes(operator)) id = (is(right, 0) ? length(left) : null) ?? (is(left, 0) ? length(right) : null);
    else if (empty ? operator === '<' : operator === '>=') id = is(right, 1) ? length(left) : null;
    else if (empty ? operator === '<=' : operator === '>') id = is(right, 0) ? length(left) : null;
  }
  return id === null ? null : constRowList(id, read, resolver);
}

/** The `const` variable holding the rows the read returned (or a list made of them), for an identifier that names it. */
function constRowList(node: TSESTree.Node, read: Step, resolver: CheckInput['resolver']) {
  const id = unwrap(node);
  if (id.type !== 'Identifier' || !read.result.valueNodes.has(id)) return null;
  const def = resolver.definition(id);
  if (def?.kind !== 'variable' || def.declarationKind !== 'const') return null;
  return resolver.variable(id);
}

/** `for (let i = 0; i < rows.length; ...)`: a loop that runs no turn on an empty list. */
function countsUpTo(loop: TSESTree.ForStatement, isList: (node: TSESTree.Node) => boolean): boolean {
  const init = loop.init;
  const declared = init?.type === 'VariableDeclaration' && init.declarations.length === 1 ? init.declarations[0]! : null;
  if (declared?.id.type !== 'Identifier' || declared.init == null) return false;
  const start = unwrap(declared.init);
  if (start.type !== 'Literal' || start.value !== 0) return false;
  const test = loop.test === null ? null : unwrap(loop.test);
  if (test?.type !== 'BinaryExpression' || test.operator !== '<') return false;
  const counter = unwrap(test.left);
  const bound = unwrap(test.right);
  return (
    counter.type === 'Identifier' &&
    counter.name === declared.id.name &&
    bound.type === 'MemberExpression' &&
    !bound.computed &&
    propertyName(bound) === 'length' &&
    isList(bound.object)
  );
}

/** Two expressions written alike: the same variables, properties and literals, and calls of them. */
function sameExpression(a: TSESTree.Node, b: TSESTree.Node, resolver: CheckInput['resolver']): boolean {
  const x = unwrap(a);
  const y = unwrap(b);
  if (x.type === 'ThisExpression' || y.type === 'ThisExpression') return x.type === y.type;
  if (x.type === 'AwaitExpression' && y.type === 'AwaitExpression') return sameExpression(x.argument, y.argument, resolver);
  if (x.type === 'CallExpression' && y.type === 'CallExpression')
    return (
      x.arguments.length === y.arguments.length &&
      sameExpression(x.callee, y.callee, resolver) &&
      x.arguments.every((arg, i) => sameExpression(arg, y.arguments[i]!, resolver))
    );
  if (x.type === 'MemberExpression' && y.type === 'MemberExpression')
    return !x.computed && !y.computed && propertyName(x) === propertyName(y) && sameExpression(x.object, y.object, resolver);
  if (x.type === 'ArrayExpression' && y.type === 'ArrayExpression')
    return x.elements.length === y.elements.length && x.elements.every((e, i) => sameElement(e, y.elements[i]!, resolver));
  if (x.type === 'ObjectExpression' && y.type === 'ObjectExpression')
    return x.properties.length === y.properties.length && x.properties.every((p, i) => sameElement(p, y.properties[i]!, resolver));
  if (x.type === 'TemplateLiteral' && y.type === 'TemplateLiteral')
    return (
      x.quasis.length === y.quasis.length &&
      x.quasis.every((q, i) => q.value.cooked === y.quasis[i]!.value.cooked) &&
      x.expressions.every((e, i) => sameExpression(e, y.expressions[i]!, resolver))
    );
  return sameValue(x, y, resolver);
}

/** An element of an array or object literal written alike: a spread, a property (same key, same value) or a value. */
function sameElement(a: TSESTree.Node | null, b: TSESTree.Node | null, resolver: CheckInput['resolver']): boolean {
  if (a === null || b === null) return a === b;
  if (a.type === 'SpreadElement' && b.type === 'SpreadElement') return sameExpression(a.argument, b.argument, resolver);
  if (a.type === 'Property' && b.type === 'Property')
    return (
      !a.computed &&
      !b.computed &&
      a.kind === 'init' &&
      b.kind === 'init' &&
      propertyKey(a) !== null &&
      propertyKey(a) === propertyKey(b) &&
      sameExpression(a.value, b.value, resolver)
    );
  return a.type !== 'SpreadElement' && a.type !== 'Property' && sameExpression(a, b, resolver);
}

function propertyKey(p: TSESTree.Property): string | null {
  return p.key.type === 'Identifier' ? p.key.name : p.key.type === 'Literal' ? String(p.key.value) : null;
}

/**
 * The test reads the very value the write sets back from the read (`if (balance < amount) throw`,
 * then `SET balance = $1` with `balance - amount`): no-lost-update reports it, with the fix that fits.
 * When the test decides on one column and the value written back comes from elsewhere (a status
 * tested, a fresh value written), it is this rule's check-then-act.
 */
function decidedValueIsLost(read: Step, write: Step, test: TSESTree.Node, resolver: CheckInput['resolver']): boolean {
  const lost = lostWrite(read, write, resolver);
  if (!lost || retestsReadValue(read, write, resolver)) return false;
  // A test can read several values (`if (lowest < node.first_seen)`): any of them being the one written back decides.
  const tests = read.result.valueTests.filter((t) => t.node === test);
  const written = new Set([lost.readColumn, ...lost.columns]);
  return tests.length === 0 || tests.some((t) => t.columns === null || t.columns.some((c) => hasColumn(written, c)));
}

/**
 * Between the test and the write, a claim re-tested what the test read and its count was checked:
 * `updateMany({ where: { id, status: 'failed' }, data: { status: 'processing' } })` and `if (count ===
 * 0) throw`. Only the request whose claim matched gets on to the write, so the writes after it are
 * serialized by it (the payout marked sent or failed again once the PayPal call returns).
 */
function claimedBetween(unit: Unit, read: Step, write: Step, test: TSESTree.Node, options: CheckInput['options'], schema: Schema): boolean {
  const tested = read.result.valueTests.find((t) => t.node === test)?.columns;
  if (!tested || tested.length === 0) return false;
  return unit.steps.some(
    (claim) =>
      claim.index > read.index &&
      claim.index < write.index &&
      claim.site.node.range[0] > test.range[0] &&
      claim.site.node.range[1] < write.site.node.range[0] &&
      sharedTable(read, claim) !== null &&
      countChecked(claim) &&
      (claimGuards(claim, options, schema).some((p) => p.column !== null && tested.some((c) => hasColumn(new Set([p.column!]), c))) ||
        claimsRowByKey(claim, write, tested, schema)),
  );
}

/**
 * The claim is an INSERT that skips a duplicate (`ON CONFLICT DO NOTHING`, `.onConflict().ignore()`,
 * `skipDuplicates`) under a declared key that holds a column the test read (`PRIMARY KEY (name,
 * bucket)` for a test of the `bucket`), and the write is aimed at that key's row (`WHERE name = $1 AND
 * bucket = $2`). Of two requests that both pass the test, one inserts the row; the other's INSERT
 * inserts nothing, and its checked result stops it before the write.
 */
function claimsRowByKey(claim: Step, write: Step, tested: readonly string[], schema: Schema): boolean {
  const { facts } = claim;
  if (facts.kind !== 'insert' || facts.onConflict !== 'nothing' || facts.insertColumns === null) return false;
  const table = facts.tablesWritten[0];
  if (table === undefined || !write.facts.tablesWritten.includes(table)) return false;
  const aimed = new Set(
    write.facts.where.flatMap((p) => (p.operator === '=' && p.column !== null && p.params.length > 0 ? [columnName(p.column)] : [])),
  );
  return coveringKeys(schema, table, facts.insertColumns, facts.insertLiterals ?? {}).some(
    (key) =>
      key.columns.every((c) => aimed.has(columnName(c))) &&
      key.columns.some((c) => tested.some((t) => hasColumn(new Set([columnName(c)]), t))),
  );
}

/**
 * Double-checked locking: a fast-path read and test (`if (existing) return existing`), then a lock,
 * then the same lookup again and its test before the write (`pg_advisory_xact_lock`, `SELECT ... FOR
 * UPDATE` of a parent, a SERIALIZABLE transaction). The write runs only when the re-read, made under
 * the protection, still finds what the first test found: two requests that both pass the first test
 * meet at the lock, and the second one's re-read sees the first one's row. The first read only
 * spares the lock when the answer is already there. A lock taken after the read with no re-read
 * protects nothing, and stays reported.
 */
function recheckedUnderLock(unit: Unit, read: Step, write: Step, table: string, schema: Schema, resolver: CheckInput['resolver']): boolean {
  return unit.steps.some(
    (again) =>
      again.index > read.index &&
      again.index < write.index &&
      isRead(again) &&
      sameLookup(read, again) &&
      protects(readProtection(again, write, false, schema), unit, again, write, table, resolver) &&
      again.result.tests.some((t) => seesResult(again, t) && controls(t, write.site.node)),
  );
}

/**
 * The write is aimed, by a key that names one row each (`id`, or a column the schema declares unique:
 * `where: { publicId: toDelete.map((r) => r.publicId) }`), at rows a later read of the same table found
 * under a row lock that protects the write (`findAll({ where: { CollectiveId, type: 'CONTRIBUTION' },
 * lock: t.LOCK.UPDATE, transaction: t })`), and that read's WHERE asks again every column the earlier
 * test read (`if (existingRule.type !== 'CONTRIBUTION') throw`). Whatever the first read saw, the rows
 * the write changes were found in the tested state while locked: a concurrent change of that state
 * either commits before the locked read, which then leaves its row out, or waits for this transaction.
 * A locked read that does not ask the tested columns again, or a write whose rows do not come from it,
 * stays reported.
 */
function pickedUnderLock(
  unit: Unit,
  read: Step,
  write: Step,
  test: TSESTree.Node,
  table: string,
  schema: Schema,
  resolver: CheckInput['resolver'],
): boolean {
  const kind = kindOn(write, table);
  if ((kind !== 'update' && kind !== 'delete') || write.facts.tablesWritten[0] !== table) return false;
  const tested = read.result.valueTests.find((t) => t.node === test)?.columns;
  if (tested == null || tested.length === 0) return false;
  const where = write.facts.where;
  if (where.length === 0 || !where.every((p) => p.column !== null && (p.operator === '=' || p.operator === 'in') && isKeyColumn(p.column)))
    return false;
  const namesOneRow = (column: string): boolean => isRowKey(column, table) || coveringKey(schema, table, [columnName(column)]) !== null;
  return unit.steps.some(
    (picked) =>
      picked !== read &&
      picked.index > read.index &&
      picked.index < write.index &&
      isRead(picked) &&
      picked.facts.lock !== null &&
      picked.facts.tablesRead.includes(table) &&
      protects(readProtection(picked, write, false, schema), unit, picked, write, table, resolver) &&
      tested.every((c) => picked.facts.where.some((p) => p.column !== null && columnName(p.column) === columnName(c))) &&
      where.some(
        (p) =>
          namesOneRow(p.column!) && p.params.length > 0 && p.params.every((n) => dependsOn(paramOf(write, n), picked.result, resolver)),
      ),
  );
}

/** The two reads look up the same rows: the same statement, or the same columns compared to values. */
function sameLookup(a: Step, b: Step): boolean {
  if (a.site.sql.text === b.site.sql.text && a.statementIndex === b.statementIndex) return true;
  const x = [...new Set(lookedUp(a))].sort();
  const y = [...new Set(lookedUp(b))].sort();
  return x.length > 0 && x.length === y.length && x.every((c, i) => c === y[i]) && sharedTable(a, b) !== null;
}

/**
 * The test is itself a claim made under a lock: the read locked the row (`SELECT ... FOR UPDATE`,
 * `findByPk(id, { lock: true, transaction })`), and the same transaction writes back the column the
 * test read on the path the test lets through (`if (expense.data.isLocked) throw`, then `isLocked:
 * true`). A concurrent request waits on the row lock and then sees the claim, so what the test lets run
 * afterwards (the work, then a write that releases the claim, outside that transaction) runs for one
 * request at a time.
 */
function claimedUnderLock(unit: Unit, read: Step, write: Step, test: TSESTree.Node, table: string, schema: Schema): boolean {
  if (read.facts.lock === null || read.transaction.state !== 'open') return false;
  const tested = read.result.valueTests.find((t) => t.node === test)?.columns;
  return unit.steps.some(
    (claim) =>
      claim !== write &&
      claim.index > read.index &&
      claim.index < write.index &&
      kindOn(claim, table) === 'update' &&
      readProtection(read, claim, false, schema) === 'row lock' &&
      claim.connection.key === read.connection.key &&
      claim.transaction.id === read.transaction.id &&
      controls(test, claim.site.node) &&
      tested != null &&
      tested.some((c) => hasColumn(new Set(claim.facts.set.map((a) => a.column)), c)),
  );
}

/**
 * The test only skips a write that would change nothing: `if (newLimit !== queue.concurrencyLimit)`,
 * then `concurrencyLimit: newLimit` (or `if (x.plan === plan) return`, then `plan: plan`). Run without
 * the test, the write would be a plain overwrite, which is no check-then-act; with it, two requests
 * that both pass write the same value. Not when the test also lets an awaited call, an insert (but an
 * audit entry) or another write of a value run (those would run twice), nor when other columns get values.
 */
function skipsNoOpWrite(
  unit: Unit,
  read: Step,
  write: Step,
  test: TSESTree.Node,
  resolver: CheckInput['resolver'],
  schema: Schema,
): boolean {
  if (test.type !== 'IfStatement') return false;
  const condition = skippedComparison(unwrap(test.test), read, resolver);
  if (condition === null || condition.left.type === 'PrivateIdentifier') return false;
  const differs = condition.operator === '!==' || condition.operator === '!=';
  const equals = condition.operator === '===' || condition.operator === '==';
  // `if (a !== b) { write }`, or `if (a === b) return;` followed by the write (or with the write in its `else`).
  if (
    !(differs && condition === unwrap(test.test) && contains(test.consequent, write.site.node)) &&
    !(equals && !contains(test.consequent, write.site.node) && branchLeaves(test.consequent, LEAVES_TURN))
  )
    return false;
  const tested = read.result.valueTests.find((t) => t.node === test)?.columns;
  if (!tested || tested.length !== 1) return false;
  const [assignment, ...others] = [...write.facts.set].sort((a) => (hasColumn(new Set([a.column]), tested[0]!) ? -1 : 1));
  if (!assignment || !hasColumn(new Set([assignment.column]), tested[0]!) || !others.every((a) => a.constant)) return false;
  if (assignment.shape !== 'value' || assignment.params.length !== 1) return false;
  const value = write.site.sql.params[assignment.params[0]! - 1];
  if (!value || !(sameValue(condition.left, value, resolver) || sameValue(condition.right, value, resolver))) return false;
  // What runs with the write: a branch that returns before it, or an `else` of its own, does not.
  const along = (node: TSESTree.Node): boolean => onPathOf(write.site.node, node, unit.node);
  const effects = laterWrites(unit, read).filter((w) => w !== write && controls(test, w.site.node) && along(w.site.node));
  // An INSERT under a key the request writes alike (`organisationMemberId: member.id`) cannot run twice:
  // the second fails on the key. An audit entry records the change (see `auditsOnly`): two requests that
  // both pass leave two entries for two renames, as two requests one after the other would. A DELETE
  // (see `removesOnly`) leaves the same rows gone however often it runs.
  return (
    effects.every((w) => isConstantUpdate(w) || refusedTwice(w, read, schema, resolver) || auditsOnly(w) || removesOnly(w)) &&
    !awaitsOtherCalls(unit, test, along)
  );
}

/**
 * A DELETE, and nothing else where a called function runs it: done twice it removes what it removes
 * once (the group row a moved member leaves, `delete({ where: { organisationMemberId_groupId } })`),
 * and where it names one row and rejects on a missing one (Prisma's `delete`, P2025) the second request
 * fails on it and its transaction rolls back. Either way nothing it does is doubled.
 */
function removesOnly(step: Step): boolean {
  return step.facts.kind === 'delete' && (!step.site.derived || step.site.derived.effectsSeen === true);
}

/**
 * The comparison a skip-if-unchanged test makes: `a === b` itself, or the one comparison among `||`
 * alternatives that read nothing of the row (`!input.tenantId || input.tenantId === row.tenantId`:
 * nothing to write, or the same value; either way it skips).
 */
function skippedComparison(condition: TSESTree.Node, read: Step, resolver: CheckInput['resolver']): TSESTree.BinaryExpression | null {
  if (condition.type === 'BinaryExpression') return condition;
  if (condition.type !== 'LogicalExpression' || condition.operator !== '||') return null;
  const alternatives: TSESTree.Node[] = [];
  const flatten = (e: TSESTree.Node): void => {
    const inner = unwrap(e);
    if (inner.type === 'LogicalExpression' && inner.operator === '||') {
      flatten(inner.left);
      flatten(inner.right);
    } else alternatives.push(inner);
  };
  flatten(condition);
  const comparisons = alternatives.filter(
    (a): a is TSESTree.BinaryExpression => a.type === 'BinaryExpression' && (a.operator === '===' || a.operator === '=='),
  );
  const rest = alternatives.filter((a) => !comparisons.includes(a as TSESTree.BinaryExpression));
  return comparisons.length === 1 && rest.every((a) => !dependsOn(a, read.result, resolver)) ? comparisons[0]! : null;
}

/**
 * The test only skips writing the constant already there: `if (poll.status === 'closed') return poll`,
 * then `status: 'closed'`; `if (expense.status !== CANCELED)`, then `status: CANCELED`. Two requests that
 * both pass write the same state. A constant can also be a claim's mark (`if (coupon.status === 'used')
 * throw`, then `status: 'used'` and the discount), so besides `skipsNoOpWrite`'s conditions, done-already
 * is no failure and neither way answers anything but the row itself (as read, or as written).
 */
function skipsSameConstant(unit: Unit, read: Step, write: Step, test: TSESTree.Node): boolean {
  if (test.type !== 'IfStatement') return false;
  const condition = unwrap(test.test);
  if (condition.type !== 'BinaryExpression' || condition.left.type === 'PrivateIdentifier') return false;
  const differs = condition.operator === '!==' || condition.operator === '!=';
  const equals = condition.operator === '===' || condition.operator === '==';
  const writes = differs && contains(test.consequent, write.site.node);
  if (!writes && !(equals && !contains(test, write.site.node) && branchLeaves(test.consequent, LEAVES_TURN))) return false;
  const tested = read.result.valueTests.find((t) => t.node === test)?.columns;
  if (!tested || tested.length !== 1 || !write.facts.set.every((a) => a.constant)) return false;
  const assignment = write.facts.set.find((a) => hasColumn(new Set([a.column]), tested[0]!));
  const compared = [condition.left, condition.right].map(constantText).find((t) => t !== null);
  if (!assignment || compared === undefined || writtenConstant(assignment) !== compared) return false;
  // The row itself, as read (`return poll`) or as written (`return prisma.poll.update(...)`), tells nobody apart.
  const row = (node: TSESTree.Node): boolean => {
    const inner = unwrap(node.type === 'AwaitExpression' ? node.argument : node);
    return inner === write.site.node || read.result.valueNodes.has(inner) || write.result.valueNodes.has(inner);
  };
  const done = writes ? test.alternate : test.consequent;
  if (done !== null && answersIn(done, unit.node, { after: null, throws: true, row })) return false;
  const path = writes ? test.consequent : unit.node;
  if (answersIn(path, unit.node, { after: write.site.node, throws: false, row })) return false;
  const effects = laterWrites(unit, read).filter((w) => w !== write && controls(test, w.site.node));
  return effects.every((w) => isConstantUpdate(w)) && !awaitsOtherCalls(unit, test);
}

/**
 * The declared type allows two values (Prisma's `enum RunEngineVersion { V1 V2 }`), the test asks for
 * one (`if (project.engine === 'V1')`) and the write sets the other: a row that left the tested value
 * since the read holds the written one already, so two requests that both pass write the same state. A
 * status of more values is a transition a third state can interleave with (`PENDING` -> `SHIPPED` over
 * a concurrent `CANCELLED`), and stays reported; so does anything else the test lets run twice, or an
 * answer on the writing branch.
 */
function takesTheOtherValue(unit: Unit, read: Step, write: Step, test: TSESTree.Node, table: string, schema: Schema): boolean {
  if (test.type !== 'IfStatement' || !contains(test.consequent, write.site.node) || !isConstantUpdate(write)) return false;
  const tested = read.result.valueTests.find((t) => t.node === test)?.columns;
  if (!tested || tested.length !== 1) return false;
  const assignment = write.facts.set.find((a) => hasColumn(new Set([a.column]), tested[0]!));
  const values = columnValues(schema, table, assignment?.column ?? tested[0]!);
  if (!assignment || values === null || values.length !== 2) return false;
  const written = writtenConstant(assignment);
  const asked = conjuncts(test.test)
    .filter((c): c is TSESTree.BinaryExpression => c.type === 'BinaryExpression' && (c.operator === '===' || c.operator === '=='))
    .filter((c) => [c.left, c.right].some((side) => read.result.valueNodes.has(unwrap(side))))
    .map((c) => constantText(c.left) ?? constantText(c.right));
  if (asked.length !== 1 || asked[0] === null || asked[0] === written) return false;
  if (!values.includes(asked[0]!) || !values.includes(written)) return false;
  if (test.alternate !== null && answersIn(test.alternate, unit.node, { after: null, throws: true })) return false;
  if (answersIn(test.consequent, unit.node, { after: write.site.node, throws: false })) return false;
  return sideEffectsOnce(unit, read, write, test);
}

/** `a && b && c` -> [a, b, c]; any other expression is one conjunct. */
function conjuncts(expression: TSESTree.Expression): TSESTree.Expression[] {
  const inner = unwrap(expression) as TSESTree.Expression;
  return inner.type === 'LogicalExpression' && inner.operator === '&&' ? [...conjuncts(inner.left), ...conjuncts(inner.right)] : [inner];
}

/** A literal (`'closed'`, `true`) or an enum member (`ExpenseStatus.CANCELED`) as statement facts write it, unquoted. */
function constantText(node: TSESTree.Node): string | null {
  const inner = unwrap(node);
  if (inner.type === 'Literal' && inner.value !== null && !(inner.value instanceof RegExp)) return String(inner.value);
  if (isEnumMember(inner)) return propertyName(inner as TSESTree.MemberExpression);
  return null;
}

/**
 * The constant an assignment writes, as `constantText` reads it: `status = 'closed'`, `status: 'closed'`,
 * `status: ExpenseStatus.CANCELED` (a model call's assignment is its source text).
 */
function writtenConstant(a: Assignment): string {
  const value = a.text.replace(/^\s*[\w."]+\s*[:=]\s*/, '').trim();
  if (/^(['"`]).*\1$/s.test(value)) return value.slice(1, -1);
  return /^[A-Z][A-Za-z0-9]*(?:\.[A-Za-z_]\w*)*\.([A-Za-z_]\w*)$/.exec(value)?.[1] ?? value;
}

/**
 * `if (user.huge) return`, then `SET huge = true`: the test only asks whether it was done already and
 * quietly returns, the write sets what was tested to a constant, no other write hangs on the test and
 * the function reports nothing after it. Two requests that both pass the test write the same value.
 * An error when it was done (`if (coupon.used) throw ...`) makes it a claim.
 */
function isMonotonicFlag(unit: Unit, read: Step, write: Step, test: TSESTree.Node): boolean {
  if (test.type !== 'IfStatement' || !returnsQuietly(test.consequent) || test.alternate !== null) return false;
  if (!isHarmlessWrite(unit, write)) return false;
  const tested = read.result.valueTests.find((t) => t.node === test)?.columns;
  const assigned = new Set(write.facts.set.map((a) => a.column));
  if (!tested || !tested.some((c) => hasColumn(assigned, c))) return false;
  return !laterWrites(unit, read).some((w) => w !== write && controls(test, w.site.node)) && !awaitsOtherCalls(unit, test);
}

/**
 * A reset the test lets run only while there is something to reset: `webhook.consecutiveFailures > 0 &&
 * !isFailed ? [resetFailures(webhook.id)] : []`, where `resetFailures` sets `consecutiveFailures: 0`. The
 * condition is a conjunction, and one conjunct compares a number of the row with a literal; the others
 * read nothing a statement returned (`!failed` comes from the request). The write stores constants only, on the row read, by the key it was found by,
 * and stores in the compared column the number that makes that conjunct false. No statement seen (of
 * this file, or of a function it calls) stores in that column another number that makes it false: they
 * store that same number, numbers under which it holds, or add to it in the direction in which it holds
 * (`{ increment: 1 }` under `> 0`). A concurrent writer can then only have made the test false by storing
 * what this write stores, so two requests that both pass, or one that passes just before another resets
 * the row, leave the same row. Nothing else the test lets run may cost twice (`sideEffectsOnce`, and no
 * call of anything but the write in the branch), and the branch that writes answers nothing: `if
 * (pool.free > 0) { SET free = 0; return { granted: pool.free } }` is a claim, and stays reported.
 */
function resetsWhatWasTested(
  unit: Unit,
  read: Step,
  write: Step,
  test: TSESTree.Node,
  table: string,
  units: readonly Unit[],
  resolver: CheckInput['resolver'],
): boolean {
  if (test.type !== 'IfStatement' && test.type !== 'ConditionalExpression') return false;
  if (!contains(test.consequent, write.site.node) || !isConstantUpdate(write) || write.facts.unseenWrites === true) return false;
  if (write.site.derived !== undefined && write.site.derived.effectsSeen !== true) return false;
  if (write.facts.tablesWritten[0] !== table || !aimedAsLookedUp(read, write, resolver)) return false;
  // What any read returned: a state of another row (`org.plan === 'free' && ...`) can change in between too.
  const carries = (node: TSESTree.Node): boolean => unit.steps.some((s) => isRead(s) && dependsOn(node, s.result, resolver));
  const parts = logicalParts(test.test, '&&');
  const compared = parts.map((part) => comparedNumber(part, read)).filter((c) => c !== null);
  // The conjunct on the row, and others that read nothing any statement returned (`!failed`, from the request).
  if (compared.length !== 1 || parts.some((part) => part !== compared[0]!.node && carries(part))) return false;
  const { field, holds } = compared[0]!;
  const assignment = write.facts.set.find((a) => hasColumn(new Set([a.column]), field));
  const stored = assignment === undefined ? null : numberWritten(assignment);
  if (assignment === undefined || stored === null || holds(stored)) return false;
  // Every other way a statement seen moves the column leaves the conjunct true, or lands where this write does.
  const keepsOrResets = (a: Assignment): boolean => {
    const n = numberWritten(a);
    if (n !== null) return n === stored || holds(n);
    const step = a.shape === 'relative' ? RELATIVE_STEP.exec(a.text) : null;
    if (step === null) return false;
    const by = Number(step[2]) * (/^[-]|decrement/.test(step[1]!) ? -1 : 1);
    // Adding in the direction in which the conjunct holds: from a value under which it holds, it still holds.
    return by !== 0 && holds(Number.MAX_SAFE_INTEGER * Math.sign(by));
  };
  const movesOtherwise = units.some((u) =>
    u.steps.some(
      (s) =>
        (s.facts.kind !== 'insert' || s.facts.onConflict !== null) &&
        s.facts.tablesWritten.includes(table) &&
        (s.facts.unseenWrites === true ||
          (s.facts.kind === 'update' && s.facts.set.length === 0) ||
          s.facts.set.some((a) => hasColumn(new Set([a.column]), field) && !keepsOrResets(a))),
    ),
  );
  if (movesOtherwise) return false;
  // Nothing in the writing branch but the write: no call of something else, no answer.
  const branch = test.consequent;
  if (callsOutside(branch, [write.site.node], () => true) || answersIn(branch, unit.node, { after: null, throws: true })) return false;
  if (test.type === 'IfStatement' && test.alternate !== null && answersIn(test.alternate, unit.node, { after: null, throws: true }))
    return false;
  if (test.type === 'ConditionalExpression' && !valueDiscarded(test)) return false;
  return sideEffectsOnce(unit, read, write, test);
}

/**
 * Nobody reads the value of the expression: it is a statement of its own, or an element (spread or not)
 * of the array a `Promise.all` or `Promise.allSettled` awaited as a statement runs.
 */
function valueDiscarded(node: TSESTree.Node): boolean {
  let child = node;
  for (let parent = node.parent; parent; child = parent, parent = parent.parent) {
    switch (parent.type) {
      case 'ExpressionStatement':
        return true;
      case 'SpreadElement':
      case 'ArrayExpression':
      case 'AwaitExpression':
      case 'TSAsExpression':
        continue;
      case 'CallExpression': {
        const callee = unwrap(parent.callee);
        const name = callee.type === 'MemberExpression' ? propertyName(callee) : null;
        if (parent.callee === child || (name !== 'all' && name !== 'allSettled')) return false;
        continue;
      }
      default:
        return false;
    }
  }
  return false;
}

/** `+ 1`, `- 2`, `{ increment: 1 }`, `{ decrement: 3 }` at the end of a relative assignment's text: an amount in place. */
const RELATIVE_STEP = /(\+|-|increment|decrement)\s*:?\s*(\d+(?:\.\d+)?)\s*\}?\s*$/;

/** The number an assignment stores in place (`consecutiveFailures: 0`, `attempts = 0`), or null. */
function numberWritten(a: Assignment): number | null {
  if (!a.constant) return null;
  const value = writtenConstant(a);
  return /^-?\d+(?:\.\d+)?$/.test(value) ? Number(value) : null;
}

/**
 * A comparison of a number of the row read with a numeric literal (`row.failures > 0`, `0 !== row.attempts`):
 * the column compared, and whether the comparison holds for a given value of it.
 */
function comparedNumber(part: TSESTree.Node, read: Step): { node: TSESTree.Node; field: string; holds: (value: number) => boolean } | null {
  const inner = unwrap(part);
  if (inner.type !== 'BinaryExpression' || inner.left.type === 'PrivateIdentifier') return null;
  const literal = (node: TSESTree.Node): number | null => {
    const n = unwrap(node);
    if (n.type === 'Literal' && typeof n.value === 'number') return n.value;
    if (n.type === 'UnaryExpression' && n.operator === '-' && n.argument.type === 'Literal' && typeof n.argument.value === 'number')
      return -n.argument.value;
    return null;
  };
  const field = (node: TSESTree.Node): string | null => {
    const n = unwrap(node);
    return n.type === 'MemberExpression' && read.result.valueNodes.has(n) ? propertyName(n) : null;
  };
  const flipped: Record<string, string> = { '>': '<', '>=': '<=', '<': '>', '<=': '>=', '!==': '!==', '!=': '!=' };
  let column = field(inner.left);
  let bound = literal(inner.right);
  let operator: string = inner.operator;
  if (column === null || bound === null) {
    column = field(inner.right);
    bound = literal(inner.left);
    operator = flipped[inner.operator] ?? '';
  }
  if (column === null || bound === null) return null;
  const k = bound;
  const holds: Record<string, (value: number) => boolean> = {
    '>': (v) => v > k,
    '>=': (v) => v >= k,
    '<': (v) => v < k,
    '<=': (v) => v <= k,
    '!==': (v) => v !== k,
    '!=': (v) => v !== k,
  };
  const test = holds[operator];
  return test === undefined ? null : { node: part, field: column, holds: test };
}

/**
 * The check found a row by its key (`findUnique({ where: { id: parentId } })`, `WHERE concert_id = $1` on
 * `concerts`), and the INSERT does not set that key (a fresh `createId()` or a database default): it adds
 * another row, the check was no "is it there yet?" for it. A parent looked up, then a child created in the
 * same table (a sub-collection, a copy), is not two requests both inserting the row the check looked for.
 */
function looksUpAnotherRow(read: Step, write: Step, table: string): boolean {
  const inserted = write.facts.insertColumns;
  if (inserted === null) return false;
  const set = new Set(inserted.map(columnName));
  return lookedUp(read).some((c) => (c === 'id' || ownKey(c, table)) && !set.has(c));
}

/**
 * The check is not what keeps the row single: a row found does not stop the INSERT (`if (first) { if
 * (tooOld(first.createdAt)) return null }`, then the create runs either way), the INSERT sets a declared
 * key from values it does not make up (`invoiceId` and `programId` under `@@unique([invoiceId,
 * programId])`), and its unique violation is caught by name (P2002, 23505, ER_DUP_ENTRY). Two requests
 * that both pass create two rows only where those are different rows; the same one the key refuses and
 * the code answers. Not a count (a limit no key enforces), and not `if (row) return`: a create that only
 * runs on nothing found is the check-then-insert the key must cover the lookup of.
 */
function keyedWhetherFound(read: Step, write: Step, table: string, schema: Schema): boolean {
  const { facts } = write;
  if (!write.catchesUniqueViolation || read.facts.aggregate || facts.kind !== 'insert' || facts.insertColumns === null) return false;
  if (coveringKey(schema, table, facts.insertColumns, facts.insertLiterals ?? {}) === null) return false;
  const deciding = read.result.tests.filter((t) => seesResult(read, t) && controls(t, write.site.node));
  const found = deciding.filter((t) => goesOnWhenFound(t, write));
  // Tests inside the found branch ask what the row found holds (`createdAt`), not whether it is there.
  return found.length > 0 && deciding.every((t) => found.some((f) => contains(f, t)));
}

/**
 * The read names no row (`SELECT script, address FROM peg_scripts`: the table loaded whole, or a
 * cache of it) and JavaScript searches what it loaded (`rows.some((r) => r.script === script)`), so
 * the schema cannot tie the check to a key by its WHERE, as `insertKey` does. The INSERT sets every
 * column of a declared primary key or unique constraint from values it is handed or computes from
 * them, none made afresh (`randomUUID()`, `Date.now()`, a database default), and it runs in a `try`
 * whose `catch` does not throw again. Two requests that both see nothing and insert the same row
 * insert the same key: the second is refused and its failure answered, as a catch of the violation by
 * name is believed where the lookup is not stated (`handledDuplicate`). A key on a fresh id refuses
 * nothing, and a count (a limit no key enforces) is no such search.
 */
function keyedAndAnsweredAfterScan(
  unit: Unit,
  read: Step,
  write: Step,
  table: string,
  schema: Schema,
  resolver: CheckInput['resolver'],
): boolean {
  const { facts } = write;
  if (read.facts.where.length > 0 || read.facts.aggregate || facts.kind !== 'insert' || facts.insertColumns === null) return false;
  if (facts.onConflict !== null || (facts.insertParams === undefined && facts.insertLiterals === undefined)) return false;
  if (!swallowsFailure(write.site.node, unit.node)) return false;
  const handed = facts.insertColumns.filter((column) => {
    if (Object.hasOwn(facts.insertLiterals ?? {}, column)) return true;
    const value = paramOf(write, facts.insertParams?.[column]);
    return value !== null && !madeAfresh(value, resolver);
  });
  return coveringKey(schema, table, handed, facts.insertLiterals ?? {}) !== null;
}

/**
 * A value drawn anew on every call, through the variables that hold it: a call given nothing
 * (`createId()`, `new Date()`), or one whose name draws (`randomUUID`, `randomBytes(16)`, `nanoid`,
 * `Date.now`); a variable assigned such a value anywhere. What the function is handed, and what it
 * computes from that (`fromOutputScript(Buffer.from(program, 'hex'))`), is the same for the same input.
 */
function madeAfresh(value: TSESTree.Node, resolver: CheckInput['resolver'], depth = 0, seen = new Set<unknown>()): boolean {
  const node = unwrap(value.type === 'AwaitExpression' ? value.argument : value);
  if (depth > 12) return true;
  switch (node.type) {
    case 'CallExpression':
    case 'NewExpression': {
      const callee = unwrap(node.callee);
      const name = callee.type === 'Identifier' ? callee.name : callee.type === 'MemberExpression' ? propertyName(callee) : null;
      if (node.arguments.length === 0 && !(callee.type === 'MemberExpression' && CONVERSIONS.has(name ?? ''))) return true;
      if (name === null || DRAWS.test(name)) return true;
      return [...(callee.type === 'MemberExpression' ? [callee.object] : []), ...node.arguments].some((a) =>
        madeAfresh(a, resolver, depth + 1, seen),
      );
    }
    case 'MemberExpression':
      return madeAfresh(node.object, resolver, depth, seen) || (node.computed && madeAfresh(node.property, resolver, depth + 1, seen));
    case 'TemplateLiteral':
      return node.expressions.some((e) => madeAfresh(e, resolver, depth + 1, seen));
    case 'BinaryExpression':
    case 'LogicalExpression':
      return (
        (node.left.type !== 'PrivateIdentifier' && madeAfresh(node.left, resolver, depth + 1, seen)) ||
        madeAfresh(node.right, resolver, depth + 1, seen)
      );
    case 'ConditionalExpression':
      return madeAfresh(node.consequent, resolver, depth + 1, seen) || madeAfresh(node.alternate, resolver, depth + 1, seen);
    case 'Identifier': {
      const variable = resolver.variable(node);
      if (variable === null || seen.has(variable)) return false;
      seen.add(variable);
      const values: TSESTree.Node[] = [];
      for (const def of variable.defs) if (def.node.type === 'VariableDeclarator' && def.node.init) values.push(def.node.init);
      for (const reference of variable.references) {
        const parent = reference.identifier.parent;
        if (parent?.type === 'AssignmentExpression' && parent.left === reference.identifier) values.push(parent.right);
      }
      return values.some((v) => madeAfresh(v, resolver, depth + 1, seen));
    }
    default:
      return false;
  }
}

const DRAWS = /random|uuid|nanoid|cuid|ulid|^now$|snowflake|^gen(?:erate)?(?:Id|Key)/i;

/** `if (row) { ... }` before the write, with no `else`, whose branch can end without leaving: a row found goes on to the write too. */
function goesOnWhenFound(test: TSESTree.Node, write: Step): boolean {
  if (test.type !== 'IfStatement' || test.alternate !== null || contains(test, write.site.node)) return false;
  const condition = unwrap(test.test);
  return (condition.type === 'Identifier' || condition.type === 'MemberExpression') && !branchLeaves(test.consequent, LEAVES_TURN);
}

/**
 * Set-once and clear-once: `if (email.openedAt) return`, then `SET opened_at = now()`; `if
 * (workspace.paymentFailedAt)`, then `SET payment_failed_at = NULL`. The test only asks whether a value
 * is there, the write sets what was tested to a constant, the clock or NULL, and nothing the test lets
 * run besides costs twice: other writes are of the same kind or deletes (done twice, they leave the
 * same rows), and no other call is awaited (an email, a payment: those would run twice). Two requests
 * that both pass write the same state. A state compared with a value (`status === 'OPEN'`) is a
 * transition, not this: a concurrent change to a third state would be overwritten.
 *
 * A fill-if-empty writes a value instead (`if (user.defaultPartnerId === null)`, then `defaultPartnerId:
 * partner.id`): the column held nothing, so no stored value is overwritten but a concurrent fill made
 * under the same test, and with nothing else hanging on the test and nobody told who filled it, the
 * column ends holding a value one of the two requests would have left alone. Refusing or answering when
 * it is filled already (`if (seat.userId) throw`, then `userId: me`) is a claim, and stays reported.
 */
function isSetOnce(unit: Unit, read: Step, write: Step, test: TSESTree.Node): boolean {
  if (test.type !== 'IfStatement' && test.type !== 'ConditionalExpression') return false;
  if (write.facts.kind !== 'update' || write.facts.set.length === 0) return false;
  const tested = read.result.valueTests.find((t) => t.node === test)?.columns;
  const assigned = new Set(write.facts.set.map((a) => a.column));
  if (!tested || tested.length === 0 || !tested.every((c) => hasColumn(assigned, c))) return false;
  // A fill-if-empty (`if (user.defaultPartnerId === null)`, then `defaultPartnerId: partner.id`): a value
  // only into a column the test found empty, every other column a constant.
  const fills = (a: Assignment): boolean => tested.some((c) => hasColumn(new Set([a.column]), c));
  if (!write.facts.set.every((a) => a.constant || fills(a))) return false;
  // A throttled touch (`if (!token.lastUsedAt || now.diff(token.lastUsedAt, 'minutes') > 1)`, then
  // `lastUsedAt: new Date()`): how old the stamp is, asked before stamping it with the clock again.
  const stampsClock = write.facts.set.filter((a) => tested.some((c) => hasColumn(new Set([a.column]), c))).every(writesClock);
  if (!asksPresence(test.test, stampsClock)) return false;
  // What the function answers after the write must not tell the winner apart: code after `if (x) { write }`
  // runs either way, so only an answer inside the branch that writes counts.
  // The same holds for `x.a ? skip : write`: what follows the `?:` runs either way.
  const writes =
    test.type === 'IfStatement' && contains(test.consequent, write.site.node)
      ? test.consequent
      : test.type === 'ConditionalExpression' && !isReturned(test, unit.node)
        ? ([test.consequent, test.alternate].find((b) => contains(b, write.site.node)) ?? unit.node)
        : unit.node;
  // Done already answered as done now, but for its words (`'Already unsubscribed'`, `'Unsubscribed'`, both
  // 200): the code tells nobody they won, so a request that lost the race is told the truth.
  const done =
    test.type === 'IfStatement' ? [test.consequent, test.alternate].find((b) => b !== null && !contains(b, write.site.node)) : null;
  if (done && answersAlike(done, writes, write.site.node, unit.node)) return sideEffectsOnce(unit, read, write, test);
  // Done already refused (`if (org.deletedAt) throw`, `return new Response('Already verified', { status: 400 })`)
  // on a stamp set to the clock, and the winner told nothing it could act on: two requests that both pass
  // leave the same state, and each is told it is done. A flag (`if (coupon.used) throw`, then `used: true`)
  // or a value set beside it (`released: true` on credits) is what a claim marks, and stays reported.
  const row = (node: TSESTree.Node): boolean => read.result.valueNodes.has(node) || write.result.valueNodes.has(node);
  if (
    done &&
    stampsClock &&
    refuses(done) &&
    !isReturned(write.site.node, unit.node) &&
    acknowledgesOnly(writes, unit.node, write.site.node, row)
  )
    return sideEffectsOnce(unit, read, write, test, true);
  // Done already is no failure: no error, no answer (`if (coupon.used) throw`, `return { discount }` make it a claim).
  if (
    test.type === 'IfStatement' &&
    [test.consequent, test.alternate].some(
      (b) => b !== null && !contains(b, write.site.node) && answersIn(b, unit.node, { after: null, throws: true }),
    )
  )
    return false;
  if (answersIn(writes, unit.node, { after: write.site.node, throws: false })) return false;
  return sideEffectsOnce(unit, read, write, test);
}

/**
 * Set-once asked in the read's WHERE: `findFirstOrThrow({ where: { id, deletedTime: null } })` (or `if
 * (!row) throw` after it), then `update({ where: { id }, data: { deletedTime: new Date() } })`. The read
 * finds the row only while the stamp is unset and stops otherwise; the write stamps that row with the
 * clock and sets nothing else. Two requests that both pass leave the same state, so where nothing else
 * the test lets run costs twice (`sideEffectsOnce`) and the winner is told nothing it could act on,
 * nobody can tell who stamped it, as `isSetOnce` says of `if (row.deletedAt) throw`. A flag (`used =
 * true`) or a value set beside the stamp is what a claim marks, and stays reported.
 */
function stampsWhatWasUnset(unit: Unit, read: Step, write: Step, test: TSESTree.Node, resolver: CheckInput['resolver']): boolean {
  if (read.facts.aggregate || !stamps(write) || !stopsWhenMissing(read, test, write)) return false;
  if (test !== read.site.node && !exitsWhenMissing(read, test, write)) return false;
  const unset = new Set(
    read.facts.where.filter((p) => p.role === 'guard' && p.operator === 'is null' && p.column !== null).map((p) => columnName(p.column!)),
  );
  if (unset.size === 0 || !write.facts.set.every((a) => unset.has(columnName(a.column)))) return false;
  // The row stamped is the one found: the write names it by a key equality the read looked it up by, with the same value.
  const looked = read.facts.where.filter((p) => p.role === 'key' && p.operator === '=' && p.column !== null && p.params.length > 0);
  const aimed = write.facts.where.filter((p) => p.role !== 'filter');
  if (
    aimed.length === 0 ||
    !aimed.every(
      (p) =>
        p.role === 'key' &&
        p.operator === '=' &&
        looked.some((f) => f.column === p.column && sameValue(paramOf(write, p.params[0]), paramOf(read, f.params[0]), resolver)),
    )
  )
    return false;
  const row = (node: TSESTree.Node): boolean => read.result.valueNodes.has(node) || write.result.valueNodes.has(node);
  if (isReturned(write.site.node, unit.node) || !acknowledgesOnly(unit.node, unit.node, write.site.node, row)) return false;
  return sideEffectsOnce(unit, read, write, test, true);
}

/** `node`'s value is returned: it sits in a `return`'s argument or an arrow function's expression body. */
function isReturned(node: TSESTree.Node, root: TSESTree.Node): boolean {
  let found = false;
  walk(root, (n) => {
    if (found || !contains(n, node)) return false;
    if (n.type === 'ReturnStatement' && n.argument !== null && contains(n.argument, node)) found = true;
    if (n.type === 'ArrowFunctionExpression' && n.expression && contains(n.body, node)) found = true;
    return !found;
  });
  return found;
}

/**
 * Nothing else the test lets run costs twice: other writes are constant UPDATEs (or, with `stampsOnly`,
 * UPDATEs that only stamp the clock: a soft delete of the children, `deletedAt: new Date()`, where a
 * constant such as `released: true` may grant what the test guarded), DELETEs or audit entries (see
 * `auditsOnly`), and no other call is awaited.
 */
function sideEffectsOnce(unit: Unit, read: Step, write: Step, test: TSESTree.Node, stampsOnly = false): boolean {
  const effects = laterWrites(unit, read).filter((w) => w !== write && controls(test, w.site.node));
  const allowed = stampsOnly ? stamps : isConstantUpdate;
  if (!effects.every((w) => allowed(w) || w.facts.kind === 'delete' || auditsOnly(w))) return false;
  return !awaitsOtherCalls(unit, test);
}

function stamps(w: Step): boolean {
  return w.facts.kind === 'update' && w.facts.set.length > 0 && w.facts.set.every(writesClock);
}

/**
 * The test lets the function await a call that runs no statement of the unit (a payment, an email, an
 * API): done by two requests that both pass, it runs twice.
 */
function awaitsOtherCalls(unit: Unit, test: TSESTree.Node, along: (node: TSESTree.Node) => boolean = () => true): boolean {
  const sites = unit.steps.map((s) => s.site.node);
  let awaited = false;
  walk(unit.node, (node) => {
    if (awaited) return false;
    if (node.type === 'AwaitExpression' && node.range[0] > test.range[0] && controls(test, node) && along(node)) {
      const inner = unwrap(node.argument);
      if (
        !sites.some((site) => site === inner || contains(inner, site) || contains(site, inner)) &&
        !sameWhenRepeated(inner) &&
        !awaitsParameter(unit, inner)
      )
        awaited = true;
    }
    return !awaited;
  });
  return awaited;
}

/**
 * `await searchParams`, `await props.params`: a promise the function (or one around it) was handed as a
 * parameter. Whatever settles it was started by the caller before the function ran, whichever way the
 * test went: awaiting it starts nothing.
 */
function awaitsParameter(unit: Unit, argument: TSESTree.Node): boolean {
  let root = argument;
  while (root.type === 'MemberExpression' && !root.computed) root = unwrap(root.object);
  return root.type === 'Identifier' && unit.resolver.definition(root)?.kind === 'parameter';
}

/**
 * Whether code in `root` answers: returns a value, or answers an HTTP request (with `throws`, throws
 * too), after the node `after` when one is given (a `return` of `after`'s own result counts). Callbacks
 * it passes on are not its answer: a transaction callback's return value goes to the library. With
 * `row`, a `return` of what `row` accepts (the row itself) is no answer.
 */
function answersIn(
  root: TSESTree.Node,
  fn: TSESTree.Node,
  { after, throws, row }: { after: TSESTree.Node | null; throws: boolean; row?: (node: TSESTree.Node) => boolean },
): boolean {
  let found = false;
  const later = (node: TSESTree.Node): boolean => after === null || node.range[0] > after.range[1];
  walk(root, (node) => {
    if (found || (node !== fn && node !== root && isFunction(node))) return false;
    if (throws && node.type === 'ThrowStatement') found = true;
    if (node.type === 'ReturnStatement' && node.argument !== null && (later(node) || (after !== null && contains(node, after))))
      found = row === undefined || !row(node.argument);
    if (later(node) && isResponseCall(node)) found = true;
    return !found;
  });
  return found;
}

function isConstantUpdate(step: Step): boolean {
  return step.facts.kind === 'update' && step.facts.set.length > 0 && step.facts.set.every((a) => a.constant);
}

/**
 * The condition only asks whether values are there: `x.a`, `!x.a`, `x.a == null`, `!x || x.a` (which
 * values of the read it tests, the test's columns say).
 */
function asksPresence(expression: TSESTree.Expression, orAge = false): boolean {
  const inner = unwrap(expression);
  switch (inner.type) {
    case 'UnaryExpression':
      return inner.operator === '!' && asksPresence(inner.argument, orAge);
    case 'LogicalExpression':
      return (inner.operator === '&&' || inner.operator === '||') && asksPresence(inner.left, orAge) && asksPresence(inner.right, orAge);
    case 'BinaryExpression':
      // With `orAge`, an order comparison of the stamp (`now - stamp > limit`, `stamp < since`) asks how old it is.
      if (orAge && ['<', '<=', '>', '>='].includes(inner.operator)) return true;
      if (!['===', '!==', '==', '!='].includes(inner.operator) || inner.left.type === 'PrivateIdentifier') return false;
      return (isNullish(inner.right) && asksPresence(inner.left)) || (isNullish(inner.left) && asksPresence(inner.right));
    case 'MemberExpression':
    case 'Identifier':
      return true;
    default:
      return false;
  }
}

/**
 * The clock written in place: a constant made by a call (`now()`, `CURRENT_TIMESTAMP`, `new Date()`,
 * `Date.now()`, `fn('NOW')`: how statement facts tell a literal from the clock).
 */
function writesClock(a: Assignment): boolean {
  return a.constant && (a.shape === 'computed' || /\bnow\s*\(|\bcurrent_timestamp\b|\blocaltimestamp\b/i.test(a.text));
}

/** A column as a test reads it (`availableSeats`, `rows[0].available_seats`) among SQL column names. */
function hasColumn(columns: ReadonlySet<string>, field: string): boolean {
  return columns.has(field.toLowerCase()) || columns.has(columnName(field));
}

/** `null` or `undefined` written in place. */
function isNullish(node: TSESTree.Node): boolean {
  return (node.type === 'Literal' && node.value === null) || (node.type === 'Identifier' && node.name === 'undefined');
}

function returnsQuietly(branch: TSESTree.Statement): boolean {
  const body = branch.type === 'BlockStatement' ? branch.body : [branch];
  return body.length === 1 && body[0]?.type === 'ReturnStatement' && body[0].argument === null;
}

/**
 * The tests of the read that decide this write. An INSERT acts on "is there a row?", so every test
 * counts. An UPDATE or DELETE of a row that exists acts on what is in it: only tests that read a
 * row's values count, and for an UPDATE only when it sets a column the test read (or the columns
 * cannot be told). Loading a row, answering 404 when it is missing and then updating other columns
 * is not a race on the tested value, nor is an authorization test that only reads who owns the row
 * (`ownerId`, `projectId`) before deleting it or updating other columns.
 */
function decidingTests(
  read: Step,
  write: Step,
  table: string,
  { options, resolver, unit, units, schema }: Pick<CheckInput, 'options' | 'resolver' | 'units' | 'schema'> & { unit: Unit },
): TSESTree.Node[] {
  const kind = kindOn(write, table);
  // An INSERT that runs only once the row was found (`if (!base) throw NotFound`, then a copy with a
  // fresh id) adds another row: "two requests both see nothing" cannot happen on it, whatever else the
  // code tests of the row it found (`if (template.type !== 'TEMPLATE') throw`, then the copy). Not a
  // count (`if (n === 0) throw`, then `if (n >= limit) throw`: the INSERT still acts on how many there are),
  // nor a list found non-empty (`if (!requests.length) throw`, then `requests.every(r => r.expired)` decides
  // a new request: the INSERT adds to the rows the code tested, two requests both see them all expired).
  // A called function that throws when its read finds no row (`fetchAccount(ref, { throwIfMissing: true })`)
  // is such a test, made where it reads.
  if (kind === 'insert') {
    const found =
      !read.facts.aggregate &&
      (read.site.derived?.throwsWhenMissing === true ||
        read.result.tests.some((t) => t !== read.site.node && exitsWhenMissing(read, t, write) && !testsListLength(t, read)));
    // `if (required > count) throw`: concurrent INSERTs only raise the count (see src/checks/minimum-counts.ts).
    return found
      ? []
      : read.result.tests.filter(
          (t) =>
            !stopsWhenMissing(read, t, write) &&
            !insertsFoundRows(read, t, write, resolver) &&
            !demandsMinimumCount(read, t, write, resolver),
        );
  }
  const assigned = new Set(write.facts.set.map((a) => a.column));
  // The state test sits in the read's WHERE (`AND used = false`, `AND expires_at > now()`): "a row came
  // back" is the test, and a DELETE of the row, or an UPDATE of the state tested, acts on it.
  const stateColumns = readStateColumns(read, options);
  // Housekeeping: rows older than a bound (`updatedAt: { lt: subDays(now, 90) }`) deleted by the batch.
  if (kind === 'delete' && stateColumns.length > 0 && agedOnly(read, options)) return [];
  // `if (field) await deleteField(field.id)`, where deleteField reads the row again `where: { id, deletedTime:
  // null }` and throws when it is gone: that question is asked again next to the write (`rereadByCallee`).
  if (
    stateColumns.length > 0 &&
    (kind === 'delete' || stateColumns.some((c) => assigned.has(c))) &&
    !rereadByCallee(unit, read, write, table, kind === 'delete' ? stateColumns : stateColumns.filter((c) => assigned.has(c)), options)
  )
    return read.result.tests;
  const written = (c: string): boolean => hasColumn(assigned, c);
  // The test weighs the row against what another read found (the caller's own role, `getMemberRoles(...)`).
  const rankedAgainstAnotherRead = (node: TSESTree.Node): boolean =>
    unit.steps.some((s) => s !== read && isRead(s) && s.result.tests.includes(node));
  const removesFound = kind === 'delete' && deletesFoundRow(read, write, table, resolver);
  return (
    read.result.valueTests
      .filter((t) => kind !== 'update' || assigned.size === 0 || t.columns === null || t.columns.some(written))
      // `if (webhook.receiver === 'zapier') await delete({ where: { id } })`: see `deletesFoundRow`.
      .filter(
        (t) =>
          !testsWhatStays(t.columns, table, units) ||
          !(removesFound ? aloneOnItsPath(unit, write, t.node) || consumesFirst(unit, write, t.node) : failsWhenGone(unit, write, t.node)),
      )
      // `if (envelope.status === 'COMPLETED') throw` then `await sendDocument(id)`, which reads the envelope
      // again and throws on that status itself: see `recheckedByCallee`.
      .filter((t) => !recheckedByCallee(unit, write, table, t.columns))
      // `if (body.externalId !== undefined && body.externalId !== session.externalId) return 422`: what
      // the write sets of the columns tested is what they hold (see `keepsTestedValue`).
      .filter((t) => kind !== 'update' || !keepsTestedValue(t, read, write, resolver))
      // `if (group.organisationGroup.type === 'INTERNAL') throw`, `if (!employee.isActive) throw` after
      // `findOneByUserId(user.id)`: another row's values gate the write; nothing in the row written decides it.
      .filter((t) => !testsAnotherRow(t, table, schema, read.facts.loaded))
      // `if (source.currency !== target.currency) throw`: see `agreesWithAnotherRead`.
      .filter((t) => !agreesWithAnotherRead(t, read, write, unit, resolver))
      // `if (tag.ownerId !== userId) return 401`: who owns the row is not what the write changes.
      .filter((t) => t.columns === null || !t.columns.every((c) => isKeyColumn(c) && !written(c)))
      // `if (member.role !== 'owner' && !canManage(member.role, target.role)) throw`: see `ROLE`. Not
      // where the condition also asks how many rows another read found (`owners === 1 && member.role ===
      // 'owner'`): the role is then part of a rule over many rows (the last owner), not who may act.
      .filter(
        (t) =>
          t.columns === null ||
          t.columns.length === 0 ||
          !t.columns.every(
            (c) => ROLE.test(columnName(c)) && (!written(c) || (rankedAgainstAnotherRead(t.node) && setsAsAsked(write, c, read, resolver))),
          ) ||
          unit.steps.some((s) => s !== read && s.result.tests.includes(t.node) && (s.facts.aggregate || testsListLength(t.node, s))),
      )
      // `if (!(await bcrypt.compare(old, user.password))) throw`: the caller proves who they are; no
      // concurrent request can make a wrong password right, so nothing is claimed.
      .filter((t) => t.columns === null || t.columns.length === 0 || !t.columns.every((c) => CREDENTIAL.test(columnName(c))))
      // `if (ability.cannot('delete', subject('SpaceMember', member))) throw`: see `asksPermission`.
      .filter((t) => t.columns !== null || t.node.type !== 'IfStatement' || !asksPermission(t.node.test, read))
      .map((t) => t.node)
  );
}

/**
 * The test refuses a change of what it read (`if (body.externalId !== undefined && body.externalId !==
 * session.externalId) return json({ error: 'externalId cannot be changed' }, 422)`), and the UPDATE sets
 * the column to that same value (`externalId: body.externalId`): where the write runs, it stores what the
 * row held when read, so it does not move what was tested. The test is the UPDATE's own of other columns.
 * Every column the test reads that the write sets must be held so, by one `!==` comparison with the row
 * among conjuncts that read nothing else of it.
 */
function keepsTestedValue(test: ValueTest, read: Step, write: Step, resolver: CheckInput['resolver']): boolean {
  const node = test.node;
  if (node.type !== 'IfStatement' || node.alternate !== null || !branchLeaves(node.consequent, LEAVES_TURN) || test.columns === null)
    return false;
  const onRow = (e: TSESTree.Node): boolean => dependsOn(e, read.result, resolver);
  const parts = conjuncts(node.test);
  const compared = parts.filter(
    (c): c is TSESTree.BinaryExpression => c.type === 'BinaryExpression' && (c.operator === '!==' || c.operator === '!='),
  );
  const rowSide = compared.filter((c) => onRow(c.left) !== onRow(c.right));
  if (rowSide.length !== 1 || parts.some((c) => c !== rowSide[0] && onRow(c))) return false;
  const comparison = rowSide[0]!;
  const value = onRow(comparison.left) ? comparison.right : comparison.left;
  const writes = write.facts.set.filter((a) => test.columns!.some((c) => hasColumn(new Set([a.column]), c)));
  return (
    writes.length > 0 &&
    writes.every((a) => a.shape === 'value' && a.params.length === 1 && sameValue(paramOf(write, a.params[0]), value, resolver))
  );
}

/**
 * The test only asks whether the row agrees with another row read, column for column: `if
 * (source.currency !== target.currency) throw`, `if (source.userId !== target.userId) throw`, each
 * part of its condition an equality of a column of this row with the same column of another read's row.
 * It asks whether two rows belong together (a merge of two profiles, a move within one owner), not
 * where the row's state stands. Not when the write sets that column (`if (current.status ===
 * latest.status) return`, then `status: latest.status`): there it is the state moved. A test of the
 * row's own state (`status`, a balance) stays a test of its own.
 */
function agreesWithAnotherRead(test: ValueTest, read: Step, write: Step, unit: Unit, resolver: CheckInput['resolver']): boolean {
  const node = test.node;
  if (node.type !== 'IfStatement' || test.columns === null) return false;
  const others = unit.steps.filter((s) => s !== read && isRead(s));
  const onRead = (e: TSESTree.Node): boolean => dependsOn(e, read.result, resolver);
  const operands = (e: TSESTree.Node): TSESTree.Node[] => {
    const inner = unwrap(e);
    return inner.type === 'LogicalExpression' && inner.operator !== '??' ? [...operands(inner.left), ...operands(inner.right)] : [inner];
  };
  const parts = operands(node.test).filter(onRead);
  return (
    parts.length > 0 &&
    parts.every((part) => {
      const inner = unwrap(part);
      if (inner.type !== 'BinaryExpression' || !['===', '!==', '==', '!='].includes(inner.operator)) return false;
      const left = unwrap(inner.left);
      const right = unwrap(inner.right);
      if (left.type !== 'MemberExpression' || right.type !== 'MemberExpression') return false;
      const name = propertyName(left);
      if (name === null || name !== propertyName(right) || write.facts.set.some((a) => hasColumn(new Set([a.column]), name))) return false;
      const [mine, theirs] = onRead(left) ? [left, right] : [right, left];
      return !onRead(theirs) && onRead(mine) && others.some((s) => dependsOn(theirs, s.result, resolver));
    })
  );
}

/**
 * The DELETE removes the very row the read found, by the key it found it by: `findUnique({ where: { id:
 * webhookId } })` then `delete({ where: { id: webhookId } })`, `where: { id: schedule.id }` with the id the
 * read returned, `row.destroy()`. A concurrent request can change what was tested only on a row that is
 * still there; if it deletes the row first, this DELETE matches nothing (Prisma's `delete` rejects with
 * P2025): nothing is done twice.
 */
function deletesFoundRow(read: Step, write: Step, table: string, resolver: CheckInput['resolver']): boolean {
  if (write.facts.tablesWritten[0] !== table || !read.facts.tablesRead.includes(table)) return false;
  const aimed = write.facts.where.filter((p) => p.operator === '=' && p.column !== null && p.role === 'key' && p.params.length > 0);
  if (aimed.length === 0 || aimed.length !== write.facts.where.filter((p) => p.role !== 'filter').length) return false;
  const found = read.facts.where.filter((p) => p.operator === '=' && p.column !== null && p.params.length > 0);
  // The row's own key, taken from the row read (`schedule.id`, the instance itself).
  const fromRow = (p: (typeof aimed)[number]): boolean =>
    isRowKey(p.column!, table) && dependsOn(paramOf(write, p.params[0]), read.result, resolver);
  // The key the read looked the row up by, with the same value (`{ id: webhookId }` both times, a compound
  // key), the rest of a compound key taken from the row read (`email_teamId: { email, teamId: invite.teamId }`
  // after a lookup by email): the row found is the one it removes.
  const sameLookup =
    found.length > 0 &&
    found.every((f) =>
      aimed.some((p) => p.column === f.column && sameValue(paramOf(write, p.params[0]), paramOf(read, f.params[0]), resolver)),
    ) &&
    aimed.every(
      (p) =>
        found.some((f) => f.column === p.column) ||
        (isKeyColumn(p.column!) && dependsOn(paramOf(write, p.params[0]), read.result, resolver)),
    );
  return sameLookup || (aimed.length === 1 && fromRow(aimed[0]!)) || sameOwnKey(read, write, aimed, found, table, resolver);
}

/**
 * The DELETE aims at the row's own key (`id`) with the value the read looked it up by, besides other
 * key equalities (`{ id: groupId, organisationId: organisation.id }` after `{ id: groupId,
 * organisationId }`): the key names one row, the one found, and the other conjuncts can only make the
 * DELETE match nothing.
 */
function sameOwnKey(
  read: Step,
  write: Step,
  aimed: readonly Predicate[],
  found: readonly Predicate[],
  table: string,
  resolver: CheckInput['resolver'],
): boolean {
  return aimed.some(
    (p) =>
      isRowKey(p.column!, table) &&
      found.some((f) => f.column === p.column && sameValue(paramOf(write, p.params[0]), paramOf(read, f.params[0]), resolver)),
  );
}

/**
 * The DELETE consumes the row the test passed (an invite, a one-time code) and fails when it matches
 * none (Prisma's `delete` rejects with P2025), before anything the test lets run can last: every write
 * before it on the way from the test is in its open transaction (undone when it fails), no other call
 * is awaited before it, and no `catch` around it swallows the failure. Of two requests that both pass the
 * test, the second finds the row gone and stops: the consumed row is the claim, and what follows the
 * DELETE runs once.
 */
function consumesFirst(unit: Unit, write: Step, test: TSESTree.Node): boolean {
  return write.site.rowsRequired === true && claimsFirst(unit, write, test);
}

/** The value a statement passes for its placeholder `$n` (1-based), if any. */
function paramOf(step: Step, n: number | undefined): TSESTree.Node | null {
  return n === undefined ? null : (step.site.sql.params[n - 1] ?? null);
}

/** The row's own key: `id`, or the table's own id column (`user_id` on `users`). */
function isRowKey(column: string, table: string): boolean {
  return columnName(column) === 'id' || ownKey(columnName(column), table);
}

/**
 * A DELETE of rows other than the one the test read (`deleteMany({ where: { userId, id: { in: ids } } })`)
 * whose count is checked where it runs (`if (count !== ids.length) throw`, here or in the helper that
 * runs it, inside its transaction) or that rejects on a missing row (Prisma's `delete`, P2025): of two
 * requests that both pass the test and remove the same rows, the second finds them gone and fails, and its
 * transaction rolls back what it wrote. What the test read stays as it is (`testsWhatStays`), so only a
 * delete could flip it, and that delete is this one; the claim holds as `consumesFirst` says.
 */
function failsWhenGone(unit: Unit, write: Step, test: TSESTree.Node): boolean {
  return write.facts.kind === 'delete' && consumesFirst(unit, write, test);
}

/**
 * The statement `claim`, if it fails, stops the request before anything the test lets run can last:
 * no `catch` around it swallows the failure, every write between the test and it is in its open
 * transaction (rolled back with it), and no other call is awaited before it.
 */
function claimsFirst(unit: Unit, claim: Step, test: TSESTree.Node): boolean {
  if (swallowsFailure(claim.site.node, unit.node)) return false;
  const before = (node: TSESTree.Node): boolean =>
    node.range[0] > test.range[0] && node.range[1] <= claim.site.node.range[0] && controls(test, node) && leadsTo(node, claim.site.node);
  if (!unit.steps.every((s) => s === claim || !isWrite(s.facts) || !before(s.site.node) || sameTransaction(s, claim))) return false;
  return !awaitsOtherCalls(unit, test, before);
}

/**
 * `node` runs whenever `other` does: between it and the statement that holds both there is no branch,
 * loop, `catch` or function of its own, only blocks and the expressions that hold a call, or a node
 * `passes` lets through (`runsWhenever`: an `if` whose condition also guards `other`).
 */
function alwaysWith(
  node: TSESTree.Node,
  other: TSESTree.Node,
  passes: (parent: TSESTree.Node, child: TSESTree.Node) => boolean = () => false,
): boolean {
  for (let child = node, parent = node.parent; parent && !contains(parent, other); child = parent, parent = parent.parent) {
    if (!STRAIGHT.has(parent.type) && !passes(parent, child)) return false;
  }
  return true;
}

const STRAIGHT = new Set<string>([
  'AwaitExpression',
  'ExpressionStatement',
  'VariableDeclarator',
  'VariableDeclaration',
  'BlockStatement',
  'ReturnStatement',
  'AssignmentExpression',
  'MemberExpression',
  'CallExpression',
  'TSAsExpression',
  'TSNonNullExpression',
  'ChainExpression',
]);

/** `answer` asked once per step. */
function memo(answer: (step: Step) => boolean): (step: Step) => boolean {
  const answers = new Map<Step, boolean>();
  return (step) => {
    let known = answers.get(step);
    if (known === undefined) answers.set(step, (known = answer(step)));
    return known;
  };
}

/** The columns the read looks rows up by: its key conjuncts by `=` or `IN`. */
function equalityColumns(read: Step): string[] {
  return read.facts.where.flatMap((p) => (p.isKey && p.column !== null && (p.operator === '=' || p.operator === 'in') ? [p.column] : []));
}

/** The two run in one transaction (or one stretch outside of one) on one connection. */
function sameConnection(a: Step, b: Step): boolean {
  return a.connection.key === b.connection.key && a.transaction.id === b.transaction.id && a.transaction.state === b.transaction.state;
}

function sameTransaction(a: Step, b: Step): boolean {
  return a.transaction.state === 'open' && b.transaction.state === 'open' && a.transaction.id === b.transaction.id;
}

/**
 * Where the test lets the write run, the same transaction also INSERTs a row under a key whose values
 * every request that passes the test writes alike: taken from the row read (`teamId: team.id`, the
 * `email` of the verification read), the values the read looked it up by, or written in place. Two
 * requests that both pass insert the same key: the second INSERT fails (P2002, 23505, ER_DUP_ENTRY)
 * and rolls its transaction back, the write with it. The key is the claim; nothing lasting may come
 * before it (see `claimsFirst`), and the write must be undone with it or come after it.
 */
function claimedByKey(unit: Unit, read: Step, write: Step, test: TSESTree.Node, schema: Schema, resolver: CheckInput['resolver']): boolean {
  return unit.steps.some((insert) => {
    if (insert === write || insert.site.node.range[0] <= test.range[0] || !controls(test, insert.site.node)) return false;
    if (!alwaysWith(insert.site.node, write.site.node)) return false;
    if (!sameTransaction(insert, write) && write.site.node.range[0] < insert.site.node.range[1]) return false;
    return refusedTwice(insert, read, schema, resolver) && claimsFirst(unit, insert, test);
  });
}

/**
 * An INSERT (no ON CONFLICT) whose key gets values every request that passes the test writes alike: taken
 * from the row read (`teamId: team.id`), the values the read looked it up by, or written in place. Of
 * two requests that both run it, the second fails on the key (P2002, 23505, ER_DUP_ENTRY): it cannot
 * be done twice.
 */
function refusedTwice(insert: Step, read: Step, schema: Schema, resolver: CheckInput['resolver']): boolean {
  const { facts } = insert;
  if (facts.kind !== 'insert' || facts.onConflict !== null || facts.insertColumns === null) return false;
  const table = facts.tablesWritten[0];
  return (
    table !== undefined &&
    coveringKey(
      schema,
      table,
      facts.insertColumns.filter((c) => writtenAlike(insert, c, read, resolver)),
      facts.insertLiterals ?? {},
    ) !== null
  );
}

/** The INSERT writes `column` alike in every request that passes the test: in place, from the row read, or the value looked up. */
function writtenAlike(insert: Step, column: string, read: Step, resolver: CheckInput['resolver']): boolean {
  const { facts } = insert;
  if (Object.hasOwn(facts.insertLiterals ?? {}, column)) return true;
  const value = paramOf(insert, facts.insertParams?.[column]);
  if (value === null) return false;
  if (dependsOn(value, read.result, resolver)) return true;
  return read.facts.where.some(
    (p) => p.operator === '=' && p.params.length === 1 && sameValue(value, paramOf(read, p.params[0]), resolver),
  );
}

/**
 * The INSERT numbers its row from a count of the table taken in the transaction that checked
 * (`number: \`INV-${count + 1}\``, `number @unique`), and that transaction reads one snapshot
 * (REPEATABLE READ: MySQL's default, or set). Two requests that both pass the check took their
 * snapshots before either committed; if they counted alike, both write the same number and the second
 * fails on the key (P2002, ER_DUP_ENTRY). If the later snapshot counted more rows, those rows were
 * committed after the earlier snapshot and hold the numbers after its count: the earlier request's
 * number is taken and its INSERT fails. Under READ COMMITTED each statement counts afresh, so a row
 * committed between the check and the count moves the number on, and both requests insert.
 */
function numberedByCount(unit: Unit, read: Step, write: Step, table: string, schema: Schema, resolver: CheckInput['resolver']): boolean {
  const { facts } = write;
  if (facts.kind !== 'insert' || facts.onConflict !== null || facts.insertColumns === null) return false;
  if (!sameConnection(read, write) || !sameTransaction(read, write) || !readsOneSnapshot(write, schema)) return false;
  const counts = unit.steps.filter(
    (s) =>
      s.facts.aggregate &&
      s.facts.tablesRead.includes(table) &&
      sameConnection(s, write) &&
      sameTransaction(s, write) &&
      s.index < write.index,
  );
  const numbered = new Set(
    facts.insertColumns.filter((column) => {
      const value = paramOf(write, facts.insertParams?.[column]);
      return value !== null && counts.some((c) => computedFrom(value, (n) => countedBy(n, c, resolver), resolver) === 'source');
    }),
  );
  if (numbered.size === 0) return false;
  const given = facts.insertColumns.filter((c) => numbered.has(c) || writtenAlike(write, c, read, resolver));
  return coveringKeys(schema, table, given, facts.insertLiterals ?? {}).some((key) =>
    key.columns.some((c) => [...numbered].some((n) => columnName(n) === columnName(c))),
  );
}

/**
 * The INSERT's key gets a value computed from the values the check looked up, not those values
 * themselves (`root`, a buffer filled with the `height` looked up by `WHERE height = ?`), and the rest
 * of the key alike: two requests that both see nothing write the same key, and the second fails on it.
 */
function keyedByLookup(read: Step, write: Step, table: string, schema: Schema, resolver: CheckInput['resolver']): boolean {
  const { facts } = write;
  if (facts.kind !== 'insert' || facts.onConflict !== null || facts.insertColumns === null) return false;
  const looked = read.facts.where.flatMap((p) => (p.operator === '=' && p.params.length === 1 ? [paramOf(read, p.params[0])] : []));
  const isLooked = (node: TSESTree.Node): boolean => looked.some((l) => sameValue(node, l, resolver));
  // After a total (a limit, a threshold) the race is between requests that share the lookup and bring
  // anything else: only a key made of the lookup and constants lets one row in however many pass.
  const total = read.facts.aggregate;
  const derived = new Set(
    facts.insertColumns.filter((column) => {
      const value = paramOf(write, facts.insertParams?.[column]);
      if (value === null || isLooked(value)) return false;
      return (!total || !inExclusiveBranches(value, read.site.node)) && computedFrom(value, isLooked, resolver, !total) === 'source';
    }),
  );
  if (derived.size === 0) return false;
  const given = facts.insertColumns.filter(
    (c) =>
      derived.has(c) ||
      (total
        ? Object.hasOwn(facts.insertLiterals ?? {}, c) || sameForAll(paramOf(write, facts.insertParams?.[c]), isLooked, resolver)
        : writtenAlike(write, c, read, resolver)),
  );
  return coveringKeys(schema, table, given, facts.insertLiterals ?? {}).some((key) =>
    key.columns.some((c) => [...derived].some((d) => columnName(d) === columnName(c))),
  );
}

/** The value is the same for every request that looks up the same values (see `computedFrom` without `brought`). */
function sameForAll(value: TSESTree.Node | null, isLooked: (node: TSESTree.Node) => boolean, resolver: CheckInput['resolver']): boolean {
  return value !== null && computedFrom(value, isLooked, resolver, false) !== 'made';
}

/** `id` lies in the branch of an `if` that tested the same variable `===` (or `==`) a literal. */
function testedEqualToConstant(id: TSESTree.Identifier, resolver: CheckInput['resolver']): boolean {
  const variable = resolver.variable(id);
  if (variable === null) return false;
  for (
    let child: TSESTree.Node = id, parent: TSESTree.Node | undefined = id.parent;
    parent && !isFunction(parent);
    child = parent, parent = parent.parent
  ) {
    if (parent.type !== 'IfStatement' || parent.consequent !== child) continue;
    const test = unwrap(parent.test);
    if (test.type !== 'BinaryExpression' || (test.operator !== '===' && test.operator !== '==')) continue;
    const [left, right] = [unwrap(test.left), unwrap(test.right)];
    const pairs: [TSESTree.Node, TSESTree.Node][] = [
      [left, right],
      [right, left],
    ];
    if (pairs.some(([name, constant]) => name.type === 'Identifier' && resolver.variable(name) === variable && constant.type === 'Literal'))
      return true;
  }
  return false;
}

/** `node` names a variable holding the count (`const count = await tx.invoice.count(...)`). */
function countedBy(node: TSESTree.Node, count: Step, resolver: CheckInput['resolver']): boolean {
  const variable = node.type === 'Identifier' ? resolver.variable(node) : null;
  return variable !== null && count.result.variables.has(variable);
}

/**
 * `value` is computed from a source (the count: `\`${prefix}-${String(count + 1).padStart(4, '0')}\``;
 * the value looked up: a zero-filled `Buffer.alloc(32)` whose `writeInt32LE(height)` writes it) through
 * constants, operators, templates, local constants and conversions (`String`, `padStart`), with the other
 * values it takes in given to the request (parameters, what it awaited), not made for the row (no other
 * call, no `new`: no fresh id or clock). 'source' when a source is in it. Without `brought` (after a
 * total, where the requests racing share only the lookup), what a request brings counts as made: only
 * constants are given, and a name inside the branch of an `if` that tested it equal to one.
 */
function computedFrom(
  value: TSESTree.Node,
  isSource: (node: TSESTree.Node) => boolean,
  resolver: CheckInput['resolver'],
  brought = true,
  depth = 0,
): 'source' | 'given' | 'made' {
  const node = unwrap(value);
  if (isSource(node)) return 'source';
  const all = (parts: readonly TSESTree.Node[]): 'source' | 'given' | 'made' => {
    const kinds = parts.map((p) => computedFrom(p, isSource, resolver, brought, depth + 1));
    return kinds.includes('made') ? 'made' : kinds.includes('source') ? 'source' : 'given';
  };
  // Without `brought`, what the request brings (a parameter, what it awaited) is not the same for every
  // request: only constants are given, and a name inside the branch that tested it equal to one.
  const request: 'given' | 'made' = brought ? 'given' : 'made';
  if (depth > 8) return 'made';
  switch (node.type) {
    case 'Literal':
      return 'given';
    case 'ThisExpression':
      return request;
    case 'TemplateLiteral':
      return all(node.expressions);
    case 'BinaryExpression':
      return node.left.type === 'PrivateIdentifier' ? 'made' : all([node.left, node.right]);
    case 'MemberExpression':
      return node.computed ? all([node.object, node.property]) : all([node.object]);
    case 'Identifier': {
      if (!brought && testedEqualToConstant(node, resolver)) return 'given';
      const variable = resolver.variable(node);
      const def = variable?.defs[0];
      const declaration = def?.node.type === 'VariableDeclarator' ? def.node : null;
      const constant = declaration?.parent?.type === 'VariableDeclaration' && declaration.parent.kind === 'const';
      // A parameter, an import, a global: given. A variable assigned again may hold anything made since.
      if (variable === null || def === undefined || def.type !== 'Variable') return request;
      if (!constant || declaration?.init == null || declaration.id.type !== 'Identifier') return 'made';
      // What was awaited (a row read, a lookup's answer) is given to the request, not made for the row.
      if (declaration.init.type === 'AwaitExpression') return request;
      if (!isZeroedBuffer(declaration.init)) return computedFrom(declaration.init, isSource, resolver, brought, depth + 1);
      // A zero-filled buffer holds what its `write*` calls write, and nothing is done to it but that and reading it.
      const writes: TSESTree.Node[] = [];
      for (const reference of variable.references) {
        const member = reference.identifier.parent;
        const call = member?.parent;
        if (reference.identifier === declaration.id) continue;
        if (
          member?.type === 'MemberExpression' &&
          member.object === reference.identifier &&
          call?.type === 'CallExpression' &&
          call.callee === member
        ) {
          if (!/^write/.test(propertyName(member) ?? '')) return 'made';
          writes.push(...call.arguments);
        } else if (member?.type === 'ArrayExpression' || member?.type === 'Property') continue;
        else return 'made';
      }
      return all(writes);
    }
    case 'CallExpression': {
      const callee = unwrap(node.callee);
      const name = callee.type === 'Identifier' ? callee.name : callee.type === 'MemberExpression' ? propertyName(callee) : null;
      if (name === null || !CONVERSIONS.has(name)) return 'made';
      return all([...(callee.type === 'MemberExpression' ? [callee.object] : []), ...node.arguments]);
    }
    default:
      return 'made';
  }
}

/** `Buffer.alloc(32)`: a buffer of that many zero bytes (not `allocUnsafe`, whose bytes are whatever was there). */
function isZeroedBuffer(node: TSESTree.Node): boolean {
  const call = unwrap(node);
  if (call.type !== 'CallExpression' || call.arguments.length !== 1 || call.arguments[0]!.type !== 'Literal') return false;
  const callee = unwrap(call.callee);
  return (
    callee.type === 'MemberExpression' &&
    propertyName(callee) === 'alloc' &&
    unwrap(callee.object).type === 'Identifier' &&
    (unwrap(callee.object) as TSESTree.Identifier).name === 'Buffer'
  );
}

const CONVERSIONS = new Set(['String', 'Number', 'padStart', 'padEnd', 'toString', 'toFixed', 'toLowerCase', 'toUpperCase', 'trim']);

/**
 * The statement's transaction reads one snapshot taken at its first read: REPEATABLE READ set (or
 * SERIALIZABLE), or left at MySQL's default, which is REPEATABLE READ.
 */
function readsOneSnapshot(step: Step, schema: Schema): boolean {
  const { isolation } = step.transaction;
  if (isolation === 'repeatable read' || isolation === 'serializable') return true;
  if (isolation !== null) return false;
  const tables = [...step.facts.tablesRead, ...step.facts.tablesWritten];
  return step.site.sql.dialect === 'mysql' || (tables.length > 0 && tables.every((t) => tableDatabase(schema, t) === 'mysql'));
}

/**
 * Between the test and the write, an UPDATE picks one row by a key holding a value taken from the row
 * read (`where: { email: oldEmail }` with `oldEmail = token.identifier`, under `email @unique`), moves
 * it off that value (`email: newEmail`) and rejects when no row matches (Prisma's `update`, P2025). Of
 * two requests that both pass the test, the second finds no row holding the old value and stops there,
 * before the write. DELETEs before it may run twice: done twice, they leave the same rows.
 */
function claimedByMovingKey(
  unit: Unit,
  read: Step,
  write: Step,
  test: TSESTree.Node,
  schema: Schema,
  resolver: CheckInput['resolver'],
): boolean {
  return unit.steps.some((claim) => {
    const { facts } = claim;
    if (claim === write || facts.kind !== 'update' || claim.site.rowsRequired !== true) return false;
    if (claim.site.node.range[0] <= test.range[0] || claim.site.node.range[1] > write.site.node.range[0]) return false;
    if (!controls(test, claim.site.node) || !alwaysWith(claim.site.node, write.site.node)) return false;
    const table = facts.tablesWritten[0];
    const equal = facts.where.filter((p) => p.operator === '=' && p.column !== null).map((p) => p.column!);
    if (table === undefined || coveringKey(schema, table, equal) === null) return false;
    const moved = facts.where.some((p) => {
      const from = p.operator === '=' && p.params.length === 1 ? paramOf(claim, p.params[0]) : null;
      if (from === null || !dependsOn(from, read.result, resolver)) return false;
      return facts.set.some(
        (a) => a.column === p.column && a.params.length === 1 && !sameValue(paramOf(claim, a.params[0]), from, resolver),
      );
    });
    return moved && movesFirst(unit, claim, test);
  });
}

/** `claimsFirst`, but a DELETE before the claim need not share its transaction: done twice, it leaves the same rows. */
function movesFirst(unit: Unit, claim: Step, test: TSESTree.Node): boolean {
  if (swallowsFailure(claim.site.node, unit.node)) return false;
  const before = (node: TSESTree.Node): boolean =>
    node.range[0] > test.range[0] && node.range[1] <= claim.site.node.range[0] && controls(test, node) && leadsTo(node, claim.site.node);
  const harmless = (s: Step): boolean => s === claim || !isWrite(s.facts) || s.facts.kind === 'delete' || sameTransaction(s, claim);
  return unit.steps.every((s) => !before(s.site.node) || harmless(s)) && !awaitsOtherCalls(unit, test, before);
}

/**
 * Whether running `node` can go on to `target`: not when it sits in a branch (of an `if`) that holds no
 * `target` and ends by returning or throwing (`if (expired) { cleanUp(); throw ... }`).
 */
function leadsTo(node: TSESTree.Node, target: TSESTree.Node): boolean {
  for (let child: TSESTree.Node = node, parent = node.parent; parent && !contains(parent, target); child = parent, parent = parent.parent) {
    if (parent.type === 'IfStatement' && child !== parent.test && branchLeaves(child as TSESTree.Statement, LEAVES_TURN)) return false;
  }
  return true;
}

/** A `try` around the node (inside the unit) whose `catch` does not throw again, or a `.catch(...)` on its promise. */
function swallowsFailure(node: TSESTree.Node, root: TSESTree.Node): boolean {
  for (let child: TSESTree.Node = node, parent = node.parent; parent && parent !== root; child = parent, parent = parent.parent) {
    if (parent.type === 'TryStatement' && parent.block === child && parent.handler) {
      let rethrows = false;
      walk(parent.handler.body, (n) => {
        if (rethrows || (n !== parent.handler && isFunction(n))) return false;
        if (n.type === 'ThrowStatement') rethrows = true;
        return !rethrows;
      });
      if (!rethrows) return true;
    }
    if (parent.type === 'MemberExpression' && parent.object === child && propertyName(parent) === 'catch') return true;
  }
  return false;
}

/** The same variable, property path or literal, written twice (`webhookId`, `args.id`, `input.id`). */
function sameValue(a: TSESTree.Node | null, b: TSESTree.Node | null, resolver: CheckInput['resolver']): boolean {
  if (a === null || b === null) return false;
  const x = unwrap(a);
  const y = unwrap(b);
  if (x.type === 'Identifier' && y.type === 'Identifier') {
    const vx = resolver.variable(x);
    return vx !== null ? vx === resolver.variable(y) : x.name === y.name;
  }
  if (x.type === 'MemberExpression' && y.type === 'MemberExpression')
    return !x.computed && !y.computed && propertyName(x) === propertyName(y) && sameValue(x.object, y.object, resolver);
  return x.type === 'Literal' && y.type === 'Literal' && x.value === y.value;
}

/**
 * The test reads values of the row (not the row handed whole to a function, `null` columns) that say what
 * the row is (its type, who receives it), not a state a concurrent request could move between the test
 * and the DELETE: no statement of this file (or of a function it calls) changes them, and none is named
 * like a state (`status`, `*_at`, `balance`: the names that make an equality a guard). A name keeps the
 * finding; only the file's own statements can tell it is quiet.
 */
function testsWhatStays(columns: readonly string[] | null, table: string, units: readonly Unit[]): boolean {
  if (columns === null || columns.length === 0 || columns.some(isStateColumn)) return false;
  return !units.some((u) =>
    u.steps.some(
      (s) =>
        (s.facts.kind === 'update' || s.facts.onConflict !== null) &&
        s.facts.tablesWritten.includes(table) &&
        (s.facts.set.length === 0 || s.facts.set.some((a) => columns.some((c) => hasColumn(new Set([a.column]), c)))),
    ),
  );
}

/**
 * The write is made by a called function that first reads the table again and tests the same columns
 * itself, leaving when they do not hold (`sendDocument(id)` re-reads the envelope and throws unless it is
 * a draft): the caller's earlier test decides nothing the function does not decide again next to its
 * write. Whether that re-check is itself a race is the function's own finding, reported where it is.
 */
function recheckedByCallee(unit: Unit, write: Step, table: string, columns: readonly string[] | null): boolean {
  const derived = write.site.derived;
  if (derived === undefined || columns === null || columns.length === 0) return false;
  return unit.steps.some((s) => {
    const rechecked = s.site.derived?.recheckedColumns;
    if (
      rechecked === undefined ||
      s.site.node !== write.site.node ||
      s.index >= write.index ||
      s.site.derived!.function !== derived.function ||
      !s.facts.tablesRead.includes(table)
    )
      return false;
    const tested = new Set(rechecked);
    return columns.every((c) => hasColumn(tested, c));
  });
}

/**
 * The write is made by a called function that first reads the rows it writes again, by their key, under
 * the read's own conditions on the state the write changes (`where: { id: { in: ids }, deletedTime: null
 * }` after `where: { tableId, id, deletedTime: null }`, before `data: { deletedTime: new Date() }`), and
 * leaves when that re-read does not find them all (`if (rows.length !== ids.length) throw`): whether the
 * state still holds is asked again by the function, next to its write, so the caller's earlier answer
 * decides nothing there. Whether the function's own read, test and write race is its own finding,
 * reported where it is. A condition compared with a value passed in (`status = $3`) is not told to be
 * the same one, so it keeps the caller's test.
 */
function rereadByCallee(
  unit: Unit,
  read: Step,
  write: Step,
  table: string,
  changed: readonly string[],
  options: CheckInput['options'],
): boolean {
  const derived = write.site.derived;
  if (derived === undefined || read.facts.aggregate) return false;
  const asked = guardsOf(read.facts.where, options.keyColumns ?? []).filter((p) => p.column !== null && changed.includes(p.column));
  if (asked.length === 0) return false;
  return unit.steps.some(
    (s) =>
      s.site.derived?.recheckedColumns !== undefined &&
      s.site.node === write.site.node &&
      s.index < write.index &&
      s.site.derived.function === derived.function &&
      s.facts.kind === 'select' &&
      !s.facts.aggregate &&
      s.facts.tablesRead.includes(table) &&
      s.facts.where.some(
        (q) => q.role === 'key' && q.column !== null && isKeyColumn(q.column) && (q.operator === '=' || q.operator === 'in'),
      ) &&
      asked.every((p) => s.facts.where.some((q) => asksTheSame(p, q))),
  );
}

/** The same condition on the row's state, with no value passed in (`deletedTime: null`, `status = 'open'`). */
function asksTheSame(first: Predicate, again: Predicate): boolean {
  return (
    first.column === again.column &&
    first.params.length === 0 &&
    again.params.length === 0 &&
    first.operator === again.operator &&
    conditionText(first) === conditionText(again)
  );
}

/** `"deleted_at" IS NULL` and `deleted_at is null` alike; a model call's `deletedTime: null` as written. */
function conditionText(p: Predicate): string {
  return p.text.replace(/["`\s]/g, '').toLowerCase();
}

/**
 * On the path where the test lets the write run, nothing else would be done twice by two requests that
 * both pass: no other write but a DELETE or a constant UPDATE (an INSERT, a value written, would repeat),
 * and no awaited call that runs no statement of the unit (an email, a payment, an API).
 */
function aloneOnItsPath(unit: Unit, write: Step, test: TSESTree.Node): boolean {
  const along = (node: TSESTree.Node): boolean =>
    node.range[0] > test.range[0] && controls(test, node) && onPathOf(write.site.node, node, unit.node);
  const others = unit.steps.filter((s) => s !== write && isWrite(s.facts) && along(s.site.node));
  if (!others.every((s) => s.facts.kind === 'delete' || isConstantUpdate(s) || recheckedWrite(unit, s))) return false;
  return !awaitsOtherCalls(unit, test, along);
}

/**
 * An UPDATE a called function makes after reading the rows it writes again, under a condition on the
 * state it changes, and leaving when it finds none (`restore(id)` reads `where: { id, deletedTime: {
 * not: null } }`, throws on no row, then clears `deletedTime`): the function asks for itself whether its
 * write is still due. Whether its own read and write race is its own finding, reported where it is.
 */
function recheckedWrite(unit: Unit, write: Step): boolean {
  const derived = write.site.derived;
  if (derived === undefined || write.facts.kind !== 'update') return false;
  const assigned = new Set(write.facts.set.map((a) => columnName(a.column)));
  return unit.steps.some(
    (s) =>
      s.index < write.index &&
      s.site.node === write.site.node &&
      s.site.derived?.function === derived.function &&
      s.site.derived.recheckedColumns !== undefined &&
      isRead(s) &&
      write.facts.tablesWritten.every((t) => s.facts.tablesRead.includes(t)) &&
      s.facts.where.some((p) => p.role === 'guard' && p.column !== null && assigned.has(columnName(p.column))),
  );
}

/**
 * Whether `node` runs when `target` does: not in another branch of an `if`, `?:` or `switch` that holds
 * `target`, and not after a `return` or `throw` that follows `target` in its own block.
 */
function onPathOf(target: TSESTree.Node, node: TSESTree.Node, root: TSESTree.Node): boolean {
  if (contains(target, node) || contains(node, target)) return true;
  let child: TSESTree.Node = target;
  for (let parent = target.parent; parent && parent !== root.parent; child = parent, parent = parent.parent) {
    if (contains(parent, node)) {
      if (parent.type === 'IfStatement' || parent.type === 'ConditionalExpression') {
        const branches = [parent.consequent, parent.alternate].filter((b): b is NonNullable<typeof b> => b !== null);
        return !branches.some((b) => b === child) || !branches.some((b) => b !== child && contains(b, node));
      }
      if (parent.type === 'SwitchStatement') return !parent.cases.some((c) => c !== child && contains(c, node));
      return true;
    }
    // Leaving this block: what follows it runs only when nothing after `target` in it returns or throws
    // (a `return` in a callback's body ends the callback, and its caller runs on).
    if (parent.type === 'BlockStatement' || parent.type === 'SwitchCase') {
      const body = parent.type === 'BlockStatement' ? parent.body : parent.consequent;
      const ends = (s: TSESTree.Statement): boolean =>
        s.type === 'ThrowStatement' ||
        (s.type === 'ReturnStatement' && !(parent.parent !== undefined && isFunction(parent.parent) && parent.parent !== root));
      if (body.slice(body.findIndex((s) => s === child) + 1).some(ends)) return false;
    }
  }
  return false;
}

/**
 * A member's role (`role`, `roleName`, `permissions`): the test asks who may act, as an owner test does.
 * The write does not set it, so a concurrent change of role is a change of who may act next, ordered
 * after this act; it leaves no state the write depends on behind. A write that moves the role (a
 * promotion to a constant, a value carried from the row) keeps the test: there the role is the state
 * moved. One that sets what the request asks for does not (`setsAsAsked`).
 */
const ROLE = /^(?:.*_)?(?:role|roles|role_name|permission|permissions)$/;

/**
 * The UPDATE, in this function, sets `column` only to a value the request brings (`teamRole:
 * data.teamRole`): a parameter, not a constant and nothing carried from the row read. It does not move
 * the row from the state tested to the next (`role: 'OWNER'` after `role === 'ADMIN'` does); it stores
 * what the caller asked, as a concurrent edit of the same row does, and the later of the two stays.
 * Only where the test weighs the role against what another read found (the caller's own role): a test
 * of the row's role against a constant (`if (user.role !== 'OWNER') throw`) is who the row is, and
 * what it may then set itself to depends on it.
 */
function setsAsAsked(write: Step, column: string, read: Step, resolver: CheckInput['resolver']): boolean {
  if (write.site.derived) return false;
  const sets = write.facts.set.filter((a) => hasColumn(new Set([a.column]), column));
  return (
    sets.length > 0 &&
    sets.every((a) => {
      const value = a.shape === 'value' && !a.constant && a.params.length === 1 ? paramOf(write, a.params[0]) : null;
      return value !== null && value.type !== 'Literal' && !dependsOn(value, read.result, resolver);
    })
  );
}

/** A secret the caller must know (`password`, `password_hash`, `hashed_password`, `otp_secret`): a credential, not state. */
const CREDENTIAL = /^(?:.*_)?(?:password|passwd|pass_hash|password_hash|hashed_password|secret|otp_secret|totp_secret)(?:_.*)?$/;

/**
 * The test lets what follows run only when the read found its row: `if (!row) throw`, `if (row ===
 * null) return`, `if (rows.length === 0) return`, or a library that rejects an empty result. An `else`
 * after a branch that leaves (`if (!row) return notFound(); else if (row.ownerId !== userId) return
 * forbidden();`) runs only on a row found, as the code after the `if` does.
 */
function stopsWhenMissing(read: Step, test: TSESTree.Node, write: Step): boolean {
  if (test === read.site.node) return true;
  if (test.type !== 'IfStatement' || (test.alternate !== null && !branchLeaves(test.consequent, LEAVES_TURN))) return false;
  // `if (!account) { account = await create(...) }`: the INSERT runs when the row is missing: get-or-create.
  if (write.site.node.range[0] >= test.consequent.range[0] && write.site.node.range[1] <= test.consequent.range[1]) return false;
  // A test of the row's values (`if (!row.active)`) stops on a row that is there, unless its chain starts
  // with an optional access on the row (`if (!row?.link?.enabled)`), which also stops when there is none.
  if (read.result.valueTests.some((t) => t.node === test)) return negatesOptionalChain(test.test, read);
  return missing(test.test, read);
}

/** `rows.every(...)`, `rows.some(...)`, `rows.includes(...)`: a boolean computed over the rows' values. */
function testsEveryRow(node: TSESTree.Node): boolean {
  const inner = unwrap(node);
  if (inner.type !== 'CallExpression' || inner.callee.type !== 'MemberExpression') return false;
  const name = propertyName(inner.callee);
  return name === 'every' || name === 'some' || name === 'includes';
}

/** The test reads how many rows a list holds (`!rows.length`, `rows.length === 0`), not whether one row came back. */
function testsListLength(test: TSESTree.Node, read: Step): boolean {
  return test.type === 'IfStatement' && someNode(test.test, (node) => sizeOfRows(node, read));
}

/** `rows.length`, `rows.size` of what the read returned. */
function sizeOfRows(node: TSESTree.Node, read: Step): boolean {
  const n = unwrap(node);
  return (
    n.type === 'MemberExpression' &&
    !n.computed &&
    ['length', 'size'].includes(propertyName(n) ?? '') &&
    read.result.valueNodes.has(unwrap(n.object))
  );
}

/**
 * The test stops the function when no row came back: `if (!row) throw ...`, `if (!row) return ...`, not
 * `if (!user) { user = await findByEmail(...) }`, after which the code runs on without the row.
 */
function exitsWhenMissing(read: Step, test: TSESTree.Node, write: Step): boolean {
  if (test.type !== 'IfStatement' || !stopsWhenMissing(read, test, write)) return false;
  const body = test.consequent.type === 'BlockStatement' ? test.consequent.body : [test.consequent];
  const last = body.at(-1);
  return last?.type === 'ThrowStatement' || last?.type === 'ReturnStatement';
}

/**
 * `!link?.directLink?.enabled`: a chain that starts with an optional access on the row, so it is
 * undefined, and its negation true, when no row came back.
 */
function optionalOnRow(expression: TSESTree.Expression, carries: (node: TSESTree.Node) => boolean): boolean {
  let node: TSESTree.Node = expression.type === 'ChainExpression' ? expression.expression : expression;
  while (node.type === 'MemberExpression' || node.type === 'CallExpression') {
    const inner: TSESTree.Node = node.type === 'MemberExpression' ? node.object : node.callee;
    if (node.type === 'MemberExpression' && carries(inner)) return node.optional;
    node = inner;
  }
  return false;
}

function negatesOptionalChain(expression: TSESTree.Expression, read: Step): boolean {
  const carries = (node: TSESTree.Node): boolean => read.result.valueNodes.has(node);
  if (expression.type === 'LogicalExpression' && expression.operator === '||')
    return negatesOptionalChain(expression.left, read) || negatesOptionalChain(expression.right, read);
  return expression.type === 'UnaryExpression' && expression.operator === '!' && optionalOnRow(expression.argument, carries);
}

function missing(expression: TSESTree.Expression, read: Step): boolean {
  const carries = (node: TSESTree.Node): boolean => read.result.valueNodes.has(node);
  const nothing = (node: TSESTree.Node): boolean => isNullish(node) || (node.type === 'Literal' && node.value === 0);
  switch (expression.type) {
    case 'UnaryExpression':
      // `!rows.every(...)`, `!rows.some(...)`: a test of the rows' values, not of their absence.
      return expression.operator === '!' && carries(expression.argument) && !testsEveryRow(expression.argument);
    case 'LogicalExpression':
      // `if (!a || !b) throw`: the rest runs only when neither is missing.
      return expression.operator === '||' && (missing(expression.left, read) || missing(expression.right, read));
    case 'BinaryExpression':
      if (expression.operator !== '===' && expression.operator !== '==') return false;
      return (carries(expression.left) && nothing(expression.right)) || (carries(expression.right) && nothing(expression.left));
    default:
      return false;
  }
}

/**
 * Writes that re-check in the database what the code checked: ON CONFLICT, a guard on a column the
 * read returned (the conditional write), a version check. Absolute write-backs of the tested value
 * are no-lost-update's (see `decidedValueIsLost`). `INSERT ... SELECT ... WHERE NOT EXISTS (...)` is no re-check: under READ
 * COMMITTED two requests both see no row and both insert.
 */
function isSafeWrite(read: Step, write: Step, table: string, resolver: CheckInput['resolver'], options: CheckInput['options']): boolean {
  if (write.facts.onConflict !== null) return true;
  const selected = read.facts.selectedColumns;
  const stateColumns = readStateColumns(read, options);
  const guarded = guardsOn(write, table, options).some(
    (g) => g.column === null || selected.includes('*') || selected.includes(g.column) || stateColumns.includes(g.column),
  );
  if (guarded) return true;
  return retestsReadValue(read, write, resolver);
}

/** The read picks rows by age alone: every state test is a time column below a bound (`created_at < $1`). */
function agedOnly(read: Step, options: CheckInput['options']): boolean {
  const state = guardsOf(read.facts.where, options.keyColumns ?? []).filter((p) => p.column !== null && !isKeyColumn(p.column));
  return (
    state.some((p) => p.operator === '<' || p.operator === '<=') &&
    state.every((p) =>
      p.operator === '<' || p.operator === '<='
        ? TIME_COLUMN.test(p.column!)
        : p.operator === '=' || p.operator === 'is null' || p.operator === 'is not null',
    )
  );
}

const TIME_COLUMN = /(?:_at|_on|_time|_date|^date|^time)$/;

/** Columns whose state the read's WHERE tests (`used = false`, `expires_at > now()`), not only the row's key. */
function readStateColumns(read: Step, options: CheckInput['options']): string[] {
  return guardsOf(read.facts.where, options.keyColumns ?? [])
    .filter((p) => p.column !== null && p.operator !== 'in' && p.operator !== 'exists' && !isKeyColumn(p.column))
    .map((p) => p.column!);
}

/**
 * A uniqueness check followed by an UPDATE that sets the value checked: the read looks for rows with
 * `column = <value>` (COUNT(*), EXISTS, or any row), the write sets `column` to a value from the client.
 * Returns that column.
 */
function uniqueColumnSet(read: Step, write: Step, table: string, resolver: CheckInput['resolver']): string | null {
  if (kindOn(write, table) !== 'update' || write.facts.tablesWritten[0] !== table) return null;
  const looked = read.facts.where.filter((p) => p.operator === '=' && p.column !== null && p.params.length > 0);
  const set = write.facts.set.find((a) => a.shape === 'value' && a.params.length > 0 && looked.some((p) => p.column === a.column));
  if (!set) return null;
  // The write is aimed at a row by its key, not by the value looked up.
  if (write.facts.where.some((p) => p.column === set.column)) return null;
  // Aimed at the rows found, by their own ids (`where: { id: { in: links.map((l) => l.id) } }`): it moves the
  // rows holding the value looked up to another one; a uniqueness check writes it onto a row of its own.
  if (aimsAtRowsFound(read, write, table, resolver)) return null;
  return set.column;
}

/**
 * A uniqueness check asks whether a row holding the value exists: it counts them (`COUNT(*)`, a model's
 * `count`), probes with EXISTS, tests whether a row came back (`if (existing) throw`), or whose row it
 * is (`if (existing && existing.id !== user.id) throw`: only the row's key is read, so the caller's own
 * row may keep its value), or a called function answers it without handing the row back (`validateDomain(slug)`,
 * then `if (valid.error) throw`). A test of what is in the rows read (a balance summed from a card's
 * transactions) checks something else.
 */
function asksWhetherTaken(read: Step, test: TSESTree.Node): boolean {
  // A helper's own verdict on whether its read found a row (`validateDomain(name)`, then `if (valid.error)`).
  if (read.site.derived?.answersPresence === true) return true;
  if (/\bcount\b|^\s*select\s+(?:not\s+)?exists\b/i.test(read.facts.text)) return true;
  return !read.result.valueTests.some((t) => t.node === test && !readsOnlyKeys(t.columns));
}

function readsOnlyKeys(columns: readonly string[] | null): boolean {
  return columns !== null && columns.length > 0 && columns.every(isKeyColumn);
}

/**
 * A one-statement claim whose subquery picks by state, neither locked nor re-tested, outside SERIALIZABLE.
 * On SQLite the statement is a transaction of its own, serializable like any there (see `onSqlite`).
 */
function unlockedSubqueryClaim(step: Step, schema: Schema): SubqueryClaim | null {
  const claim = step.facts.subqueryClaim;
  if (!claim || claim.locked || claim.retested || step.facts.kind !== 'update' || onSqlite(step, schema)) return null;
  // Only a claim changes the state it picked by (`SET owner = $1` after `owner IS NULL`).
  const flipped = step.facts.set.filter((a) => claim.guards.some((g) => g.column === a.column));
  if (flipped.length === 0) return null;
  // `SET status = $1 ... WHERE id IN (SELECT ... WHERE status <> $1)`: every caller moves the rows to the
  // same state, so two that pick the same row write the same value; nothing is taken.
  if (flipped.every((a) => claim.guards.filter((g) => g.column === a.column).every((g) => convergesTo(g, a)))) return null;
  const isolation = step.transaction.state === 'open' ? step.transaction.isolation : null;
  if (isolation === 'serializable' || (isolation === 'repeatable read' && step.site.sql.dialect === 'postgres')) return null;
  return claim;
}

/** `status <> $1` (or `!=`) picking the rows that `SET status = $1` then moves: the same value on both sides. */
function convergesTo(guard: SubqueryClaim['guards'][number], assignment: Step['facts']['set'][number]): boolean {
  if (guard.operator !== '<>') return false;
  const tested = /(?:<>|!=)\s*(.+)$/s.exec(guard.text)?.[1]?.trim();
  const written = assignment.text.replace(/^[^=]*=/, '').trim();
  return tested !== undefined && tested.length > 0 && tested === written;
}

/** Inside a transaction, a read written in place can take `FOR UPDATE` (not an aggregate: PostgreSQL refuses it there). */
function forUpdateSuggestion(read: Step): Suggestion<MessageId>[] {
  const literal = read.site.sql.literal;
  if (
    read.transaction.state !== 'open' ||
    read.facts.lock ||
    !literal ||
    !read.site.sql.complete ||
    read.facts.aggregate ||
    !read.lastInSite ||
    read.statementIndex !== 0
  )
    return [];
  const at = contentEnd(literal, read.site.sql.dialect);
  return at === null ? [] : [{ messageId: 'addForUpdate', data: {}, edits: [{ range: [at, at], text: ' FOR UPDATE' }] }];
}

/**
 * The offset just after the last SQL token of a literal: before trailing blanks, `;`, comments
 * (`-- why`) and the quote.
 */
function contentEnd(literal: TSESTree.StringLiteral | TSESTree.TemplateLiteral, dialect: SqlDialect): number | null {
  const raw = literal.type === 'Literal' ? literal.raw.slice(1, -1) : literal.quasis.at(-1)?.value.raw;
  if (raw === undefined) return null;
  // A template that ends in a hole (`... WHERE id = ${id}`) takes the clause after the hole.
  const last = tokenize(raw, dialect).findLast((t) => t.type !== 'space' && t.type !== 'comment' && t.type !== 'semicolon');
  return literal.range[1] - 1 - (raw.length - (last?.end ?? 0));
}

/**
 * Clear-once: `if (!program.listedAt) return notFound()`, then `SET listed_at = NULL` (constants for
 * the rest) and nothing else on that path. The test asks whether a value is there and the write clears
 * it: two requests that both pass leave the same row, and a release cannot be granted twice: nothing is
 * held after a clear for a winner to act on, as the holder of a flag set is (`if (coupon.used) throw`,
 * then `used = true`). So the test may answer "not found" when it is clear already, and the function
 * may answer after the write, as long as the answer carries nothing read from the row.
 */
function clearsOnce(unit: Unit, read: Step, write: Step, test: TSESTree.Node): boolean {
  if (test.type !== 'IfStatement' || !isConstantUpdate(write) || !asksPresence(test.test)) return false;
  const tests = read.result.valueTests.filter((t) => t.node === test);
  if (tests.length === 0 || tests.some((t) => t.columns === null || t.columns.length === 0)) return false;
  const cleared = new Set(write.facts.set.filter(setsNull).map((a) => a.column));
  if (!tests.every((t) => t.columns!.some((c) => hasColumn(cleared, c)))) return false;
  if (laterWrites(unit, read).some((w) => w !== write && controls(test, w.site.node)) || awaitsOtherCalls(unit, test)) return false;
  return !answersWithRead(unit.node, read, write.site.node);
}

/**
 * A clear decided by what an outside service answers about the row: `if (!partner.payoutsEnabledAt)
 * return`, then `const account = await stripe.accounts.retrieve(partner.stripeConnectId)` and `if
 * (!account.payouts_enabled) await prisma.partner.update({ where: { id: partner.id }, data: {
 * payoutsEnabledAt: null } })`. The test only asks whether there is something to ask about; the answer,
 * fetched with the row's key after it, decides the write, and the write clears what the test found set
 * (every tested column it sets goes to `NULL`, the rest constants) on the row read. Two requests that
 * both pass clear the same row alike; a value another request stored in between is no state this write
 * moves on from. What the test lets run besides (a transfer, another table's rows) is the act of the
 * reads that found those rows, and reported there.
 */
function clearedOnOutsideAnswer(read: Step, write: Step, test: TSESTree.Node, table: string, resolver: CheckInput['resolver']): boolean {
  if (test.type !== 'IfStatement' || !isConstantUpdate(write) || !asksPresence(test.test)) return false;
  if (write.facts.tablesWritten[0] !== table || !(aimsAtRowsFound(read, write, table, resolver) || aimedAsLookedUp(read, write, resolver)))
    return false;
  const tests = read.result.valueTests.filter((t) => t.node === test);
  if (tests.length === 0 || tests.some((t) => t.columns === null || t.columns.length === 0)) return false;
  const assigned = new Set(write.facts.set.map((a) => a.column));
  const cleared = new Set(write.facts.set.filter(setsNull).map((a) => a.column));
  if (!tests.every((t) => t.columns!.every((c) => !hasColumn(assigned, c) || hasColumn(cleared, c)))) return false;
  const between = (node: TSESTree.Node): boolean => node.range[0] > test.test.range[1] && node.range[0] < write.site.node.range[0];
  return read.result.valueTests.some(
    (answer) =>
      between(answer.node) &&
      controls(answer.node, write.site.node) &&
      read.result.valueTests.filter((t) => t.node === answer.node).every((t) => t.lookedUp === true),
  );
}

/** `col = NULL`, `col: null`. */
function setsNull(a: Assignment): boolean {
  return a.constant && /(?:=|:)\s*null\s*$/i.test(a.text);
}

/** After `after`, the function returns or answers a request with a value carried from the read's result. */
function answersWithRead(fn: TSESTree.Node, read: Step, after: TSESTree.Node): boolean {
  let found = false;
  walk(fn, (node) => {
    if (found || (node !== fn && isFunction(node))) return false;
    const answer = node.type === 'ReturnStatement' ? node.argument : isResponseCall(node) ? node : null;
    if (answer && node.range[0] > after.range[1]) {
      walk(answer, (inner) => {
        if (read.result.valueNodes.has(inner)) found = true;
        return !found;
      });
    }
    return !found;
  });
  return found;
}

/**
 * Every test that decides the write only asks whether rows came back (`if (rows.length > 0)`, `if
 * (total > 0)`, `if (rows.length === 0) return`), the write is aimed at exactly the rows found, by the
 * keys read (`where: { id: { in: rows.map((r) => r.id) } }`), and it converges: a DELETE of rows picked
 * by what they are (`page > $1`, `start_date BETWEEN ...`, no state-named column), or constant values
 * that take each state the read picked by to where any concurrent writer could only have taken it too
 * (`isDeleted: false` found, `isDeleted: true` written; `disabled_at IS NULL` found, the clock
 * written; a column of two values). Without the test the write would do the same: with no rows it
 * matches none. Two requests that both pass leave the same rows. Not when anything else the test lets
 * run would be done twice (see `sideEffectsOnce`), nor for a status of more values (`status =
 * 'PENDING'` found, `REJECTED` written over a concurrent `APPROVED`).
 */
function convergesOnRowsFound(
  unit: Unit,
  read: Step,
  write: Step,
  table: string,
  input: Pick<CheckInput, 'options' | 'resolver' | 'units' | 'schema'>,
): boolean {
  const { options, resolver, schema } = input;
  const deciding = decidingTests(read, write, table, { ...input, unit }).filter((t) => seesResult(read, t) && controls(t, write.site.node));
  if (deciding.length === 0 || !deciding.every((t) => t.type === 'IfStatement' && asksAnyRows(t.test, t, read))) return false;
  if (!aimsAtRowsFound(read, write, table, resolver)) return false;
  const state = guardsOf(read.facts.where, options.keyColumns ?? []).filter(
    (p) => p.column !== null && p.operator !== 'in' && p.operator !== 'exists' && !isKeyColumn(p.column),
  );
  const kind = kindOn(write, table);
  if (kind === 'delete') {
    if (state.some((p) => isStateColumn(p.column!))) return false;
  } else if (kind === 'update') {
    if (!isConstantUpdate(write)) return false;
    for (const p of state) {
      const assignment = write.facts.set.find((a) => hasColumn(new Set([a.column]), p.column!));
      if (assignment && !takesStateAlong(p, assignment, table, schema)) return false;
    }
  } else return false;
  // Nothing found is no failure, and the request that wrote answers nothing after it: a one-time token
  // (`if (!rows.length) throw`, then `used = true` and `return rows[0].user_id`) is a claim, not this.
  if (handsRowsOn(unit, read, write)) return false;
  return deciding.every((t) => !answersAroundWrite(unit, write, t as TSESTree.IfStatement) && sideEffectsOnce(unit, read, write, t));
}

/**
 * After the write, the rows found go on to something else, whatever the test said: an awaited call that
 * runs no statement of the unit takes a value of them (`for (const r of due) await sendEmail(r.email)`),
 * or another write takes one. The write then claimed them (a stamp set on the rows to be sent), and
 * two requests that both found them both do the rest.
 */
function handsRowsOn(unit: Unit, read: Step, write: Step): boolean {
  const after = write.site.node.range[1];
  const carries = (root: TSESTree.Node): boolean => {
    let found = false;
    walk(root, (node) => {
      if (found) return false;
      if (read.result.valueNodes.has(node)) found = true;
      return !found;
    });
    return found;
  };
  if (unit.steps.some((s) => s !== write && isWrite(s.facts) && s.site.node.range[0] > after && carries(s.site.node))) return true;
  const sites = unit.steps.map((s) => s.site.node);
  let handed = false;
  walk(unit.node, (node) => {
    if (handed) return false;
    if (node.type === 'AwaitExpression' && node.range[0] > after) {
      const inner = unwrap(node.argument);
      if (
        !sites.some((site) => site === inner || contains(inner, site) || contains(site, inner)) &&
        carries(inner) &&
        !sameWhenRepeated(inner)
      )
        handed = true;
    }
    return !handed;
  });
  return handed;
}

/**
 * A branch of `test` that skips the write answers (returns a value, throws, responds), or the code answers
 * after the write. When that branch leaves a loop (`if (rows.length === 0) break`), what follows the loop
 * runs either way and tells nobody apart: only an answer inside the loop, after the write, counts.
 */
function answersAroundWrite(unit: Unit, write: Step, test: TSESTree.IfStatement): boolean {
  const branches = [test.consequent, test.alternate].filter((b): b is TSESTree.Statement => b !== null);
  const done = branches.find((b) => !contains(b, write.site.node));
  const left = done === undefined ? null : loopBrokenOutOf(done);
  const writes =
    branches.find((b) => contains(b, write.site.node)) ?? (left !== null && contains(left, write.site.node) ? left : unit.node);
  if (done !== undefined && answersIn(done, unit.node, { after: null, throws: true })) return true;
  return answersIn(writes, unit.node, { after: write.site.node, throws: false });
}

/**
 * `rows.length`, `!rows.length`, `rows.length > 0`, `rows.length === 0`, `total > 0` (a number the
 * read gave that is no value of a row): the condition asks whether any rows came back, nothing else.
 */
function asksAnyRows(expression: TSESTree.Expression, test: TSESTree.Node, read: Step): boolean {
  return rowsAsked(expression, test, read) !== null;
}

/**
 * What a condition that asks whether rows came back holds for: 'some' (`rows.length`, `total > 0`,
 * `rows.length >= 1`), 'none' (`!rows.length`, `total === 0`, `rows.length < 1`); null for any other
 * condition.
 */
function rowsAsked(expression: TSESTree.Expression, test: TSESTree.Node, read: Step): 'some' | 'none' | null {
  const inner = unwrap(expression);
  const carries = (node: TSESTree.Node): boolean => read.result.valueNodes.has(unwrap(node));
  const size = (node: TSESTree.Node): boolean => sizeOfRows(node, read);
  // A number the read returned, tested as no value of a row (the count a find-and-count gives).
  const number = (node: TSESTree.Node): boolean =>
    size(node) || (unwrap(node).type === 'Identifier' && carries(node) && !read.result.valueTests.some((t) => t.node === test));
  const literal = (node: TSESTree.Node, value: number): boolean => {
    const n = unwrap(node);
    return n.type === 'Literal' && n.value === value;
  };
  if (size(inner)) return 'some';
  if (inner.type === 'UnaryExpression' && inner.operator === '!') return size(inner.argument) ? 'none' : null;
  if (inner.type !== 'BinaryExpression' || inner.left.type === 'PrivateIdentifier') return null;
  const { left, right, operator } = inner;
  const some = ['>', '!==', '!='].includes(operator);
  const none = ['===', '=='].includes(operator);
  if ((some || none) && number(left) && literal(right, 0)) return some ? 'some' : 'none';
  if ((operator === '>=' || operator === '<') && number(left) && literal(right, 1)) return operator === '>=' ? 'some' : 'none';
  if (['<', '!==', '!=', '===', '=='].includes(operator) && literal(left, 0) && number(right)) return none ? 'none' : 'some';
  return null;
}

/**
 * `if (segments.length) { await trx('copies').insert(segments.map(...)) }`: the INSERT sits in the branch
 * taken only when rows came back, and writes rows made of those rows one by one (src/flow/rows-made-of.ts):
 * with none found it would write none, so the test decides nothing the INSERT does not, and it adds to
 * what was found, never where nothing was. A count (`rows.length < 3`), a value of a row, or rows made
 * of something else (a refund for the charge found) keep the test a check.
 */
function insertsFoundRows(read: Step, test: TSESTree.Node, write: Step, resolver: CheckInput['resolver']): boolean {
  return (
    test.type === 'IfStatement' &&
    contains(test.consequent, write.site.node) &&
    asksRowsThere(test.test, test, read) &&
    insertsPerRowFound(write, read, resolver)
  );
}

/** `rows.length`, `rows.length > 0`, `rows.length >= 1`, or one of them in an `&&`: taken only when rows came back. */
function asksRowsThere(expression: TSESTree.Expression, test: TSESTree.Node, read: Step): boolean {
  return logicalParts(expression, '&&').some((part) => rowsAsked(part as TSESTree.Expression, test, read) === 'some');
}

/**
 * An UPDATE or DELETE aimed, by the row's own key, at a row an INSERT of this function made after the
 * read (`const project = await Collective.create(data)`, then `project.update({ image })`): the read
 * could not have seen that row, so nothing it tested is in it. Not after an INSERT with `ON CONFLICT`
 * (an upsert answers with the row already there, which may be the one read).
 */
function aimsAtRowCreated(unit: Unit, read: Step, write: Step, table: string, resolver: CheckInput['resolver']): boolean {
  const kind = kindOn(write, table);
  if ((kind !== 'update' && kind !== 'delete') || write.facts.tablesWritten[0] !== table) return false;
  const where = write.facts.where;
  if (where.length === 0 || !where.every((p) => p.column !== null && p.operator === '=' && isKeyColumn(p.column))) return false;
  const created = unit.steps.filter(
    (s) =>
      s.index > read.index &&
      s.index < write.index &&
      s.facts.kind === 'insert' &&
      s.facts.onConflict === null &&
      s.facts.tablesWritten[0] === table &&
      s.site.node.range[0] > read.site.node.range[1],
  );
  // The key holds the created row's, not the read's (`notification = await create(...)` in one branch,
  // `notification.update(...)` of the row read in the other), and the INSERT runs on the way to the write.
  const fromCreated = (value: TSESTree.Node | null): boolean =>
    !dependsOn(value, read.result, resolver) &&
    created.some((c) => dependsOn(value, c.result, resolver) && onPathOf(write.site.node, c.site.node, unit.node));
  return where.some((p) => isRowKey(p.column!, table) && p.params.some((n) => fromCreated(paramOf(write, n))));
}

/**
 * The write's WHERE names rows by their keys only, and some key takes its values from the rows read
 * (`id IN (rows.map((r) => r.id))`, `where: { id: row.id }`): it writes the rows found, no others.
 */
function aimsAtRowsFound(read: Step, write: Step, table: string, resolver: CheckInput['resolver']): boolean {
  if (write.facts.tablesWritten[0] !== table || !read.facts.tablesRead.includes(table)) return false;
  const where = write.facts.where;
  if (where.length === 0 || !where.every((p) => p.column !== null && (p.operator === '=' || p.operator === 'in') && isKeyColumn(p.column)))
    return false;
  return where.some(
    (p) =>
      isRowKey(p.column!, table) &&
      p.params.some((n) => dependsOn(paramOf(write, n), read.result, resolver) || keyOfRowPassed(write, n, p.column!, read, resolver)),
  );
}

/**
 * A called function writes by a key it reads off a parameter (`where: { id: environment.id }`), and the
 * caller passes a row read for that parameter (`for (const environment of environments) await
 * pause(environment)`): the key is the row's own.
 */
function keyOfRowPassed(write: Step, n: number, column: string, read: Step, resolver: CheckInput['resolver']): boolean {
  const passed = write.site.paramProperties?.[n - 1];
  return passed != null && columnName(passed.property) === columnName(column) && dependsOn(passed.of, read.result, resolver);
}

/**
 * The state the read picked the row by, and the constant the write sets it to, leave a concurrent
 * writer nowhere else to have taken it: one of a column's two values found and the other written
 * (`is_deleted = false`, then `true`), nothing found (`IS NULL`) and something written, or something
 * found (`IS NOT NULL`) and NULL written.
 */
function takesStateAlong(found: Predicate, written: Assignment, table: string, schema: Schema): boolean {
  const value = writtenConstant(written);
  if (found.operator === 'is null') return !/^null$/i.test(value);
  // Something found (`disabledAt: { not: null }`) and cleared: the other side of a stamp, as above.
  if (found.operator === 'is not null') return /^null$/i.test(value);
  if (found.operator !== '=') return false;
  const tested = /(?:=|:)\s*(['"]?)([\w.-]+)\1\s*$/.exec(found.text)?.[2];
  if (tested === undefined || tested === value) return false;
  if (/^(?:true|false)$/i.test(tested) && /^(?:true|false)$/i.test(value)) return true;
  const values = columnValues(schema, table, found.column!);
  return values !== null && values.length === 2 && values.includes(tested) && values.includes(value);
}

/**
 * An idempotent act: everything the test lets run, done by two requests that both pass, leaves what it
 * leaves done once, and tells nobody apart. Every write on the way, made here or by a called function
 * that does nothing unseen (`effectsSeen`), is a DELETE, or an UPDATE of constants only (a literal, the
 * clock, NULL: no value of the request, which two requests could send apart, nor of the read, nor
 * relative, nor a nested write); no INSERT. Every column of the row the test reads, in JavaScript or in the read's
 * WHERE, is a key, a role, a credential, or a state of two values one of these writes moves to a
 * constant (a flag, a stamp set or cleared, a declared enum of two values): a transition of a status
 * of more values (`PENDING` to `APPROVED`, over a concurrent `REJECTED`) is reported. No other call
 * runs on the way but those that only read, take away, log, compute or answer (src/flow/outside-calls.ts).
 * The branch taken when the state is there already returns quietly, answers as the writing path does,
 * answers an HTTP error, or throws from a handler a framework calls (`registeredHandler`); the writing
 * path answers nothing a caller could act on (`acknowledgesOnly`). So a server action that refuses a
 * banned user (`if (user.banned) throw`), then sets `banned: true` and deletes the user's sessions, is
 * not reported; `export async function redeem` doing the same to a coupon is: its caller may grant
 * the discount once it returned.
 */
function idempotentAct(
  unit: Unit,
  read: Step,
  write: Step,
  test: TSESTree.Node,
  table: string,
  { options, schema, resolver }: Pick<CheckInput, 'options' | 'schema' | 'resolver'>,
): boolean {
  if (test.type !== 'IfStatement') return false;
  const along = (node: TSESTree.Node): boolean => onPathOf(write.site.node, node, unit.node);
  const effects = laterWrites(unit, read).filter((w) => (w === write || controls(test, w.site.node)) && along(w.site.node));
  // The row read, written by the key it was found by or by a key taken from it (`user.id`).
  const onRowRead = (w: Step): boolean =>
    w.facts.tablesWritten[0] === table && (aimsAtRowsFound(read, w, table, resolver) || aimedAsLookedUp(read, w, resolver));
  // Constants moved on another row (`released: true` on the credits) may grant what the test guarded: only the clock there.
  if (
    !effects.every(
      (w) =>
        (!w.site.derived || w.site.derived.effectsSeen === true) &&
        (w.facts.kind === 'delete' || (isConstantUpdate(w) && w.facts.unseenWrites !== true && (onRowRead(w) || stamps(w)))),
    )
  )
    return false;
  const moved = effects.filter((w) => w.facts.kind === 'update' && onRowRead(w)).flatMap((w) => w.facts.set);
  const settled = (column: string, found: (a: Assignment) => boolean): boolean =>
    isKeyColumn(column) ||
    ROLE.test(columnName(column)) ||
    CREDENTIAL.test(columnName(column)) ||
    moved.some((a) => hasColumn(new Set([a.column]), column) && found(a));
  // The state the read's WHERE found the row in.
  const guards = guardsOf(read.facts.where, options.keyColumns ?? []);
  if (!guards.every((p) => p.column !== null && settled(p.column, (a) => takesStateAlong(p, a, table, schema)))) return false;
  // The state the test reads of the row.
  const tested = read.result.valueTests.find((t) => t.node === test);
  if (
    tested !== undefined &&
    (tested.columns === null || !tested.columns.every((c) => settled(c, (a) => twoValued(a, test.test, table, schema))))
  )
    return false;
  const sites = unit.steps.map((s) => s.site.node);
  // Anywhere after the test: a call after it that runs either way may be handed the rows (`for (const r of due) await sendEmail(r.email)`).
  if (callsOutside(unit.node, sites, (node) => node.range[0] > test.range[0])) return false;
  // What either way answers.
  const writes = [test.consequent, test.alternate].find((b) => b !== null && contains(b, write.site.node)) ?? unit.node;
  const done = [test.consequent, test.alternate].find((b) => b !== null && !contains(b, write.site.node)) ?? null;
  if (effects.some((w) => w.result.returned || isReturned(w.site.node, unit.node))) return false;
  const last = effects.at(-1)!.site.node;
  if (done !== null && answersAlike(done, writes, last, unit.node)) return true;
  // A throw goes to the calling function, which may act once it got none (`await redeem(code); await
  // grantDiscount()`): only a handler the module registers with a framework throws to no code of its own.
  if (done !== null && !returnsQuietly(done) && !(refuses(done) && (!endsInThrow(done) || registeredHandler(unit.node)))) return false;
  // The row's key (`{ id: program.id }`) is the same in both answers: only its other values could tell them apart.
  // Composite values holding it are walked into, down to what is read off the row.
  const row = (node: TSESTree.Node): boolean =>
    (node.type === 'Identifier' || node.type === 'MemberExpression') &&
    (read.result.valueNodes.has(node) || effects.some((w) => w.result.valueNodes.has(node))) &&
    !namesKey(node);
  return acknowledgesOnly(writes, unit.node, last, row);
}

/**
 * The condition asks whether the caller may take an action on the row, handed whole (`ability.cannot('delete',
 * subject('SpaceMember', member))`, `can('update', post)`): an authorization, the caller's role weighed
 * against the row's owner and keys, like a test of the row's owner (`tag.ownerId !== userId`) or role
 * (`ROLE`). Every other conjunct reads nothing of the row.
 */
function asksPermission(condition: TSESTree.Expression, read: Step): boolean {
  const ofRow = (node: TSESTree.Node): boolean => {
    const inner = unwrap(node);
    if (read.result.valueNodes.has(node) || read.result.valueNodes.has(inner)) return true;
    // `subject('SpaceMember', member)`: the row wrapped for the question.
    return inner.type === 'CallExpression' && !permissionCall(inner) && inner.arguments.some(ofRow);
  };
  const asked = conjuncts(condition).map((c) => {
    let inner = unwrap(c);
    while (inner.type === 'UnaryExpression' && inner.operator === '!') inner = unwrap(inner.argument);
    return inner.type === 'CallExpression' && permissionCall(inner) && inner.arguments.slice(1).some(ofRow);
  });
  return asked.some(Boolean) && conjuncts(condition).every((c, i) => asked[i] || !someNode(c, (n) => read.result.valueNodes.has(n)));
}

/** `x.can('update', ...)`, `cannot('delete', ...)`: a permission asked of an action named by a literal. */
function permissionCall(call: TSESTree.CallExpression): boolean {
  const callee = unwrap(call.callee);
  const name = callee.type === 'Identifier' ? callee.name : callee.type === 'MemberExpression' ? propertyName(callee) : null;
  const action = call.arguments[0];
  return (name === 'can' || name === 'cannot') && action !== undefined && action.type === 'Literal' && typeof action.value === 'string';
}

function endsInThrow(branch: TSESTree.Statement): boolean {
  return (branch.type === 'BlockStatement' ? branch.body.at(-1) : branch)?.type === 'ThrowStatement';
}

/**
 * A function handed, at the module's top level, to a call that registers it (`export const POST =
 * withWorkspace(async (...) => ...)`, `client.action(async (...) => ...)`, `app.post('/ban', async (req,
 * res) => ...)`, a tRPC router's `.mutation(...)`): the framework calls it, and what it throws becomes
 * the request's error answer; no code of the application runs on once it returned.
 */
function registeredHandler(fn: TSESTree.Node): boolean {
  if (fn.type !== 'ArrowFunctionExpression' && fn.type !== 'FunctionExpression') return false;
  let passed = false;
  for (let child: TSESTree.Node = fn, parent = fn.parent; parent; child = parent, parent = parent.parent) {
    if (parent.type === 'Program') return passed;
    if (parent.type === 'CallExpression') {
      if (parent.arguments.includes(child as TSESTree.CallExpressionArgument)) passed = true;
      else if (parent.callee !== child) return false;
    } else if (!MODULE_LEVEL_HOLDERS.has(parent.type)) return false;
  }
  return false;
}

/** What may hold a registered handler between its call and the module's top level. */
const MODULE_LEVEL_HOLDERS = new Set<string>([
  'MemberExpression',
  'Property',
  'ObjectExpression',
  'ArrayExpression',
  'VariableDeclarator',
  'VariableDeclaration',
  'ExportNamedDeclaration',
  'ExportDefaultDeclaration',
  'ExpressionStatement',
  'TSAsExpression',
  'TSSatisfiesExpression',
]);

/** Every predicate of the write's WHERE is a key equality the read looked its row up by, with the same value. */
function aimedAsLookedUp(read: Step, write: Step, resolver: CheckInput['resolver']): boolean {
  const looked = read.facts.where.filter((p) => p.role === 'key' && p.operator === '=' && p.column !== null && p.params.length > 0);
  const aimed = write.facts.where;
  return (
    aimed.length > 0 &&
    aimed.every(
      (p) =>
        p.role === 'key' &&
        p.operator === '=' &&
        looked.some((f) => f.column === p.column && sameValue(paramOf(write, p.params[0]), paramOf(read, f.params[0]), resolver)),
    )
  );
}

/** `program.id`, or the `program` of it: a key column read off a value. */
function namesKey(node: TSESTree.Node): boolean {
  if (node.type === 'MemberExpression' && !node.computed) return isKeyColumn(propertyName(node) ?? '');
  const parent = node.parent;
  return parent?.type === 'MemberExpression' && parent.object === node && namesKey(parent);
}

/**
 * The column written is a state of two values the test asks about: a flag (`banned: true`) or a stamp set
 * or cleared (`deletedAt: new Date()`, `mfaEnabledAt: null`) under a test of whether it is there or true
 * (`if (user.banned)`, `if (!user.mfaEnabledAt)`, `=== false`), or one of a declared enum's two values.
 */
function twoValued(a: Assignment, condition: TSESTree.Expression, table: string, schema: Schema): boolean {
  const value = writtenConstant(a);
  const values = columnValues(schema, table, a.column);
  if (values !== null) return values.length === 2 && values.includes(value);
  if (!(writesClock(a) || setsNull(a) || /^(?:true|false)$/i.test(value))) return false;
  return conjuncts(condition).every((c) => {
    const inner = unwrap(c);
    if (inner.type === 'LogicalExpression' && inner.operator === '||')
      return asksPresence(inner) || [inner.left, inner.right].every((side) => twoValued(a, side, table, schema));
    const booleanCompared =
      inner.type === 'BinaryExpression' &&
      ['===', '!==', '==', '!='].includes(inner.operator) &&
      [inner.left, inner.right].some((side) => side.type === 'Literal' && typeof side.value === 'boolean');
    return asksPresence(inner as TSESTree.Expression) || booleanCompared;
  });
}
