/**
 * postgres.js (`postgres`): ``sql`...` `` tagged templates and `sql.unsafe(text, values)`.
 *
 * `sql = postgres(...)` is a pool (a parameter typed `Sql` too); `await sql.reserve()` (`ReservedSql`)
 * is one connection; the parameter of `sql.begin(async (tx) => ...)` and of `tx.savepoint(async (sp)
 * => ...)` is the transaction (`TransactionSql`). `sql.begin('isolation level serializable', cb)`
 * gives the isolation.
 *
 * A template is a query only where it is run: awaited, returned, handed to `.then`, or sent with
 * `.execute()` / `.values()` / `.raw()`. Anywhere else (a `${}` hole of another template, a variable,
 * an argument) it is a fragment: fragments and `${sql.unsafe('...')}` are spliced into the text of
 * the query that holds them, `${sql(name)}` is an identifier, `${sql(row, 'col')}` after `SET` or
 * `INSERT INTO t` is a list of columns and values; every other hole is a value (`$n`).
 *
 * A result is the array of rows; it reports affected rows as `result.count`.
 */
import type { TSESTree } from '@typescript-eslint/types';
import { isolationFromName, transactionCallback, transactionParameter } from '../kit.js';
import type { Isolation } from '../../sql/facts.js';
import { looksLikeSql } from '../../sql/index.js';
import { isFunction, propertyName, unwrap } from '../ast.js';
import type { ConnectionKind, ExtractContext, LibraryAdapter, QueryNode, QuerySite, SqlText, TransactionScope } from '../types.js';

const MODULE = 'postgres';
const COUNT_HINT = '`result.count`';
/** Methods that send a template (or return it to be awaited as the same query). */
const RUN_METHODS = new Set(['then', 'catch', 'finally', 'execute', 'values', 'raw', 'simple', 'describe']);
/** Methods whose call returns the query's result. */
const RESULT_METHODS = new Set(['execute', 'values', 'raw', 'simple']);

export const postgres: LibraryAdapter = {
  name: 'postgres',
  modules: [MODULE],
  transactionHint: '`sql.begin(async (sql) => ...)` and send every statement through the `sql` it passes',

  connectionFromExpression(node, ctx) {
    const inner = unwrap(node);
    if (inner.type !== 'CallExpression') return null;
    const imported = ctx.importOf(inner.callee);
    if (imported?.module === MODULE && imported.path.length === 0) return 'pool';
    if (ctx.calleeName(inner) === 'reserve' && inner.arguments.length === 0) {
      const object = ctx.calleeObject(inner);
      if (object && isTag(object, ctx) && ctx.connectionKind(object) === 'pool') return 'client';
    }
    return null;
  },

  connectionFromTypeName(name): ConnectionKind | null {
    if (name === 'Sql') return 'pool';
    if (name === 'ReservedSql') return 'client';
    if (name === 'TransactionSql') return 'transaction';
    return null;
  },

  matchQuery(node: QueryNode, ctx: ExtractContext): QuerySite | null {
    if (node.type === 'TaggedTemplateExpression') {
      if (!isTag(node.tag, ctx) || !isRun(node)) return null;
      const sql = templateText(node, ctx);
      if (!sql || !looksLikeSql(sql.text)) return null;
      return { library: 'postgres', node, resultNode: resultOf(node), connection: node.tag, sql, countHint: COUNT_HINT };
    }
    if (ctx.calleeName(node) !== 'unsafe' || !isRun(node)) return null;
    const connection = ctx.calleeObject(node);
    const first = node.arguments[0];
    if (!connection || !first || !isTag(connection, ctx)) return null;
    const sql = ctx.sqlText(first, 'dollar', 'postgres', node.arguments[1] ?? null);
    if (!sql || !looksLikeSql(sql.text)) return null;
    return { library: 'postgres', node, resultNode: resultOf(node), connection, sql, countHint: COUNT_HINT };
  },

  matchTransaction(node, ctx): TransactionScope | null {
    const name = ctx.calleeName(node);
    if (name !== 'begin' && name !== 'savepoint') return null;
    const outer = ctx.calleeObject(node);
    const callback = transactionCallback(node, node.arguments.at(-1), ctx);
    if (!outer || !callback) return null;
    if (!isTag(outer, ctx)) return null;
    const options = node.arguments.length > 1 ? node.arguments[0] : null;
    const isolation = name === 'begin' ? isolationOf(options) : enclosingIsolation(outer, ctx);
    return { library: 'postgres', node, callback, connectionParam: transactionParameter(callback), outer, isolation };
  },
};

/** Whether an expression can be a postgres.js `sql` (not a tag another imported library exports). */
function isTag(node: TSESTree.Node, ctx: ExtractContext): boolean {
  const inner = unwrap(node);
  if (inner.type !== 'Identifier' && inner.type !== 'MemberExpression') return false;
  if (
    inner.type === 'MemberExpression' &&
    inner.object.type !== 'ThisExpression' &&
    inner.object.type !== 'Identifier' &&
    inner.object.type !== 'MemberExpression'
  )
    return false;
  const imported = ctx.importOf(inner as TSESTree.Expression);
  return imported === null || imported.module === MODULE || imported.module.startsWith('.');
}

/** Awaited, returned, the body of an arrow, `.then`-ed or sent with `.execute()`: run, not a fragment. */
function isRun(node: TSESTree.Node): boolean {
  let current = node;
  for (;;) {
    const parent = current.parent;
    if (!parent) return false;
    switch (parent.type) {
      case 'TSAsExpression':
      case 'TSNonNullExpression':
      case 'TSSatisfiesExpression':
        current = parent;
        continue;
      case 'AwaitExpression':
      case 'ReturnStatement':
      case 'YieldExpression':
        return true;
      case 'ArrowFunctionExpression':
        return parent.body === current;
      case 'MemberExpression': {
        const name = propertyName(parent);
        return (
          parent.object === current &&
          name !== null &&
          RUN_METHODS.has(name) &&
          parent.parent?.type === 'CallExpression' &&
          parent.parent.callee === parent
        );
      }
      case 'ArrayExpression':
        // `sql.begin(sql => [sql`...`, sql`...`])`, `await Promise.all([sql`...`])`
        current = parent;
        if (current.parent?.type === 'CallExpression' && current.parent.arguments.includes(current as TSESTree.ArrayExpression)) {
          const callee = current.parent.callee;
          return callee.type === 'MemberExpression' && ['all', 'allSettled', 'race', 'any'].includes(propertyName(callee) ?? '');
        }
        continue;
      default:
        return false;
    }
  }
}

function resultOf(node: QueryNode): TSESTree.Expression {
  const parent = node.parent;
  if (
    parent?.type === 'MemberExpression' &&
    parent.object === node &&
    RESULT_METHODS.has(propertyName(parent) ?? '') &&
    parent.parent?.type === 'CallExpression'
  ) {
    return parent.parent;
  }
  return node;
}

/** `'isolation level serializable'` (with `read write` and the like around it). */
function isolationOf(options: TSESTree.Node | null | undefined): Isolation | null {
  if (!options) return null;
  const inner = unwrap(options);
  const text =
    inner.type === 'Literal' && typeof inner.value === 'string'
      ? inner.value
      : inner.type === 'TemplateLiteral' && inner.expressions.length === 0
        ? (inner.quasis[0]?.value.cooked ?? '')
        : null;
  if (text === null) return null;
  const match = /isolation\s+level\s+(serializable|repeatable\s+read|read\s+committed|read\s+uncommitted)/i.exec(text);
  return match?.[1] !== undefined ? isolationFromName(match[1]) : null;
}

/** A savepoint runs in the transaction of the `begin` whose parameter it is called on. */
function enclosingIsolation(outer: TSESTree.Expression, ctx: ExtractContext): Isolation | null {
  const inner = unwrap(outer);
  if (inner.type !== 'Identifier') return null;
  const def = ctx.resolve(inner);
  const fn = def?.kind === 'parameter' ? def.node : null;
  const call = fn && isFunction(fn) ? fn.parent : null;
  if (call?.type !== 'CallExpression') return null;
  const scope = postgres.matchTransaction?.(call, ctx);
  return scope && scope.callback === fn ? scope.isolation : null;
}

/**
 * The text of a template with its fragments spliced in. Built as a template of the query's own
 * holes, so each value hole keeps its expression for `$n`.
 */
function templateText(node: TSESTree.TaggedTemplateExpression, ctx: ExtractContext): SqlText | null {
  const quasis: string[] = [''];
  const expressions: TSESTree.Expression[] = [];
  let complete = true;
  const append = (text: string): void => {
    quasis[quasis.length - 1] += text;
  };
  const hole = (expression: TSESTree.Expression): void => {
    expressions.push(expression);
    quasis.push('');
  };
  const splice = (template: TSESTree.TemplateLiteral, depth: number): void => {
    template.quasis.forEach((quasi, i) => {
      append(quasi.value.cooked ?? quasi.value.raw);
      const expression = template.expressions[i];
      if (expression) spliceHole(expression, depth);
    });
  };
  const spliceHole = (expression: TSESTree.Expression, depth: number): void => {
    let inner = unwrap(expression) as TSESTree.Expression;
    if (inner.type === 'Identifier' && isFragment(ctx.origin(inner), ctx)) inner = ctx.origin(inner); // `const where = sql`...``
    if (depth < 10 && inner.type === 'TaggedTemplateExpression' && isTag(inner.tag, ctx)) {
      splice(inner.quasi, depth + 1);
      return;
    }
    if (inner.type === 'ConditionalExpression' && isFragment(inner.consequent, ctx) && isFragment(inner.alternate, ctx)) {
      // Either branch may run; read the first one and say the text is not all known.
      complete = false;
      spliceHole(inner.consequent, depth + 1);
      return;
    }
    if (inner.type === 'CallExpression' && ctx.calleeName(inner) === 'unsafe' && isTag(ctx.calleeObject(inner) ?? inner.callee, ctx)) {
      const text = inner.arguments[0] && ctx.sqlText(inner.arguments[0], 'dollar', 'postgres');
      if (text && text.complete && text.params.length === 0) append(text.text);
      else complete = false;
      return;
    }
    if (inner.type === 'CallExpression' && isTag(inner.callee, ctx) && inner.callee.type !== 'MemberExpression') {
      helper(inner);
      return;
    }
    hole(expression);
  };
  /** `sql(name)`, `sql(row, 'a', 'b')`, `sql([1, 2])`: identifier, column/value list or value list. */
  const helper = (call: TSESTree.CallExpression): void => {
    const before = quasis.at(-1) ?? '';
    const columns = call.arguments.slice(1).flatMap((a) => (a.type === 'Literal' && typeof a.value === 'string' ? [a.value] : []));
    const first = call.arguments[0];
    if (/\bset\s*$/i.test(before)) {
      const names = columns.length > 0 ? columns : ['__sqlrace_columns'];
      names.forEach((column, i) => {
        append(`${i > 0 ? ', ' : ''}"${column}" = `);
        hole(call);
      });
      return;
    }
    if (/\binsert\s+into\s+\S+\s*$/i.test(before)) {
      const names = columns.length > 0 ? columns : ['__sqlrace_columns'];
      append(`(${names.map((c) => `"${c}"`).join(', ')}) VALUES (`);
      names.forEach((_, i) => {
        if (i > 0) append(', ');
        hole(call);
      });
      append(')');
      return;
    }
    if (/\bin\s*$/i.test(before)) {
      append('(');
      hole(call);
      append(')');
      return;
    }
    if (first?.type === 'Literal' && typeof first.value === 'string') {
      append(
        first.value
          .split('.')
          .map((part) => `"${part}"`)
          .join('.'),
      );
      return;
    }
    complete = false;
    append('"__sqlrace_identifier"');
  };

  splice(node.quasi, 0);
  const synthetic = {
    type: 'TemplateLiteral',
    quasis: quasis.map((text) => ({ type: 'TemplateElement', value: { cooked: text, raw: text }, tail: false })),
    expressions,
    parent: node,
    range: node.quasi.range,
    loc: node.quasi.loc,
  } as unknown as TSESTree.TemplateLiteral;
  const sql = ctx.sqlText(synthetic, 'dollar', 'postgres');
  return sql && { ...sql, literal: node.quasi, complete: sql.complete && complete };
}

function isFragment(node: TSESTree.Node, ctx: ExtractContext): boolean {
  const inner = unwrap(node);
  return inner.type === 'TaggedTemplateExpression' && isTag(inner.tag, ctx);
}
