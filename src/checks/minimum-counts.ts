/**
 * A count that must reach a minimum: `if (requiredAdmins > adminCount + invitationCount) throw`, then an
 * INSERT into the rows counted. Rows inserted by concurrent requests only raise the count, so what a
 * second request's INSERT can do is make the test pass more surely: two requests that both pass add two
 * rows to a set the test wants large enough, which is no overrun. A ceiling (`if (count >= limit) throw`)
 * is the check-then-insert a concurrent INSERT breaks, and stays reported; so do a sum, a minimum or a
 * maximum, which a new row can lower or leave anywhere, and a count a called function makes (what it returns
 * of it may be `quota - count`).
 */
import type { TSESTree } from '@typescript-eslint/types';
import { contains, unwrap } from '../extract/ast.js';
import type { Resolver } from '../extract/scope.js';
import type { Step } from '../flow/index.js';
import { dependsOn, isConversion } from '../flow/results.js';

/** The test leaves when the read's row count is below a bound: the INSERT after it only raises that count. */
export function demandsMinimumCount(read: Step, test: TSESTree.Node, write: Step, resolver: Resolver): boolean {
  if (!countsRows(read) || test.type !== 'IfStatement' || test.alternate !== null || contains(test, write.site.node)) return false;
  if (!leaves(test.consequent)) return false;
  const condition = unwrap(test.test);
  if (condition.type !== 'BinaryExpression' || condition.left.type === 'PrivateIdentifier') return false;
  // The count on the low side: `count < bound`, `count <= bound`, `bound > count`, `bound >= count`.
  const low =
    condition.operator === '<' || condition.operator === '<='
      ? condition.left
      : condition.operator === '>' || condition.operator === '>='
        ? condition.right
        : null;
  const high = low === condition.left ? condition.right : condition.left;
  if (low === null || dependsOn(high, read.result, resolver)) return false;
  return risesWithCount(low, read, resolver, 0);
}

/**
 * A row count (`count(*)`, Sequelize's and Prisma's `count`), not a sum, minimum or maximum, made here: what a
 * called function returns of its count may be computed from it (`quota - count`).
 */
function countsRows(read: Step): boolean {
  const text = read.facts.text.toLowerCase();
  return (
    read.site.derived === undefined && read.facts.aggregate && /\bcount\b/.test(text) && !/\b(?:sum|min|max|avg|aggregate)\b/.test(text)
  );
}

/** The branch ends by throwing or returning. */
function leaves(branch: TSESTree.Statement): boolean {
  const last = branch.type === 'BlockStatement' ? branch.body.at(-1) : branch;
  return last?.type === 'ThrowStatement' || last?.type === 'ReturnStatement';
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
