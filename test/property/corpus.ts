/**
 * What the property tests start from and how they damage it: real statements and sources of this
 * repository (fixtures/ and test/), a small SQL grammar, and mutations of text (insert, delete, swap
 * tokens, random characters, deep nesting), all bounded in size.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Every run draws the same cases: a failure reproduces, a pass is not luck. */
export const SEED = 20_261_130;

function sourceFilesUnder(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...sourceFilesUnder(full));
    else if (/\.(ts|js)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) found.push(full);
  }
  return found.sort();
}

/** JS/TS sources of the fixtures (runnable race scenarios and their fixes). */
export const FIXTURE_SOURCES: readonly string[] = sourceFilesUnder(path.join(ROOT, 'fixtures')).map((file) => readFileSync(file, 'utf8'));

const STATEMENT_START = /^\s*(select|insert|update|delete|with|begin|commit|rollback|start|set|savepoint|lock|values|merge|replace)\b/i;

/** SQL statements written in string literals of fixtures/ and test/ (quotes, backticks without `${}`). */
export const REAL_STATEMENTS: readonly string[] = (() => {
  const statements = new Set<string>();
  const files = [...sourceFilesUnder(path.join(ROOT, 'fixtures')), ...sourceFilesUnder(path.join(ROOT, 'test'))];
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/'((?:[^'\\\n]|\\.){6,400})'|`([^`$]{6,600})`/g)) {
      const literal = match[1] ?? match[2] ?? '';
      if (STATEMENT_START.test(literal)) statements.add(literal.replace(/\\'/g, "'"));
    }
  }
  return [...statements].sort();
})();

// ---------------------------------------------------------------------------------------------------
// A small SQL grammar: the statements the checks care about, with their guards, locks and CTEs.

const table = fc.constantFrom('stock', 'orders', 'public.accounts', '"Coupons"', 'tickets', 'jobs');
const column = fc.constantFrom('id', 'qty', 'status', 'balance', 'owner', 'version', 'expires_at', 'user_id', 'data');
const param = fc.integer({ min: 1, max: 5 }).map((n) => `$${n}`);
const literal = fc.constantFrom("'pending'", '0', '1', 'NULL', 'true', "'{}'::jsonb", 'now()', "interval '1 day'");
const value = fc.oneof(param, literal, column);

const expression: fc.Arbitrary<string> = fc.letrec<{ expr: string }>((tie) => ({
  expr: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    value,
    fc.tuple(tie('expr'), fc.constantFrom('+', '-', '*', '||'), tie('expr')).map(([a, op, b]) => `${a} ${op} ${b}`),
    fc.tuple(fc.constantFrom('coalesce', 'greatest', 'lower'), tie('expr')).map(([f, a]) => `${f}(${a})`),
    tie('expr').map((a) => `(${a})`),
  ),
})).expr;

const condition: fc.Arbitrary<string> = fc.letrec<{ cond: string }>((tie) => ({
  cond: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.tuple(column, fc.constantFrom('=', '<>', '>', '>=', '<', '<=', '!='), expression).map(([c, op, e]) => `${c} ${op} ${e}`),
    fc.tuple(column, fc.constantFrom('IS NULL', 'IS NOT NULL')).map(([c, is]) => `${c} ${is}`),
    fc.tuple(column, fc.array(literal, { minLength: 1, maxLength: 3 })).map(([c, list]) => `${c} IN (${list.join(', ')})`),
    fc.tuple(column, table, column).map(([c, t, d]) => `${c} IN (SELECT ${d} FROM ${t})`),
    fc.tuple(table, tie('cond')).map(([t, c]) => `EXISTS (SELECT 1 FROM ${t} WHERE ${c})`),
    fc.tuple(tie('cond'), fc.constantFrom('AND', 'OR'), tie('cond')).map(([a, op, b]) => `${a} ${op} ${b}`),
    tie('cond').map((c) => `NOT (${c})`),
  ),
})).cond;

const where = fc.option(
  condition.map((c) => ` WHERE ${c}`),
  { nil: '' },
);
const returning = fc.option(fc.constantFrom(' RETURNING id', ' RETURNING *', ' RETURNING qty, status'), { nil: '' });
const lock = fc.option(fc.constantFrom(' FOR UPDATE', ' FOR SHARE', ' FOR UPDATE SKIP LOCKED', ' FOR NO KEY UPDATE NOWAIT'), { nil: '' });

const select = fc
  .tuple(fc.constantFrom('*', 'id', 'qty, status', 'count(*)', '1', 'DISTINCT owner', 'sum(balance) AS total'), table, where, lock)
  .map(([cols, t, w, l]) => `SELECT ${cols} FROM ${t}${w}${l}`);
const update = fc
  .tuple(table, fc.array(fc.tuple(column, expression), { minLength: 1, maxLength: 3 }), where, returning)
  .map(([t, sets, w, r]) => `UPDATE ${t} SET ${sets.map(([c, e]) => `${c} = ${e}`).join(', ')}${w}${r}`);
const insert = fc
  .tuple(
    table,
    fc.constantFrom('(id, qty) VALUES ($1, $2)', '(owner) VALUES ($1)', '(id) SELECT id FROM jobs WHERE owner IS NULL', 'DEFAULT VALUES'),
    fc.constantFrom(
      '',
      ' ON CONFLICT DO NOTHING',
      ' ON CONFLICT (id) DO UPDATE SET qty = EXCLUDED.qty',
      ' ON CONFLICT (id) DO UPDATE SET qty = orders.qty + 1',
    ),
    returning,
  )
  .map(([t, body, conflict, r]) => `INSERT INTO ${t} ${body}${conflict}${r}`);
const remove = fc.tuple(table, where, returning).map(([t, w, r]) => `DELETE FROM ${t}${w}${r}`);
const control = fc.constantFrom(
  'BEGIN',
  'BEGIN ISOLATION LEVEL SERIALIZABLE',
  'START TRANSACTION',
  'COMMIT',
  'ROLLBACK',
  'SAVEPOINT a',
  'ROLLBACK TO SAVEPOINT a',
  'SET TRANSACTION ISOLATION LEVEL REPEATABLE READ',
  'LOCK TABLE stock IN EXCLUSIVE MODE',
  'SELECT pg_advisory_xact_lock($1)',
);
const withCte = fc
  .tuple(select, table, fc.boolean(), returning)
  .map(([s, t, isUpdate, r]) =>
    isUpdate
      ? `WITH picked AS (${s}) UPDATE ${t} SET owner = $1 WHERE id IN (SELECT id FROM picked)${r}`
      : `WITH picked AS (${s}) DELETE FROM ${t} WHERE id IN (SELECT id FROM picked)${r}`,
  );

/** One statement from the grammar. */
export const statement: fc.Arbitrary<string> = fc.oneof(select, update, insert, remove, control, withCte);

/** One to three statements, separated by `;`. */
export const script: fc.Arbitrary<string> = fc.array(statement, { minLength: 1, maxLength: 3 }).map((list) => list.join('; '));

// ---------------------------------------------------------------------------------------------------
// Mutations.

const SQL_WORDS = [
  'SELECT',
  'FROM',
  'WHERE',
  'AND',
  'OR',
  'NOT',
  '(',
  ')',
  ',',
  ';',
  '=',
  '$1',
  '$999',
  '?',
  ':name',
  '::int',
  "'",
  '"',
  '--',
  '/*',
  '*/',
  '$$',
  '$tag$',
  'FOR',
  'UPDATE',
  'WITH',
  'AS',
  'RETURNING',
  'ON',
  'CONFLICT',
  'SET',
  'INTO',
  'VALUES',
  'NULL',
  'IS',
  'IN',
  'EXISTS',
  'JOIN',
  'USING',
  'LIMIT',
  'ALL',
  '*',
  '->>',
  '?|',
  "E'\\'",
  '\\',
  '[1:2]',
];

/** Whitespace-separated tokens, punctuation split off. */
function tokens(text: string): string[] {
  return text.split(/(\s+|[(),;=])/).filter((token) => token !== '' && !/^\s+$/.test(token));
}

type Mutation = (parts: string[]) => string[];

function mutation(words: readonly string[]): fc.Arbitrary<Mutation> {
  const anyText = fc.string({ unit: 'binary', maxLength: 6 });
  const token = fc.oneof(fc.constantFrom(...words), anyText);
  const at = fc.nat({ max: 10_000 });
  return fc.oneof(
    fc.tuple(at, token).map(([i, t]): Mutation => (parts) => {
      const copy = [...parts];
      copy.splice(i % (copy.length + 1), 0, t);
      return copy;
    }),
    at.map(
      (i): Mutation =>
        (parts) =>
          parts.filter((_, index) => parts.length === 0 || index !== i % parts.length),
    ),
    fc.tuple(at, at).map(([i, j]): Mutation => (parts) => {
      if (parts.length === 0) return parts;
      const copy = [...parts];
      const a = i % copy.length;
      const b = j % copy.length;
      [copy[a], copy[b]] = [copy[b] ?? '', copy[a] ?? ''];
      return copy;
    }),
    fc.tuple(at, at).map(([i, j]): Mutation => (parts) => {
      if (parts.length === 0) return parts;
      const from = i % parts.length;
      return [...parts.slice(0, from), ...parts.slice(from, from + 1 + (j % 8)), ...parts.slice(from)];
    }),
  );
}

/** A text with up to `max` token mutations applied (insert, delete, swap, duplicate a run). */
export function mutated(base: fc.Arbitrary<string>, words: readonly string[] = SQL_WORDS, max = 4): fc.Arbitrary<string> {
  return fc
    .tuple(base, fc.array(mutation(words), { minLength: 1, maxLength: max }))
    .map(([text, steps]) => steps.reduce((parts, step) => step(parts), tokens(text)).join(' '));
}

const JS_LINES = [
  '}',
  '{',
  "await client.query('BEGIN');",
  "await client.query('COMMIT');",
  'if (!rows.length) return;',
  "if (result.rowCount === 0) throw new Error('gone');",
  'return;',
  'try {',
  '} finally {',
  'for (const x of xs) {',
  'const { rows } = await pool.query(`SELECT * FROM stock WHERE id = ${id}`);',
  'client.release();',
  'await sql`UPDATE stock SET qty = ${qty} WHERE id = ${id}`;',
  'pool.query(text, [id], (err, res) => {',
  '});',
  '/*',
  '*/',
  '`',
  "'",
  '${',
  'async function inner(client) {',
  'await pool.transaction(async (tx) => {',
];

/** A source with up to `max` line mutations (insert a line, delete, swap, duplicate a run of lines). */
export function mutatedLines(base: fc.Arbitrary<string>, max = 4): fc.Arbitrary<string> {
  return fc
    .tuple(base, fc.array(mutation(JS_LINES), { minLength: 1, maxLength: max }))
    .map(([text, steps]) => steps.reduce((parts, step) => step(parts), text.split('\n')).join('\n'));
}

/** Random characters (any code unit, lone surrogates and NUL included) spliced into a text. */
export function withRandomBytes(base: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc.tuple(base, fc.nat({ max: 10_000 }), fc.string({ unit: 'binary', minLength: 1, maxLength: 24 })).map(([text, at, noise]) => {
    const i = at % (text.length + 1);
    return `${text.slice(0, i)}${noise}${text.slice(i)}`;
  });
}

/** Deep nesting, bounded: parenthesised conditions, subqueries and CTEs `depth` levels deep. */
export const deeplyNested: fc.Arbitrary<string> = fc
  .tuple(fc.integer({ min: 20, max: 300 }), fc.constantFrom('paren', 'subquery', 'not', 'cte', 'unbalanced'))
  .map(([depth, shape]) => {
    if (shape === 'paren') return `UPDATE stock SET qty = qty - 1 WHERE ${'('.repeat(depth)}qty > 0${')'.repeat(depth)}`;
    if (shape === 'subquery') return `SELECT * FROM ${'(SELECT * FROM '.repeat(depth)}stock${') t'.repeat(depth)}`;
    if (shape === 'not') return `DELETE FROM jobs WHERE ${'NOT '.repeat(depth)}done`;
    if (shape === 'cte') {
      const ctes = Array.from({ length: Math.min(depth, 120) }, (_, i) => `c${i} AS (SELECT * FROM ${i === 0 ? 'stock' : `c${i - 1}`})`);
      return `WITH ${ctes.join(', ')} UPDATE stock SET qty = 0 WHERE id IN (SELECT id FROM c${ctes.length - 1})`;
    }
    return `SELECT ${'('.repeat(depth)}1`;
  });

export const realStatement: fc.Arbitrary<string> = fc.constantFrom(...REAL_STATEMENTS);
