/**
 * Prisma Client, raw queries only: ``prisma.$queryRaw`...` `` and ``prisma.$executeRaw`...` `` (each
 * `${}` hole a bound parameter; `Prisma.raw('...')`, `Prisma.empty` and nested ``Prisma.sql`...` ``
 * are SQL text), the same two called with a ``Prisma.sql`...` `` value, and
 * `$queryRawUnsafe(text, ...values)` / `$executeRawUnsafe(text, ...values)` with `$1`, `$2`. The model
 * API (`prisma.user.update(...)`) is not SQL text and is out of scope.
 *
 * `new PrismaClient()` (and `.$extends(...)` of it) is a pool. `prisma.$transaction(async (tx) => ...,
 * { isolationLevel: Prisma.TransactionIsolationLevel.Serializable })` is an interactive transaction
 * on `tx`; a parameter typed `Prisma.TransactionClient` is one too. The array form
 * `prisma.$transaction([a, b])` runs its queries in one transaction but is not interactive: no result
 * can be tested before the next query runs, so every result but the last is lost to the code.
 *
 * `$executeRaw` resolves to the affected count (a number); `$queryRaw` to the rows returned.
 */
import type { TSESTree } from '@typescript-eslint/types';
import type { Isolation } from '../../sql/facts.js';
import { looksLikeSql } from '../../sql/index.js';
import { propertyName, unwrap } from '../ast.js';
import { spliceFragments, type HoleReading } from '../fragments.js';
import type { ConnectionKind, ExtractContext, LibraryAdapter, QueryNode, QuerySite, SqlText, TransactionScope } from '../types.js';

const MODULES = ['@prisma/client', '.prisma/client'];
const TAGGED = new Set(['$queryRaw', '$executeRaw']);
const UNSAFE = new Set(['$queryRawUnsafe', '$executeRawUnsafe']);
const ISOLATION: Record<string, Isolation> = {
  serializable: 'serializable',
  repeatableread: 'repeatable read',
  readcommitted: 'read committed',
  readuncommitted: 'read uncommitted',
};

export const prisma: LibraryAdapter = {
  name: 'prisma',
  modules: MODULES,
  transactionHint: '`prisma.$transaction(async (tx) => ...)` and send every statement through `tx`',

  connectionFromExpression(node, ctx) {
    const inner = unwrap(node);
    if (inner.type === 'NewExpression') {
      const imported = ctx.importOf(inner.callee);
      const name = imported?.path.at(-1) ?? (inner.callee.type === 'Identifier' ? inner.callee.name : null);
      return name === 'PrismaClient' && (!imported || isPrismaModule(imported.module)) ? 'pool' : null;
    }
    // `new PrismaClient().$extends(...)` is still the client.
    if (inner.type === 'CallExpression' && ctx.calleeName(inner) === '$extends') {
      const object = ctx.calleeObject(inner);
      return object && ctx.connectionKind(object) === 'pool' ? 'pool' : null;
    }
    return null;
  },

  connectionFromTypeName(name): ConnectionKind | null {
    if (name === 'PrismaClient') return 'pool';
    if (name === 'TransactionClient') return 'transaction'; // Prisma.TransactionClient
    return null;
  },

  matchQuery(node: QueryNode, ctx: ExtractContext): QuerySite | null {
    let method: string | null;
    let connection: TSESTree.Expression | null;
    let sql: SqlText | null;
    if (node.type === 'TaggedTemplateExpression') {
      const tag = unwrap(node.tag);
      if (tag.type !== 'MemberExpression') return null;
      method = propertyName(tag);
      if (method === null || !TAGGED.has(method)) return null;
      connection = tag.object;
      sql = templateText(node.quasi, ctx);
    } else {
      method = ctx.calleeName(node);
      connection = ctx.calleeObject(node);
      const first = node.arguments[0];
      if (method === null || !connection || !first || first.type === 'SpreadElement') return null;
      if (TAGGED.has(method)) {
        // `prisma.$queryRaw(Prisma.sql`...`)`
        const origin = ctx.origin(first);
        sql = origin.type === 'TaggedTemplateExpression' && isPrismaSql(origin.tag, ctx) ? templateText(origin.quasi, ctx) : null;
      } else if (UNSAFE.has(method)) {
        sql = ctx.sqlText(first, 'dollar', 'postgres');
        if (sql) sql = withValues(sql, node.arguments.slice(1));
      } else {
        return null;
      }
    }
    if (!sql || !looksLikeSql(sql.text)) return null;
    const batch = batchPosition(node);
    const executes = method.startsWith('$executeRaw');
    return {
      library: 'prisma',
      node,
      resultNode: node,
      connection,
      ...(batch ? { connectionKind: 'transaction' as const } : {}),
      ...(batch === 'before-last' ? { resultDiscarded: true } : {}),
      sql,
      countHint: executes ? `the number \`${method}\` returns` : `the rows \`${method}\` returns (with RETURNING)`,
    };
  },

  matchTransaction(call: TSESTree.CallExpression, ctx: ExtractContext): TransactionScope | null {
    if (ctx.calleeName(call) !== '$transaction') return null;
    const outer = ctx.calleeObject(call);
    const callback = call.arguments[0];
    if (!outer || !callback || (callback.type !== 'ArrowFunctionExpression' && callback.type !== 'FunctionExpression')) return null;
    return { library: 'prisma', node: call, callback, connectionParam: callback.params[0] ?? null, outer, isolation: isolationOf(call.arguments[1], ctx) };
  },
};

function isPrismaModule(module: string): boolean {
  return MODULES.some((m) => module === m || module.startsWith(`${m}/`));
}

/** `Prisma.sql` (from `@prisma/client`), or `sql` imported from `@prisma/client/runtime/library`. */
function isPrismaSql(tag: TSESTree.Node, ctx: ExtractContext): boolean {
  return isPrismaHelper(tag, ctx) === 'sql';
}

function isPrismaHelper(node: TSESTree.Node | null, ctx: ExtractContext): string | null {
  if (!node) return null;
  const inner = unwrap(node) as TSESTree.Expression;
  const imported = ctx.importOf(inner);
  if (imported && isPrismaModule(imported.module)) return imported.path.at(-1) ?? null;
  // `Prisma.sql` where `Prisma` comes from a generated client at a custom path.
  if (inner.type === 'MemberExpression' && inner.object.type === 'Identifier' && inner.object.name === 'Prisma') return propertyName(inner);
  return null;
}

function templateText(quasi: TSESTree.TemplateLiteral, ctx: ExtractContext): SqlText | null {
  const text = ctx.sqlText(quasi, 'dollar', 'postgres');
  return text && spliceFragments(text, (hole) => readHole(hole, ctx), ctx);
}

function readHole(hole: TSESTree.Node, ctx: ExtractContext): HoleReading {
  const inner = ctx.origin(hole as TSESTree.Expression);
  if (inner.type === 'TaggedTemplateExpression' && isPrismaSql(inner.tag, ctx)) return { template: inner.quasi };
  if (inner.type === 'MemberExpression' && isPrismaHelper(inner, ctx) === 'empty') return { text: '' };
  if (inner.type !== 'CallExpression') return null;
  const helper = isPrismaHelper(inner.callee, ctx);
  if (helper !== 'raw') return null; // Prisma.join(values): a list of bound values
  const argument = inner.arguments[0];
  const known = argument ? ctx.origin(argument as TSESTree.Expression) : null;
  return known?.type === 'Literal' && typeof known.value === 'string' ? { text: known.value } : { unknown: true };
}

/** `$executeRawUnsafe(text, a, b)`: `$1` is `a`, `$2` is `b`. */
function withValues(sql: SqlText, values: readonly TSESTree.CallExpressionArgument[]): SqlText {
  const params = [...sql.params];
  values.forEach((value, i) => {
    if (value.type !== 'SpreadElement' && i < params.length && params[i] === null) params[i] = value;
  });
  return { ...sql, params };
}

/** Where a query sits in `prisma.$transaction([a, b])`: not at all, last, or before the last. */
function batchPosition(node: QueryNode): 'last' | 'before-last' | null {
  let current: TSESTree.Node = node;
  while (current.parent?.type === 'TSAsExpression' || current.parent?.type === 'TSSatisfiesExpression') current = current.parent;
  const array = current.parent;
  const call = array?.parent;
  if (array?.type !== 'ArrayExpression' || call?.type !== 'CallExpression' || call.arguments[0] !== array) return null;
  const callee = unwrap(call.callee);
  if (callee.type !== 'MemberExpression' || propertyName(callee) !== '$transaction') return null;
  return array.elements.at(-1) === current ? 'last' : 'before-last';
}

function isolationOf(config: TSESTree.Node | undefined, ctx: ExtractContext): Isolation | null {
  if (!config || config.type === 'SpreadElement') return null;
  const object = ctx.origin(config as TSESTree.Expression);
  if (object.type !== 'ObjectExpression') return null;
  for (const p of object.properties) {
    if (p.type !== 'Property' || p.computed || p.key.type !== 'Identifier' || p.key.name !== 'isolationLevel') continue;
    const value = ctx.origin(p.value as TSESTree.Expression);
    // 'Serializable' or Prisma.TransactionIsolationLevel.Serializable
    const name = value.type === 'Literal' && typeof value.value === 'string' ? value.value : value.type === 'MemberExpression' ? propertyName(value) : null;
    return name !== null ? (ISOLATION[name.toLowerCase().replace(/[\s_]/g, '')] ?? null) : null;
  }
  return null;
}
