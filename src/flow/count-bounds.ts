/**
 * Which bound a test holds a row count to. `if (requiredAdmins > adminCount) throw` leaves when the count
 * is too low: past it, the count is at least the bound (a floor), and rows added only keep it so. `if
 * (schedulesCount >= limit) throw` leaves when the count is too high: past it, the count is below the bound
 * (a ceiling), and rows removed only keep it so. A sum, a minimum or a maximum is no row count (a new row
 * can move it either way), and neither is a count a called function hands back changed (`quota - count`).
 */
import type { TSESTree } from '@typescript-eslint/types';
import { branchLeaves, contains, LEAVES_FUNCTION, unwrap } from '../extract/ast.js';
import type { Resolver } from '../extract/scope.js';
import { dependsOn, isConversion } from './results.js';
import type { Step } from './types.js';

export type CountBound = 'floor' | 'ceiling';

/**
 * The bound an `if` without `else` that leaves (throws or returns) holds the read's row count to, past
 * it: 'floor' when it leaves on a count below a bound (`count < bound`, `bound > count`), 'ceiling' when
 * it leaves on a count at or above one (`count >= bound`, `bound <= count`); null for any other test.
 */
export function countBound(read: Step, test: TSESTree.Node, resolver: Resolver): CountBound | null {
  if (!countsRows(read) || test.type !== 'IfStatement' || test.alternate !== null || !branchLeaves(test.consequent, LEAVES_FUNCTION))
    return null;
  const condition = unwrap(test.test);
  if (condition.type !== 'BinaryExpression' || condition.left.type === 'PrivateIdentifier') return null;
  const low =
    condition.operator === '<' || condition.operator === '<='
      ? condition.left
      : condition.operator === '>' || condition.operator === '>='
        ? condition.right
        : null;
  if (low === null) return null;
  const high = low === condition.left ? condition.right : condition.left;
  if (!dependsOn(high, read.result, resolver) && risesWithCount(low, read, resolver, 0)) return 'floor';
  if (!dependsOn(low, read.result, resolver) && risesWithCount(high, read, resolver, 0)) return 'ceiling';
  return null;
}

/**
 * A row count (`count(*)`, Sequelize's and Prisma's `count`), not a sum, minimum or maximum, made here or
 * by a called function that hands it back as it came (`return prisma.schedule.count(...)`): what a called
 * function returns of its count may otherwise be computed from it (`quota - count`).
 */
function countsRows(read: Step): boolean {
  const text = read.facts.text.toLowerCase();
  return (
    (read.site.derived === undefined || read.site.derived.countReturned === true) &&
    read.facts.aggregate &&
    /\bcount\b/.test(text) &&
    !/\b(?:sum|min|max|avg|aggregate)\b/.test(text)
  );
}

/**
 * The expression grows with the count: the count itself (`n`, `rows[0].count`, `await Model.count()`), a
 * sum of it with values that do not come from it, a conversion of it (`Number(n)`), or a `const` holding
 * one of those (`const total = members + invitations + pending`).
 */
function risesWithCount(node: TSESTree.Node, read: Step, resolver: Resolver, depth: number): boolean {
  const inner = unwrap(node);
  if (depth > 4 || !dependsOn(inner, read.result, resolver)) return false;
  switch (inner.type) {
    case 'AwaitExpression':
    case 'CallExpression':
      if (
        contains(inner, read.site.node) &&
        (inner === read.site.node || unwrap(inner.type === 'AwaitExpression' ? inner.argument : inner) === read.site.node)
      )
        return true;
      return (
        inner.type === 'CallExpression' &&
        isConversion(inner) &&
        inner.arguments.length === 1 &&
        risesWithCount(inner.arguments[0]!, read, resolver, depth + 1)
      );
    case 'BinaryExpression':
      if (inner.left.type === 'PrivateIdentifier') return false;
      if (inner.operator === '+')
        return [inner.left, inner.right].every(
          (side) => !dependsOn(side, read.result, resolver) || risesWithCount(side, read, resolver, depth + 1),
        );
      return (
        inner.operator === '-' && !dependsOn(inner.right, read.result, resolver) && risesWithCount(inner.left, read, resolver, depth + 1)
      );
    case 'LogicalExpression':
      return (
        (inner.operator === '??' || inner.operator === '||') &&
        !dependsOn(inner.right, read.result, resolver) &&
        risesWithCount(inner.left, read, resolver, depth + 1)
      );
    case 'MemberExpression':
      // A column of the count's row (`rows[0].count`, `result.total`): no call on the way.
      return plainPath(inner, read, resolver);
    case 'Identifier': {
      const variable = resolver.variable(inner);
      const path = variable ? read.result.paths.get(variable) : undefined;
      const def = resolver.definition(inner);
      if (!path || path.opaque || def?.kind !== 'variable' || def.declarationKind !== 'const' || !def.init) return false;
      // Bound from the count's call itself (`const n = await X.count()`, `const [a, b] = await Promise.all([...])`).
      if (contains(def.init, read.site.node)) return path.columns.length <= 1;
      return (
        def.node.type === 'VariableDeclarator' && def.node.id.type === 'Identifier' && risesWithCount(def.init, read, resolver, depth + 1)
      );
    }
    default:
      return false;
  }
}

/** `rows[0].count`, `result.count`: properties and literal indexes of a variable holding the result as it came. */
function plainPath(node: TSESTree.Node, read: Step, resolver: Resolver): boolean {
  const inner = unwrap(node);
  if (inner.type === 'Identifier') {
    const variable = resolver.variable(inner);
    const path = variable ? read.result.paths.get(variable) : undefined;
    return path !== undefined && !path.opaque;
  }
  if (inner.type !== 'MemberExpression') return false;
  if (inner.computed && inner.property.type !== 'Literal') return false;
  return plainPath(inner.object, read, resolver);
}
