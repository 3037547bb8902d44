/**
 * kysely's raw SQL: ``sql`...`.execute(db)`` (or a query built first and executed later), where a
 * `${}` hole is a bound value unless it is a kysely helper that renders SQL (`sql.raw`, `sql.ref`,
 * `sql.id`, `sql.table`, a nested ``sql`...` ``); and `db.executeQuery(CompiledQuery.raw(text, values))`.
 * The query builder (`db.selectFrom(...)`) is not SQL text and is out of scope.
 *
 * `new Kysely(...)` is a pool (every query takes a connection). `db.transaction().execute(async (trx)
 * => ...)` is a transaction, its isolation from `.setIsolationLevel('serializable')` in the chain;
 * `db.connection().execute(async (conn) => ...)` holds one connection; a controlled transaction
 * (`const trx = await db.startTransaction().execute()`) is open until `trx.commit().execute()` or
 * `trx.rollback().execute()`. A result reports affected rows as `result.numAffectedRows` (and the
 * returned rows as `result.rows`).
 */
import type { TSESTree } from '@typescript-eslint/types';
import type { Isolation } from '../../sql/facts.js';
import { looksLikeSql } from '../../sql/index.js';
import { propertyName, unwrap } from '../ast.js';
import type { ConnectionKind, ExtractContext, LibraryAdapter, QueryNode, QuerySite, TransactionCall, TransactionScope } from '../types.js';
import { constantString, quotedIdentifier, taggedSqlText, type ClassifyHole } from './sql-tag.js';

const MODULE = 'kysely';
const COUNT_HINT = '`result.numAffectedRows`';
const ISOLATION = new Set<Isolation>(['serializable', 'repeatable read', 'read committed', 'read uncommitted']);

export const kysely: LibraryAdapter = {
  name: 'kysely',
  modules: [MODULE],
  transactionHint: '`db.transaction().execute(async (trx) => ...)` and execute every statement on `trx`',

  connectionFromExpression(node, ctx): ConnectionKind | null {
    const inner = unwrap(node);
    if (inner.type === 'NewExpression') {
      const imported = ctx.importOf(inner.callee as TSESTree.Expression);
      return imported?.module === MODULE && imported.path.at(-1) === 'Kysely' ? 'pool' : null;
    }
    if (inner.type === 'CallExpression' && ctx.calleeName(inner) === 'execute' && inner.arguments.length === 0) {
      // `await db.startTransaction()...execute()`: a controlled transaction, open from here.
      if (chainMethods(inner, ctx).includes('startTransaction')) return 'transaction';
      return null;
    }
    // `db.connection().execute(async (conn) => ...)`: one connection for the callback.
    if (inner.type === 'Identifier') {
      const def = ctx.resolve(inner);
      const fn = def?.kind === 'parameter' ? def.node : null;
      const call = fn?.parent;
      if (fn && (fn.type === 'ArrowFunctionExpression' || fn.type === 'FunctionExpression') && call?.type === 'CallExpression' && call.arguments[0] === fn
        && ctx.calleeName(call) === 'execute' && chainMethods(call, ctx).includes('connection')) {
        return fn.params[0]?.type === 'Identifier' && fn.params[0].name === inner.name ? 'client' : null;
      }
    }
    return null;
  },

  connectionFromTypeName(name): ConnectionKind | null {
    if (name === 'Kysely') return 'pool';
    if (name === 'Transaction' || name === 'ControlledTransaction') return 'transaction';
    return null;
  },

  matchQuery(node: QueryNode, ctx: ExtractContext): QuerySite | null {
    if (node.type !== 'CallExpression') return null;
    const method = ctx.calleeName(node);
    const object = ctx.calleeObject(node);
    const connection = node.arguments[0];
    if (!object || !connection || connection.type === 'SpreadElement') return null;

    if (method === 'execute') {
      const query = ctx.origin(object);
      if (query.type !== 'TaggedTemplateExpression' || !isSqlTag(query.tag, ctx)) return null;
      const sql = taggedSqlText(query.quasi, ctx, classifyHole);
      if (!looksLikeSql(sql.text)) return null;
      return { library: 'kysely', node, resultNode: node, connection, sql, countHint: COUNT_HINT };
    }
    if (method === 'executeQuery') {
      // `db.executeQuery(CompiledQuery.raw('...', [values]))`
      const compiled = ctx.origin(connection);
      if (compiled.type !== 'CallExpression' || ctx.calleeName(compiled) !== 'raw') return null;
      const owner = ctx.calleeObject(compiled);
      if (!owner || ctx.importOf(owner)?.path.at(-1) !== 'CompiledQuery' || !compiled.arguments[0]) return null;
      const sql = ctx.sqlText(compiled.arguments[0], 'dollar', 'postgres', compiled.arguments[1] ?? null);
      if (!sql || !looksLikeSql(sql.text)) return null;
      return { library: 'kysely', node, resultNode: node, connection: object, sql, countHint: COUNT_HINT };
    }
    return null;
  },

  matchTransaction(node, ctx): TransactionScope | null {
    if (ctx.calleeName(node) !== 'execute') return null;
    const callback = node.arguments[0];
    if (!callback || (callback.type !== 'ArrowFunctionExpression' && callback.type !== 'FunctionExpression')) return null;
    const chain = chainCalls(node, ctx);
    const begin = chain.find((call) => ctx.calleeName(call) === 'transaction' && call.arguments.length === 0);
    if (!begin) return null;
    const isolation = chain.filter((call) => ctx.calleeName(call) === 'setIsolationLevel').map((call) => isolationOf(call, ctx)).at(0) ?? null;
    return { library: 'kysely', node, callback, connectionParam: callback.params[0] ?? null, outer: ctx.calleeObject(begin), isolation };
  },

  matchTransactionCall(node, ctx): TransactionCall | null {
    if (ctx.calleeName(node) !== 'execute' || node.arguments.length > 0) return null;
    const chain = chainCalls(node, ctx);
    const control = chain.at(-1);
    const action = control ? ctx.calleeName(control) : null;
    const connection = control ? ctx.calleeObject(control) : null;
    if (!control || !connection || (action !== 'commit' && action !== 'rollback')) return null;
    if (ctx.connectionKind(connection) !== 'transaction') return null;
    return { library: 'kysely', node, connection, action, isolation: null };
  },
};

/** The calls before `call` in its method chain, nearest first: `a.b().c().execute()` -> [c(), b()]. */
function chainCalls(call: TSESTree.CallExpression, ctx: ExtractContext): TSESTree.CallExpression[] {
  const calls: TSESTree.CallExpression[] = [];
  let object = ctx.calleeObject(call);
  while (object) {
    const inner = unwrap(object);
    if (inner.type !== 'CallExpression') break;
    calls.push(inner);
    object = ctx.calleeObject(inner);
  }
  return calls;
}

function chainMethods(call: TSESTree.CallExpression, ctx: ExtractContext): string[] {
  return chainCalls(call, ctx).map((c) => ctx.calleeName(c) ?? '');
}

function isolationOf(call: TSESTree.CallExpression, ctx: ExtractContext): Isolation | null {
  const level = constantString(call.arguments[0], ctx);
  return level !== null && ISOLATION.has(level as Isolation) ? (level as Isolation) : null;
}

/** kysely's `sql` (imported from 'kysely'), also with type arguments: ``sql<Row>`...` ``. */
function isSqlTag(tag: TSESTree.Expression, ctx: ExtractContext): boolean {
  const imported = ctx.importOf(unwrap(tag) as TSESTree.Expression);
  return imported?.module === MODULE && imported.path.at(-1) === 'sql';
}

const classifyHole: ClassifyHole = (hole, ctx) => {
  const origin = ctx.origin(hole);
  if (origin.type === 'TaggedTemplateExpression') {
    return isSqlTag(origin.tag, ctx) ? { kind: 'template', template: origin.quasi } : { kind: 'unknown' };
  }
  if (origin.type === 'CallExpression') {
    const callee = unwrap(origin.callee);
    if (callee.type !== 'MemberExpression' || !isSqlTag(callee.object, ctx)) return { kind: 'value' };
    const first = origin.arguments[0];
    switch (propertyName(callee)) {
      case 'raw': {
        const text = constantString(first, ctx);
        return text !== null ? { kind: 'text', text } : { kind: 'unknown' };
      }
      case 'ref':
      case 'table':
      case 'id': {
        const parts = propertyName(callee) === 'id' ? origin.arguments : first && first.type === 'Literal' && typeof first.value === 'string' ? first.value.split('.').map((value) => ({ ...first, value })) : [];
        const text = quotedIdentifier(parts as TSESTree.Node[]);
        return text !== null ? { kind: 'text', text } : { kind: 'unknown' };
      }
      case 'val':
      case 'lit':
        return { kind: 'value' };
      default:
        return { kind: 'unknown' };
    }
  }
  return { kind: 'value' };
};
