/**
 * What the declared schema (src/schema) changes about a check-then-act: a key that already refuses the
 * duplicate INSERT, a CHECK that makes an unguarded decrement fail instead of crossing its bound.
 */
import type { TSESTree } from '@typescript-eslint/types';
import { isFunction, walk } from '../extract/ast.js';
import type { Step } from '../flow/index.js';
import { columnKind, coveringKey, lowerBound, type CheckBound, type CoveringKey, type Schema } from '../schema/index.js';
import type { JsValueKind } from '../flow/provenance.js';

/** The primary key or unique constraint the INSERT's column list covers, so a duplicate fails. */
export function insertKey(write: Step, table: string, schema: Schema): CoveringKey | null {
  const { facts } = write;
  if (facts.kind !== 'insert' || facts.tablesWritten[0] !== table || facts.insertColumns === null) return null;
  return coveringKey(schema, table, facts.insertColumns);
}

/**
 * The INSERT's error reaches a handler: it runs inside `try { }` whose `catch` does more than rethrow
 * (it answers, or it tests for the duplicate key), or its promise has `.catch(...)` / `.then(ok, fail)`.
 */
export function errorHandled(node: TSESTree.Node): boolean {
  let child: TSESTree.Node = node;
  for (let current = node.parent; current; child = current, current = current.parent) {
    if (current.type === 'TryStatement' && current.block === child && current.handler !== null && handles(current.handler)) return true;
    if (current.type === 'MemberExpression' && current.object === child && !current.computed && current.property.type === 'Identifier') {
      const call = current.parent;
      const name = current.property.name;
      if (
        call?.type === 'CallExpression' &&
        call.callee === current &&
        (name === 'catch' || (name === 'then' && call.arguments.length >= 2))
      )
        return true;
    }
    if (isFunction(current)) return false;
  }
  return false;
}

const DUPLICATE_KEY = /23505|ER_DUP_ENTRY|P2002|1062|duplicate|unique/i;

/** A catch clause that tests for the duplicate key, or that does not rethrow (it answers instead). */
function handles(handler: TSESTree.CatchClause): boolean {
  let rethrows = false;
  let testsKey = false;
  walk(handler.body, (n) => {
    if (n !== handler.body && isFunction(n)) return false;
    if (n.type === 'ThrowStatement') rethrows = true;
    if (n.type === 'Literal' && typeof n.value === 'string' && DUPLICATE_KEY.test(n.value)) testsKey = true;
    if (n.type === 'Identifier' && DUPLICATE_KEY.test(n.name)) testsKey = true;
    return true;
  });
  return testsKey || !rethrows;
}

/** `SET stock = stock - $1` on a column a CHECK bounds from below (`stock >= 0`): the bound and the column. */
export function boundedDecrement(write: Step, table: string, schema: Schema): { column: string; check: CheckBound } | null {
  if (write.facts.kind !== 'update' || write.facts.tablesWritten[0] !== table) return null;
  for (const assignment of write.facts.set) {
    if (assignment.shape !== 'relative' || !/-/.test(assignment.text.replace(/^[^=]*=/, ''))) continue;
    const check = lowerBound(schema, table, assignment.column);
    if (check) return { column: assignment.column, check };
  }
  return null;
}

/** `primary key (id)`, `unique constraint one_booking_per_slot (doctor, starts_at)`. */
export function describeKey(key: CoveringKey): string {
  const columns = `(${key.columns.join(', ')})`;
  return key.kind === 'primary key' ? `primary key ${columns}` : `unique constraint ${key.name ?? ''} ${columns}`.replace(/\s+/g, ' ');
}

/**
 * The fix a written column takes by its declared type: `number` (`x = x + $1`), `json` (`||`,
 * `jsonb_set`), `array` (`array_append`), `other` (a lock or a version column); null when the schema
 * does not declare the column.
 */
export function columnFixKind(schema: Schema, table: string, column: string): JsValueKind | null {
  const kind = columnKind(schema, table, column);
  if (kind === null) return null;
  return kind === 'number' || kind === 'json' || kind === 'array' ? kind : 'other';
}
