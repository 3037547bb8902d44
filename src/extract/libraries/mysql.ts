/**
 * mysql (mysqljs, the `mysql` package): `x.query(text, values, callback)` and `x.query({ sql, values },
 * callback)` with `?` (value) and `??` (identifier) placeholders and MySQL syntax; the text is read in
 * the 'mysql' dialect. `mysql.format(text, values)` and `connection.escape(value)` build text the
 * same way (see src/extract/sql-text.ts). The promise forms code writes around it are read too:
 * bluebird's `promisifyAll` (`conn.queryAsync(...)`, `conn.beginTransactionAsync()`).
 *
 * `mysql.createPool(...)` (and `createPoolCluster`) is a pool, `mysql.createConnection(...)` one
 * connection; `pool.getConnection((err, conn) => ...)` lends one; parameters typed `Pool`,
 * `PoolConnection` or `Connection` say what they are. Transactions are `conn.beginTransaction(cb)`,
 * `conn.commit(cb)`, `conn.rollback(cb)`, or SQL text sent on one connection.
 *
 * A write's result reports two counts. mysqljs connects with CLIENT_FOUND_ROWS (its default flag
 * `FOUND_ROWS`), so `result.affectedRows` counts the rows an UPDATE's WHERE matched, and
 * `result.changedRows` the rows whose values it changed. A guarded UPDATE that lost the race matched
 * nothing: check `affectedRows`. `changedRows` is also 0 when the row matched but already held the
 * values written, so testing it would call a won race lost.
 *
 * The callback API of the library's README is read as the promise forms are: `conn.query(text, values,
 * (err, results, fields) => ...)` passes the result as the callback's second parameter, and statements
 * issued inside it follow the query; `pool.getConnection((err, conn) => ...)` hands the callback a
 * connection; `conn.beginTransaction(cb)`, `conn.commit(cb)` and `conn.rollback(cb)` control the
 * transaction (src/extract/callbacks.ts).
 */
import type { TSESTree } from '@typescript-eslint/types';
import { looksLikeSql } from '../../sql/index.js';
import { isFunction, objectProperty, unwrap } from '../ast.js';
import { callbackParameter, nodeCallback } from '../callbacks.js';
import type { ConnectionKind, ExtractContext, LibraryAdapter, QueryNode, QuerySite, TransactionCall } from '../types.js';

const MODULE = 'mysql';
const COUNT_HINT = '`result.affectedRows` (rows matched; `changedRows` misses a row already holding the values)';
const CALLBACK_COUNT_HINT =
  "`results.affectedRows` (the callback's `(err, results)`; rows matched, `changedRows` misses a row already holding the values)";
const QUERY_METHODS = new Set(['query', 'queryAsync']);
const ACTIONS: Record<string, TransactionCall['action']> = {
  beginTransaction: 'begin',
  beginTransactionAsync: 'begin',
  commit: 'commit',
  commitAsync: 'commit',
  rollback: 'rollback',
  rollbackAsync: 'rollback',
};

export const mysql: LibraryAdapter = {
  name: 'mysql',
  modules: [MODULE],
  transactionHint:
    'one connection: `pool.getConnection((err, conn) => ...)`, then `conn.beginTransaction()`, the statements and `conn.commit()` on it',

  connectionFromExpression(node, ctx) {
    const inner = unwrap(node);
    if (inner.type === 'Identifier') {
      // `pool.getConnection((err, conn) => ...)`
      const handed = callbackParameter(ctx.resolve(inner));
      const object = handed && ctx.calleeObject(handed.call);
      return handed?.method === 'getConnection' && handed.index === 1 && object && ctx.connectionKind(object) === 'pool' ? 'client' : null;
    }
    if (inner.type !== 'CallExpression') return null;
    const name = ctx.calleeName(inner);
    const imported = ctx.importOf(inner.callee as TSESTree.Expression);
    if (imported?.module === MODULE) {
      if (name === 'createPool' || name === 'createPoolCluster') return 'pool';
      if (name === 'createConnection') return 'client';
      return null;
    }
    const object = ctx.calleeObject(inner);
    if (!object || imported) return null;
    if (
      (name === 'getConnectionAsync' || name === 'getConnection') &&
      inner.arguments.length === 0 &&
      ctx.connectionKind(object) === 'pool'
    )
      return 'client';
    return null;
  },

  connectionFromTypeName(name): ConnectionKind | null {
    if (name === 'Pool' || name === 'PoolCluster') return 'pool';
    if (name === 'PoolConnection' || name === 'Connection') return 'client';
    return null;
  },

  matchQuery(node: QueryNode, ctx: ExtractContext): QuerySite | null {
    if (node.type !== 'CallExpression') return null;
    const method = ctx.calleeName(node);
    const connection = ctx.calleeObject(node);
    const first = node.arguments[0];
    if (method === null || !QUERY_METHODS.has(method) || !connection || !first || isFunction(first)) return null;
    if (fromOtherModule(connection, ctx)) return null;
    // `query(text, callback)`: no values.
    const second = node.arguments[1] && !isFunction(node.arguments[1]) ? node.arguments[1] : null;
    let sql = ctx.sqlText(first, 'question', 'mysql', second);
    if (!sql) {
      const options = ctx.origin(first as TSESTree.Expression);
      const text = options.type === 'ObjectExpression' ? objectProperty(options, 'sql') : null;
      if (!text || options.type !== 'ObjectExpression') return null;
      sql = ctx.sqlText(text, 'question', 'mysql', objectProperty(options, 'values') ?? second);
    }
    if (!sql || !looksLikeSql(sql.text)) return null;
    const callback = nodeCallback(node);
    return { library: 'mysql', node, resultNode: node, connection, sql, countHint: callback ? CALLBACK_COUNT_HINT : COUNT_HINT, callback };
  },

  matchTransactionCall(node, ctx): TransactionCall | null {
    const name = ctx.calleeName(node);
    const action = name !== null ? ACTIONS[name] : undefined;
    const connection = ctx.calleeObject(node);
    if (!action || !connection || !callbackArguments(node.arguments)) return null;
    if (fromOtherModule(connection, ctx)) return null;
    return { library: 'mysql', node, connection, action, isolation: null };
  },
};

/**
 * `()`, `(cb)`, `(done)` or `({ timeout }, cb)`: what mysql's `beginTransaction`, `commit` and
 * `rollback` take. Anything else (`repo.commit('message')`) is another library's method.
 */
function callbackArguments(args: readonly TSESTree.CallExpressionArgument[]): boolean {
  const callback = (a: TSESTree.CallExpressionArgument | undefined): boolean =>
    a !== undefined && (isFunction(a) || a.type === 'Identifier');
  if (args.length === 0) return true;
  if (args.length === 1) return callback(args[0]) || args[0]?.type === 'ObjectExpression';
  return args.length === 2 && args[0]?.type === 'ObjectExpression' && callback(args[1]);
}

/** A receiver made by another library (`new Pool()` from pg, mysql2's pool): not mysql's to claim. */
function fromOtherModule(connection: TSESTree.Expression, ctx: ExtractContext): boolean {
  const origin = ctx.origin(connection);
  const made =
    origin.type === 'NewExpression' || origin.type === 'CallExpression'
      ? ctx.importOf(origin.callee as TSESTree.Expression)
      : ctx.importOf(origin);
  return made !== null && made.module !== MODULE && !made.module.startsWith('.');
}
