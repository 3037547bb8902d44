/**
 * Parameters that stand where no value can: `FROM $1`, `$1.users`, `INSERT INTO t ($2, $3)`,
 * `SET $2 = $3`, `AS $4`, and a parameter right after a complete operand (`FROM t $2`, a spliced
 * `WHERE ...` clause). Code splices table names, column names and whole clauses into SQL text with
 * `${}`; the extractor turns each such hole into `$n`, which the parser reads as a value and then
 * fails on. This finds those positions so the extractor can write an identifier (the table's
 * name, or the expression as written) or nothing (an unknown clause) in their place.
 */

import type { SqlDialect } from './facts.js';
import { depthsOf } from './normalize.js';
import { significant, tokenize, type Token } from './tokenize.js';

/** What a parameter's position says it is. */
export type HoleRole = 'identifier' | 'fragment' | 'row';

/** Words after which a table name goes. */
const TABLE_BEFORE = new Set(['from', 'join', 'update', 'into', 'table', 'using', 'only']);
/** `EXTRACT(year FROM x)`, `TRIM(both FROM x)`, `IS DISTINCT FROM x`: a value follows FROM. */
const VALUE_FROM = new Set([
  'distinct',
  'year',
  'month',
  'week',
  'day',
  'hour',
  'minute',
  'second',
  'epoch',
  'dow',
  'doy',
  'quarter',
  'both',
  'leading',
  'trailing',
  'millisecond',
  'microsecond',
  'century',
  'decade',
  'isodow',
  'isoyear',
  'timezone',
]);
/** Words a value may follow (a parameter after any other word follows an operand: it splices SQL). */
const BEFORE_VALUE = new Set([
  'select',
  'where',
  'and',
  'or',
  'not',
  'on',
  'set',
  'values',
  'limit',
  'offset',
  'by',
  'then',
  'else',
  'when',
  'case',
  'in',
  'is',
  'like',
  'ilike',
  'between',
  'having',
  'returning',
  'distinct',
  'all',
  'any',
  'some',
  'exists',
  'interval',
  'as',
  'default',
  'with',
  'fetch',
  'first',
  'next',
  'escape',
  'similar',
  'to',
  'over',
  'partition',
  'array',
  'row',
  'rows',
  'range',
  'for',
  'do',
  'from',
  'join',
  'update',
  'into',
  'table',
  'using',
  'only',
  'recursive',
  'lateral',
  'cross',
  'inner',
  'left',
  'right',
  'full',
  'outer',
  'natural',
  'union',
  'intersect',
  'except',
  'filter',
  'within',
  'group',
  'order',
  'collate',
  'at',
  'time',
  'overlaps',
  'window',
  'zone',
  'of',
  'if',
  'elsif',
  'return',
  'raise',
  'perform',
  'execute',
  'call',
  'delete',
  'insert',
  'replace',
  'ignore',
  'key',
  'duplicate',
  'conflict',
  'nothing',
  'constraint',
  'each',
  'statement',
  'lock',
  'share',
  'mode',
  'nowait',
  'skip',
  'locked',
  'div',
  'mod',
  'xor',
  'regexp',
  'rlike',
  'against',
  'glob',
  'match',
]);

const isWord = (t: Token | undefined, ...words: string[]): boolean => t?.type === 'word' && words.includes(t.value);

/**
 * The role of each `$n` token of `text` that cannot be a value, keyed by the token's offset in
 * `text`. A parameter not listed is left as a value.
 */
export function parameterRoles(text: string, dialect: SqlDialect = 'postgres'): Map<number, { n: number; role: HoleRole }> {
  const roles = new Map<number, { n: number; role: HoleRole }>();
  if (!text.includes('$')) return roles;
  const all = tokenize(text, dialect);
  // Statements one by one: a role never looks across `;`.
  let start = 0;
  for (let i = 0; i <= all.length; i++) {
    if (i === all.length || all[i]?.type === 'semicolon') {
      statementRoles(significant(all.slice(start, i)), roles);
      start = i + 1;
    }
  }
  return roles;
}

function statementRoles(tokens: readonly Token[], roles: Map<number, { n: number; role: HoleRole }>): void {
  if (!tokens.some((t) => t.type === 'param')) return;
  const first = tokens[0] as Token;
  // `${statements} COMMIT`: a hole that opens a statement followed by more words splices statements.
  if (first.type === 'param' && tokens[1]?.type === 'word') roles.set(first.start, { n: Number(first.value), role: 'fragment' });
  // Only statements the checks read; DDL (`ADD COLUMN ${name}`) is never parsed.
  const head = first.type === 'param' ? tokens[1] : first;
  if (!(head?.type === 'open' || isWord(head, 'select', 'insert', 'update', 'delete', 'with', 'values', 'replace'))) return;
  const depths = depthsOf(tokens);
  const identifierLists = columnListTokens(tokens, depths);
  tokens.forEach((t, i) => {
    if (t.type !== 'param' || i === 0) return;
    const prev = tokens[i - 1];
    const next = tokens[i + 1];
    const n = Number(t.value);
    if (
      isTablePosition(tokens, depths, i) ||
      prev?.type === 'dot' ||
      next?.type === 'dot' ||
      identifierLists.has(i) ||
      isWord(prev, 'as') ||
      isSetTarget(tokens, i)
    ) {
      roles.set(t.start, { n, role: 'identifier' });
      return;
    }
    // `VALUES ${rows}`: one or more row constructors spliced in; `VALUES ($n)` reads the same.
    if (isWord(prev, 'values') && next?.type !== 'op') {
      roles.set(t.start, { n, role: 'row' });
      return;
    }
    // No operator between an operand and a parameter: the parameter splices SQL (a clause, a condition).
    if (followsOperand(prev)) roles.set(t.start, { n, role: 'fragment' });
  });
}

/** `FROM $1`, `JOIN $1`, `UPDATE $1`, `INTO $1`, `DELETE FROM $1`, `, $2` in a FROM list of tables. */
function isTablePosition(tokens: readonly Token[], depths: readonly number[], i: number): boolean {
  const prev = tokens[i - 1];
  if (prev?.type === 'word' && TABLE_BEFORE.has(prev.value)) {
    if (prev.value !== 'from') return true;
    if (VALUE_FROM.has(tokens[i - 2]?.value ?? '')) return false;
    // `SUBSTRING(x FROM $1)`: a FROM inside a function call's parentheses takes a value.
    return !insideCall(tokens, depths, i);
  }
  return false;
}

/** Whether token i sits in parentheses opened by a function call (not a subquery). */
function insideCall(tokens: readonly Token[], depths: readonly number[], i: number): boolean {
  const depth = depths[i] ?? 0;
  if (depth === 0) return false;
  for (let k = i - 1; k >= 0; k--) {
    if (tokens[k]?.type === 'open' && depths[k] === depth - 1) {
      const before = tokens[k - 1];
      return (
        before?.type === 'word' &&
        !BEFORE_VALUE.has(before.value) &&
        !isWord(tokens[k + 1], 'select', 'with', 'values', 'insert', 'update', 'delete')
      );
    }
  }
  return false;
}

/** Indexes of tokens inside `INSERT INTO t (a, b)` and `ON CONFLICT (a, b)` column lists. */
function columnListTokens(tokens: readonly Token[], depths: readonly number[]): Set<number> {
  const inside = new Set<number>();
  const collect = (open: number): void => {
    const depth = depths[open] ?? 0;
    for (let k = open + 1; k < tokens.length && (depths[k] ?? 0) > depth; k++) inside.add(k);
  };
  tokens.forEach((t, i) => {
    if (t.type !== 'open') return;
    if (isWord(tokens[i - 1], 'conflict')) collect(i);
    // INSERT INTO target (cols): target is a word, a quoted name, a parameter, or `schema.name`.
    const target = tokens[i - 1];
    if (target && (target.type === 'word' || target.type === 'qident' || target.type === 'param')) {
      let k = i - 2;
      while (tokens[k]?.type === 'dot') k -= 2;
      if (isWord(tokens[k], 'into')) collect(i);
    }
  });
  return inside;
}

/** `SET $2 = ...` and `, $4 = ...` in an UPDATE's SET list. */
function isSetTarget(tokens: readonly Token[], i: number): boolean {
  const next = tokens[i + 1];
  if (next?.type !== 'op' || next.value !== '=') return false;
  const prev = tokens[i - 1];
  if (isWord(prev, 'set')) return true;
  if (prev?.type !== 'comma') return false;
  for (let k = i - 2; k >= 0; k--) {
    const t = tokens[k] as Token;
    if (isWord(t, 'set')) return true;
    if (isWord(t, 'where', 'from', 'select', 'returning', 'values')) return false;
  }
  return false;
}

/** A token after which an operand is complete: a name, a literal, a closing parenthesis, a parameter. */
function followsOperand(t: Token | undefined): boolean {
  if (t === undefined) return false;
  if (t.type === 'word') return !BEFORE_VALUE.has(t.value);
  return t.type === 'qident' || t.type === 'param' || t.type === 'close' || t.type === 'number' || t.type === 'string';
}
