/**
 * Node callback APIs and the wrappers that turn them into promises, recognised once for every adapter.
 *
 * - A query that takes a callback (`client.query(text, values, (err, result) => ...)`): the library
 *   calls it with `(error, result, ...)`; its second parameter is the query result and the statements
 *   issued inside it run after the query, in the same unit (see src/flow's inlining).
 * - A connection handed to a callback (`pool.connect((err, client, release) => ...)`,
 *   `pool.getConnection((err, conn) => ...)`): the parameter after the error is the connection.
 * - `util.promisify(conn.query).bind(conn)`, `promisify(pool.query.bind(pool))`: calling the wrapper
 *   is calling `conn.query` (see `promisifiedMethod`, which the extract context applies to every callee).
 * - `new Promise((resolve, reject) => conn.query(..., (err, res) => resolve(res)))`: the awaited promise
 *   is the value passed to `resolve` (see `promiseResolvedBy`, which src/flow follows).
 *
 * An adapter opts in by calling `nodeCallback` in its `matchQuery` and `callbackParameter` in its
 * `connectionFromExpression`; nothing here knows which library it serves.
 */
import type { TSESTree } from '@typescript-eslint/types';
import { isFunction, propertyName, unwrap, type FunctionNode } from './ast.js';
import type { Definition } from './types.js';

/** The first parameter of a Node-style callback names the error: `err`, `error`, `e`, `_err`, `ex`. */
const ERROR_PARAMETER = /^_?(?:err|error|e|er|ex|exc|exception)$/i;

/** The callback a Node-style call passes last (`query(text, values, cb)`), when it is a function written there. */
export function nodeCallback(call: TSESTree.CallExpression): FunctionNode | null {
  const last = call.arguments.at(-1);
  return last && last !== call.arguments[0] && isFunction(last) ? last : null;
}

/** The parameter of a query callback that receives the result: `(err, result) => ...` -> `result`. */
export function callbackResultParameter(callback: FunctionNode): TSESTree.Parameter | null {
  return callback.params[1] ?? null;
}

/** A function written as the last argument of a call whose first parameter names an error: `(err, x) => ...`. */
export function isErrorFirstCallback(fn: TSESTree.Node): boolean {
  if (!isFunction(fn) || fn.parent?.type !== 'CallExpression' || fn.parent.arguments.at(-1) !== fn) return false;
  const first = fn.params[0];
  return first?.type === 'Identifier' && ERROR_PARAMETER.test(first.name);
}

/** The executor of `new Promise((resolve, reject) => ...)`: it runs at once, inside the function that builds the promise. */
export function isPromiseExecutor(fn: TSESTree.Node): boolean {
  const parent = fn.parent;
  return (
    isFunction(fn) &&
    parent?.type === 'NewExpression' &&
    parent.arguments[0] === fn &&
    unwrap(parent.callee).type === 'Identifier' &&
    (unwrap(parent.callee) as TSESTree.Identifier).name === 'Promise'
  );
}

/**
 * For an identifier that is a parameter of a Node-style callback: the call the callback is passed to,
 * the method called and the parameter's position (`pool.connect((err, client) => ...)` -> connect, 1).
 */
export function callbackParameter(
  definition: Definition | null,
): { call: TSESTree.CallExpression; method: string | null; index: number } | null {
  if (definition?.kind !== 'parameter' || !isErrorFirstCallback(definition.node)) return null;
  const fn = definition.node as FunctionNode;
  const index = fn.params.findIndex((p) => p === definition.name || (p.type === 'AssignmentPattern' && p.left === definition.name));
  if (index < 0) return null;
  const call = fn.parent as TSESTree.CallExpression;
  const callee = unwrap(call.callee);
  return { call, method: callee.type === 'MemberExpression' ? propertyName(callee) : null, index };
}

/**
 * `resolve(value)` where `resolve` is the first parameter of a Promise executor: the promise it
 * settles, whose awaited value is `value`.
 */
export function promiseResolvedBy(
  call: TSESTree.CallExpression,
  resolve: (id: TSESTree.Identifier) => Definition | null,
): TSESTree.NewExpression | null {
  const callee = unwrap(call.callee);
  if (callee.type !== 'Identifier') return null;
  const definition = resolve(callee);
  if (
    definition?.kind !== 'parameter' ||
    !isPromiseExecutor(definition.node) ||
    (definition.node as FunctionNode).params[0] !== definition.name
  )
    return null;
  return definition.node.parent as TSESTree.NewExpression;
}

/**
 * The method a promisified wrapper calls: `promisify(conn.query).bind(conn)`,
 * `util.promisify(pool.query.bind(pool))`, `promisify(conn.query.bind(conn))` -> `{ object: conn, method: 'query' }`.
 */
export function promisifiedMethod(wrapper: TSESTree.Node): { object: TSESTree.Expression; method: string } | null {
  let node = unwrap(wrapper);
  let boundTo: TSESTree.Expression | null = null;
  // `promisify(x.m).bind(x)`
  if (node.type === 'CallExpression' && memberName(node.callee) === 'bind' && node.callee.type === 'MemberExpression') {
    boundTo = (node.arguments[0] as TSESTree.Expression | undefined) ?? null;
    node = unwrap(node.callee.object);
  }
  if (node.type !== 'CallExpression' || !isPromisify(node.callee)) return null;
  let target = node.arguments[0] ? unwrap(node.arguments[0]) : null;
  // `promisify(x.m.bind(x))`
  if (target?.type === 'CallExpression' && memberName(target.callee) === 'bind' && target.callee.type === 'MemberExpression') {
    boundTo = (target.arguments[0] as TSESTree.Expression | undefined) ?? boundTo;
    target = unwrap(target.callee.object);
  }
  if (target?.type !== 'MemberExpression') return null;
  const method = propertyName(target);
  return method === null ? null : { object: boundTo ?? target.object, method };
}

function isPromisify(callee: TSESTree.Node): boolean {
  const inner = unwrap(callee);
  return (inner.type === 'Identifier' && inner.name === 'promisify') || memberName(inner) === 'promisify';
}

function memberName(node: TSESTree.Node): string | null {
  const inner = unwrap(node);
  return inner.type === 'MemberExpression' ? propertyName(inner) : null;
}
