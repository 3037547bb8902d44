/**
 * Drizzle ORM, raw SQL only: ``db.execute(sql`...`)`` with `sql` from `drizzle-orm`. Each `${}` hole
 * of the template is a bound parameter; `sql.raw('...')`, `sql.identifier('...')` and nested
 * ``sql`...` `` fragments are SQL text. The query builder (`db.select().from(t)`) is out of scope.
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
import type { Isolation, SqlDialect } from '../../sql/facts.js';
import { looksLikeSql } from '../../sql/index.js';
import { unwrap } from '../ast.js';
import { spliceFragments, type HoleReading } from '../fragments.js';
import type { ConnectionKind, ExtractContext, LibraryAdapter, QueryNode, QuerySite, SqlText, TransactionScope } from '../types.js';

const MODULE = 'drizzle-orm';
const DATABASE_TYPES = /^(NodePg|PostgresJs|Pg|Neon|NeonHttp|VercelPg|PgRemote|MySql2|MySql|PlanetScale|Aws(DataApi)?Pg)Database$/;
const TRANSACTION_TYPES = /^(NodePg|PostgresJs|Pg|Neon|MySql2|MySql)Transaction$/;

export const drizzle: LibraryAdapter = {
  name: 'drizzle',
  modules: [MODULE],
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
    if (node.type !== 'CallExpression' || ctx.calleeName(node) !== 'execute') return null;
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
    if (ctx.calleeName(call) !== 'transaction') return null;
    const outer = ctx.calleeObject(call);
    const callback = call.arguments[0];
    if (!outer || !callback || (callback.type !== 'ArrowFunctionExpression' && callback.type !== 'FunctionExpression')) return null;
    return { library: 'drizzle', node: call, callback, connectionParam: callback.params[0] ?? null, outer, isolation: isolationOf(call.arguments[1], ctx) };
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

function isolationOf(config: TSESTree.Node | undefined, ctx: ExtractContext): Isolation | null {
  if (!config || config.type === 'SpreadElement') return null;
  const object = ctx.origin(config as TSESTree.Expression);
  if (object.type !== 'ObjectExpression') return null;
  for (const p of object.properties) {
    if (p.type !== 'Property' || p.computed || p.key.type !== 'Identifier' || p.key.name !== 'isolationLevel') continue;
    const value = ctx.origin(p.value as TSESTree.Expression);
    if (value.type !== 'Literal' || typeof value.value !== 'string') return null;
    const level = value.value.toLowerCase();
    return (['serializable', 'repeatable read', 'read committed', 'read uncommitted'] as const).find((i) => i === level) ?? null;
  }
  return null;
}
