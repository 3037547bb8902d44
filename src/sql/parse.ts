/**
 * pgsql-ast-parser's AST -> statement facts. The caller has already cut out what the parser cannot
 * read (see normalize.ts); this file only reads what it returns.
 */

import { parse, toSql, type Expr, type QNameAliased, type SelectedColumn, type SetStatement, type Statement } from 'pgsql-ast-parser';
import { blankFacts, unique } from './blank.js';
import { CLOCK_FUNCTIONS, classifyAssignment, classifyPredicate, type Operand } from './classify.js';
import type { Assignment, CteWrite, Predicate, StatementFacts, StatementKind, SubqueryClaim } from './facts.js';
import { clauseTexts, tablesReadIn, applyExtras } from './lexical.js';
import type { Extras } from './normalize.js';
import { quoteIdent, significant, tokenize } from './tokenize.js';
import { AGGREGATES } from './aggregates.js';

type Node = Record<string, unknown>;

const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null;

/** Depth-first visit of every object in `root`; `visit` returning false skips that object's children. */
function walk(root: unknown, visit: (n: Node) => boolean | void): void {
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (Array.isArray(node)) {
      for (let i = node.length - 1; i >= 0; i--) stack.push(node[i]);
    } else if (isNode(node)) {
      if (visit(node) === false) continue;
      const values = Object.values(node);
      for (let i = values.length - 1; i >= 0; i--) if (typeof values[i] === 'object' && values[i] !== null) stack.push(values[i]);
    }
  }
}

const QUERY_TYPES = new Set(['select', 'union', 'union all', 'with', 'with recursive', 'values']);
const isQuery = (n: Node): boolean =>
  typeof n['type'] === 'string' && QUERY_TYPES.has(n['type']) && ('columns' in n || 'left' in n || 'bind' in n || 'values' in n);

/**
 * Parses `text` (one statement) with pgsql-ast-parser; throws what the parser throws, and refuses what
 * it accepts but no database does: `INSERT INTO t` with neither VALUES nor a query (its tree then has
 * `insert: null`, which its own types say cannot happen).
 */
export function parseStatement(text: string): Statement[] {
  const statements = parse(text, { locationTracking: false });
  for (const statement of statements) {
    if (statement.type === 'insert' && (statement.insert as unknown) == null)
      throw new SyntaxError('an INSERT with neither VALUES nor a query');
  }
  return statements;
}

function paramsIn(node: unknown): number[] {
  const found = new Set<number>();
  walk(node, (n) => {
    if (n['type'] === 'parameter' && typeof n['name'] === 'string') {
      const k = Number(n['name'].slice(1));
      if (Number.isSafeInteger(k) && k > 0) found.add(k);
    }
  });
  return [...found].sort((a, b) => a - b);
}

/** One row of `VALUES ($1, $2, 0)` under a column list: the `$n` each column is given whole, by column (null when none). */
function rowParams(columns: readonly { name: string }[], rows: readonly unknown[][]): Record<string, number> | null {
  if (rows.length !== 1) return null;
  const params: Record<string, number> = {};
  rows[0]!.forEach((value, i) => {
    const column = columns[i]?.name;
    const n = isNode(value) && value['type'] === 'parameter' && typeof value['name'] === 'string' ? Number(value['name'].slice(1)) : NaN;
    if (column !== undefined && Number.isSafeInteger(n) && n > 0) params[column] = n;
  });
  return Object.keys(params).length > 0 ? params : null;
}

/** Names of tables in FROM / JOIN items anywhere under `node`. */
function fromTablesIn(node: unknown, unqualifiedOnly = false): string[] {
  const names: string[] = [];
  walk(node, (n) => {
    const name = n['name'];
    if (n['type'] === 'table' && isNode(name) && typeof name['name'] === 'string') {
      if (!unqualifiedOnly || name['schema'] === undefined) names.push(name['name']);
    }
  });
  return names;
}

function unwrapCast(e: Expr): Expr {
  while (e.type === 'cast') e = e.operand;
  return e;
}

function columnOf(e: Expr): string | null {
  const u = unwrapCast(e);
  return u.type === 'ref' && u.name !== '*' ? u.name : null;
}

/** What the other side of a comparison is made of. */
function operandOf(e: Expr): Operand {
  let hasRef = false;
  let subquery = false;
  let value: 'parameter' | 'literal' | 'boolean' = 'literal';
  walk(e, (n) => {
    if (isQuery(n)) {
      subquery = true;
      return false;
    }
    if (n['type'] === 'ref') hasRef = true;
    else if (n['type'] === 'boolean') value = 'boolean';
    else if (n['type'] === 'parameter' && value === 'literal') value = 'parameter';
    return true;
  });
  if (subquery) return { kind: 'subquery' };
  return hasRef ? { kind: 'expression' } : { kind: 'value', value };
}

function qualifierOf(e: Expr): string | null {
  const u = unwrapCast(e);
  return u.type === 'ref' && u.table ? u.table.name : null;
}

function prettySql(e: Expr): string {
  let text: string;
  try {
    text = toSql.expr(e);
  } catch {
    return '';
  }
  let prev = '';
  while (prev !== text) {
    prev = text;
    text = text.replace(/\(\s*([^()\s]+)\s*\)/g, (m, inner: string, offset: number, all: string) =>
      /[\w"]$/.test(all.slice(0, offset)) ? m : inner,
    );
  }
  return text.replace(/\s+\./g, '.').replace(/\s+/g, ' ').replace(/\(\s+/g, '(').replace(/\s+\)/g, ')').trim();
}

const OPERATORS: Record<string, string> = {
  '=': '=',
  '!=': '<>',
  '<>': '<>',
  '>': '>',
  '>=': '>=',
  '<': '<',
  '<=': '<=',
  IN: 'in',
  LIKE: 'like',
  ILIKE: 'like',
  'NOT IN': 'not in',
  'NOT LIKE': 'not like',
  'NOT ILIKE': 'not like',
};

function splitAnd(e: Expr | null | undefined): Expr[] {
  if (e === null || e === undefined) return [];
  if (e.type === 'binary' && e.op === 'AND') return [...splitAnd(e.left), ...splitAnd(e.right)];
  return [e];
}

/** One conjunct, described for `classifyPredicate`. */
function predicate(e: Expr, text: string | undefined): Predicate {
  const params = paramsIn(e);
  const base = { params, text: text ?? prettySql(e) };
  const none: Operand = { kind: 'none' };
  const guard = (operator: string, column: string | null = null): Predicate =>
    classifyPredicate({ ...base, column, operator, operand: none });
  switch (e.type) {
    case 'binary': {
      if (e.op === 'OR') return guard('other');
      let operator = OPERATORS[e.op] ?? 'other';
      const left = columnOf(e.left);
      const right = columnOf(e.right);
      if (left !== null && right !== null) {
        const [l, r] = [qualifierOf(e.left), qualifierOf(e.right)];
        return classifyPredicate({
          ...base,
          column: null,
          operator,
          operand: { kind: 'column', columns: [left, right], join: l !== null && r !== null && l !== r },
        });
      }
      const column = left ?? right;
      const other = left !== null ? e.right : e.left;
      if (
        operator === '=' &&
        unwrapCast(other).type === 'call' &&
        (unwrapCast(other) as { function: { name: string } }).function.name === 'any'
      ) {
        operator = 'in';
      }
      return classifyPredicate({ ...base, column, operator, operand: operandOf(other) });
    }
    case 'unary':
      if (e.op === 'IS NULL' || e.op === 'IS NOT NULL') return guard(e.op.toLowerCase(), columnOf(e.operand));
      return guard('other', columnOf(e.operand));
    case 'call':
      return guard(e.function.name === 'exists' ? 'exists' : 'other');
    case 'ternary':
      return guard('other', columnOf(e.value));
    default:
      return guard('other', columnOf(e));
  }
}

function predicates(where: Expr | null | undefined, texts: readonly string[] | undefined): Predicate[] {
  const parts = splitAnd(where);
  const aligned = texts !== undefined && texts.length === parts.length;
  return parts.map((p, i) => predicate(p, aligned ? texts[i] : undefined));
}

/** One SET item, described for `classifyAssignment`. */
function assignment(set: SetStatement, text: string | undefined): Assignment {
  const reads: { qualifier: string | null; column: string }[] = [];
  let calls = false;
  let clockOnly = true;
  let subquery = false;
  walk(set.value, (n) => {
    if (isQuery(n)) {
      subquery = true;
      return false;
    }
    if (n['type'] === 'call' || n['type'] === 'keyword') {
      calls = true;
      const fn = n['function'];
      const name = n['type'] === 'keyword' ? n['keyword'] : isNode(fn) ? fn['name'] : undefined;
      if (typeof name !== 'string' || !CLOCK_FUNCTIONS.has(name.toLowerCase())) clockOnly = false;
    }
    if (n['type'] === 'ref' && typeof n['name'] === 'string') {
      const table = isNode(n['table']) && typeof n['table']['name'] === 'string' ? n['table']['name'] : null;
      reads.push({ qualifier: table, column: n['name'] });
    }
  });
  const column = set.column.name;
  return classifyAssignment({
    column,
    reads,
    params: paramsIn(set.value),
    calls,
    clockOnly,
    subquery,
    text: text ?? `${column} = ${prettySql(set.value)}`,
  });
}

function assignments(sets: readonly SetStatement[] | null | undefined, texts: readonly string[] | undefined): Assignment[] {
  const list = sets ?? [];
  const aligned = texts !== undefined && texts.length === list.length;
  return list.map((s, i) => assignment(s, aligned ? texts[i] : undefined));
}

function outputNames(columns: readonly SelectedColumn[] | null | undefined): string[] {
  return (columns ?? []).map((c) => {
    if (c.alias) return c.alias.name;
    const e = unwrapCast(c.expr);
    if (e.type === 'ref') return e.name;
    if (e.type === 'call') return e.function.name;
    if (c.expr.type === 'cast' && 'name' in c.expr.to) return c.expr.to.name;
    return '?column?';
  });
}

function kindOf(s: Statement): StatementKind {
  switch (s.type) {
    case 'select':
    case 'union':
    case 'union all':
      return 'select';
    case 'insert':
    case 'update':
    case 'delete':
      return s.type;
    case 'begin':
    case 'start transaction':
    case 'commit':
    case 'rollback':
      return 'transaction';
    default:
      return 'other';
  }
}

interface Binding {
  name: string;
  statement: Statement;
}

/** The statement under any `WITH` and its CTE bindings. */
function unwrapWith(s: Statement): { main: Statement; bindings: Binding[] } {
  const bindings: Binding[] = [];
  let main = s;
  for (;;) {
    if (main.type === 'with') {
      for (const b of main.bind) bindings.push({ name: b.alias.name, statement: b.statement });
      main = main.in;
    } else if (main.type === 'with recursive') {
      bindings.push({ name: main.alias.name, statement: main.bind });
      main = main.in;
    } else return { main, bindings };
  }
}

function targetOf(s: Statement): QNameAliased | null {
  if (s.type === 'update') return s.table;
  if (s.type === 'delete') return s.from;
  if (s.type === 'insert') return s.into;
  return null;
}

function firstSelect(s: Statement): Statement {
  let cur = s;
  while (cur.type === 'union' || cur.type === 'union all') cur = cur.left;
  return cur;
}

function isAggregate(s: Statement): boolean {
  if (s.type === 'union') return true;
  if (s.type !== 'select') return false;
  if (s.distinct === 'distinct' || Array.isArray(s.distinct)) return true;
  if ((s.groupBy?.length ?? 0) > 0 || (s.having !== null && s.having !== undefined)) return true;
  let found = false;
  walk(s.columns, (n) => {
    if (isQuery(n)) return false;
    const fn = n['function'];
    if (n['type'] === 'call' && isNode(fn) && typeof fn['name'] === 'string' && AGGREGATES.has(fn['name']) && n['over'] === undefined) {
      found = true;
    }
    return !found;
  });
  return found;
}

/** Facts of one parsed statement; `text` is the statement before the parser-only rewrites. */
export function factsFromAst(ast: Statement, text: string, extras: Extras): StatementFacts {
  const { main, bindings } = unwrapWith(ast);
  const facts = blankFacts(kindOf(main), 'parser', text);
  const texts = clauseTexts(text);
  const cteNames = new Set(bindings.map((b) => b.name));

  let reads = fromTablesIn(ast).filter((t) => !cteNames.has(t));
  if (extras.fromList !== null) reads = [...reads, ...fromListTables(extras.fromList)];
  facts.tablesRead = unique(reads);

  const target = targetOf(main);
  const written: string[] = target !== null ? [target.name] : [];
  if (main.type === 'select' || main.type === 'update' || main.type === 'delete') facts.where = predicates(main.where, texts.where);
  // `SELECT EXISTS (SELECT 1 FROM t WHERE ...)`: the rows looked for are those of the inner WHERE.
  const probe = main.type === 'select' ? existsProbe(main) : null;
  if (probe) facts.where = predicates(probe.where, undefined).map((p) => ({ ...p, text: p.text.replace(/^\((.*)\)$/, '$1') }));
  if (main.type === 'update') facts.set = assignments(main.sets, texts.set);
  if (main.type === 'insert') {
    facts.insertSource = main.insert.type === 'values' ? 'values' : 'select';
    facts.insertColumns = main.columns ? main.columns.map((c) => c.name) : null;
    const params = main.columns && main.insert.type === 'values' ? rowParams(main.columns, main.insert.values) : null;
    if (params !== null) facts.insertParams = params;
    if (main.onConflict) {
      facts.onConflict = main.onConflict.do === 'do nothing' ? 'nothing' : 'update';
      if (main.onConflict.do !== 'do nothing') facts.set = assignments(main.onConflict.do.sets, texts.set);
    }
  }
  if (main.type === 'insert' || main.type === 'update' || main.type === 'delete') {
    facts.returning = main.returning ? outputNames(main.returning) : null;
  }
  if (facts.kind === 'select') {
    const first = firstSelect(main);
    if (first.type === 'select') facts.selectedColumns = outputNames(first.columns);
    facts.aggregate = isAggregate(main);
    if (main.type === 'select' && main.for) facts.lock = { strength: main.for.type, wait: main.skip?.type ?? 'wait' };
  }

  const references = new Map(bindings.map((b) => [b.name, fromTablesIn(b.statement, true).filter((n) => cteNames.has(n) && n !== b.name)]));
  const consumed = new Set<string>();
  const visit = (name: string): void => {
    if (consumed.has(name)) return;
    consumed.add(name);
    for (const next of references.get(name) ?? []) visit(next);
  };
  const mainReads = [...fromTablesIn(main, true), ...(extras.fromList !== null ? fromListTables(extras.fromList) : [])];
  for (const name of mainReads) if (cteNames.has(name)) visit(name);
  for (const b of bindings) {
    const s = b.statement;
    if (s.type !== 'insert' && s.type !== 'update' && s.type !== 'delete') continue;
    const table = (targetOf(s) as QNameAliased).name;
    const guards = (s.type === 'insert' ? [] : predicates(s.where, texts.ctes.get(b.name))).filter((p) => !p.isKey);
    const write: CteWrite = { name: b.name, kind: s.type, table, guarded: guards.length > 0, guards, consumed: consumed.has(b.name) };
    facts.cteWrites.push(write);
    written.push(table);
  }
  facts.tablesWritten = unique(written);
  if ((main.type === 'update' || main.type === 'delete') && target !== null)
    facts.subqueryClaim = subqueryClaim(main, target.name, bindings, facts.where, extras.nestedLock === true);
  if (ast.type === 'truncate table') facts.tablesWritten = unique(ast.tables.map((t) => t.name));

  const duplicateKeySet = extras.duplicateKeySet;
  applyExtras(facts, { ...extras, duplicateKeySet: null });
  if (duplicateKeySet !== null && target !== null) facts.set = duplicateKeyAssignments(target.name, duplicateKeySet, facts);
  return facts;
}

/** The SELECT inside `SELECT EXISTS (SELECT ...)` (or `NOT EXISTS`) with no FROM of its own. */
function existsProbe(select: Statement): (Statement & { type: 'select' }) | null {
  if (select.type !== 'select' || (select.from?.length ?? 0) > 0 || select.columns?.length !== 1) return null;
  let expr = unwrapCast(select.columns[0]!.expr);
  if (expr.type === 'unary' && expr.op === 'NOT') expr = unwrapCast(expr.operand);
  if (expr.type !== 'call' || expr.function.name !== 'exists') return null;
  const inner = expr.args[0];
  return inner && inner.type === 'select' && 'columns' in inner ? (inner as Statement & { type: 'select' }) : null;
}

/**
 * The subquery (in the WHERE) or the CTE (read by the statement) that picks the rows of an UPDATE or
 * DELETE from its own table by a state condition; see SubqueryClaim.
 */
function subqueryClaim(
  main: Statement,
  table: string,
  bindings: readonly Binding[],
  outerWhere: readonly Predicate[],
  nestedLock: boolean,
): SubqueryClaim | null {
  const candidates: { select: Statement; cte: string | null }[] = [];
  const where = (main as { where?: Expr | null }).where ?? null;
  const readCtes = new Set(fromTablesIn(main, true));
  walk(where, (n) => {
    if (n['type'] === 'select' && 'columns' in n) {
      candidates.push({ select: n as unknown as Statement, cte: null });
      return false;
    }
    return true;
  });
  for (const b of bindings)
    if (b.statement.type === 'select' && readCtes.has(b.name)) candidates.push({ select: b.statement, cte: b.name });
  for (const { select, cte } of candidates) {
    if (select.type !== 'select' || !fromTablesIn(select, true).includes(table)) continue;
    const guards = predicates(select.where, undefined)
      .filter((p) => !p.isKey && p.column !== null)
      .map((p) => ({ ...p, text: p.text.replace(/^\((.*)\)$/, '$1') }));
    if (guards.length === 0) continue;
    const columns = new Set(guards.map((g) => g.column));
    return {
      table,
      cte,
      guards,
      // The parser never sees a nested locking clause: normalize.ts takes it out and says it was there.
      locked: nestedLock || (select.for !== undefined && select.for !== null),
      retested: outerWhere.some((p) => !p.isKey && p.column !== null && columns.has(p.column)),
    };
  }
  return null;
}

/** Tables of an `UPDATE ... FROM` / `DELETE ... USING` list. */
function fromListTables(list: string): string[] {
  try {
    const [select] = parse(`SELECT 1 FROM ${list}`, { locationTracking: false });
    return select ? fromTablesIn(select) : [];
  } catch {
    return tablesReadIn(significant(tokenize(`FROM ${list}`)));
  }
}

/** MySQL `ON DUPLICATE KEY UPDATE` list, read as the SET list of an UPDATE of the insert's table. */
function duplicateKeyAssignments(table: string, list: string, facts: StatementFacts): Assignment[] {
  const lexical = { ...facts, set: [] as Assignment[] };
  applyExtras(lexical, { onConflict: null, duplicateKeySet: list, lock: null, defaultValues: false, fromList: null });
  try {
    const [update] = parse(`UPDATE ${quoteIdent(table)} SET ${list}`, { locationTracking: false });
    if (update?.type === 'update')
      return assignments(
        update.sets,
        lexical.set.map((a) => a.text),
      );
  } catch {
    // The lexical reading below.
  }
  return lexical.set;
}
