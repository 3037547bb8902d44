/**
 * SQL DDL -> schema ops: CREATE TABLE (columns and types, PRIMARY KEY, UNIQUE, CHECK), CREATE UNIQUE
 * INDEX (partial and expression indexes marked as such), ALTER TABLE (ADD/DROP/RENAME COLUMN, ALTER
 * COLUMN TYPE, ADD/DROP CONSTRAINT, RENAME TO), DROP TABLE, DROP INDEX. The common forms are read from
 * their tokens (src/schema/ddl-tokens.ts, which gives what the parser's reading gives); every other
 * statement is read by pgsql-ast-parser, and one it cannot read (MySQL's `ENGINE=`, vendor options)
 * goes through a lenient token reader. Statements about anything else are ignored. Never throws.
 */
import { parse, toSql, type Expr, type Statement } from 'pgsql-ast-parser';
import { splitStatements } from '../sql/split.js';
import { Cursor } from './cursor.js';
import { CHECK_OPERATOR, CHECK_OPERATOR_FLIPPED, quickSchemaOps } from './ddl-tokens.js';
import { identName, quoteIdent, render, significant, type Token } from '../sql/tokenize.js';
import type { CheckBound, SchemaOp } from './types.js';

/**
 * The statements either reader takes something from: CREATE TABLE (temporary, unlogged...), CREATE UNIQUE
 * INDEX, ALTER TABLE, DROP TABLE, DROP INDEX; on the text as `render` gives it (comments gone, one
 * space between words). The others (functions, triggers, policies, types, plain indexes) are not
 * parsed: in migrations they are most of the DDL, and a function body is the parser's slowest input.
 */
const SCHEMA_STATEMENT =
  /^(?:create (?:or replace )?(?:(?:global|local|temp|temporary|unlogged) )*table\b|create (?:or replace )?unique index\b|alter table\b|drop (?:table|index)\b)/i;

/** Whether a statement (rendered) may state schema; exported for its test. */
export function mayStateSchema(sql: string): boolean {
  return SCHEMA_STATEMENT.test(sql);
}

export function readSqlSchema(text: string): SchemaOp[] {
  const ops: SchemaOp[] = [];
  let statements: Token[][];
  try {
    // MySQL dumps quote names in backticks, which only the MySQL tokenizer reads as identifiers.
    statements = splitStatements(text, text.includes('`') ? 'mysql' : 'postgres');
  } catch {
    return ops;
  }
  for (const tokens of statements) {
    const sql = render(tokens);
    if (!mayStateSchema(sql)) continue;
    // The common forms are read from their tokens (src/schema/ddl-tokens.ts); the parser reads the rest.
    ops.push(...(quickSchemaOps(significant(tokens)) ?? parsedSchemaOps(sql, tokens)));
  }
  return ops;
}

/**
 * One statement (`sql` as `render` gives its `tokens`) read by pgsql-ast-parser, or by the lenient token
 * reader when the parser refuses it; exported for the test that compares it with `quickSchemaOps`.
 */
export function parsedSchemaOps(sql: string, tokens: readonly Token[]): SchemaOp[] {
  try {
    return parse(sql, { locationTracking: false }).flatMap((statement) => fromAst(statement));
  } catch {
    try {
      return fromTokens(significant(tokens));
    } catch {
      // A statement neither reader understands states nothing.
      return [];
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// pgsql-ast-parser's AST

interface Named {
  name: string;
}

type AnyRecord = Record<string, unknown>;

function typeText(dataType: unknown): string {
  const t = dataType as { kind?: string; arrayOf?: unknown; name?: string } | undefined;
  if (!t) return 'unknown';
  if (t.kind === 'array') return `${typeText(t.arrayOf)}[]`;
  return (t.name ?? 'unknown').toLowerCase();
}

function exprText(expr: Expr): string {
  try {
    return toSql.expr(expr);
  } catch {
    return '';
  }
}

function literal(expr: AnyRecord): string | null {
  if (expr['type'] === 'integer' || expr['type'] === 'numeric') return String(expr['value']);
  if (expr['type'] === 'string') return `'${String(expr['value'])}'`;
  if (expr['type'] === 'unary' && expr['op'] === '-' && typeof expr['operand'] === 'object') {
    const inner = literal(expr['operand'] as AnyRecord);
    return inner === null ? null : `-${inner}`;
  }
  if (expr['type'] === 'cast' && typeof expr['operand'] === 'object') return literal(expr['operand'] as AnyRecord);
  return null;
}

/** `stock >= 0 AND price > 0` -> one bound per conjunct that compares a column with a constant. */
function checkBounds(expr: Expr, name: string | null): CheckBound[] {
  const e = expr as unknown as AnyRecord;
  if (e['type'] === 'binary' && String(e['op']).toUpperCase() === 'AND') {
    return [...checkBounds(e['left'] as Expr, name), ...checkBounds(e['right'] as Expr, name)];
  }
  if (e['type'] !== 'binary' || !Object.hasOwn(CHECK_OPERATOR, String(e['op']))) return [];
  const left = e['left'] as AnyRecord;
  const right = e['right'] as AnyRecord;
  const op = String(e['op']);
  let column: string | null = null;
  let bound: string | null = null;
  let operator: CheckBound['operator'] | undefined;
  if (left['type'] === 'ref' && (bound = literal(right)) !== null) {
    column = String(left['name']);
    operator = CHECK_OPERATOR[op];
  } else if (right['type'] === 'ref' && (bound = literal(left)) !== null) {
    column = String(right['name']);
    operator = CHECK_OPERATOR_FLIPPED[op];
  }
  if (column === null || bound === null || operator === undefined) return [];
  return [{ name, column, operator, bound, text: `${column} ${operator} ${bound}` }];
}

function constraintOps(table: string, constraint: AnyRecord, column: string | null): SchemaOp[] {
  const name = (constraint['constraintName'] as Named | undefined)?.name ?? null;
  const columns = Array.isArray(constraint['columns'])
    ? (constraint['columns'] as Named[]).map((c) => c.name)
    : column !== null
      ? [column]
      : [];
  switch (constraint['type']) {
    case 'primary key':
      return columns.length > 0 ? [{ op: 'primary-key', table, name, columns }] : [];
    case 'unique':
      return columns.length > 0 ? [{ op: 'unique', table, key: { name, columns, where: null, expression: false } }] : [];
    case 'check':
      return checkBounds(constraint['expr'] as Expr, name).map((check) => ({ op: 'check', table, check }));
    default:
      return [];
  }
}

function columnOps(table: string, column: AnyRecord): SchemaOp[] {
  const name = (column['name'] as Named).name;
  const ops: SchemaOp[] = [{ op: 'column', table, column: name, type: typeText(column['dataType']) }];
  for (const constraint of (column['constraints'] as AnyRecord[] | undefined) ?? []) ops.push(...constraintOps(table, constraint, name));
  return ops;
}

function fromAst(statement: Statement): SchemaOp[] {
  const s = statement as unknown as AnyRecord;
  switch (s['type']) {
    case 'create table': {
      const table = (s['name'] as Named).name;
      const ops: SchemaOp[] = [{ op: 'create-table', table }];
      for (const column of (s['columns'] as AnyRecord[] | undefined) ?? []) {
        if (column['kind'] === 'column') ops.push(...columnOps(table, column));
      }
      for (const constraint of (s['constraints'] as AnyRecord[] | undefined) ?? []) ops.push(...constraintOps(table, constraint, null));
      return ops;
    }
    case 'create index': {
      if (s['unique'] !== true) return [];
      const table = (s['table'] as Named).name;
      const expressions = (s['expressions'] as { expression: AnyRecord }[] | undefined) ?? [];
      const plain = expressions.every((e) => e.expression['type'] === 'ref');
      const columns = plain
        ? expressions.map((e) => String(e.expression['name']))
        : expressions.map((e) => exprText(e.expression as unknown as Expr));
      const where = s['where'] ? exprText(s['where'] as Expr) : null;
      const name = (s['indexName'] as Named | undefined)?.name ?? null;
      return [{ op: 'unique', table, key: { name, columns, where, expression: !plain } }];
    }
    case 'alter table': {
      let table = (s['table'] as Named).name;
      const ops: SchemaOp[] = [];
      for (const change of (s['changes'] as AnyRecord[] | undefined) ?? []) {
        switch (change['type']) {
          case 'add column':
            ops.push(...columnOps(table, change['column'] as AnyRecord));
            break;
          case 'drop column':
            ops.push({ op: 'drop-column', table, column: (change['column'] as Named).name });
            break;
          case 'rename column':
            ops.push({ op: 'rename-column', table, column: (change['column'] as Named).name, to: (change['to'] as Named).name });
            break;
          case 'rename':
            ops.push({ op: 'rename-table', table, to: (change['to'] as Named).name });
            table = (change['to'] as Named).name;
            break;
          case 'add constraint':
            ops.push(...constraintOps(table, change['constraint'] as AnyRecord, null));
            break;
          case 'drop constraint':
            ops.push({ op: 'drop-constraint', table, name: (change['constraint'] as Named).name });
            break;
          case 'alter column': {
            const alter = change['alter'] as AnyRecord;
            if (alter['type'] === 'set type')
              ops.push({ op: 'column', table, column: (change['column'] as Named).name, type: typeText(alter['dataType']) });
            break;
          }
          default:
            break;
        }
      }
      return ops;
    }
    case 'drop table':
      return ((s['names'] as Named[] | undefined) ?? []).map((n) => ({ op: 'drop-table', table: n.name }));
    case 'drop index':
      return ((s['names'] as Named[] | undefined) ?? []).map((n) => ({ op: 'drop-constraint', table: null, name: n.name }));
    default:
      return [];
  }
}

// ---------------------------------------------------------------------------------------------------
// The token reader, for DDL the parser refuses (MySQL table options, vendor syntax)

const names = (items: Token[][]): string[] =>
  items.map((item) => (item.length >= 1 && (item[0]!.type === 'word' || item[0]!.type === 'qident') ? identName(item[0]!) : render(item)));

function fromTokens(tokens: Token[]): SchemaOp[] {
  const c = new Cursor(tokens);
  if (c.take('create')) {
    c.take('or', 'replace');
    const unique = c.take('unique');
    if (c.take('index')) return unique ? createIndex(c) : [];
    while (c.take('temporary') || c.take('temp') || c.take('unlogged') || c.take('global') || c.take('local'));
    if (!c.take('table')) return [];
    c.take('if', 'not', 'exists');
    const table = c.name();
    const items = c.group();
    if (table === null || items === null) return [];
    const ops: SchemaOp[] = [{ op: 'create-table', table }];
    for (const item of items) ops.push(...tableItem(table, new Cursor(item)));
    return ops;
  }
  if (c.take('alter', 'table')) {
    c.take('if', 'exists');
    c.take('only');
    const table = c.name();
    return table === null ? [] : alterActions(table, c);
  }
  if (c.take('drop', 'table')) {
    c.take('if', 'exists');
    const ops: SchemaOp[] = [];
    for (let name = c.name(); name !== null; name = c.peek()?.type === 'comma' ? (c.next(), c.name()) : null)
      ops.push({ op: 'drop-table', table: name });
    return ops;
  }
  if (c.take('drop', 'index')) {
    c.take('concurrently');
    c.take('if', 'exists');
    const name = c.name();
    // MySQL: DROP INDEX name ON table.
    const table = c.take('on') ? c.name() : null;
    return name === null ? [] : [{ op: 'drop-constraint', table, name }];
  }
  return [];
}

function createIndex(c: Cursor): SchemaOp[] {
  c.take('concurrently');
  c.take('if', 'not', 'exists');
  const name = c.is('on') ? null : c.name();
  if (!c.take('on')) return [];
  c.take('only');
  const table = c.name();
  if (c.take('using')) c.next();
  const items = c.group();
  if (table === null || items === null) return [];
  const plain = items.every((item) => significantLength(item) === 1 || /^(?:asc|desc)$/i.test(item.at(-1)?.value ?? ''));
  const columns = plain ? names(items) : items.map((item) => render(item));
  let where: string | null = null;
  const rest = c.rest();
  const at = rest.findIndex((t) => t.type === 'word' && t.value === 'where');
  if (at >= 0) where = render(rest.slice(at + 1));
  return [{ op: 'unique', table, key: { name, columns, where, expression: !plain } }];
}

function significantLength(item: Token[]): number {
  return item.filter((t) => t.type !== 'space' && t.type !== 'comment').length;
}

/** One item of CREATE TABLE's list: a column definition or a table constraint. */
function tableItem(table: string, c: Cursor): SchemaOp[] {
  let name: string | null = null;
  if (c.take('constraint')) name = c.name();
  if (c.take('primary', 'key')) {
    const cols = c.group();
    return cols ? [{ op: 'primary-key', table, name, columns: names(cols) }] : [];
  }
  if (c.is('unique') || ((c.is('unique', 'key') || c.is('unique', 'index')) && true)) {
    c.take('unique');
    if (!c.take('key')) c.take('index');
    // MySQL: UNIQUE KEY name (cols)
    if (c.peek()?.type !== 'open') name = c.name() ?? name;
    const cols = c.group();
    return cols ? [{ op: 'unique', table, key: { name, columns: names(cols), where: null, expression: false } }] : [];
  }
  if (c.take('check')) return checkOps(table, name, c.group());
  if (c.is('key') || c.is('index') || c.is('foreign') || c.is('exclude') || c.is('fulltext') || c.is('spatial') || c.is('like')) return [];
  const column = c.name();
  if (column === null) return [];
  return columnRest(table, column, c);
}

/** A column's type and inline constraints, after its name. */
function columnRest(table: string, column: string, c: Cursor): SchemaOp[] {
  const typeWords: string[] = [];
  while (!c.done()) {
    const t = c.peek()!;
    if (t.type === 'open') {
      c.group();
      continue;
    }
    if (
      t.type === 'word' &&
      /^(?:not|null|default|primary|unique|check|references|constraint|generated|collate|auto_increment|comment|on|identity)$/.test(t.value)
    )
      break;
    if (t.type !== 'word' && t.type !== 'qident' && !(t.type === 'op' && t.text === '[]') && t.type !== 'dot') break;
    typeWords.push(t.type === 'word' ? t.value : t.text);
    c.next();
  }
  if (c.peek()?.type === 'open' && c.peek(1)?.type === 'close') c.at += 2;
  const ops: SchemaOp[] = [{ op: 'column', table, column, type: typeWords.join(' ').replace(/\s*\[\s*\]/g, '[]') || 'unknown' }];
  while (!c.done()) {
    let name: string | null = null;
    if (c.take('constraint')) name = c.name();
    if (c.take('primary', 'key')) ops.push({ op: 'primary-key', table, name, columns: [column] });
    else if (c.take('unique')) {
      c.take('key');
      ops.push({ op: 'unique', table, key: { name, columns: [column], where: null, expression: false } });
    } else if (c.take('check')) ops.push(...checkOps(table, name, c.group()));
    else if (c.peek()?.type === 'open') c.group();
    else c.next();
  }
  return ops;
}

function checkOps(table: string, name: string | null, group: Token[][] | null): SchemaOp[] {
  if (group === null || group.length !== 1) return [];
  try {
    // Backticked names (MySQL) as PostgreSQL quoted identifiers, which the parser reads.
    const text = render(group[0]!.map((t) => (t.type === 'qident' ? { ...t, text: quoteIdent(t.value) } : t)));
    const expr = parse(text, 'expr');
    return checkBounds(expr, name).map((check) => ({ op: 'check', table, check }));
  } catch {
    return [];
  }
}

function alterActions(table: string, c: Cursor): SchemaOp[] {
  const ops: SchemaOp[] = [];
  const actions: Token[][] = [[]];
  let depth = 0;
  for (const t of c.rest()) {
    if (t.type === 'open') depth += 1;
    if (t.type === 'close') depth -= 1;
    if (t.type === 'comma' && depth === 0) actions.push([]);
    else actions.at(-1)!.push(t);
  }
  let current = table;
  for (const action of actions) {
    const a = new Cursor(action);
    if (a.take('add')) {
      if (a.is('constraint') || a.is('primary') || a.is('unique') || a.is('check')) {
        ops.push(...tableItem(current, a));
        continue;
      }
      a.take('column');
      a.take('if', 'not', 'exists');
      const column = a.name();
      if (column !== null) ops.push(...columnRest(current, column, a));
    } else if (a.take('drop')) {
      if (a.take('constraint') || a.take('index') || a.take('key')) {
        a.take('if', 'exists');
        const name = a.name();
        if (name !== null) ops.push({ op: 'drop-constraint', table: current, name });
      } else if (a.take('primary', 'key')) {
        ops.push({ op: 'drop-constraint', table: current, name: `${current}_pkey` });
      } else {
        a.take('column');
        a.take('if', 'exists');
        const column = a.name();
        if (column !== null) ops.push({ op: 'drop-column', table: current, column });
      }
    } else if (a.take('rename')) {
      if (a.take('to') || a.take('as')) {
        const to = a.name();
        if (to !== null) {
          ops.push({ op: 'rename-table', table: current, to });
          current = to;
        }
      } else {
        a.take('column');
        const column = a.name();
        if (column !== null && a.take('to')) {
          const to = a.name();
          if (to !== null) ops.push({ op: 'rename-column', table: current, column, to });
        }
      }
    } else if (a.take('alter')) {
      a.take('column');
      const column = a.name();
      if (column === null) continue;
      a.take('set', 'data');
      if (a.take('type')) ops.push(...columnRest(current, column, a).slice(0, 1));
    } else if (a.take('modify')) {
      // MySQL: MODIFY [COLUMN] name type ...
      a.take('column');
      const column = a.name();
      if (column !== null) ops.push(...columnRest(current, column, a));
    }
  }
  return ops;
}
