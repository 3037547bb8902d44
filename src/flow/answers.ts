/**
 * What a function tells its caller after a statement: a `return` with a value, an answer to an HTTP
 * request. A write followed by `return { ok: true }` tells its caller it happened; one followed by
 * nothing leaves that to whoever called the function.
 */
import type { TSESTree } from '@typescript-eslint/types';
import { contains, isFunction, propertyName, walk } from '../extract/ast.js';
import type { Step, Unit } from './types.js';

/** Calls that answer an HTTP request: what follows a write there reports its outcome. */
const RESPONSE_METHODS = new Set(['json', 'send', 'end', 'status', 'sendStatus', 'redirect', 'reply', 'render']);

/** `res.json(...)`, `reply.send(...)`: a call that answers an HTTP request. */
export function isResponseCall(node: TSESTree.Node): boolean {
  return node.type === 'CallExpression' && node.callee.type === 'MemberExpression' && RESPONSE_METHODS.has(propertyName(node.callee) ?? '');
}

/**
 * Whether the function reports something after `step`: a `return` with a value, or an answer to an
 * HTTP request. A write followed by `return { ok: true }` tells its caller it happened.
 */
export function reportsAfter(unit: Unit, step: Step): boolean {
  const write = step.site.node;
  let found = false;
  walk(unit.node, (node) => {
    if (found) return false;
    // A callback that does not hold the write returns to whoever calls it, not to this caller.
    if (node !== unit.node && isFunction(node) && !contains(node, write)) return false;
    // `return pool.query(...)`, `=> pool.query(...)`: the write's own result goes to the caller.
    if (node.type === 'ReturnStatement' && node.argument !== null && contains(node, write)) found = true;
    else if (node.range[0] <= write.range[1]) return true;
    else if (node.type === 'ReturnStatement' && node.argument !== null) found = true;
    else if (isResponseCall(node)) found = true;
    return !found;
  });
  return found || step.result.returned;
}
