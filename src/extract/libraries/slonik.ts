/**
 * slonik: ``pool.query(sql.unsafe`...`)``, ``connection.one(sql.typeAlias('id')`...`)`` and the
 * other query methods (`one`, `oneFirst`, `maybeOne`, `maybeOneFirst`, `many`, `manyFirst`, `any`,
 * `anyFirst`, `exists`), each taking a query built with slonik's `sql` tag; a `${}` hole is a bound
 * value unless it is a slonik token that renders SQL (`sql.identifier`, ``sql.fragment`...` ``).
 *
 * Pools come from `await createPool(...)`; `pool.connect(async (connection) => ...)` lends one
 * connection; `pool.transaction(async (transactionConnection) => ...)` is a transaction (its isolation
 * is set by `SET TRANSACTION ISOLATION LEVEL` inside it, which the SQL layer reads). A result reports
 * affected rows as `result.rowCount` (`query`); `one`, `oneFirst`, `many` and `manyFirst` reject with
 * NotFoundError when no row comes back, so a guarded write with RETURNING run through them is checked.
 */
import type { TSESTree } from '@typescript-eslint/types';
import { looksLikeSql } from '../../sql/index.js';
import { isFunction, propertyName, unwrap } from '../ast.js';
import type { ConnectionKind, ExtractContext, LibraryAdapter, QueryNode, QuerySite, TransactionScope } from '../types.js';
import { quotedIdentifier, taggedSqlText, type ClassifyHole } from './sql-tag.js';
import { transactionCallback, transactionParameter } from '../kit.js';

/** slonik, and the forks published under a scope (`@silverhand/slonik`). */
const MODULES = ['slonik', '@silverhand/slonik'];
const isSlonik = (module: string): boolean => MODULES.includes(module) || module.endsWith('/slonik');
const QUERY_METHODS = new Set(['query', 'one', 'oneFirst', 'maybeOne', 'maybeOneFirst', 'many', 'manyFirst', 'any', 'anyFirst', 'exists']);
/** Methods that reject with NotFoundError when the statement returns no row. */
const ROWS_REQUIRED = new Set(['one', 'oneFirst', 'many', 'manyFirst']);
/** Tags whose template is a query: ``sql.unsafe`...` ``, ``sql.type(schema)`...` ``, ``sql.typeAlias('x')`...` ``. */
const QUERY_TAGS = new Set(['unsafe', 'type', 'typeAlias']);
/** slonik tokens whose value is bound as a parameter. */
const VALUE_TOKENS = new Set(['array', 'binary', 'date', 'interval', 'json', 'jsonb', 'literalValue', 'timestamp', 'uuid', 'unnest']);

export const slonik: LibraryAdapter = {
  name: 'slonik',
  modules: MODULES,
  transactionHint: '`pool.transaction(async (transaction) => ...)` and send every statement through `transaction`',
  // Every slonik query is a tagged template, even when it is held in a variable.
  placeholder: '${value}',

  connectionFromExpression(node, ctx): ConnectionKind | null {
    const inner = unwrap(node);
    if (inner.type === 'CallExpression') {
      const imported = ctx.importOf(inner.callee as TSESTree.Expression);
      if (imported && isSlonik(imported.module) && imported.path.at(-1) === 'createPool') return 'pool';
      return null;
    }
    // `pool.connect(async (connection) => ...)` lends one connection for the callback.
    if (inner.type === 'Identifier') {
      const def = ctx.resolve(inner);
      const fn = def?.kind === 'parameter' ? def.node : null;
      const call = fn?.parent;
      if (
        fn &&
        isFunction(fn) &&
        fn.params[0]?.type === 'Identifier' &&
        fn.params[0].name === inner.name &&
        call?.type === 'CallExpression' &&
        ctx.calleeName(call) === 'connect' &&
        call.arguments[0] === fn
      ) {
        return 'client';
      }
    }
    return null;
  },

  connectionFromTypeName(name): ConnectionKind | null {
    if (name === 'DatabasePool') return 'pool';
    if (name === 'DatabasePoolConnection') return 'client';
    if (name === 'DatabaseTransactionConnection') return 'transaction';
    return null;
  },

  matchQuery(node: QueryNode, ctx: ExtractContext): QuerySite | null {
    if (node.type !== 'CallExpression') return null;
    const method = ctx.calleeName(node);
    const connection = ctx.calleeObject(node);
    const first = node.arguments[0];
    if (method === null || !QUERY_METHODS.has(method) || !connection || !first) return null;
    const query = ctx.origin(first as TSESTree.Expression);
    if (query.type !== 'TaggedTemplateExpression' || !isQueryTag(query.tag, ctx)) return null;
    const sql = taggedSqlText(query.quasi, ctx, classifyHole);
    if (!looksLikeSql(sql.text)) return null;
    return {
      library: 'slonik',
      node,
      resultNode: node,
      connection,
      sql,
      rowsRequired: ROWS_REQUIRED.has(method),
      firstColumn: method.endsWith('First'),
      countHint:
        method === 'query' ? '`result.rowCount`' : `the rows \`${method}\` returns (with RETURNING), or \`result.rowCount\` from \`query\``,
    };
  },

  matchTransaction(node, ctx): TransactionScope | null {
    if (ctx.calleeName(node) !== 'transaction') return null;
    const callback = transactionCallback(node, node.arguments[0], ctx);
    const outer = ctx.calleeObject(node);
    if (!outer || !callback) return null;
    return { library: 'slonik', node, callback, connectionParam: transactionParameter(callback), outer, isolation: null };
  },
};

/**
 * `sql.unsafe`, `sql.type(schema)`, `sql.typeAlias('name')` on slonik's `sql` (or a `createSqlTag()`
 * tag); and the plain ``sql`...` `` of slonik before version 33 (and its forks), where it was the query.
 */
function isQueryTag(tag: TSESTree.Expression, ctx: ExtractContext): boolean {
  const inner = unwrap(tag);
  if (inner.type === 'Identifier' && isSqlTag(inner, ctx)) return true;
  const member = inner.type === 'CallExpression' ? unwrap(inner.callee) : inner;
  if (member.type !== 'MemberExpression' || !QUERY_TAGS.has(propertyName(member) ?? '')) return false;
  if (inner.type !== 'CallExpression' && propertyName(member) !== 'unsafe') return false;
  return isSqlTag(member.object, ctx);
}

function isSqlTag(node: TSESTree.Expression, ctx: ExtractContext): boolean {
  const imported = ctx.importOf(node);
  if (imported) return isSlonik(imported.module) && imported.path.at(-1) === 'sql';
  const origin = ctx.origin(node);
  if (origin.type === 'CallExpression') return ctx.importOf(origin.callee as TSESTree.Expression)?.path.at(-1) === 'createSqlTag';
  return false;
}

const classifyHole: ClassifyHole = (hole, ctx) => {
  const origin = ctx.origin(hole);
  if (origin.type === 'TaggedTemplateExpression') {
    const member = unwrap(origin.tag);
    if (member.type === 'Identifier' && isSqlTag(member, ctx)) return { kind: 'template', template: origin.quasi };
    return member.type === 'MemberExpression' && propertyName(member) === 'fragment'
      ? { kind: 'template', template: origin.quasi }
      : { kind: 'unknown' };
  }
  if (origin.type === 'CallExpression') {
    const callee = unwrap(origin.callee);
    const name = callee.type === 'MemberExpression' ? propertyName(callee) : null;
    if (callee.type === 'MemberExpression' && isSqlTag(callee.object, ctx)) {
      if (name === 'identifier') {
        const parts = origin.arguments[0];
        const text = parts?.type === 'ArrayExpression' ? quotedIdentifier(parts.elements.filter((e) => e !== null)) : null;
        return text !== null ? { kind: 'text', text } : { kind: 'unknown' };
      }
      return name !== null && VALUE_TOKENS.has(name) ? { kind: 'value' } : { kind: 'unknown' };
    }
  }
  return { kind: 'value' };
};
