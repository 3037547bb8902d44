/**
 * The fallback when pgsql-ast-parser cannot read a statement: a token scan that produces the same
 * facts as well as it can. It never throws and never looks at more than the tokens.
 */

import { blankFacts, unique } from './blank.js';
import { conjuncts, isWord, lexicalAssignments, lexicalPredicate, matchingClose, outputName, readName, splitTop } from './clauses.js';
import type { CteWrite, Predicate, StatementFacts, StatementKind } from './facts.js';
import { lockClauseAt, strongerLock, type Extras, type Lock } from './normalize.js';
import { advisoryLockOf, paramsOf } from './scan.js';
import { identName, significant, tokenize, type Token } from './tokenize.js';
import { AGGREGATES } from './aggregates.js';

/** Words after FROM / JOIN that are not a table name. */
const NOT_TABLES = new Set(['lateral', 'only', 'select', 'values', 'unnest', 'rows', 'with']);

/** Words that end a clause at the segment's top level. */
const CLAUSE_END = new Set([
  'where',
  'order',
  'limit',
  'offset',
  'fetch',
  'returning',
  'for',
  'group',
  'having',
  'window',
  'union',
  'except',
  'intersect',
  'on',
  'from',
  'using',
  'set',
  'values',
  'lock',
]);

interface Segment {
  kind: StatementKind;
  target: string | null;
  where: Predicate[];
  set: StatementFacts['set'];
  returning: string[] | null;
  onConflict: StatementFacts['onConflict'];
  insertSource: StatementFacts['insertSource'];
  insertColumns: string[] | null;
  selectedColumns: string[];
  aggregate: boolean;
  lock: Lock | null;
}

/** Facts of one statement (PostgreSQL text, MySQL rewrites already applied) from its tokens. */
export function lexicalFacts(text: string, extras: Extras): StatementFacts {
  const facts = blankFacts('other', 'lexical', text);
  try {
    const tokens = significant(tokenize(text));
    facts.params = paramsOf(tokens);
    facts.advisoryLock = advisoryLockOf(tokens);
    const ctes = readCtes(tokens);
    const mainStart = ctes.length > 0 ? ctes.end : 0;
    const main = tokens.slice(mainStart);
    const segment = readSegment(main);
    const cteNames = new Set(ctes.list.map((c) => c.name));

    facts.kind = segment.kind;
    facts.where = segment.where;
    facts.set = segment.set;
    facts.returning = segment.returning;
    facts.onConflict = segment.onConflict;
    facts.insertSource = segment.insertSource;
    facts.insertColumns = segment.insertColumns;
    facts.selectedColumns = segment.selectedColumns;
    facts.aggregate = segment.aggregate;
    facts.lock = segment.kind === 'select' ? segment.lock : null;

    const reads = tablesReadIn(tokens).filter((t) => !cteNames.has(t));
    facts.tablesRead = unique(reads);

    const written: string[] = segment.target !== null && segment.kind !== 'select' && segment.kind !== 'other' ? [segment.target] : [];
    const references = new Map(ctes.list.map((c) => [c.name, namesIn(c.body).filter((n) => cteNames.has(n) && n !== c.name)]));
    const consumed = new Set<string>();
    const visit = (name: string): void => {
      if (consumed.has(name)) return;
      consumed.add(name);
      for (const next of references.get(name) ?? []) visit(next);
    };
    for (const name of namesIn(main)) if (cteNames.has(name)) visit(name);
    for (const cte of ctes.list) {
      const body = readSegment(cte.body);
      if ((body.kind === 'insert' || body.kind === 'update' || body.kind === 'delete') && body.target !== null) {
        const guards = body.where.filter((p) => !p.isKey);
        const write: CteWrite = {
          name: cte.name,
          kind: body.kind,
          table: body.target,
          guarded: guards.length > 0,
          guards,
          consumed: consumed.has(cte.name),
        };
        facts.cteWrites.push(write);
        written.push(body.target);
      }
    }
    facts.tablesWritten = unique(written);
    applyExtras(facts, extras);
  } catch {
    // Whatever was filled in before the surprise stands.
  }
  return facts;
}

/** Puts back what the MySQL and parser rewrites took out of the text. */
export function applyExtras(facts: StatementFacts, extras: Extras): void {
  if (extras.alsoWritten !== undefined) facts.tablesWritten = unique([...facts.tablesWritten, ...extras.alsoWritten]);
  if (extras.onConflict !== null) facts.onConflict = extras.onConflict;
  if (extras.defaultValues && facts.kind === 'insert') facts.insertSource = 'default';
  if (extras.lock !== null && facts.kind === 'select') facts.lock = strongerLock(facts.lock, extras.lock);
  if (extras.duplicateKeySet !== null) {
    const target = new Set(facts.tablesWritten);
    const tokens = significant(tokenize(extras.duplicateKeySet));
    facts.set = splitTop(tokens, (t) => t.type === 'comma').flatMap((part) => lexicalAssignments(part, target));
  }
}

interface Cte {
  name: string;
  body: Token[];
}

/** The `WITH [RECURSIVE] a [(cols)] AS [[NOT] MATERIALIZED] (...), ...` list at the start. */
function readCtes(tokens: readonly Token[]): { list: Cte[]; end: number; length: number } {
  const list: Cte[] = [];
  if (!isWord(tokens[0], 'with')) return { list, end: 0, length: 0 };
  let i = isWord(tokens[1], 'recursive') ? 2 : 1;
  while (i < tokens.length) {
    const name = tokens[i];
    if (name === undefined || (name.type !== 'word' && name.type !== 'qident')) break;
    i++;
    if (tokens[i]?.type === 'open') i = matchingClose(tokens, i) + 1;
    if (!isWord(tokens[i], 'as')) break;
    i++;
    if (isWord(tokens[i], 'not')) i++;
    if (isWord(tokens[i], 'materialized')) i++;
    if (tokens[i]?.type !== 'open') break;
    const close = matchingClose(tokens, i);
    list.push({ name: identName(name), body: tokens.slice(i + 1, close) });
    i = close + 1;
    if (tokens[i]?.type !== 'comma') break;
    i++;
  }
  return { list, end: i, length: list.length };
}

/** Every name that follows FROM / JOIN / USING anywhere (used to see which CTEs are read). */
function namesIn(tokens: readonly Token[]): string[] {
  return tablesReadIn(tokens, true);
}

/**
 * Tables after FROM, JOIN, USING and in FROM lists, in statement contexts (the top level and
 * parentheses that hold a query; not `extract(year FROM x)`). With `includeTargets` false, the
 * FROM of `DELETE FROM t` is skipped: that table is written, not read.
 */
export function tablesReadIn(tokens: readonly Token[], includeTargets = false): string[] {
  const found: string[] = [];
  const contexts: boolean[] = [true];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    if (t.type === 'open') {
      contexts.push(isWord(tokens[i + 1], 'select', 'with', 'values', 'insert', 'update', 'delete') || tokens[i + 1]?.type === 'open');
      continue;
    }
    if (t.type === 'close') {
      if (contexts.length > 1) contexts.pop();
      continue;
    }
    if (contexts[contexts.length - 1] !== true || !isWord(t, 'from', 'join', 'using')) continue;
    if (!includeTargets && isWord(t, 'from') && isWord(tokens[i - 1], 'delete')) continue;
    if (isWord(t, 'using') && tokens[i + 1]?.type === 'open') continue;
    let k = i + 1;
    for (;;) {
      while (isWord(tokens[k], ...NOT_TABLES)) k++;
      const name = readName(tokens, k);
      if (name === null || tokens[name.next]?.type === 'open') break;
      if (!(tokens[k]?.type === 'word' && NOT_TABLES.has(tokens[k]?.value ?? ''))) found.push(name.name);
      k = name.next;
      if (isWord(tokens[k], 'as')) k++;
      if ((tokens[k]?.type === 'word' && !CLAUSE_END.has(tokens[k]?.value ?? '') && !isJoinWord(tokens[k])) || tokens[k]?.type === 'qident')
        k++;
      if (tokens[k]?.type === 'open' && tokens[k - 1]?.type !== 'word') break;
      if (tokens[k]?.type !== 'comma' || !isWord(t, 'from', 'using')) break;
      k++;
    }
  }
  return found;
}

function isJoinWord(t: Token | undefined): boolean {
  return isWord(t, 'join', 'inner', 'left', 'right', 'full', 'cross', 'natural', 'outer', 'straight_join');
}

/** Index of the first top-level token (from `from`) for which `at` holds, or -1. */
function findTop(tokens: readonly Token[], at: (t: Token, i: number) => boolean, from = 0): number {
  let depth = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    if (t.type === 'open') depth++;
    else if (t.type === 'close') depth = Math.max(0, depth - 1);
    else if (depth === 0 && i >= from && at(t, i)) return i;
  }
  return -1;
}

/** The top-level clause that starts after `start` and runs to the next top-level word in `ends`. */
function clause(tokens: readonly Token[], start: number, ends: ReadonlySet<string>): Token[] {
  const stop = findTop(tokens, (t, i) => (t.type === 'word' && ends.has(t.value)) || lockClauseAt(tokens, i) !== null, start);
  return tokens.slice(start, stop === -1 ? tokens.length : stop);
}

const WHERE_END = new Set([
  'order',
  'limit',
  'offset',
  'fetch',
  'returning',
  'group',
  'having',
  'window',
  'union',
  'except',
  'intersect',
  'on',
]);

/** The facts of one DML body (the main statement after its CTEs, or a CTE body). */
function readSegment(tokens: readonly Token[]): Segment {
  const segment: Segment = {
    kind: 'other',
    target: null,
    where: [],
    set: [],
    returning: null,
    onConflict: null,
    insertSource: null,
    insertColumns: null,
    selectedColumns: [],
    aggregate: false,
    lock: null,
  };
  while (tokens[0]?.type === 'open' && matchingClose(tokens, 0) === tokens.length - 1) tokens = tokens.slice(1, -1);
  let start = 0;
  while (tokens[start]?.type === 'open') start++;
  const first = tokens[start];
  if (first?.type !== 'word') return segment;
  const kinds: Record<string, StatementKind> = { select: 'select', insert: 'insert', update: 'update', delete: 'delete', merge: 'merge' };
  segment.kind = Object.hasOwn(kinds, first.value) ? (kinds[first.value] ?? 'other') : 'other';
  if (segment.kind === 'other') return segment;

  const targetAt = (i: number): void => {
    while (isWord(tokens[i], 'only', 'low_priority', 'quick', 'ignore')) i++;
    segment.target = readName(tokens, i)?.name ?? null;
  };
  if (segment.kind === 'update') targetAt(start + 1);
  if (segment.kind === 'delete') {
    const from = findTop(tokens, (t) => isWord(t, 'from'));
    if (from !== -1) targetAt(from + 1);
  }
  if (segment.kind === 'insert' || segment.kind === 'merge') {
    const into = findTop(tokens, (t) => isWord(t, 'into'));
    if (into !== -1) targetAt(into + 1);
  }

  const whereAt = findTop(tokens, (t) => isWord(t, 'where'));
  if (whereAt !== -1 && segment.kind !== 'insert' && segment.kind !== 'merge') {
    segment.where = conjuncts(clause(tokens, whereAt + 1, WHERE_END)).map(lexicalPredicate);
  }
  const target = new Set(segment.target !== null ? [segment.target] : []);
  if (segment.kind === 'update') {
    let k = start + 1;
    while (isWord(tokens[k], 'only', 'low_priority', 'ignore')) k++;
    k = readName(tokens, k)?.next ?? k;
    if (isWord(tokens[k], 'as')) k++;
    const alias = tokens[k];
    if (alias !== undefined && (alias.type === 'qident' || (alias.type === 'word' && alias.value !== 'set'))) target.add(identName(alias));
    const setAt = findTop(tokens, (t) => isWord(t, 'set'));
    if (setAt !== -1)
      segment.set = assignmentList(clause(tokens, setAt + 1, new Set(['from', 'where', 'returning', 'order', 'limit'])), target);
  }
  const returningAt = findTop(tokens, (t) => isWord(t, 'returning'));
  if (returningAt !== -1) {
    segment.returning = splitTop(tokens.slice(returningAt + 1), (t) => t.type === 'comma').map(outputName);
  }
  if (segment.kind === 'insert') readInsert(tokens, segment, target);
  if (segment.kind === 'select') readSelect(tokens, start, segment);
  return segment;
}

function assignmentList(tokens: readonly Token[], target: ReadonlySet<string>): StatementFacts['set'] {
  return splitTop(tokens, (t) => t.type === 'comma').flatMap((part) => lexicalAssignments(part, target));
}

function readInsert(tokens: readonly Token[], segment: Segment, target: ReadonlySet<string>): void {
  const into = findTop(tokens, (t) => isWord(t, 'into'));
  let i = into === -1 ? 1 : (readName(tokens, into + 1)?.next ?? into + 1);
  if (isWord(tokens[i], 'as')) i += 2;
  if (tokens[i]?.type === 'open' && !isWord(tokens[i + 1], 'select', 'with', 'values')) {
    const close = matchingClose(tokens, i);
    segment.insertColumns = splitTop(tokens.slice(i + 1, close), (t) => t.type === 'comma').map((part) =>
      part.length === 1 && part[0] ? identName(part[0]) : '?',
    );
    i = close + 1;
  }
  if (isWord(tokens[i], 'overriding')) i += 3;
  if (isWord(tokens[i], 'default') && isWord(tokens[i + 1], 'values')) segment.insertSource = 'default';
  else if (isWord(tokens[i], 'values', 'value')) segment.insertSource = 'values';
  else if (isWord(tokens[i], 'select', 'with', 'table') || tokens[i]?.type === 'open') segment.insertSource = 'select';
  else if (isWord(tokens[i], 'set')) segment.insertSource = 'values';

  const conflict = findTop(tokens, (t, k) => isWord(t, 'on') && isWord(tokens[k + 1], 'conflict'));
  if (conflict !== -1) {
    const doAt = findTop(tokens, (t) => isWord(t, 'do'), conflict);
    if (isWord(tokens[doAt + 1], 'nothing')) segment.onConflict = 'nothing';
    else if (isWord(tokens[doAt + 1], 'update')) {
      segment.onConflict = 'update';
      const setAt = findTop(tokens, (t) => isWord(t, 'set'), doAt);
      if (setAt !== -1) segment.set = assignmentList(clause(tokens, setAt + 1, new Set(['where', 'returning'])), target);
    }
  }
}

function readSelect(tokens: readonly Token[], start: number, segment: Segment): void {
  let i = start + 1;
  if (isWord(tokens[i], 'distinct')) {
    segment.aggregate = true;
    i++;
    if (isWord(tokens[i], 'on') && tokens[i + 1]?.type === 'open') i = matchingClose(tokens, i + 1) + 1;
  } else if (isWord(tokens[i], 'all')) i++;
  const list = clause(
    tokens,
    i,
    new Set(['from', 'into', 'where', 'group', 'having', 'order', 'limit', 'offset', 'union', 'except', 'intersect', 'window']),
  );
  const items = splitTop(list, (t) => t.type === 'comma');
  segment.selectedColumns = items.map(outputName);
  for (const item of items) {
    for (let k = 0; k < item.length; k++) {
      const t = item[k] as Token;
      if (
        t.type === 'word' &&
        AGGREGATES.has(t.value) &&
        item[k + 1]?.type === 'open' &&
        !isWord(item[matchingClose(item, k + 1) + 1], 'over')
      ) {
        segment.aggregate = true;
      }
    }
  }
  const groupOrHaving = findTop(tokens, (t, k) => (isWord(t, 'group') && isWord(tokens[k + 1], 'by')) || isWord(t, 'having'), start);
  if (groupOrHaving !== -1) segment.aggregate = true;
  let lock: Lock | null = null;
  let depth = 0;
  for (let k = start; k < tokens.length; k++) {
    const t = tokens[k] as Token;
    if (t.type === 'open') depth++;
    else if (t.type === 'close') depth--;
    else if (depth === 0) {
      const found = lockClauseAt(tokens, k);
      if (found) lock = strongerLock(lock, found.lock);
    }
  }
  segment.lock = lock;
}

/** The texts of the WHERE conjuncts and SET assignments of the main statement and of each CTE. */
export interface ClauseTexts {
  where: string[];
  set: string[];
  ctes: Map<string, string[]>;
}

/** Conjunct and assignment texts as written, for facts whose structure came from the parser. */
export function clauseTexts(text: string): ClauseTexts {
  const tokens = significant(tokenize(text));
  const ctes = readCtes(tokens);
  const main = readSegment(tokens.slice(ctes.length > 0 ? ctes.end : 0));
  return {
    where: main.where.map((p) => p.text),
    set: main.set.map((a) => a.text),
    ctes: new Map(ctes.list.map((c) => [c.name, readSegment(c.body).where.map((p) => p.text)])),
  };
}
