/**
 * pg-promise: `db.none/one/oneOrNone/many/manyOrNone/any/result/query/multi/multiResult/each/map`
 * with the text first and its values (an array, an object for `${name}`, or a single value) second;
 * placeholders are `$1`, `${name}`, `$(name)`, `$<name>`, `$[name]`, `$/name/` with filters (`:name`,
 * `:csv`, `^`, ...).
 *
 * The database object comes from `pgp(connection)` where `pgp = pgPromise(options)`, and is a pool.
 * `db.tx(async (t) => ...)` is a transaction, its isolation from `{ mode: new TransactionMode({
 * tiLevel: isolationLevel.serializable }) }`; `db.task(async (t) => ...)` holds one connection without
 * a transaction. Affected rows: `result(...)` resolves to the driver result with `rowCount`; `none`
 * resolves to null, so its count is discarded; `one` and `many` reject when no row comes back, so a
 * guarded write with RETURNING run through them is checked.
 */
import type { TSESTree } from '@typescript-eslint/types';
import { isolationFromName, transactionCallback, transactionParameter } from '../kit.js';
import type { Isolation } from '../../sql/facts.js';
import { looksLikeSql } from '../../sql/index.js';
import { isFunction, objectProperty, propertyName, unwrap } from '../ast.js';
import type { ConnectionKind, ExtractContext, LibraryAdapter, QueryNode, QuerySite, TransactionScope } from '../types.js';

const MODULE = 'pg-promise';
const QUERY_METHODS = new Set([
  'none',
  'one',
  'oneOrNone',
  'many',
  'manyOrNone',
  'any',
  'result',
  'query',
  'multi',
  'multiResult',
  'each',
  'map',
]);
const ROWS_REQUIRED = new Set(['one', 'many']);
const TRANSACTION_METHODS = new Set(['tx', 'txIf']);
const TASK_METHODS = new Set(['task', 'taskIf']);

export const pgPromise: LibraryAdapter = {
  name: 'pg-promise',
  modules: [MODULE],
  transactionHint: '`db.tx(async (t) => ...)` and send every statement through `t`',

  connectionFromExpression(node, ctx): ConnectionKind | null {
    const inner = unwrap(node);
    // `pgp(connection)` where `pgp = pgPromise(options)` (or `require('pg-promise')(options)`).
    if (inner.type === 'CallExpression') {
      const initializer = ctx.origin(inner.callee as TSESTree.Expression);
      if (initializer.type !== 'CallExpression') return null;
      const imported = ctx.importOf(initializer.callee as TSESTree.Expression);
      return imported?.module === MODULE && imported.path.length === 0 ? 'pool' : null;
    }
    // `db.task(async (t) => ...)`: one connection, no transaction.
    if (inner.type === 'Identifier') {
      const def = ctx.resolve(inner);
      const fn = def?.kind === 'parameter' ? def.node : null;
      const call = fn?.parent;
      if (
        fn &&
        isFunction(fn) &&
        call?.type === 'CallExpression' &&
        TASK_METHODS.has(ctx.calleeName(call) ?? '') &&
        lastFunction(call) === fn
      ) {
        return fn.params[0]?.type === 'Identifier' && fn.params[0].name === inner.name ? 'client' : null;
      }
    }
    return null;
  },

  connectionFromTypeName(name): ConnectionKind | null {
    if (name === 'IDatabase') return 'pool';
    // A task's and a transaction's callback both receive an ITask: one connection, state unknown.
    if (name === 'ITask') return 'client';
    return null;
  },

  matchQuery(node: QueryNode, ctx: ExtractContext): QuerySite | null {
    if (node.type !== 'CallExpression') return null;
    const method = ctx.calleeName(node);
    const connection = ctx.calleeObject(node);
    const first = node.arguments[0];
    if (method === null || !QUERY_METHODS.has(method) || !connection || !first) return null;
    const second = node.arguments[1];
    const values = second && !isFunction(second) ? second : null;
    let sql = ctx.sqlText(first, 'pg-promise', 'postgres', values);
    if (!sql) {
      const config = ctx.origin(first as TSESTree.Expression);
      const text = config.type === 'ObjectExpression' ? objectProperty(config, 'text') : null;
      if (!config || !text || config.type !== 'ObjectExpression') return null;
      sql = ctx.sqlText(text, 'pg-promise', 'postgres', objectProperty(config, 'values'));
    }
    if (!sql || !looksLikeSql(sql.text)) return null;
    return {
      library: 'pg-promise',
      node,
      resultNode: node,
      connection,
      sql,
      resultDiscarded: method === 'none',
      rowsRequired: ROWS_REQUIRED.has(method),
      countHint: countHint(method),
    };
  },

  matchTransaction(node, ctx): TransactionScope | null {
    if (!TRANSACTION_METHODS.has(ctx.calleeName(node) ?? '')) return null;
    const callback = transactionCallback(node, node.arguments.at(-1), ctx);
    const outer = ctx.calleeObject(node);
    if (!callback || !outer) return null;
    const options = node.arguments[0] !== callback ? node.arguments[0] : undefined;
    return {
      library: 'pg-promise',
      node,
      callback,
      connectionParam: transactionParameter(callback),
      outer,
      isolation: isolationOf(options, ctx),
    };
  },
};

function countHint(method: string): string {
  switch (method) {
    case 'result':
      return '`result.rowCount`';
    case 'none':
      return '`result.rowCount` (run it with `db.result(...)`: `none` discards the count)';
    default:
      return `the rows \`${method}\` returns (with RETURNING), or \`rowCount\` from \`db.result(...)\``;
  }
}

function lastFunction(call: TSESTree.CallExpression): TSESTree.ArrowFunctionExpression | TSESTree.FunctionExpression | null {
  const last = call.arguments.at(-1);
  return last && (last.type === 'ArrowFunctionExpression' || last.type === 'FunctionExpression') ? last : null;
}

/** `{ mode: new TransactionMode({ tiLevel: isolationLevel.serializable }) }`, the mode itself, or a `const` holding either. */
function isolationOf(options: TSESTree.Node | undefined, ctx: ExtractContext): Isolation | null {
  if (!options) return null;
  let node = ctx.origin(options as TSESTree.Expression);
  if (node.type === 'ObjectExpression') {
    const mode = objectProperty(node, 'mode');
    if (!mode) return null;
    node = ctx.origin(mode as TSESTree.Expression);
  }
  if (node.type !== 'NewExpression') return null;
  const config = node.arguments[0] ? ctx.origin(node.arguments[0] as TSESTree.Expression) : null;
  const level = config?.type === 'ObjectExpression' ? objectProperty(config, 'tiLevel') : null;
  const inner = level ? unwrap(level) : null;
  const name = inner?.type === 'MemberExpression' ? propertyName(inner) : null;
  return name !== null ? isolationFromName(name) : null;
}
