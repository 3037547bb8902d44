/**
 * node-postgres (`pg`): `x.query(text, values)`, `x.query({ text, values })`, `x.query(config)`.
 *
 * Pools come from `new Pool()` / `new pg.Pool()`, clients from `await pool.connect()` and
 * `new Client()`; parameters typed `Pool`, `PoolClient`, `Client` or `ClientBase` say what they are.
 * Transactions are SQL text (`BEGIN` ... `COMMIT`) sent on one client. A result reports affected rows
 * as `result.rowCount`.
 *
 * The callback API is read too: `client.query(text, values, (err, result) => ...)` (the result is the
 * callback's second parameter, the statements issued inside it follow the query), and
 * `pool.connect((err, client, release) => ...)` hands the callback a client.
 *
 * This adapter is also the fallback for files that do not import `pg`: a `.query()` call whose first
 * argument is SQL text is node-postgres' shape (and that of the many wrappers around it), so such a
 * call is read as a query on a connection of unknown kind.
 */
import type { TSESTree } from '@typescript-eslint/types';
import { looksLikeSql } from '../../sql/index.js';
import { isFunction, objectProperty, propertyName, unwrap } from '../ast.js';
import { callbackParameter, nodeCallback } from '../callbacks.js';
import type { ConnectionKind, ExtractContext, LibraryAdapter, QueryNode, QuerySite } from '../types.js';

const POOL_TYPES = new Set(['Pool']);
const CLIENT_TYPES = new Set(['PoolClient', 'Client', 'ClientBase']);

export const pg: LibraryAdapter = {
  name: 'pg',
  modules: ['pg', 'pg-pool'],
  fallback: true,

  connectionFromExpression(node, ctx) {
    const inner = unwrap(node);
    if (inner.type === 'NewExpression') {
      const imported = ctx.importOf(inner.callee);
      const name =
        imported?.path.at(-1) ??
        (inner.callee.type === 'Identifier'
          ? inner.callee.name
          : inner.callee.type === 'MemberExpression'
            ? propertyName(inner.callee)
            : null);
      if (imported && !['pg', 'pg-pool'].includes(imported.module)) return null;
      if (name === 'Pool') return 'pool';
      if (name === 'Client') return 'client';
      return null;
    }
    if (inner.type === 'Identifier') {
      // `pool.connect((err, client, release) => ...)`
      const handed = callbackParameter(ctx.resolve(inner));
      const object = handed && ctx.calleeObject(handed.call);
      return handed?.method === 'connect' && handed.index === 1 && object && ctx.connectionKind(object) === 'pool' ? 'client' : null;
    }
    if (inner.type === 'CallExpression' && ctx.calleeName(inner) === 'connect' && inner.arguments.length === 0) {
      const object = ctx.calleeObject(inner);
      if (object && ctx.connectionKind(object) === 'pool') return 'client';
    }
    return null;
  },

  connectionFromTypeName(name): ConnectionKind | null {
    if (POOL_TYPES.has(name)) return 'pool';
    if (CLIENT_TYPES.has(name)) return 'client';
    return null;
  },

  matchQuery(node: QueryNode, ctx: ExtractContext): QuerySite | null {
    if (node.type !== 'CallExpression' || ctx.calleeName(node) !== 'query') return null;
    const connection = ctx.calleeObject(node);
    const first = node.arguments[0];
    if (!connection || !first) return null;
    const second = node.arguments[1];
    const values = second && !isFunction(second) ? second : null;

    let sql = ctx.sqlText(first, 'dollar', 'postgres', values);
    if (!sql) {
      const config = configObject(first, ctx);
      const text = config && objectProperty(config, 'text');
      if (!config || !text) return null;
      sql = ctx.sqlText(text, 'dollar', 'postgres', objectProperty(config, 'values'));
    }
    if (!sql || !looksLikeSql(sql.text)) return null;
    // A `?` text on a receiver no import names is a MySQL driver's (read as 'mysql'): name its count.
    return {
      library: 'pg',
      node,
      resultNode: node,
      connection,
      sql,
      countHint: sql.dialect === 'mysql' ? '`result.affectedRows`' : '`result.rowCount`',
      callback: nodeCallback(node),
    };
  },
};

function configObject(node: TSESTree.Node, ctx: ExtractContext): TSESTree.ObjectExpression | null {
  const origin = ctx.origin(node as TSESTree.Expression);
  return origin.type === 'ObjectExpression' ? origin : null;
}
