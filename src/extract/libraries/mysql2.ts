/**
 * mysql2 (`mysql2`, `mysql2/promise`): `x.query(text, values)` and `x.execute(text, values)` (or
 * `{ sql, values }`) with `?` placeholders and MySQL syntax; the text is read in the 'mysql' dialect.
 *
 * `mysql.createPool(...)` (and `pool.promise()`) is a pool; `await pool.getConnection()` and
 * `mysql.createConnection(...)` are one connection, as are parameters typed `PoolConnection` or
 * `Connection`. Transactions are `conn.beginTransaction()` / `conn.commit()` / `conn.rollback()` or SQL
 * text (`SET TRANSACTION ISOLATION LEVEL SERIALIZABLE` then `START TRANSACTION`) on one connection.
 *
 * A result is `[result, fields]`; `result.affectedRows` is the affected count of a write. MySQL itself
 * counts the rows an UPDATE changed, not the rows it matched, unless the client sets CLIENT_FOUND_ROWS:
 * mysql2 sets it by default (connection flag `FOUND_ROWS`), so `affectedRows` counts matched rows
 * there; with `flags: ['-FOUND_ROWS']` an UPDATE that writes the values already stored reports 0.
 * Either way a guarded UPDATE that lost the race reports 0, which is what the rules ask to check.
 *
 * The callback API (`mysql2`, not `mysql2/promise`) is read too: `conn.query(text, values, (err,
 * results, fields) => ...)` passes the result as the callback's second parameter, and statements issued
 * inside it follow the query; `pool.getConnection((err, conn) => ...)` hands the callback a connection;
 * `conn.beginTransaction(cb)`, `conn.commit(cb)` and `conn.rollback(cb)` control the transaction.
 */
import type { TSESTree } from '@typescript-eslint/types';
import { looksLikeSql } from '../../sql/index.js';
import { isFunction, objectProperty, unwrap } from '../ast.js';
import { callbackParameter, nodeCallback } from '../callbacks.js';
import type { ConnectionKind, ExtractContext, LibraryAdapter, QueryNode, QuerySite, TransactionCall } from '../types.js';

const MODULES = ['mysql2', 'mysql2/promise'] as const;
const COUNT_HINT = '`result.affectedRows` (from `const [result] = await conn.execute(...)`)';
const CALLBACK_COUNT_HINT = "`result.affectedRows` (the callback's `(err, result)`)";
const ACTIONS: Record<string, TransactionCall['action']> = { beginTransaction: 'begin', commit: 'commit', rollback: 'rollback' };

export const mysql2: LibraryAdapter = {
  name: 'mysql2',
  modules: MODULES,
  transactionHint:
    'one connection: `const conn = await pool.getConnection()`, then `conn.beginTransaction()`, the statements and `conn.commit()` on it',

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
    const imported = ctx.importOf(inner.callee);
    if (imported && isMysql2(imported.module)) {
      if (name === 'createPool' || name === 'createPoolCluster') return 'pool';
      if (name === 'createConnection') return 'client';
      return null;
    }
    const object = ctx.calleeObject(inner);
    if (!object || imported) return null;
    if (name === 'getConnection' && inner.arguments.length === 0 && ctx.connectionKind(object) === 'pool') return 'client';
    if (name === 'promise' && inner.arguments.length === 0) {
      const kind = ctx.connectionKind(object);
      return kind === 'pool' || kind === 'client' ? kind : null;
    }
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
    if (method !== 'query' && method !== 'execute') return null;
    const connection = ctx.calleeObject(node);
    const first = node.arguments[0];
    if (!connection || !first || isFunction(first)) return null;
    if (fromOtherModule(connection, ctx)) return null;
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
    return { library: 'mysql2', node, resultNode: node, connection, sql, countHint: callback ? CALLBACK_COUNT_HINT : COUNT_HINT, callback };
  },

  matchTransactionCall(node, ctx): TransactionCall | null {
    const name = ctx.calleeName(node);
    const action = name !== null ? ACTIONS[name] : undefined;
    const connection = ctx.calleeObject(node);
    if (!action || !connection || node.arguments.some((a) => !isFunction(a))) return null;
    if (fromOtherModule(connection, ctx)) return null;
    return { library: 'mysql2', node, connection, action, isolation: null };
  },
};

function isMysql2(module: string): boolean {
  return MODULES.some((m) => module === m || module.startsWith(`${m}/`));
}

/** A receiver made by another library (`new Pool()` from pg): not mysql2's to claim. */
function fromOtherModule(connection: TSESTree.Expression, ctx: ExtractContext): boolean {
  const origin = ctx.origin(connection);
  const made = origin.type === 'NewExpression' || origin.type === 'CallExpression' ? ctx.importOf(origin.callee) : ctx.importOf(origin);
  return made !== null && !isMysql2(made.module) && !made.module.startsWith('.');
}
