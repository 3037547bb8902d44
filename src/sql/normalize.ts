/**
 * Rewrites one statement into the PostgreSQL that pgsql-ast-parser reads, remembering what the
 * rewrites removed (MySQL clauses, locking clauses, UPDATE FROM / DELETE USING lists) as facts.
 */

import type { LockStrength, LockWait } from './facts.js';
import { identName, join, made, quoteIdent, quoteString, significant, tokenize, type Token } from './tokenize.js';

export type Lock = { strength: LockStrength; wait: LockWait };

/** What the rewrites took out of the text, to be put back into the facts. */
export interface Extras {
  /** `INSERT IGNORE` -> 'nothing'; `ON DUPLICATE KEY UPDATE` / `REPLACE` -> 'update'. */
  onConflict: 'nothing' | 'update' | null;
  /** The assignment list of `ON DUPLICATE KEY UPDATE`, MySQL `VALUES(c)` written `EXCLUDED.c`. */
  duplicateKeySet: string | null;
  /** The top-level locking clause. */
  lock: Lock | null;
  /** A locking clause inside a subquery or CTE (`WITH m AS (SELECT ... FOR UPDATE SKIP LOCKED)`). */
  nestedLock?: boolean;
  /** `INSERT ... DEFAULT VALUES` (rewritten to `VALUES (DEFAULT)`). */
  defaultValues: boolean;
  /** The from-list of `UPDATE ... FROM` or `DELETE ... USING`, cut out of the statement. */
  fromList: string | null;
  /** Tables a MySQL multi-table UPDATE also writes, besides the one the rewritten statement targets. */
  alsoWritten?: string[];
}

export function noExtras(): Extras {
  return { onConflict: null, duplicateKeySet: null, lock: null, defaultValues: false, fromList: null };
}

const isWord = (t: Token | undefined, ...words: string[]): boolean => t?.type === 'word' && words.includes(t.value);

/** Paren depth before each token. */
export function depthsOf(tokens: readonly Token[]): number[] {
  const depths: number[] = [];
  let depth = 0;
  for (const t of tokens) {
    if (t.type === 'close') depth = Math.max(0, depth - 1);
    depths.push(depth);
    if (t.type === 'open') depth++;
  }
  return depths;
}

function text(t: Token, value: string): Token {
  return { ...t, text: value };
}

/**
 * MySQL -> PostgreSQL: backtick identifiers and double-quoted strings, backslash escapes, `LIMIT a, b`,
 * `INSERT IGNORE`, `REPLACE INTO`, `ON DUPLICATE KEY UPDATE`, `LOCK IN SHARE MODE`, `#` comments, and
 * `ORDER BY` / `LIMIT` of a single-table UPDATE or DELETE.
 */
export function rewriteMysql(statement: readonly Token[], extras: Extras): { text: string; display: string } {
  let tokens = significant(statement).map((t) => {
    if (t.type === 'qident') return text(t, quoteIdent(t.value));
    if (t.type === 'string') return text(t, quoteString(t.value));
    return t;
  });
  const first = tokens[0];
  const original = tokens;
  const multiTable = isWord(first, 'update') ? multiTableUpdate(tokens, extras) : null;
  if (multiTable !== null) tokens = multiTable;
  if (isWord(first, 'insert', 'replace')) {
    if (isWord(first, 'replace')) extras.onConflict = 'update';
    let i = 1;
    while (isWord(tokens[i], 'ignore', 'low_priority', 'delayed', 'high_priority')) {
      if (isWord(tokens[i], 'ignore')) extras.onConflict = 'nothing';
      i++;
    }
    const head = [text(first as Token, 'INSERT')];
    if (!isWord(tokens[i], 'into')) head.push(made('word', 'INTO'));
    tokens = insertSetToValues([...head, ...tokens.slice(i)]);
  }
  const depths = depthsOf(tokens);
  const out: Token[] = [];
  const display: Token[] = [];
  const dml = isWord(first, 'update', 'delete');
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    const top = depths[i] === 0;
    if (top && isWord(t, 'on') && isWord(tokens[i + 1], 'duplicate') && isWord(tokens[i + 2], 'key') && isWord(tokens[i + 3], 'update')) {
      extras.onConflict = 'update';
      extras.duplicateKeySet = join(mysqlValuesToExcluded(tokens.slice(i + 4)));
      display.push(...tokens.slice(i));
      break;
    }
    if (isWord(t, 'lock') && isWord(tokens[i + 1], 'in') && isWord(tokens[i + 2], 'share') && isWord(tokens[i + 3], 'mode')) {
      if (top) extras.lock = { strength: 'share', wait: 'wait' };
      display.push(...tokens.slice(i, i + 4));
      i += 3;
      continue;
    }
    // `INTERVAL 7 DAY`, `INTERVAL ? DAY`: PostgreSQL writes the quantity and the unit in one string.
    if (isWord(t, 'interval') && isLimitValue(tokens[i + 1]) && isWord(tokens[i + 2], ...INTERVAL_UNITS)) {
      const amount = tokens[i + 1] as Token;
      const unit = (tokens[i + 2] as Token).value;
      const rewritten =
        amount.type === 'number'
          ? [t, made('string', quoteString(`${amount.text} ${unit}`))]
          : [made('open', '('), amount, made('op', '*'), t, made('string', quoteString(`1 ${unit}`)), made('close', ')')];
      out.push(...rewritten);
      display.push(t, amount, tokens[i + 2] as Token);
      i += 2;
      continue;
    }
    // `INSERT ... VALUE (...)`: MySQL's synonym of VALUES.
    if (isWord(t, 'value') && top && isWord(first, 'insert', 'replace') && tokens[i + 1]?.type === 'open') {
      const values = text(t, 'VALUES');
      out.push(values);
      display.push(t);
      continue;
    }
    if (isWord(t, 'limit') && isLimitValue(tokens[i + 1]) && tokens[i + 2]?.type === 'comma' && isLimitValue(tokens[i + 3])) {
      const rewritten = [
        t,
        made('number', (tokens[i + 3] as Token).text),
        made('word', 'OFFSET'),
        made('number', (tokens[i + 1] as Token).text),
      ];
      out.push(...rewritten);
      display.push(...rewritten);
      i += 3;
      continue;
    }
    if (dml && top && (isWord(t, 'limit') || (isWord(t, 'order') && isWord(tokens[i + 1], 'by')))) {
      const returning = tokens.findIndex((r, k) => k > i && depths[k] === 0 && isWord(r, 'returning'));
      const stop = returning === -1 ? tokens.length : returning;
      display.push(...tokens.slice(i, stop));
      i = stop - 1;
      continue;
    }
    out.push(t);
    display.push(t);
  }
  return { text: join(out), display: join(multiTable !== null ? original : display) };
}

interface TableReference {
  /** The name as written, possibly qualified (`shop.products`). */
  table: Token[];
  name: string;
  alias: string | null;
  /** The `ON` condition it was joined with. */
  on: Token[];
}

const isName = (t: Token | undefined): boolean => t?.type === 'word' || t?.type === 'qident';
const JOIN_WORDS = ['join', 'inner', 'cross', 'straight_join', 'natural', 'outer'];
const isJoinStart = (tokens: readonly Token[], k: number): boolean =>
  isWord(tokens[k], ...JOIN_WORDS) || (isWord(tokens[k], 'left', 'right') && isWord(tokens[k + 1], 'join', 'outer'));

/**
 * MySQL's multi-table UPDATE (`UPDATE a JOIN b ON a.id = b.a_id SET a.x = ... WHERE ...`, `UPDATE a, b
 * SET a.x = ... WHERE ...`) as PostgreSQL's `UPDATE a SET x = ... FROM b WHERE <where> AND <join
 * conditions>`. The table the first SET item names is the target; a table a later SET item names is
 * written too (`extras.alsoWritten`), its assignments kept in the one SET list. Null for a single
 * table, or a form it does not read (a derived table, `JOIN ... USING`).
 */
function multiTableUpdate(tokens: readonly Token[], extras: Extras): Token[] | null {
  const depths = depthsOf(tokens);
  let start = 1;
  while (isWord(tokens[start], 'low_priority', 'ignore')) start++;
  const setAt = tokens.findIndex((t, k) => k > start && depths[k] === 0 && isWord(t, 'set'));
  if (setAt === -1) return null;
  const references: TableReference[] = [];
  let k = start;
  while (k < setAt) {
    if (!isName(tokens[k])) return null;
    const from = k++;
    while (tokens[k]?.type === 'dot' && isName(tokens[k + 1])) k += 2;
    const table = tokens.slice(from, k);
    let alias: string | null = null;
    if (isWord(tokens[k], 'as')) k++;
    if (isName(tokens[k]) && !isJoinStart(tokens, k) && !isWord(tokens[k], 'on', 'using', 'set')) alias = identName(tokens[k++] as Token);
    const reference: TableReference = { table, name: identName(table.at(-1) as Token), alias, on: [] };
    references.push(reference);
    if (isWord(tokens[k], 'using')) return null;
    if (isWord(tokens[k], 'on')) {
      const end = tokens.findIndex((t, j) => j > k && (j === setAt || (depths[j] === 0 && (t.type === 'comma' || isJoinStart(tokens, j)))));
      reference.on = tokens.slice(k + 1, end);
      k = end;
    }
    if (k >= setAt) break;
    if (tokens[k]?.type === 'comma') {
      k++;
      continue;
    }
    if (!isJoinStart(tokens, k)) return null;
    while (k < setAt && isJoinStart(tokens, k)) k++;
  }
  if (references.length < 2) return null;

  const whereAt = tokens.findIndex((t, j) => j > setAt && depths[j] === 0 && isWord(t, 'where'));
  const setEnd = whereAt === -1 ? tokens.length : whereAt;
  const items = splitAtTopCommas(tokens, depths, setAt + 1, setEnd);
  const referenceOf = (qualifier: string | null): TableReference | undefined =>
    qualifier === null ? undefined : references.find((r) => r.alias === qualifier || (r.alias === null && r.name === qualifier));
  const assignments: Token[][] = [];
  let target: TableReference | undefined;
  for (const item of items) {
    const qualified = isName(item[0]) && item[1]?.type === 'dot' && isName(item[2]);
    const written = qualified ? referenceOf(identName(item[0] as Token)) : undefined;
    target ??= written ?? references[0];
    if (written !== undefined && written !== target) (extras.alsoWritten ??= []).push(written.name);
    assignments.push(qualified ? item.slice(2) : item);
  }
  if (target === undefined) return null;

  const others = references.filter((r) => r !== target);
  const conditions = [whereAt === -1 ? [] : tokens.slice(whereAt + 1), ...references.map((r) => r.on)].filter((c) => c.length > 0);
  const out: Token[] = [made('word', 'UPDATE'), ...target.table];
  if (target.alias !== null) out.push(made('word', target.alias));
  out.push(made('word', 'SET'));
  assignments.forEach((a, index) => out.push(...(index > 0 ? [made('comma', ',')] : []), ...a));
  out.push(made('word', 'FROM'));
  others.forEach((r, index) => {
    out.push(...(index > 0 ? [made('comma', ',')] : []), ...r.table);
    if (r.alias !== null) out.push(made('word', r.alias));
  });
  if (conditions.length > 0) {
    out.push(made('word', 'WHERE'));
    conditions.forEach((c, index) => {
      if (index > 0) out.push(made('word', 'AND'));
      const grouped = depthsOf(c).some((d, j) => d === 0 && isWord(c[j], 'or'));
      out.push(...(grouped ? [made('open', '('), ...c, made('close', ')')] : c));
    });
  }
  return out;
}

function splitAtTopCommas(tokens: readonly Token[], depths: readonly number[], from: number, to: number): Token[][] {
  const parts: Token[][] = [];
  let at = from;
  for (let j = from; j <= to; j++) {
    if (j === to || (depths[j] === 0 && tokens[j]?.type === 'comma')) {
      parts.push(tokens.slice(at, j));
      at = j + 1;
    }
  }
  return parts.filter((p) => p.length > 0);
}

/**
 * `INSERT INTO t SET a = 1, b = ?` -> `INSERT INTO t (a, b) VALUES (1, ?)`, up to `ON DUPLICATE KEY UPDATE`
 * (which the caller cuts out). `tokens` starts `INSERT INTO`.
 */
function insertSetToValues(tokens: Token[]): Token[] {
  const depths = depthsOf(tokens);
  let k = 2;
  while (
    tokens[k] &&
    (tokens[k]?.type === 'word' || tokens[k]?.type === 'qident' || tokens[k]?.type === 'dot') &&
    !isWord(tokens[k], 'set')
  )
    k++;
  if (k === 2 || !isWord(tokens[k], 'set')) return tokens;
  const end = tokens.findIndex((t, j) => j > k && depths[j] === 0 && isWord(t, 'on') && isWord(tokens[j + 1], 'duplicate'));
  const stop = end === -1 ? tokens.length : end;
  const columns: Token[] = [];
  const values: Token[] = [];
  let at = k + 1;
  while (at < stop) {
    let next = at;
    while (next < stop && !(depths[next] === 0 && tokens[next]?.type === 'comma')) next++;
    const item = tokens.slice(at, next);
    const eq = item.findIndex((t) => t.type === 'op' && t.value === '=');
    if (eq < 1) return tokens;
    if (columns.length > 0) {
      columns.push(made('comma', ','));
      values.push(made('comma', ','));
    }
    columns.push(...item.slice(0, eq));
    values.push(...item.slice(eq + 1));
    at = next + 1;
  }
  if (columns.length === 0) return tokens;
  return [
    ...tokens.slice(0, k),
    made('open', '('),
    ...columns,
    made('close', ')'),
    made('word', 'VALUES'),
    made('open', '('),
    ...values,
    made('close', ')'),
    ...tokens.slice(stop),
  ];
}

const INTERVAL_UNITS = ['microsecond', 'second', 'minute', 'hour', 'day', 'week', 'month', 'quarter', 'year'];

function isLimitValue(t: Token | undefined): boolean {
  return t?.type === 'number' || t?.type === 'param';
}

function mysqlValuesToExcluded(tokens: readonly Token[]): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    const col = tokens[i + 2];
    if (
      isWord(t, 'values') &&
      tokens[i + 1]?.type === 'open' &&
      (col?.type === 'word' || col?.type === 'qident') &&
      tokens[i + 3]?.type === 'close'
    ) {
      out.push({ ...t, type: 'word', text: `EXCLUDED.${col.text}`, value: `excluded.${col.value}`, end: (tokens[i + 3] as Token).end });
      i += 3;
    } else out.push(t);
  }
  return out;
}

const STRENGTHS: readonly (readonly [string[], LockStrength])[] = [
  [['update'], 'update'],
  [['no', 'key', 'update'], 'no key update'],
  [['share'], 'share'],
  [['key', 'share'], 'key share'],
];
const RANK: Record<LockStrength, number> = { update: 4, 'no key update': 3, share: 2, 'key share': 1 };

/** Length of the locking clause (`FOR ... [OF a, b] [NOWAIT | SKIP LOCKED]`) at `tokens[i]`, and its lock. */
export function lockClauseAt(tokens: readonly Token[], i: number): { length: number; lock: Lock } | null {
  if (!isWord(tokens[i], 'for')) return null;
  for (const [words, strength] of STRENGTHS) {
    if (!words.every((w, k) => isWord(tokens[i + 1 + k], w))) continue;
    let j = i + 1 + words.length;
    if (isWord(tokens[j], 'of')) {
      j++;
      while (tokens[j]?.type === 'word' || tokens[j]?.type === 'qident') {
        j++;
        while (tokens[j]?.type === 'dot' && (tokens[j + 1]?.type === 'word' || tokens[j + 1]?.type === 'qident')) j += 2;
        if (tokens[j]?.type !== 'comma') break;
        j++;
      }
    }
    let wait: LockWait = 'wait';
    if (isWord(tokens[j], 'nowait')) {
      wait = 'nowait';
      j++;
    } else if (isWord(tokens[j], 'skip') && isWord(tokens[j + 1], 'locked')) {
      wait = 'skip locked';
      j += 2;
    }
    return { length: j - i, lock: { strength, wait } };
  }
  return null;
}

/** The strongest of two locks; on equal strength the first one's wait policy. */
export function strongerLock(a: Lock | null, b: Lock): Lock {
  return a === null || RANK[b.strength] > RANK[a.strength] ? b : a;
}

/**
 * PostgreSQL rewrites that keep pgsql-ast-parser reading: locking clauses anywhere (it rejects
 * `OF t`, repeated clauses, and a clause before LIMIT), `ONLY`, `E''` strings, `DEFAULT VALUES`, and the
 * from-list of `UPDATE ... FROM` / `DELETE ... USING` (it reads one FROM item and no USING at all).
 */
export function prepareForParser(statementText: string, extras: Extras): string {
  const tokens = significant(tokenize(statementText));
  const depths = depthsOf(tokens);
  const mainKind = mainKeyword(tokens, depths);
  const out: Token[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    const top = depths[i] === 0;
    const clause = lockClauseAt(tokens, i);
    if (clause) {
      if (top) extras.lock = strongerLock(extras.lock, clause.lock);
      else extras.nestedLock = true;
      i += clause.length - 1;
      continue;
    }
    if (isWord(t, 'only') && isWord(tokens[i - 1], 'update', 'from', 'join', 'using', 'into', 'table')) continue;
    // Named arguments `f(a => 1, b := 2)`: the parser reads positional ones; the values are what matter.
    if (
      (t.type === 'word' || t.type === 'qident') &&
      (tokens[i - 1]?.type === 'open' || tokens[i - 1]?.type === 'comma') &&
      !top &&
      tokens[i + 1]?.type === 'op' &&
      (tokens[i + 1]?.value === '=>' || tokens[i + 1]?.value === ':=')
    ) {
      i++;
      continue;
    }
    if (t.type === 'string') {
      out.push(text(t, quoteString(t.value)));
      continue;
    }
    // `(a, b) IN (VALUES ($1, $2), ($3, $4))` means `(a, b) IN (($1, $2), ($3, $4))`, which the parser reads.
    if (isWord(t, 'values') && tokens[i - 1]?.type === 'open' && isWord(tokens[i - 2], 'in') && onlyRows(tokens, depths, i + 1)) continue;
    if (isWord(t, 'default') && isWord(tokens[i + 1], 'values') && top && mainKind === 'insert') {
      extras.defaultValues = true;
      out.push(made('word', 'VALUES'), made('open', '('), made('word', 'DEFAULT'), made('close', ')'));
      i++;
      continue;
    }
    if (top && ((mainKind === 'update' && isWord(t, 'from')) || (mainKind === 'delete' && isWord(t, 'using')))) {
      const end = tokens.findIndex((r, k) => k > i && depths[k] === 0 && isWord(r, 'where', 'returning'));
      const stop = end === -1 ? tokens.length : end;
      extras.fromList = join(tokens.slice(i + 1, stop));
      i = stop - 1;
      continue;
    }
    out.push(t);
  }
  return join(out);
}

/** From `start`, parenthesized rows separated by commas up to the paren that encloses them: `($1, $2), ($3, $4))`. */
function onlyRows(tokens: readonly Token[], depths: readonly number[], start: number): boolean {
  const outer = (depths[start] ?? 0) - 1;
  let i = start;
  for (;;) {
    if (tokens[i]?.type !== 'open') return false;
    const close = tokens.findIndex((t, k) => k > i && t.type === 'close' && depths[k] === depths[i]);
    if (close === -1) return false;
    const after = tokens[close + 1];
    if (after?.type === 'close' && depths[close + 1] === outer) return true;
    if (after?.type !== 'comma') return false;
    i = close + 2;
  }
}

/** The first keyword of the main statement, after any `WITH name AS (...)` list. */
export function mainKeyword(tokens: readonly Token[], depths: readonly number[] = depthsOf(tokens)): string | null {
  const first = tokens[0];
  if (first?.type !== 'word') return first?.type === 'open' ? 'select' : null;
  if (first.value !== 'with') return first.value;
  for (let i = 1; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    if (depths[i] !== 0 || t.type !== 'word') continue;
    if (['select', 'insert', 'update', 'delete', 'merge', 'values'].includes(t.value) && tokens[i - 1]?.type !== 'word') return t.value;
  }
  return null;
}
