/**
 * TypeORM (`typeorm`): raw SQL through `dataSource.query(text, params)`, `manager.query(...)` and
 * `queryRunner.query(...)`; `$1` placeholders on PostgreSQL, `?` on MySQL (read in the 'mysql'
 * dialect, as is text with backtick identifiers).
 *
 * `new DataSource(...)` and its `manager` are a pool (each query takes any connection), as is a
 * parameter typed `DataSource`; `dataSource.createQueryRunner()` is one connection (a `QueryRunner`
 * parameter too), and `queryRunner.manager` runs on it. Transactions are
 * `queryRunner.startTransaction('SERIALIZABLE'?)` / `commitTransaction()` / `rollbackTransaction()`,
 * or the callback `dataSource.transaction('SERIALIZABLE'?, async (manager) => ...)` (also on an
 * `EntityManager`), whose parameter is the transaction.
 *
 * `query()` resolves to the driver's raw result: on PostgreSQL an UPDATE or DELETE gives
 * `[rows, affectedCount]`, on MySQL a result with `affectedRows`.
 */
import type { TSESTree } from '@typescript-eslint/types';
import type { Isolation, SqlDialect } from '../../sql/facts.js';
import { looksLikeSql } from '../../sql/index.js';
import { isFunction, propertyName, unwrap } from '../ast.js';
import type { ConnectionKind, ExtractContext, LibraryAdapter, QueryNode, QuerySite, TransactionCall, TransactionScope } from '../types.js';

const MODULE = 'typeorm';
const COUNT_HINT: Record<SqlDialect, string> = {
  postgres: 'the affected count (`const [, affected] = await queryRunner.query(...)`)',
  mysql: '`result.affectedRows`',
};
const ACTIONS: Record<string, TransactionCall['action']> = { startTransaction: 'begin', commitTransaction: 'commit', rollbackTransaction: 'rollback' };
const ISOLATIONS: Record<string, Isolation> = {
  SERIALIZABLE: 'serializable',
  'REPEATABLE READ': 'repeatable read',
  'READ COMMITTED': 'read committed',
  'READ UNCOMMITTED': 'read uncommitted',
};

export const typeorm: LibraryAdapter = {
  name: 'typeorm',
  modules: [MODULE],
  transactionHint: 'a query runner (`dataSource.createQueryRunner()`, `startTransaction()`, `commitTransaction()`) or `dataSource.transaction(async (manager) => ...)`',

  connectionFromExpression(node, ctx) {
    const inner = unwrap(node);
    if (inner.type === 'NewExpression') {
      const imported = ctx.importOf(inner.callee);
      return imported?.module === MODULE && imported.path.at(-1) === 'DataSource' ? 'pool' : null;
    }
    if (inner.type === 'CallExpression') {
      const name = ctx.calleeName(inner);
      const object = ctx.calleeObject(inner);
      if (name === 'createQueryRunner' && object && ctx.connectionKind(object) === 'pool') return 'client';
      const imported = ctx.importOf(inner.callee);
      if (imported?.module === MODULE && (name === 'createConnection' || name === 'getConnection' || name === 'getManager')) return 'pool';
      return null;
    }
    if (inner.type === 'MemberExpression' && propertyName(inner) === 'manager') {
      const kind = ctx.connectionKind(inner.object);
      return kind === 'unknown' ? null : kind;
    }
    return null;
  },

  connectionFromTypeName(name): ConnectionKind | null {
    if (name === 'DataSource') return 'pool';
    if (name === 'QueryRunner') return 'client';
    return null;
  },

  matchQuery(node: QueryNode, ctx: ExtractContext): QuerySite | null {
    if (node.type !== 'CallExpression' || ctx.calleeName(node) !== 'query') return null;
    const receiver = ctx.calleeObject(node);
    const first = node.arguments[0];
    if (!receiver || !first || fromOtherModule(receiver, ctx)) return null;
    const raw = ctx.sqlText(first, 'dollar', 'postgres');
    if (!raw) return null;
    const dialect: SqlDialect = /\$\d/.test(raw.text) || !/[?`]/.test(raw.text) ? 'postgres' : 'mysql';
    const sql = ctx.sqlText(first, dialect === 'mysql' ? 'question' : 'dollar', dialect, node.arguments[1] ?? null);
    if (!sql || !looksLikeSql(sql.text)) return null;
    return { library: 'typeorm', node, resultNode: node, connection: runnerOf(receiver, ctx), sql, countHint: COUNT_HINT[dialect] };
  },

  matchTransaction(node, ctx): TransactionScope | null {
    if (ctx.calleeName(node) !== 'transaction') return null;
    const outer = ctx.calleeObject(node);
    const callback = node.arguments.at(-1);
    if (!outer || !callback || (callback.type !== 'ArrowFunctionExpression' && callback.type !== 'FunctionExpression')) return null;
    if (fromOtherModule(outer, ctx)) return null;
    const isolation = node.arguments.length > 1 ? isolationOf(node.arguments[0]) : null;
    return { library: 'typeorm', node, callback, connectionParam: callback.params[0] ?? null, outer, isolation };
  },

  matchTransactionCall(node, ctx): TransactionCall | null {
    const name = ctx.calleeName(node);
    const action = name !== null ? ACTIONS[name] : undefined;
    const connection = ctx.calleeObject(node);
    if (!action || !connection) return null;
    return { library: 'typeorm', node, connection, action, isolation: action === 'begin' ? isolationOf(node.arguments[0]) : null };
  },
};

/** `queryRunner.manager` (or a variable holding it) runs on `queryRunner`: the same connection. */
function runnerOf(receiver: TSESTree.Expression, ctx: ExtractContext): TSESTree.Expression {
  const origin = ctx.origin(receiver);
  if (origin.type === 'MemberExpression' && propertyName(origin) === 'manager' && ctx.connectionKind(origin.object) === 'client') return origin.object;
  return receiver;
}

function isolationOf(node: TSESTree.Node | undefined): Isolation | null {
  const inner = node ? unwrap(node) : null;
  if (inner?.type !== 'Literal' || typeof inner.value !== 'string') return null;
  return ISOLATIONS[inner.value.toUpperCase().replace(/\s+/g, ' ')] ?? null;
}

/** A receiver made by another library (`new Pool()` from pg, `knex(...)`): not TypeORM's to claim. */
function fromOtherModule(receiver: TSESTree.Expression, ctx: ExtractContext): boolean {
  const origin = ctx.origin(receiver);
  if (isFunction(origin)) return true;
  const made = origin.type === 'NewExpression' || origin.type === 'CallExpression' ? ctx.importOf(origin.callee) : ctx.importOf(origin);
  return made !== null && made.module !== MODULE && !made.module.startsWith('.');
}
