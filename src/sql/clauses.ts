/**
 * Token-level readers for the pieces of a statement that both the parser path and the lexical
 * fallback need as text: WHERE conjuncts, SET assignments, select-list items, names.
 */

import { CLOCK_FUNCTIONS, classifyAssignment, classifyPredicate, type Operand } from './classify.js';
import type { Assignment, Predicate } from './facts.js';
import { paramsOf } from './scan.js';
import { identName, join, type Token } from './tokenize.js';

export const isWord = (t: Token | undefined, ...words: string[]): boolean => t?.type === 'word' && words.includes(t.value);
const isName = (t: Token | undefined): t is Token => t?.type === 'word' || t?.type === 'qident';

/** Index of the `close` matching the `open` at `i` (or the end). */
export function matchingClose(tokens: readonly Token[], i: number): number {
  let depth = 0;
  for (let k = i; k < tokens.length; k++) {
    const t = tokens[k] as Token;
    if (t.type === 'open') depth++;
    else if (t.type === 'close' && --depth === 0) return k;
  }
  return tokens.length - 1;
}

/** Splits `tokens` on top-level tokens for which `at` is true (the separators are dropped). */
export function splitTop(tokens: readonly Token[], at: (t: Token, i: number) => boolean): Token[][] {
  const parts: Token[][] = [[]];
  let depth = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    if (t.type === 'open') depth++;
    else if (t.type === 'close') depth = Math.max(0, depth - 1);
    if (depth === 0 && t.type !== 'open' && at(t, i)) parts.push([]);
    else parts[parts.length - 1]?.push(t);
  }
  return parts.filter((p) => p.length > 0);
}

function wrapped(tokens: readonly Token[]): boolean {
  return tokens[0]?.type === 'open' && matchingClose(tokens, 0) === tokens.length - 1;
}

/** The conjuncts of a WHERE clause (without the WHERE keyword): split on top-level AND, unwrapping parentheses. */
export function conjuncts(tokens: readonly Token[]): Token[][] {
  let betweens = 0;
  const parts = splitTop(tokens, (t) => {
    if (isWord(t, 'between')) betweens++;
    if (!isWord(t, 'and')) return false;
    if (betweens > 0) {
      betweens--;
      return false;
    }
    return true;
  });
  return parts.flatMap((p) => {
    if (!wrapped(p)) return [p];
    const inner = p.slice(1, -1);
    const split = conjuncts(inner);
    return split.length > 1 ? split : [p];
  });
}

/** A plain column reference, `a`, `t.a`, `s.t.a`, optionally cast: its column name, else null. */
export function columnOf(tokens: readonly Token[]): string | null {
  let end = tokens.length;
  const cast = tokens.findIndex((t) => t.text === '::');
  if (cast !== -1) end = cast;
  while (end > 0 && wrapped(tokens.slice(0, end))) {
    tokens = tokens.slice(1, end - 1);
    end = tokens.length;
  }
  if (end === 0 || end % 2 === 0) return null;
  for (let i = 0; i < end; i++) {
    const t = tokens[i];
    if (i % 2 === 0 ? !isName(t) || isWord(t, ...VALUE_WORDS) : t?.type !== 'dot') return null;
  }
  return identName(tokens[end - 1] as Token);
}

/** Words that are values, not column names. */
const VALUE_WORDS = [
  'true',
  'false',
  'null',
  'default',
  'array',
  'interval',
  'current_date',
  'current_time',
  'current_timestamp',
  'localtime',
  'localtimestamp',
  'current_user',
  'session_user',
  'user',
  'any',
  'all',
  'some',
  'not',
  'and',
  'or',
  'as',
  'cast',
  'date',
  'timestamp',
  'time',
  'is',
  'distinct',
  'from',
  'in',
  'like',
  'ilike',
  'unknown',
];
const CLOCK_WORDS = ['current_date', 'current_time', 'current_timestamp', 'localtime', 'localtimestamp'];

/** What an expression is made of, read from its tokens. */
export function exprShape(tokens: readonly Token[]): {
  refs: string[];
  qualified: [string, string][];
  calls: boolean;
  clockOnly: boolean;
  subquery: boolean;
} {
  const refs: string[] = [];
  const qualified: [string, string][] = [];
  let calls = false;
  let clockOnly = true;
  let subquery = false;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    const prev = tokens[i - 1];
    if (isWord(t, 'select')) subquery = true;
    if (!isName(t)) continue;
    if (prev?.text === '::' || (isWord(prev, 'as') && isWord(tokens[i - 3], 'cast'))) continue;
    if (tokens[i + 1]?.type === 'open') {
      if (!isWord(t, 'any', 'all', 'some', 'array', 'cast', 'in', 'exists')) {
        calls = true;
        if (!(t.type === 'word' && CLOCK_FUNCTIONS.has(t.value))) clockOnly = false;
      }
      continue;
    }
    if (t.type === 'word' && CLOCK_WORDS.includes(t.value)) {
      calls = true;
      continue;
    }
    if (t.type === 'word' && VALUE_WORDS.includes(t.value)) continue;
    if (prev?.type === 'dot') continue;
    if (tokens[i + 1]?.type === 'dot' && isName(tokens[i + 2])) {
      let k = i + 2;
      while (tokens[k + 1]?.type === 'dot' && isName(tokens[k + 2])) k += 2;
      qualified.push([identName(tokens[k - 2] as Token), identName(tokens[k] as Token)]);
      i = k;
      continue;
    }
    refs.push(identName(t));
  }
  return { refs, qualified, calls, clockOnly, subquery };
}

const COMPARISONS: Record<string, string> = { '=': '=', '<>': '<>', '!=': '<>', '<': '<', '<=': '<=', '>': '>', '>=': '>=' };

/** One conjunct of a WHERE clause, read from its tokens and judged by `classifyPredicate`. */
export function lexicalPredicate(tokens: readonly Token[]): Predicate {
  const text = join(tokens);
  const params = paramsOf(tokens);
  const none: Operand = { kind: 'none' };
  const guard = (operator: string, column: string | null = null): Predicate =>
    classifyPredicate({ column, operator, operand: none, params, text });
  if (splitTop(tokens, (t) => isWord(t, 'or')).length > 1) return guard('other');
  let body = tokens;
  while (wrapped(body)) body = body.slice(1, -1);
  if (isWord(body[0], 'exists')) return guard('exists');
  if (isWord(body[0], 'not')) return guard('other', columnOf(body.slice(1)));

  let opAt = -1;
  let operator = 'other';
  let opLength = 1;
  let depth = 0;
  for (let i = 0; i < body.length && opAt === -1; i++) {
    const t = body[i] as Token;
    if (t.type === 'open') depth++;
    else if (t.type === 'close') depth--;
    if (depth !== 0) continue;
    const cmp = t.type === 'op' ? COMPARISONS[t.text] : undefined;
    if (cmp !== undefined) {
      opAt = i;
      operator = cmp;
    } else if (isWord(t, 'is')) {
      opAt = i;
      const not = isWord(body[i + 1], 'not');
      operator = isWord(body[i + (not ? 2 : 1)], 'null') ? (not ? 'is not null' : 'is null') : 'other';
      opLength = body.length - i;
    } else if (isWord(t, 'in', 'like', 'ilike', 'between', 'similar')) {
      opAt = i;
      const negated = isWord(body[i - 1], 'not');
      operator = isWord(t, 'between', 'similar') ? 'other' : `${negated ? 'not ' : ''}${isWord(t, 'in') ? 'in' : 'like'}`;
      if (negated) opAt = i - 1;
      opLength = negated ? 2 : 1;
    }
  }
  if (opAt === -1) return guard('other', columnOf(body));
  const left = body.slice(0, opAt);
  const right = body.slice(opAt + opLength);
  const leftColumn = columnOf(left);
  const rightColumn = operator.startsWith('is ') ? null : columnOf(right);
  if (operator === '=' && isWord(right[0], 'any') && right[1]?.type === 'open') operator = 'in';
  if (leftColumn !== null && rightColumn !== null) {
    const join = qualifierOf(left) !== null && qualifierOf(right) !== null && qualifierOf(left) !== qualifierOf(right);
    return classifyPredicate({
      column: null,
      operator,
      operand: { kind: 'column', columns: [leftColumn, rightColumn], join },
      params,
      text,
    });
  }
  const column = leftColumn ?? rightColumn;
  const other = leftColumn !== null ? right : left;
  return classifyPredicate({ column, operator, operand: operator.startsWith('is ') ? none : lexicalOperand(other), params, text });
}

/** What the other side of a comparison is made of, from its tokens. */
function lexicalOperand(tokens: readonly Token[]): Operand {
  const shape = exprShape(tokens);
  if (shape.subquery) return { kind: 'subquery' };
  if (shape.refs.length > 0 || shape.qualified.length > 0) return { kind: 'expression' };
  const value = tokens.some((t) => isWord(t, 'true', 'false'))
    ? 'boolean'
    : tokens.some((t) => t.type === 'param')
      ? 'parameter'
      : 'literal';
  return { kind: 'value', value };
}

/** The table or alias a plain column reference is qualified with (`c` of `c.id`), or null. */
function qualifierOf(tokens: readonly Token[]): string | null {
  let body = tokens;
  const cast = body.findIndex((t) => t.text === '::');
  if (cast !== -1) body = body.slice(0, cast);
  while (wrapped(body)) body = body.slice(1, -1);
  return body.length >= 3 && body[body.length - 2]?.type === 'dot' ? identName(body[body.length - 3] as Token) : null;
}

/** Table names (lower-case unless quoted) a target reference can be qualified with. */
export type TargetNames = ReadonlySet<string>;

/** `column = expression` items of a SET list, read from their tokens and judged by `classifyAssignment`. */
export function lexicalAssignments(tokens: readonly Token[], target: TargetNames): Assignment[] {
  const eq = tokens.findIndex((t) => t.text === '=');
  if (eq === -1) return [];
  const lhs = tokens.slice(0, eq);
  const rhs = tokens.slice(eq + 1);
  const columns = wrapped(lhs) ? splitTop(lhs.slice(1, -1), (t) => t.type === 'comma').map((p) => columnOf(p)) : [columnOf(lhs)];
  const shape = exprShape(rhs);
  // A reference qualified with the target's own name or alias reads the stored row.
  const reads = [
    ...shape.refs.map((column) => ({ qualifier: null, column })),
    ...shape.qualified.map(([q, column]) => ({ qualifier: target.has(q) ? null : q, column })),
  ];
  const params = paramsOf(rhs);
  const text = join(tokens);
  return columns
    .filter((c): c is string => c !== null)
    .map((column) =>
      classifyAssignment({ column, reads, params, calls: shape.calls, clockOnly: shape.clockOnly, subquery: shape.subquery, text }),
    );
}

/** The output name of one select-list or RETURNING item. */
export function outputName(item: readonly Token[]): string {
  const last = item[item.length - 1];
  if (last === undefined) return '?column?';
  if (last.text === '*') return '*';
  if (item.length === 1) return isName(last) ? identName(last) : '?column?';
  const beforeLast = item[item.length - 2];
  const aliasFollows = ['close', 'string', 'number', 'param', 'word', 'qident'];
  if (isName(last) && beforeLast !== undefined && aliasFollows.includes(beforeLast.type)) return identName(last);
  const column = columnOf(item);
  if (column !== null) return column;
  const first = item[0];
  if (isName(first) && item[1]?.type === 'open') return identName(first);
  if (item[0]?.type === 'open' || first?.type === 'param') {
    const cast = item.findIndex((t) => t.text === '::');
    const type = item[cast + 1];
    if (cast !== -1 && isName(type) && first?.type !== 'param') return identName(type);
  }
  return '?column?';
}

/** Reads a possibly qualified name at `i`: its last part, and the index after it. */
export function readName(tokens: readonly Token[], i: number): { name: string; next: number } | null {
  const t = tokens[i];
  if (!isName(t)) return null;
  let k = i;
  while (tokens[k + 1]?.type === 'dot' && isName(tokens[k + 2])) k += 2;
  return { name: identName(tokens[k] as Token), next: k + 1 };
}
