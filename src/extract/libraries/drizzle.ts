/**
 * Drizzle ORM: raw SQL (``db.execute(sql`...`)`` with `sql` from `drizzle-orm`; each `${}` hole of the
 * template is a bound parameter; `sql.raw('...')`, `sql.identifier('...')` and nested ``sql`...` ``
 * fragments are SQL text) and the query builder.
 *
 * The builder has no SQL text; a chain becomes statement facts (src/extract/kit.ts), taken whole at
 * its last call (drizzle queries are thenables: the chain the code awaits): `db.select(...).from(t)`,
 * `db.update(t).set({...})`, `db.insert(t).values({...})`, `db.delete(t)`, and the relational
 * `db.query.t.findFirst({ where })` / `findMany`. `.where(...)` takes `eq`, `ne`, `gt`, `gte`, `lt`,
 * `lte`, `inArray`, `notInArray`, `like`, `isNull`, `isNotNull` on a column (`t.c`) as conjuncts and
 * flattens `and(...)`; `or`, `not`, `exists`, ``sql`...` `` are one opaque guard. A ``sql`${t.stock} -
 * 1` `` value that reads the column it sets is relative. `.returning()`, `.onConflictDoNothing()` /
 * `.onConflictDoUpdate({ target, set })`, `.for('update' | 'share', { skipLocked | noWait })` are
 * read. Table names come from `pgTable('name', ...)` / `mysqlTable` when the table object is defined
 * in the file, else from the variable's name; columns from the column builder's name there
 * (`availableSeats: integer('available_seats')`), else the property in snake_case. A chain handed to
 * another call (`inArray(t.id, db.select(...))`) or ending in `.as(...)` is a subquery. The builder's
 * shapes are specific enough to be read where the database object is imported from a local module;
 * raw SQL still needs an import of drizzle-orm.
 *
 * `drizzle(...)` (from `drizzle-orm/node-postgres`, `drizzle-orm/postgres-js`, `drizzle-orm/mysql2`,
 * ...) is a pool. A transaction is `db.transaction(async (tx) => ..., { isolationLevel: 'serializable' })`;
 * `tx.transaction(...)` nests a savepoint. Parameters typed `NodePgDatabase` and friends are pools,
 * `PgTransaction` / `MySqlTransaction` transactions.
 *
 * `db.execute` resolves to the driver's result: node-postgres' `{ rows, rowCount }` (postgres.js: an
 * array with `count`), or mysql2's `[ResultSetHeader]` for `drizzle-orm/mysql2`.
 */
import type { TSESTree } from '@typescript-eslint/types';
import type { SqlDialect, StatementFacts } from '../../sql/facts.js';
import { looksLikeSql } from '../../sql/index.js';
import { expressionPath, objectProperty, propertyName, unwrap, walk } from '../ast.js';
import {
  columnName,
  insertedFields,
  keyName,
  methodChain,
  objectArgument,
  StatementBuilder,
  type ChainCall,
  isolationOption,
  transactionCallback,
  transactionParameter,
} from '../kit.js';
import { constantString } from './sql-tag.js';
import { spliceFragments, type HoleReading } from '../fragments.js';
import type {
  ConnectionKind,
  ExtractContext,
  LibraryAdapter,
  LibraryFixes,
  QueryNode,
  QuerySite,
  SqlText,
  TransactionCallback,
  TransactionScope,
} from '../types.js';

const MODULE = 'drizzle-orm';
const DATABASE_TYPES = /^(NodePg|PostgresJs|Pg|Neon|NeonHttp|VercelPg|PgRemote|MySql2|MySql|PlanetScale|Aws(DataApi)?Pg)Database$/;
const TRANSACTION_TYPES = /^(NodePg|PostgresJs|Pg|Neon|MySql2|MySql)Transaction$/;

export const drizzle: LibraryAdapter = {
  name: 'drizzle',
  modules: [MODULE],
  // Builder chains run on a database object imported from anywhere (`import { db } from '@/db'`):
  // drizzle's own shapes activate the adapter. Raw SQL still needs the import.
  fallback: true,
  hints:
    /\.\s*(?:select(?:Distinct(?:On)?)?\s*\([^()]*(?:\([^()]*\)[^()]*)*\)\s*\.\s*from|update\s*\(\s*[\w.$]+\s*\)\s*\.\s*set|insert\s*\(\s*[\w.$]+\s*\)\s*\.\s*values|delete\s*\(\s*[\w.$]+\s*\)\s*\.\s*(?:where|returning))\s*\(|\.query\s*\.\s*\w+\s*\.\s*find(?:First|Many)\s*\(/,
  transactionHint: '`db.transaction(async (tx) => ...)` and send every statement through `tx`',

  connectionFromExpression(node, ctx) {
    const inner = unwrap(node);
    if (inner.type === 'CallExpression' && drizzleModule(inner.callee as TSESTree.Expression, ctx) !== null) return 'pool';
    return null;
  },

  connectionFromTypeName(name): ConnectionKind | null {
    if (DATABASE_TYPES.test(name)) return 'pool';
    if (TRANSACTION_TYPES.test(name)) return 'transaction';
    return null;
  },

  matchQuery(node: QueryNode, ctx: ExtractContext): QuerySite | null {
    if (node.type !== 'CallExpression') return null;
    const built = builderCall(node, ctx);
    if (built) return built;
    if (ctx.calleeName(node) !== 'execute' || !ctx.imports(MODULE)) return null;
    const connection = ctx.calleeObject(node);
    const argument = node.arguments[0];
    if (!connection || !argument || argument.type === 'SpreadElement') return null;
    const dialect = dialectOf(connection, ctx);
    const sql = statementText(ctx.origin(argument), dialect, ctx);
    if (!sql || !looksLikeSql(sql.text)) return null;
    return {
      library: 'drizzle',
      node,
      resultNode: node,
      connection,
      sql,
      countHint: dialect === 'mysql' ? '`result[0].affectedRows`' : '`result.rowCount`',
    };
  },

  matchTransaction(call: TSESTree.CallExpression, ctx: ExtractContext): TransactionScope | null {
    const helper = sqliteTransactionHelper(call, ctx);
    if (helper) return helper;
    if (ctx.calleeName(call) !== 'transaction') return null;
    const outer = ctx.calleeObject(call);
    const callback = transactionCallback(call, call.arguments[0], ctx);
    if (!outer || !callback) return null;
    // SQLite runs every transaction serializably: a write after a stale read fails (SQLITE_BUSY).
    const isolation = isolationOption(call.arguments[1], ctx) ?? (onSqlite(outer, callback, ctx) ? 'serializable' : null);
    return { library: 'drizzle', node: call, callback, connectionParam: transactionParameter(callback), outer, isolation };
  },
};

/** ``sql`...` `` or `sql.raw('...')`, the tag being drizzle's `sql` (or, with no import in sight, named `sql`). */
function statementText(node: TSESTree.Node, dialect: SqlDialect, ctx: ExtractContext): SqlText | null {
  if (node.type === 'TaggedTemplateExpression' && isSqlTag(node.tag, ctx)) {
    const text = ctx.sqlText(node.quasi, 'dollar', dialect);
    return text && spliceFragments(text, (hole) => readHole(hole, ctx), ctx);
  }
  if (node.type === 'CallExpression' && ctx.calleeName(node) === 'raw' && isSqlTag(ctx.calleeObject(node), ctx) && node.arguments[0]) {
    return ctx.sqlText(node.arguments[0], 'dollar', dialect);
  }
  return null;
}

function isSqlTag(node: TSESTree.Node | null, ctx: ExtractContext): boolean {
  if (!node) return false;
  const inner = unwrap(node) as TSESTree.Expression;
  const imported = ctx.importOf(inner);
  if (imported) return imported.module.startsWith(MODULE) && imported.path.at(-1) === 'sql';
  return inner.type === 'Identifier' && inner.name === 'sql';
}

function readHole(hole: TSESTree.Node, ctx: ExtractContext): HoleReading {
  const inner = ctx.origin(hole as TSESTree.Expression);
  if (inner.type === 'TaggedTemplateExpression' && isSqlTag(inner.tag, ctx)) return { template: inner.quasi };
  const schema = schemaName(inner, ctx);
  if (schema !== null) return { text: schema };
  if (inner.type !== 'CallExpression' || !isSqlTag(ctx.calleeObject(inner), ctx)) return null;
  const name = ctx.calleeName(inner);
  const argument = inner.arguments[0];
  const known = argument ? ctx.origin(argument as TSESTree.Expression) : null;
  const literal = known?.type === 'Literal' && typeof known.value === 'string' ? known.value : null;
  if (name === 'raw') return literal !== null ? { text: literal } : { unknown: true };
  if (name === 'identifier') return literal !== null ? { text: `"${literal.replace(/"/g, '""')}"` } : { unknown: true };
  if (name === 'join' || name === 'empty') return { unknown: true };
  return null; // sql.placeholder('x'), sql.param(x): values
}

/**
 * A table or column of the schema written in a hole (``sql`SELECT * FROM ${users} WHERE ${users.id} = ${id}` ``)
 * renders as its quoted name: `pgTable('users', { id: serial('id') })` in this file gives `"users"`
 * and `"users"."id"`.
 */
function schemaName(node: TSESTree.Expression, ctx: ExtractContext): string | null {
  const quote = (name: string): string => `"${name.replace(/"/g, '""')}"`;
  const table = tableCall(node, ctx);
  if (table) return quote(table.name);
  if (node.type !== 'MemberExpression' || node.computed || node.property.type !== 'Identifier') return null;
  const owner = tableCall(ctx.origin(node.object), ctx);
  const columns = owner?.columns;
  if (!owner || columns?.type !== 'ObjectExpression') return null;
  const key = node.property.name;
  for (const p of columns.properties) {
    if (p.type !== 'Property' || p.computed || p.key.type !== 'Identifier' || p.key.name !== key) continue;
    // `serial('id').primaryKey()`: the builder call at the start of the chain names the column.
    let builder: TSESTree.Node = p.value;
    while (builder.type === 'CallExpression' && builder.callee.type === 'MemberExpression') builder = builder.callee.object;
    const first = builder.type === 'CallExpression' ? builder.arguments[0] : undefined;
    const column = first?.type === 'Literal' && typeof first.value === 'string' ? first.value : key;
    return `${quote(owner.name)}.${quote(column)}`;
  }
  return null;
}

function tableCall(node: TSESTree.Node, ctx: ExtractContext): { name: string; columns: TSESTree.Node | null } | null {
  if (node.type !== 'CallExpression') return null;
  const imported = ctx.importOf(node.callee as TSESTree.Expression);
  const fn = imported?.path.at(-1);
  if (!imported?.module.startsWith(MODULE) || (fn !== 'pgTable' && fn !== 'mysqlTable')) return null;
  const [name, columns] = node.arguments;
  return name?.type === 'Literal' && typeof name.value === 'string' ? { name: name.value, columns: columns ?? null } : null;
}

/** The `drizzle-orm/<driver>` module `drizzle` is imported from. */
function drizzleModule(callee: TSESTree.Expression, ctx: ExtractContext): string | null {
  const imported = ctx.importOf(callee);
  return imported && imported.module.startsWith(`${MODULE}/`) && imported.path.at(-1) === 'drizzle' ? imported.module : null;
}

function dialectOf(connection: TSESTree.Expression, ctx: ExtractContext): SqlDialect {
  const origin = ctx.origin(connection);
  const module = origin.type === 'CallExpression' ? drizzleModule(origin.callee as TSESTree.Expression, ctx) : null;
  return module !== null && /mysql|planetscale|tidb/.test(module) ? 'mysql' : 'postgres';
}

// ---------------------------------------------------------------------------------------------
// The query builder: `db.select().from(t).where(eq(t.c, v))`, `db.update(t).set({...}).where(...)`,
// `db.insert(t).values({...})`, `db.delete(t).where(...)`, `db.query.t.findFirst({ where })`.

const STARTS: Record<string, 'select' | 'update' | 'insert' | 'delete'> = {
  select: 'select',
  selectDistinct: 'select',
  selectDistinctOn: 'select',
  update: 'update',
  insert: 'insert',
  delete: 'delete',
};
const COMPARISONS: Record<string, string> = {
  eq: '=',
  ne: '<>',
  gt: '>',
  gte: '>=',
  lt: '<',
  lte: '<=',
  inArray: 'in',
  notInArray: 'not in',
  like: 'like',
  ilike: 'like',
  notLike: 'not like',
  notIlike: 'not like',
};
const NULL_TESTS: Record<string, string> = { isNull: 'is null', isNotNull: 'is not null' };
/** Calls that end a chain's use of its value: the statement ends before them. */
const CONSUMERS = new Set(['then', 'catch', 'finally']);

/** A drizzle builder chain, taken whole at its last call (the one the code awaits): a site with built facts. */
function builderCall(node: TSESTree.CallExpression, ctx: ExtractContext): QuerySite | null {
  const chain = methodChain(node);
  let end = chain.calls.length;
  while (end > 0 && CONSUMERS.has(chain.calls[end - 1]!.name)) end--;
  const calls = chain.calls.slice(0, end);
  const last = calls.at(-1);
  if (!last || last.call !== node) return null;
  const relational = relationalQuery(calls, chain.root, ctx);
  if (relational) return relational(node);
  const start = calls[0]!;
  const kind = STARTS[start.name];
  if (kind === undefined) return null;
  // Drizzle's own shape: `select(...).from(t)`, `update(t).set(...)`, `insert(t).values(...)`, `delete(t)...`.
  const next = calls[1]?.name;
  const imported = ctx.imports(MODULE);
  // A lone `await db.delete(table)` only in a file that imports drizzle (not `await map.delete(key)`).
  const shaped =
    kind === 'select'
      ? next === 'from'
      : kind === 'update'
        ? next === 'set'
        : kind === 'insert'
          ? next === 'values' || next === 'select'
          : next === 'where' || next === 'returning' || (imported && calls.length === 1 && isAwaited(node));
  if (!shaped) return null;
  // knex has `select('a').from('t')` too: drizzle selects an object of columns, or everything.
  if (kind === 'select' && start.call.arguments.length > 0 && !objectArgument(start.call.arguments[0], ctx)) return null;
  if (calls.some((c) => c.name === 'as' || c.name === 'getSQL' || c.name === 'toSQL' || c.name === 'prepare') || isSubquery(node, ctx))
    return null;
  const tableNode = kind === 'select' ? calls[1]!.call.arguments[0] : start.call.arguments[0];
  const table = tableNode ? tableNameOf(tableNode, ctx) : null;
  if (table === null) return null;
  const callee = unwrap(start.call.callee);
  if (callee.type !== 'MemberExpression') return null;
  const connection = callee.object;

  const builder = new StatementBuilder();
  let lock = null as StatementFacts['lock'];
  let onConflict: StatementFacts['onConflict'] = null;
  let returning: string[] | null = null;
  let insertColumns: string[] | null = null;
  const selected = kind === 'select' ? selectedOf(start.call.arguments[0], ctx) : null;
  for (const c of calls.slice(1)) {
    const args = c.call.arguments;
    switch (c.name) {
      case 'where':
        if (args[0]) condition(builder, args[0], ctx);
        break;
      case 'set': {
        const object = objectArgument(args[0], ctx);
        if (object) assignObject(builder, object, ctx);
        break;
      }
      case 'values': {
        const value = args[0] ? ctx.origin(args[0] as TSESTree.Expression) : null;
        const row =
          value?.type === 'ArrayExpression'
            ? value.elements[0]
              ? objectArgument(value.elements[0], ctx)
              : null
            : objectArgument(value, ctx);
        if (row) insertColumns = insertedFields(builder, row, undefined, ctx);
        break;
      }
      case 'onConflictDoNothing':
        onConflict = 'nothing';
        break;
      case 'onConflictDoUpdate':
      case 'onDuplicateKeyUpdate': {
        onConflict = 'update';
        const config = objectArgument(args[0], ctx);
        const set = config ? objectArgument(objectProperty(config, 'set'), ctx) : null;
        if (set) assignObject(builder, set, ctx);
        break;
      }
      case 'returning':
        returning = args[0] ? selectedOf(args[0], ctx) : ['*'];
        break;
      case 'for': {
        const strength = args[0] ? constantString(args[0], ctx) : null;
        const options = objectArgument(args[1], ctx);
        const skip = options ? objectProperty(options, 'skipLocked') : null;
        const nowait = options ? objectProperty(options, 'noWait') : null;
        const wait =
          skip?.type === 'Literal' && skip.value === true
            ? 'skip locked'
            : nowait?.type === 'Literal' && nowait.value === true
              ? 'nowait'
              : 'wait';
        if (strength === 'update' || strength === 'no key update' || strength === 'share' || strength === 'key share')
          lock = { strength, wait };
        break;
      }
      default:
        break; // from, limit, orderBy, innerJoin, ...: no condition or value of the statement
    }
  }
  const display = `${expressionPath(connection) ?? 'db'}.${start.name}(${valueText(tableNode!)})${kind === 'select' ? `.from(${valueText(tableNode!)})` : ''}`;
  const facts = builder.facts(kind, table, display, {
    lock,
    onConflict,
    returning,
    insertColumns,
    ...(kind === 'select' ? { selectedColumns: selected ?? ['*'] } : {}),
  });
  const dialect = dialectOf(connection, ctx);
  return {
    library: 'drizzle',
    node,
    resultNode: node,
    connection,
    sql: { ...builder.sqlText(display), dialect },
    built: [facts],
    model: builder.words(table, table, FIXES),
    countHint:
      kind === 'select'
        ? 'the rows the query resolves to'
        : returning !== null
          ? 'the rows `.returning()` gives back'
          : dialect === 'mysql'
            ? '`result[0].affectedRows`'
            : '`result.rowCount` (`result.count` on postgres.js)',
  };
}

/** `db.query.users.findFirst({ where: eq(users.id, id) })` / `findMany(...)`: a read. */
function relationalQuery(
  calls: ChainCall[],
  root: TSESTree.Expression,
  ctx: ExtractContext,
): ((node: TSESTree.CallExpression) => QuerySite) | null {
  const first = calls[0];
  if (!first || (first.name !== 'findFirst' && first.name !== 'findMany') || calls.length !== 1) return null;
  const callee = unwrap(first.call.callee);
  if (callee.type !== 'MemberExpression') return null;
  const tableMember = unwrap(callee.object);
  if (tableMember.type !== 'MemberExpression') return null;
  const queryMember = unwrap(tableMember.object);
  if (queryMember.type !== 'MemberExpression' || propertyName(queryMember) !== 'query') return null;
  const table = propertyName(tableMember);
  if (table === null) return null;
  void root;
  const connection = queryMember.object;
  return (node) => {
    const builder = new StatementBuilder();
    const options = objectArgument(first.call.arguments[0], ctx);
    const where = options ? objectProperty(options, 'where') : null;
    if (where) {
      const fn = unwrap(where);
      // `where: (users, { eq }) => eq(users.id, id)` or `where: eq(users.id, id)`
      const body =
        (fn.type === 'ArrowFunctionExpression' || fn.type === 'FunctionExpression') && fn.body.type !== 'BlockStatement'
          ? fn.body
          : fn.type === 'ArrowFunctionExpression' || fn.type === 'FunctionExpression'
            ? null
            : where;
      if (body) condition(builder, body, ctx);
      else builder.opaque('where: …');
    }
    const display = `${expressionPath(connection) ?? 'db'}.query.${table}.${first.name}`;
    const facts = builder.facts('select', tableName(table, ctx), display);
    return {
      library: 'drizzle',
      node,
      resultNode: node,
      connection,
      sql: builder.sqlText(display),
      built: [facts],
      countHint: 'the rows the query resolves to',
      model: builder.words(facts.tablesRead[0] ?? table, facts.tablesRead[0] ?? table, FIXES),
    };
  };
}

/** The fixes messages give for a drizzle builder call, in drizzle's API. */
const FIXES: LibraryFixes = {
  lock: "lock the row with `.for('update')` on the select, inside `db.transaction(async (tx) => ...)`",
  conditional: "put the tested condition in the update's `.where(and(...))`{atomic} and check the rows `.returning()` gives back",
  atomic: ' with the change made atomic (``sql`${t.column} - ${n}` ``)',
  relative: 'write it relative to the stored value (``.set({ {field}: sql`${t.{field}} + ${n}` })``)',
  version:
    "keep a version column, re-test it in the update's `.where(...)` while setting the next one, and check the rows `.returning()` gives back",
  createOnce:
    "Declare a unique index on the columns looked up and insert with `.onConflictDoNothing()` (or handle the unique violation); or run both in `db.transaction(..., { isolationLevel: 'serializable' })` and retry on a serialization failure",
};

/** A table named by the relational API's key: the `pgTable` of that name in this file, else the key. */
function tableName(key: string, _ctx: ExtractContext): string {
  return key;
}

/** The table an expression stands for: `pgTable('name', ...)` when defined in this file, else the variable's name. */
function tableNameOf(node: TSESTree.Node, ctx: ExtractContext): string | null {
  if (node.type === 'SpreadElement') return null;
  const origin = ctx.origin(node as TSESTree.Expression);
  const table = tableCall(origin, ctx);
  if (table) return table.name;
  // A table name as a string (`TABLE = 'features'`, knex's way) is not a drizzle table object.
  if (origin.type === 'Literal' || origin.type === 'TemplateLiteral') return null;
  const inner = unwrap(node);
  if (inner.type === 'Identifier' && /^[A-Z][A-Z0-9_]*$/.test(inner.name)) return null;
  if (inner.type === 'Identifier') return inner.name;
  if (inner.type === 'MemberExpression') return propertyName(inner);
  return null;
}

/** The column a `t.col` member stands for: its name in `pgTable` when the table is in this file, else the property. */
function columnOf(node: TSESTree.Node, ctx: ExtractContext): string | null {
  const inner = unwrap(node);
  if (inner.type !== 'MemberExpression' || !isTable(inner.object, ctx)) return null;
  const rendered = schemaName(inner, ctx);
  if (rendered !== null) {
    const last = rendered.split('.').at(-1)!;
    return last.replace(/^"|"$/g, '').replace(/""/g, '"');
  }
  return propertyName(inner);
}

/** `{ stock: products.stock }` -> the columns selected; none given: every column. */
function selectedOf(node: TSESTree.Node | undefined, ctx: ExtractContext): string[] {
  const object = node ? objectArgument(node, ctx) : null;
  if (!object) return ['*'];
  return object.properties
    .map((p) => (p.type === 'Property' ? (columnOf(p.value, ctx) ?? (keyName(p) !== null ? keyName(p)! : '*')) : '*'))
    .map((c) => (c === '*' ? c : columnName(c)));
}

/** `eq(t.c, v)`, `and(...)` -> conjuncts; `or(...)`, `not(...)`, `sql\`...\``, `exists(...)`: an opaque guard. */
function condition(builder: StatementBuilder, node: TSESTree.Node, ctx: ExtractContext, depth = 0): void {
  const inner = unwrap(node);
  if (inner.type === 'Identifier' && inner.name === 'undefined') return;
  const value = inner.type === 'Identifier' ? ctx.origin(inner) : inner;
  if (value.type !== 'CallExpression') {
    builder.opaque(`${valueText(inner)}`);
    return;
  }
  const callee = unwrap(value.callee);
  const name = callee.type === 'Identifier' ? callee.name : callee.type === 'MemberExpression' ? propertyName(callee) : null;
  const args = value.arguments.filter((a): a is TSESTree.Expression => a.type !== 'SpreadElement');
  if (name === 'and' && depth < 5) {
    for (const a of args) condition(builder, a, ctx, depth + 1);
    return;
  }
  if (name !== null && NULL_TESTS[name] !== undefined && args[0]) {
    const column = columnOf(args[0], ctx);
    if (column !== null) {
      builder.compare(column, NULL_TESTS[name]!, null, `${name}(${valueText(args[0])})`);
      return;
    }
  }
  if (name !== null && COMPARISONS[name] !== undefined && args.length === 2) {
    const column = columnOf(args[0]!, ctx);
    if (column !== null && columnOf(args[1]!, ctx) === null) {
      const operand = unwrap(args[1]!);
      if (operand.type === 'Literal' && operand.value === null)
        builder.compare(column, name === 'ne' ? 'is not null' : 'is null', null, `${name}(${valueText(args[0]!)}, null)`);
      else builder.compare(column, COMPARISONS[name]!, args[1]!, `${name}(${valueText(args[0]!)}, ${valueText(args[1]!)})`);
      return;
    }
  }
  builder.opaque(`${name ?? '…'}(…)`);
}

function assignObject(builder: StatementBuilder, object: TSESTree.ObjectExpression, ctx: ExtractContext): void {
  for (const p of object.properties) {
    if (p.type !== 'Property' || keyName(p) === null) continue;
    assignValue(builder, keyName(p)!, p.value, ctx);
  }
}

/** ``sql`${t.stock} - 1` `` that reads the column it sets is relative; any other value is the client's. */
function assignValue(builder: StatementBuilder, field: string, value: TSESTree.Node, ctx: ExtractContext): void {
  const inner = unwrap(value);
  const column = columnName(field);
  const display = `${field}: ${valueText(value)}`;
  if (inner.type === 'TaggedTemplateExpression' && isSqlTag(inner.tag, ctx)) {
    const text = inner.quasi.quasis.map((q) => q.value.cooked ?? '').join('$n');
    const holesRead = inner.quasi.expressions.some((e) => {
      const c = columnOf(e, ctx);
      return c !== null && columnName(c) === column;
    });
    const textReads = new RegExp(`(^|[^\\w])"?(${column}|${field})"?($|[^\\w])`).test(text);
    const param = inner.quasi.expressions.find((e) => columnOf(e, ctx) === null) ?? null;
    builder.assign(field, holesRead || textReads ? 'relative' : 'value', param, display);
    return;
  }
  builder.assign(field, 'value', value, display);
}

function isAwaited(node: TSESTree.Node): boolean {
  let current: TSESTree.Node = node;
  while (current.parent?.type === 'TSAsExpression' || current.parent?.type === 'TSNonNullExpression') current = current.parent;
  return current.parent?.type === 'AwaitExpression' || current.parent?.type === 'ReturnStatement';
}

/** A builder handed to another drizzle call (`inArray(t.id, db.select(...))`, `.from(sq)`): a subquery. */
function isSubquery(node: TSESTree.CallExpression, ctx: ExtractContext): boolean {
  let current: TSESTree.Node = node;
  while (current.parent?.type === 'TSAsExpression' || current.parent?.type === 'TSNonNullExpression') current = current.parent;
  const parent = current.parent;
  if (parent?.type === 'CallExpression' && parent.callee !== current) {
    const name = ctx.calleeName(parent);
    return name !== null && !['all', 'allSettled', 'race', 'any', 'push'].includes(name);
  }
  if (parent?.type === 'TemplateLiteral') return true;
  return false;
}

function valueText(node: TSESTree.Node): string {
  const inner = unwrap(node);
  if (inner.type === 'Literal') return inner.raw;
  if (inner.type === 'TaggedTemplateExpression') return 'sql`…`';
  return expressionPath(inner) ?? '…';
}

/**
 * Whether an expression is a table of the schema (so `t.c` is a column, not a value read from a row):
 * a `pgTable(...)` of this file, an imported binding (`import { users } from './schema'`, `schema.users`),
 * or the table parameter of a relational `where: (users, { eq }) => ...` callback.
 */
function isTable(node: TSESTree.Node, ctx: ExtractContext, depth = 0): boolean {
  const inner = unwrap(node);
  if (inner.type === 'MemberExpression') return depth < 3 && isTable(inner.object, ctx, depth + 1);
  if (inner.type !== 'Identifier') return false;
  const def = ctx.resolve(inner);
  if (!def) return false;
  if (def.kind === 'import') return true;
  if (def.kind === 'variable' && def.init) return tableCall(unwrap(def.init), ctx) !== null;
  if (def.kind === 'parameter') {
    const fn = def.node;
    const property = fn.parent;
    return (
      (fn.type === 'ArrowFunctionExpression' || fn.type === 'FunctionExpression') &&
      fn.params[0] === def.name &&
      property?.type === 'Property' &&
      keyName(property) === 'where'
    );
  }
  return false;
}

/**
 * Whether a transaction runs on SQLite: the database comes from a SQLite driver of drizzle
 * (`drizzle-orm/libsql`, `better-sqlite3`, `d1`, ...), or the callback runs drizzle's SQLite-only
 * executors (`.all()`, `.get()`, `.run()` ending a builder chain).
 */
function onSqlite(outer: TSESTree.Node, callback: TransactionCallback, ctx: ExtractContext): boolean {
  const origin = ctx.origin(outer as TSESTree.Expression);
  const module = origin.type === 'CallExpression' ? drizzleModule(origin.callee as TSESTree.Expression, ctx) : null;
  if (module !== null) return /sqlite|libsql|d1|expo|durable/.test(module);
  if (callback.type === 'Identifier') return false;
  let found = false;
  walk(callback.body, (node) => {
    if (found) return false;
    if (node.type === 'CallExpression' && node.arguments.length === 0 && ['all', 'get', 'run'].includes(ctx.calleeName(node) ?? '')) {
      found = methodChain(node).calls.some((c) => c.name === 'from' || c.name === 'set' || c.name === 'values');
    }
    return !found;
  });
  return found;
}

/**
 * `withTransaction(ctx, async (tx) => ...)`: a helper named for a transaction (`withTransaction`,
 * `inTransaction`, `runInTransaction`, `transact`) whose callback runs drizzle's SQLite-only executors
 * (`.get()`, `.all()`, `.run()`). Its callback is a SQLite transaction, serializable. What such a helper
 * does on another database cannot be told from the call, so only this case is read.
 */
function sqliteTransactionHelper(call: TSESTree.CallExpression, ctx: ExtractContext): TransactionScope | null {
  const name = ctx.calleeName(call);
  if (name === null || !/^(?:with|in|runIn)?Transaction$|^transact$/i.test(name) || name === 'transaction') return null;
  const callback = call.arguments.at(-1);
  if (!callback || (callback.type !== 'ArrowFunctionExpression' && callback.type !== 'FunctionExpression') || !callback.params[0])
    return null;
  const outer =
    ctx.calleeObject(call) ??
    (call.arguments.length > 1 && call.arguments[0]!.type !== 'SpreadElement' ? (call.arguments[0] as TSESTree.Expression) : null);
  if (!onSqlite(outer ?? callback, callback, ctx)) return null;
  return { library: 'drizzle', node: call, callback, connectionParam: callback.params[0], outer, isolation: 'serializable' };
}
