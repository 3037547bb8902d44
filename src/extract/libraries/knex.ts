/**
 * knex, raw SQL only: `knex.raw(text, bindings)` and `trx.raw(...)`, with `?` values, `??`
 * identifiers and `:name` / `:name:` named bindings. The query builder (`trx('t').where(...)`) is not
 * SQL text and is out of scope.
 *
 * `knex({ client: 'pg', ... })` (or `require('knex')({...})`) is a pool: every `knex.raw` may run on
 * another connection. A transaction is `knex.transaction(async (trx) => ...)` (its config
 * `{ isolationLevel: 'serializable' }` second), or `const trx = await knex.transaction(config?)`
 * ended by `trx.commit()` / `trx.rollback()`; `knex.raw(...).transacting(trx)` runs on `trx`.
 * Parameters typed `Knex` are pools, `Knex.Transaction` transactions.
 *
 * `knex.raw` resolves to the driver's result: node-postgres' `{ rows, rowCount }`, or mysql2's
 * `[result, fields]` when the instance is created with `client: 'mysql'` / `'mysql2'`.
 * A `knex.raw` passed to another call, or set as a property value, is a fragment of a builder query
 * (`update({ n: knex.raw('n + 1') })`), not a query of its own.
 */
import type { TSESTree } from '@typescript-eslint/types';
import type { Isolation, SqlDialect } from '../../sql/facts.js';
import { looksLikeSql } from '../../sql/index.js';
import { isFunction, objectProperty, propertyName, unwrap } from '../ast.js';
import type { ConnectionKind, ExtractContext, LibraryAdapter, QueryNode, QuerySite, SqlText, TransactionCall, TransactionScope } from '../types.js';

const MODULE = 'knex';
/** Calls chained on a raw query that still run it and resolve to its result. */
const CHAINED = new Set(['transacting', 'timeout', 'options', 'debug']);
/** Callers that run the queries handed to them rather than embedding them in another query. */
const RUNNERS = new Set(['all', 'allSettled', 'race', 'any']);

export const knex: LibraryAdapter = {
  name: 'knex',
  modules: [MODULE],
  transactionHint: '`knex.transaction(async (trx) => ...)` and send every statement through `trx`',

  connectionFromExpression(node, ctx) {
    const inner = unwrap(node);
    if (inner.type !== 'CallExpression') return null;
    if (isKnexFactory(inner, ctx)) return 'pool';
    // `await knex.transaction()` / `knex.transaction({ isolationLevel })`: the transaction object.
    if (ctx.calleeName(inner) === 'transaction' && !inner.arguments.some((a) => isFunction(a))) {
      const object = ctx.calleeObject(inner);
      const kind = object ? ctx.connectionKind(object) : 'unknown';
      if (kind === 'pool' || kind === 'transaction') return 'transaction';
    }
    return null;
  },

  connectionFromTypeName(name): ConnectionKind | null {
    if (name === 'Knex') return 'pool';
    if (name === 'Transaction') return 'transaction'; // Knex.Transaction
    return null;
  },

  matchQuery(node: QueryNode, ctx: ExtractContext): QuerySite | null {
    if (node.type !== 'CallExpression' || ctx.calleeName(node) !== 'raw') return null;
    const object = ctx.calleeObject(node);
    const text = node.arguments[0];
    if (!object || !text || isFragment(node, ctx)) return null;
    // `knex.raw(...).transacting(trx)` runs on `trx`; the chain's last call is what is awaited.
    let resultNode: TSESTree.Expression = node;
    let connection: TSESTree.Expression = object;
    for (;;) {
      const member: TSESTree.Node | undefined = resultNode.parent;
      const call: TSESTree.Node | undefined = member?.parent;
      if (member?.type !== 'MemberExpression' || member.object !== resultNode || call?.type !== 'CallExpression' || call.callee !== member) break;
      const name = propertyName(member);
      if (name === null || !CHAINED.has(name)) break;
      if (name === 'transacting' && call.arguments[0] && call.arguments[0].type !== 'SpreadElement') connection = call.arguments[0];
      resultNode = call;
    }
    const dialect = dialectOf(connection, ctx);
    const bindings = node.arguments[1];
    const evaluated = ctx.sqlText(text, 'knex', dialect, bindings && bindings.type !== 'SpreadElement' ? bindings : null);
    const sql = evaluated && withIdentifiers(evaluated, dialect, ctx);
    if (!sql || !looksLikeSql(sql.text)) return null;
    return {
      library: 'knex',
      node,
      resultNode,
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
    return {
      library: 'knex',
      node: call,
      callback,
      connectionParam: callback.params[0] ?? null,
      outer,
      isolation: isolationOf(call.arguments[1], ctx),
    };
  },

  matchTransactionCall(call: TSESTree.CallExpression, ctx: ExtractContext): TransactionCall | null {
    const name = ctx.calleeName(call);
    const object = ctx.calleeObject(call);
    if (!object) return null;
    if (name === 'commit' || name === 'rollback') {
      if (ctx.connectionKind(object) !== 'transaction') return null;
      return { library: 'knex', node: call, connection: object, action: name, isolation: null };
    }
    // `const trx = await knex.transaction(config)`: the transaction starts here, on `trx`.
    if (name === 'transaction' && !call.arguments.some((a) => isFunction(a))) {
      const declarator = declaratorOf(call);
      if (!declarator || ctx.connectionKind(call) !== 'transaction') return null;
      return { library: 'knex', node: call, connection: declarator, action: 'begin', isolation: isolationOf(call.arguments[0], ctx) };
    }
    return null;
  },
};

/** `??` / `:name:` bound to a known string: the identifier knex writes there (`'public.users'` -> `"public"."users"`). */
function withIdentifiers(sql: SqlText, dialect: SqlDialect, ctx: ExtractContext): SqlText {
  const quote = dialect === 'mysql' ? '`' : '"';
  const text = sql.text.replace(/"__ident_(\d+)"/g, (whole, n: string) => {
    const param = sql.params[Number(n) - 1];
    const value = param ? ctx.origin(param as TSESTree.Expression) : null;
    if (value?.type !== 'Literal' || typeof value.value !== 'string') return whole;
    return value.value.split('.').map((part) => `${quote}${part.replaceAll(quote, quote + quote)}${quote}`).join('.');
  });
  return { ...sql, text };
}

/** `knex(config)`, `Knex(config)`, `require('knex')(config)`, `knex.knex(config)`. */
function isKnexFactory(call: TSESTree.CallExpression, ctx: ExtractContext): boolean {
  const imported = ctx.importOf(call.callee as TSESTree.Expression);
  if (imported?.module !== MODULE) return false;
  return imported.path.length === 0 || (imported.path.length === 1 && (imported.path[0] === 'knex' || imported.path[0] === 'default'));
}

/** A raw call used as a value inside another call or object: a fragment, not a query. */
function isFragment(raw: TSESTree.CallExpression, ctx: ExtractContext): boolean {
  let current: TSESTree.Node = raw;
  for (let parent = current.parent; parent; current = parent, parent = parent.parent) {
    switch (parent.type) {
      case 'AwaitExpression':
      case 'TSAsExpression':
      case 'TSNonNullExpression':
        return false;
      case 'ArrayExpression':
      case 'SpreadElement':
        continue;
      case 'Property':
        return true;
      case 'TemplateLiteral':
        return true;
      case 'CallExpression': {
        if (parent.callee === current) return false;
        return !RUNNERS.has(ctx.calleeName(parent) ?? '');
      }
      default:
        return false;
    }
  }
  return false;
}

/** The identifier a `const trx = await knex.transaction()` declares. */
function declaratorOf(call: TSESTree.CallExpression): TSESTree.Identifier | null {
  let current: TSESTree.Node = call;
  while (current.parent?.type === 'AwaitExpression' || current.parent?.type === 'TSAsExpression') current = current.parent;
  const parent = current.parent;
  return parent?.type === 'VariableDeclarator' && parent.init === current && parent.id.type === 'Identifier' ? parent.id : null;
}

/** `{ isolationLevel: 'serializable' }`, inline or through a const. */
function isolationOf(config: TSESTree.Node | undefined, ctx: ExtractContext): Isolation | null {
  if (!config || config.type === 'SpreadElement') return null;
  const object = ctx.origin(config as TSESTree.Expression);
  if (object.type !== 'ObjectExpression') return null;
  const value = objectProperty(object, 'isolationLevel');
  const level = value ? ctx.origin(value as TSESTree.Expression) : null;
  if (level?.type !== 'Literal' || typeof level.value !== 'string') return null;
  const normalized = level.value.toLowerCase().replace(/[_-]/g, ' ').trim();
  return (['serializable', 'repeatable read', 'read committed', 'read uncommitted'] as const).find((i) => i === normalized) ?? null;
}

/**
 * MySQL when the instance the query runs on (or the transaction's outer instance) is created with
 * `client: 'mysql'` / `'mysql2'` in this file; PostgreSQL otherwise.
 */
function dialectOf(connection: TSESTree.Expression, ctx: ExtractContext, depth = 0): SqlDialect {
  if (depth > 5) return 'postgres';
  const origin = ctx.origin(connection);
  if (origin.type === 'CallExpression' && isKnexFactory(origin, ctx)) {
    const config = origin.arguments[0] ? ctx.origin(origin.arguments[0] as TSESTree.Expression) : null;
    const client = config?.type === 'ObjectExpression' ? objectProperty(config, 'client') : null;
    return client?.type === 'Literal' && typeof client.value === 'string' && client.value.startsWith('mysql') ? 'mysql' : 'postgres';
  }
  if (origin.type === 'CallExpression' && ctx.calleeName(origin) === 'transaction') {
    const outer = ctx.calleeObject(origin);
    return outer ? dialectOf(outer, ctx, depth + 1) : 'postgres';
  }
  if (origin.type === 'Identifier') {
    const def = ctx.resolve(origin);
    const fn = def?.kind === 'parameter' ? def.node : null;
    const call = fn && isFunction(fn) ? fn.parent : null;
    if (call?.type === 'CallExpression' && ctx.calleeName(call) === 'transaction' && call.arguments[0] === fn) {
      const outer = ctx.calleeObject(call);
      return outer ? dialectOf(outer, ctx, depth + 1) : 'postgres';
    }
  }
  return 'postgres';
}

