/**
 * The one place that judges a WHERE conjunct and a SET assignment, whoever read them: the SQL parser
 * (parse.ts), the lexical fallback (clauses.ts), or a query-builder adapter that has no SQL text.
 * Each producer describes what it saw in the neutral shapes below (`Comparison`, `AssignmentShape`);
 * what that means for the checks is decided here, once.
 */

import type { Assignment, Predicate, PredicateRole } from './facts.js';
import { isKeyColumn, isStateColumn, SOFT_DELETE } from './keys.js';

/** What one side of a comparison is made of. */
export type Operand =
  /** `IS NULL`, `EXISTS (...)`, a bare column: nothing is compared. */
  | { kind: 'none' }
  /** Parameters and literals only (one value, a list, `ANY($1)`): `value` is what it holds. */
  | { kind: 'value'; value: 'parameter' | 'literal' | 'boolean' }
  /**
   * Both sides are plain columns (the comparison's `column` is then null); `join` when they are
   * qualified with two different tables or aliases (`c.id = fix.id`).
   */
  | { kind: 'column'; columns: [string, string]; join: boolean }
  /** A subquery (`IN (SELECT ...)`). */
  | { kind: 'subquery' }
  /** Anything else: arithmetic over columns, function calls. */
  | { kind: 'expression' };

/** One conjunct as its producer saw it, before it is judged. */
export interface Comparison {
  /**
   * Normalised: `=`, `<>`, `<`, `<=`, `>`, `>=`, `in`, `not in`, `like`, `not like`, `is null`,
   * `is not null`, `exists`, `other` (an OR, a NOT, BETWEEN, anything else).
   */
  operator: string;
  /** The column tested, when exactly one side is a plain column. */
  column: string | null;
  /** The other side. */
  operand: Operand;
  params: number[];
  text: string;
  /** The other side is the clock (`now()`, a model API's `new Date()`), for a predicate built without SQL text. */
  againstClock?: boolean;
}

const RANGES = new Set(['<', '<=', '>', '>=']);

/**
 * Whether a concurrent writer can flip the conjunct, and if not, whether it aims at particular rows:
 *
 * - `key`: equality (or `IN` with values passed in) on a column that identifies the row (`id = $1`,
 *   `sku = $2`, `user_id = ANY($1)`): the statement is aimed at those rows.
 * - `filter`: it selects a batch or a scope that no concurrent request moves rows in or out of: a
 *   join on keys (`c.id = fix.id`), `IN` over a constant list or a subquery of keys, `LIKE`, `NOT IN`
 *   or `<>` on a column that is not state (`id LIKE 'm-%'`, `name <> 'admin'`), a range over keys (`id >= $1`), a
 *   soft-delete marker (`deleted_at IS NULL`). Matching 0 rows is an outcome, not a lost race.
 * - `guard`: it tests the row's state (`available_seats > 0`, `status = 'pending'`, `version = $3`,
 *   `worker_id IS NULL`, `active = true`), an OR, an EXISTS: the statement can match 0 rows because
 *   someone else wrote first.
 */
export function predicateRole(c: Comparison): PredicateRole {
  const { operator, column, operand } = c;
  if (operand.kind === 'column') {
    return operator === '=' && operand.join && operand.columns.every(isKeyColumn) ? 'filter' : 'guard';
  }
  if (column === null) return 'guard';
  if (operator === 'is null') return SOFT_DELETE.test(column.toLowerCase()) ? 'filter' : 'guard';
  if ((operator === 'in' || operator === 'not in') && operand.kind === 'subquery') return isKeyColumn(column) ? 'filter' : 'guard';
  if (operand.kind !== 'value') return 'guard';
  // A range is a batch over keys only: `stock >= $1`, `amount > 0` re-test what a request changes.
  if (RANGES.has(operator)) return isKeyColumn(column) ? 'filter' : 'guard';
  const identity = isKeyColumn(column) || (operand.value !== 'boolean' && !isStateColumn(column));
  if (!identity) return 'guard';
  if (operator === '=') return 'key';
  if (operator === 'in') return c.params.length > 0 ? 'key' : 'filter';
  if (operator === 'not in' || operator === '<>' || operator === 'like' || operator === 'not like') return 'filter';
  return 'guard';
}

/** A judged conjunct. */
export function classifyPredicate(c: Comparison): Predicate {
  const role = predicateRole(c);
  const predicate: Predicate = { column: c.column, operator: c.operator, role, isKey: role !== 'guard', params: c.params, text: c.text };
  if (c.againstClock) predicate.againstClock = true;
  return predicate;
}

/** One `SET column = expression` as its producer saw it, before it is judged. */
export interface AssignmentShape {
  column: string;
  /**
   * The columns the expression reads, each with the table (or alias) it is qualified with, or null.
   * References to the proposed row (`excluded.x`, MySQL `new.x`) are included with that qualifier.
   */
  reads: { qualifier: string | null; column: string }[];
  params: number[];
  /** It calls a function or a clock keyword (`now()`, `CURRENT_TIMESTAMP`). */
  calls: boolean;
  /** The calls are only clock functions: `now()` is the same for every request that writes it. */
  clockOnly: boolean;
  /** It holds a subquery. */
  subquery: boolean;
  text: string;
}

/** Qualifiers that name the proposed row, not the stored one. */
export const PROPOSED_ROW = new Set(['excluded', 'new']);

/** Functions whose value does not depend on the row or the request: writing them is a constant. */
export const CLOCK_FUNCTIONS = new Set([
  'now',
  'current_timestamp',
  'current_date',
  'current_time',
  'localtime',
  'localtimestamp',
  'clock_timestamp',
  'statement_timestamp',
  'transaction_timestamp',
  'utc_timestamp',
  'sysdate',
  'curdate',
  'curtime',
]);

/** A judged assignment (see `Assignment.shape` and `Assignment.constant`). */
export function classifyAssignment(a: AssignmentShape): Assignment {
  const stored = a.reads.filter((r) => r.qualifier === null || !PROPOSED_ROW.has(r.qualifier));
  const relative = stored.some((r) => r.column === a.column);
  const fromClient = a.params.length > 0 || stored.length < a.reads.length;
  const computed = !fromClient && (stored.length > 0 || a.calls || a.subquery);
  const shape = relative ? 'relative' : computed ? 'computed' : 'value';
  const constant = a.reads.length === 0 && a.params.length === 0 && !a.subquery && (!a.calls || a.clockOnly);
  return { column: a.column, shape, constant, params: a.params, text: a.text };
}
