/**
 * Sequelize (`sequelize`, `@sequelize/core`): `sequelize.query(text, { replacements, bind,
 * transaction, type })`. Replacements are `?` or `:name`, binds `$1` or `$name`; the text is read in
 * the dialect the `new Sequelize(...)` options name (`dialect: 'mysql'` / `'mariadb'`), else as
 * PostgreSQL (and as MySQL when it uses backtick identifiers).
 *
 * `new Sequelize(...)` (a parameter typed `Sequelize` too) is a pool. A query runs in a transaction
 * only when its options say `transaction: t`; one without it runs on the pool even inside the
 * transaction callback. Transactions are `sequelize.transaction(options?, async (t) => ...)` (managed)
 * and `const t = await sequelize.transaction(options?)` with `t.commit()` / `t.rollback()`
 * (unmanaged); the isolation is `{ isolationLevel: Transaction.ISOLATION_LEVELS.SERIALIZABLE }`
 * (`IsolationLevel.SERIALIZABLE` in @sequelize/core). Queries that join a transaction through CLS
 * (`Sequelize.useCLS`) without naming it are read as running on the pool.
 *
 * The result is `[results, metadata]`; on PostgreSQL `metadata.rowCount` is the affected count, on
 * MySQL `metadata.affectedRows`; with `type: QueryTypes.UPDATE` / `DELETE` the count comes back as
 * `[undefined, affectedCount]` or the number itself.
 */
import type { TSESTree } from '@typescript-eslint/types';
import type { Isolation, SqlDialect } from '../../sql/facts.js';
import { looksLikeSql } from '../../sql/index.js';
import { objectProperty, propertyName, unwrap } from '../ast.js';
import type { ConnectionKind, ExtractContext, LibraryAdapter, QueryNode, QuerySite, TransactionCall, TransactionScope } from '../types.js';

const MODULES = ['sequelize', '@sequelize/core'] as const;
const COUNT_HINT: Record<SqlDialect, string> = {
  postgres: 'the affected count (`metadata.rowCount`, or `affectedCount` with `QueryTypes.UPDATE`)',
  mysql: 'the affected count (`metadata.affectedRows`, or `affectedCount` with `QueryTypes.UPDATE`)',
};
const ISOLATIONS: Record<string, Isolation> = {
  SERIALIZABLE: 'serializable',
  REPEATABLE_READ: 'repeatable read',
  'REPEATABLE READ': 'repeatable read',
  READ_COMMITTED: 'read committed',
  'READ COMMITTED': 'read committed',
  READ_UNCOMMITTED: 'read uncommitted',
  'READ UNCOMMITTED': 'read uncommitted',
};

export const sequelize: LibraryAdapter = {
  name: 'sequelize',
  modules: MODULES,
  transactionHint: '`sequelize.transaction(async (t) => ...)` and pass `{ transaction: t }` to every query',

  connectionFromExpression(node, ctx) {
    const inner = unwrap(node);
    if (inner.type === 'NewExpression') {
      const imported = ctx.importOf(inner.callee);
      return imported && isSequelize(imported.module) && imported.path.at(-1) === 'Sequelize' ? 'pool' : null;
    }
    // `await sequelize.transaction(options?)` without a callback: an unmanaged transaction.
    if (inner.type === 'CallExpression' && unmanagedTransaction(inner, ctx)) return 'transaction';
    return null;
  },

  connectionFromTypeName(name): ConnectionKind | null {
    if (name === 'Sequelize') return 'pool';
    if (name === 'Transaction') return 'transaction';
    return null;
  },

  matchQuery(node: QueryNode, ctx: ExtractContext): QuerySite | null {
    if (node.type !== 'CallExpression' || ctx.calleeName(node) !== 'query') return null;
    const receiver = ctx.calleeObject(node);
    const first = node.arguments[0];
    if (!receiver || !first || !isSequelizeInstance(receiver, ctx)) return null;
    const options = objectOf(node.arguments[1], ctx);
    const values = options ? (objectProperty(options, 'replacements') ?? objectProperty(options, 'bind')) : null;
    const raw = ctx.sqlText(first, 'sequelize', 'postgres', values);
    if (!raw) return null;
    const dialect: SqlDialect = dialectOf(receiver, ctx) ?? (raw.text.includes('`') ? 'mysql' : 'postgres');
    const sql = dialect === 'mysql' ? ctx.sqlText(first, 'sequelize', 'mysql', values) : raw;
    if (!sql || !looksLikeSql(sql.text)) return null;
    const transaction = options ? objectProperty(options, 'transaction') : null;
    const site: QuerySite = { library: 'sequelize', node, resultNode: node, connection: receiver, connectionKind: 'pool', sql, countHint: COUNT_HINT[dialect] };
    if (transaction && transaction.type !== 'Literal') {
      site.connection = transaction as TSESTree.Expression;
      delete site.connectionKind;
    }
    return site;
  },

  matchTransaction(node, ctx): TransactionScope | null {
    if (ctx.calleeName(node) !== 'transaction') return null;
    const outer = ctx.calleeObject(node);
    const callback = node.arguments.at(-1);
    if (!outer || !callback || (callback.type !== 'ArrowFunctionExpression' && callback.type !== 'FunctionExpression')) return null;
    if (!isSequelizeInstance(outer, ctx)) return null;
    const isolation = node.arguments.length > 1 ? isolationOf(node.arguments[0], ctx) : null;
    return { library: 'sequelize', node, callback, connectionParam: callback.params[0] ?? null, outer, isolation };
  },

  matchTransactionCall(node, ctx): TransactionCall | null {
    const name = ctx.calleeName(node);
    const connection = ctx.calleeObject(node);
    if (!connection) return null;
    if (unmanagedTransaction(node, ctx)) {
      // The begin is the transaction's creation; the variable it is stored in is the connection.
      const declarator = declaredBy(node);
      if (!declarator) return null;
      return { library: 'sequelize', node, connection: declarator, action: 'begin', isolation: isolationOf(node.arguments[0], ctx) };
    }
    if ((name !== 'commit' && name !== 'rollback') || node.arguments.length > 0) return null;
    const origin = ctx.origin(connection);
    if (origin.type !== 'CallExpression' || !unmanagedTransaction(origin, ctx)) {
      if (ctx.connectionKind(connection) !== 'transaction') return null;
    }
    return { library: 'sequelize', node, connection, action: name, isolation: null };
  },
};

function isSequelize(module: string): boolean {
  return MODULES.some((m) => module === m || module.startsWith(`${m}/`));
}

/** `sequelize.transaction()` / `sequelize.transaction({ ... })`: no callback. */
function unmanagedTransaction(call: TSESTree.CallExpression, ctx: ExtractContext): boolean {
  if (ctx.calleeName(call) !== 'transaction') return false;
  const object = ctx.calleeObject(call);
  if (!object || !isSequelizeInstance(object, ctx)) return false;
  return call.arguments.length === 0 || (call.arguments.length === 1 && call.arguments[0]!.type === 'ObjectExpression');
}

function declaredBy(call: TSESTree.CallExpression): TSESTree.Identifier | null {
  let current: TSESTree.Node = call;
  while (current.parent && (current.parent.type === 'AwaitExpression' || current.parent.type === 'TSAsExpression')) current = current.parent;
  const parent = current.parent;
  return parent?.type === 'VariableDeclarator' && parent.init === current && parent.id.type === 'Identifier' ? parent.id : null;
}

/** The receiver is a Sequelize instance, or at least not something another library made. */
function isSequelizeInstance(receiver: TSESTree.Expression, ctx: ExtractContext): boolean {
  const origin = ctx.origin(receiver);
  if (origin.type === 'NewExpression') {
    const made = ctx.importOf(origin.callee);
    return made === null || isSequelize(made.module) || made.module.startsWith('.');
  }
  const made = ctx.importOf(origin);
  return made === null || isSequelize(made.module) || made.module.startsWith('.');
}

/** `new Sequelize(..., { dialect: 'mysql' })` in the same file. */
function dialectOf(receiver: TSESTree.Expression, ctx: ExtractContext): SqlDialect | null {
  const origin = ctx.origin(receiver);
  if (origin.type !== 'NewExpression') return null;
  for (const argument of origin.arguments) {
    const options = objectOf(argument, ctx);
    const dialect = options && objectProperty(options, 'dialect');
    if (dialect?.type === 'Literal' && typeof dialect.value === 'string') {
      return dialect.value === 'mysql' || dialect.value === 'mariadb' ? 'mysql' : 'postgres';
    }
  }
  return null;
}

/** `{ isolationLevel: Transaction.ISOLATION_LEVELS.SERIALIZABLE }` or `'SERIALIZABLE'`. */
function isolationOf(node: TSESTree.Node | undefined, ctx: ExtractContext): Isolation | null {
  const options = objectOf(node, ctx);
  const level = options && objectProperty(options, 'isolationLevel');
  if (!level) return null;
  const inner = unwrap(level);
  const name = inner.type === 'MemberExpression' ? propertyName(inner) : inner.type === 'Literal' && typeof inner.value === 'string' ? inner.value : null;
  return name !== null ? (ISOLATIONS[name.toUpperCase()] ?? null) : null;
}

function objectOf(node: TSESTree.Node | undefined, ctx: ExtractContext): TSESTree.ObjectExpression | null {
  if (!node || node.type === 'SpreadElement') return null;
  const origin = ctx.origin(node as TSESTree.Expression);
  return origin.type === 'ObjectExpression' ? origin : null;
}

