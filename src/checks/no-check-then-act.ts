import type { TSESTree } from '@typescript-eslint/types';
import type { Step } from '../flow/index.js';
import type { SqlDialect } from '../sql/facts.js';
import { tokenize } from '../sql/tokenize.js';
import { isLostUpdate } from './no-lost-update.js';
import { controls, seesResult, guardsOn, isRead, kindOn, laterWrites, line, readProtection, retestsReadValue, sharedTable, type CheckInput, findingAt } from './shared.js';
import type { Finding, RuleMessages, Suggestion } from './types.js';

export const messages = {
  checkThenAct:
    '`{{table}}` is read on line {{readLine}} without a lock, tested on line {{checkLine}}, and written on line {{writeLine}}: a concurrent request can change it in between. Lock the rows (`SELECT ... FOR UPDATE` inside the transaction) or make the write conditional (`UPDATE ... WHERE <the tested condition>`) and check its {{countHint}}.',
  checkThenInsert:
    'The check of `{{table}}` on line {{readLine}} (tested on line {{checkLine}}) does not stop a concurrent request from inserting the same row before the INSERT on line {{writeLine}}: both see nothing and both insert. Enforce it with a unique constraint and `INSERT ... ON CONFLICT`, or run the transaction as SERIALIZABLE and retry on error 40001.',
  addForUpdate: 'Lock the rows read until the transaction ends: append `FOR UPDATE`.',
} as const satisfies RuleMessages;

export type MessageId = keyof typeof messages;

export const description = 'Disallow reading a row, testing it in JavaScript, then writing it without a lock';

export function noCheckThenAct({ units, resolver, options }: CheckInput): Finding<'no-check-then-act'>[] {
  const findings: Finding<'no-check-then-act'>[] = [];
  for (const unit of units) {
    for (const read of unit.steps) {
      if (!isRead(read) || read.result.tests.length === 0) continue;
      for (const write of laterWrites(unit, read)) {
        const table = sharedTable(read, write);
        if (table === null || write.site === read.site || readProtection(read, write, false) !== null) continue;
        if (isSafeWrite(read, write, table, resolver, options)) continue;
        const insert = kindOn(write, table) === 'insert';
        const test = decidingTests(read, write, table).find((t) => seesResult(read, t) && controls(t, write.site.node));
        if (!test) continue;
        findings.push(findingAt(unit, read, 'no-check-then-act', insert ? 'checkThenInsert' : 'checkThenAct', { table, readLine: line(read.site.node), checkLine: line(test), writeLine: line(write.site.node), countHint: write.site.countHint }, [
            { label: 'check', node: test },
            { label: 'write', node: write.site.node },
          ], insert ? [] : forUpdateSuggestion(read)));
        break;
      }
    }
  }
  return findings;
}

/**
 * The tests of the read that decide this write. An INSERT acts on "is there a row?", so every test
 * counts. An UPDATE or DELETE of a row that exists acts on what is in it: only tests that read a
 * row's values count, and for an UPDATE only when it sets a column the test read (or the columns
 * cannot be told). Loading a row, answering 404 when it is missing and then updating other columns
 * is not a race on the tested value.
 */
function decidingTests(read: Step, write: Step, table: string): TSESTree.Node[] {
  const kind = kindOn(write, table);
  if (kind === 'insert') return read.result.tests;
  const assigned = new Set(write.facts.set.map((a) => a.column));
  return read.result.valueTests
    .filter((t) => kind !== 'update' || assigned.size === 0 || t.columns === null || t.columns.some((c) => assigned.has(c.toLowerCase())))
    .map((t) => t.node);
}

/**
 * Writes that re-check in the database what the code checked: ON CONFLICT, a guard on a column the
 * read returned (the conditional write), a version check; and absolute write-backs, which
 * no-lost-update reports. `INSERT ... SELECT ... WHERE NOT EXISTS (...)` is no re-check: under READ
 * COMMITTED two requests both see no row and both insert.
 */
function isSafeWrite(read: Step, write: Step, table: string, resolver: CheckInput['resolver'], options: CheckInput['options']): boolean {
  if (write.facts.onConflict !== null) return true;
  const selected = read.facts.selectedColumns;
  const guarded = guardsOn(write, table, options).some((g) => g.column === null || selected.includes('*') || selected.includes(g.column));
  if (guarded) return true;
  if (retestsReadValue(read, write, resolver)) return true;
  return isLostUpdate(read, write, resolver);
}

/** Inside a transaction, a read written in place can take `FOR UPDATE` (not an aggregate: PostgreSQL refuses it there). */
function forUpdateSuggestion(read: Step): Suggestion<MessageId>[] {
  const literal = read.site.sql.literal;
  if (read.transaction.state !== 'open' || read.facts.lock || !literal || !read.site.sql.complete || read.facts.aggregate || !read.lastInSite || read.statementIndex !== 0) return [];
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
