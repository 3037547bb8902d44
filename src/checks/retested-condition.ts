import type { TSESTree } from '@typescript-eslint/types';
import { branchLeaves, contains, LEAVES_LOOP, logicalParts, unwrap } from '../extract/ast.js';
import { isEnumMember } from '../extract/kit.js';
import type { Resolver } from '../extract/scope.js';
import type { Step } from '../flow/index.js';
import { provenance } from '../flow/provenance.js';
import type { Predicate } from '../sql/facts.js';
import { columnName } from '../sql/keys.js';
import { countChecked } from './shared.js';

/**
 * The write's WHERE compares a column to the constant the code found it equal to in the row read, on
 * every way to the write: `if (existing.source !== 'default') continue`, then `updateMany({ where: { id:
 * existing.id, source: 'default' } })`. That is `source = $n` with `$n` the value read, a re-test of what
 * the read returned (see `retestsReadValue`): a concurrent change of the condition makes the write match
 * no row, and the code asked for nothing else. An equality the statement facts take for a lookup (a
 * column not named like a state) counts only when the code reads the write's count, as a compare-and-set
 * does; the test alone may ask about a column nobody changes.
 */
export function retestsTestedConstant(read: Step, write: Step, resolver: Resolver): boolean {
  const compared = write.facts.where.filter(
    (p): p is Predicate & { column: string } =>
      p.operator === '=' && p.column !== null && p.params.length === 0 && (p.role === 'guard' || countChecked(write)),
  );
  if (compared.length === 0) return false;
  const established = testedConstants(read, write, resolver);
  return compared.some((p) => {
    const value = comparedConstant(p.text);
    return value !== null && established.get(columnName(p.column))?.has(value) === true;
  });
}

/**
 * The write moves a state the code tested on the way to it, without re-testing it: the row read was found
 * equal to a constant on every way to the write (`if (deployment.status !== 'DEPLOYING') throw`), and the
 * write sets that column to another constant (`status: 'DEPLOYED'`). That is no-check-then-act's act, and
 * its fix (the tested constant in the WHERE, the count checked) is the re-test `retestsTestedConstant`
 * accepts: of two requests that both passed the test, the second then writes nothing, values computed
 * from its read included.
 */
export function movesTestedConstant(read: Step, write: Step, resolver: Resolver): boolean {
  const moved = write.facts.set.filter((a) => a.constant);
  if (moved.length === 0) return false;
  const established = testedConstants(read, write, resolver);
  return moved.some((a) => {
    const was = established.get(columnName(a.column));
    const now = comparedConstant(a.text);
    return was !== undefined && now !== null && !was.has(now);
  });
}

/**
 * For each column of the read, the constants it equals wherever the write runs: the write is in the
 * branch of an `if` whose `&&` conditions include `row.col === c`, or follows an `if` in its own block
 * whose `||` conditions include `row.col !== c` and that leaves (`return`, `throw`, `continue`, `break`).
 */
function testedConstants(read: Step, write: Step, resolver: Resolver): Map<string, Set<string>> {
  const found = new Map<string, Set<string>>();
  const target = write.site.node;
  for (const test of read.result.tests) {
    if (test.type !== 'IfStatement' || test.range[0] < read.site.node.range[1]) continue;
    const inside = contains(test.consequent, target);
    const leaves =
      !inside &&
      test.alternate === null &&
      test.range[1] <= target.range[0] &&
      test.parent !== undefined &&
      contains(test.parent, target) &&
      branchLeaves(test.consequent, LEAVES_LOOP);
    if (!inside && !leaves) continue;
    for (const part of logicalParts(test.test, inside ? '&&' : '||')) {
      const equality = constantComparison(part, inside ? ['===', '=='] : ['!==', '!=']);
      if (!equality) continue;
      const source = provenance(equality.value, read.result, resolver);
      if (!source || source.wholeRow || source.columns.length !== 1) continue;
      const column = source.columns[0]!;
      found.set(column, (found.get(column) ?? new Set()).add(equality.constant));
    }
  }
  return found;
}

/** `x === 'default'` (either way round): the value compared and the constant, as `comparedConstant` spells it. */
function constantComparison(condition: TSESTree.Node, operators: readonly string[]): { value: TSESTree.Node; constant: string } | null {
  if (condition.type !== 'BinaryExpression' || !operators.includes(condition.operator) || condition.left.type === 'PrivateIdentifier')
    return null;
  const right = constantText(condition.right);
  if (right !== null) return { value: unwrap(condition.left), constant: right };
  const left = constantText(condition.left);
  return left !== null ? { value: unwrap(condition.right), constant: left } : null;
}

/** A string, number or boolean literal, or an enum member (`ModelSource.DEFAULT`, as written). */
function constantText(node: TSESTree.Node): string | null {
  const inner = unwrap(node);
  if (inner.type === 'Literal' && ['string', 'number', 'boolean'].includes(typeof inner.value)) return String(inner.value);
  if (inner.type === 'TemplateLiteral' && inner.expressions.length === 0) return inner.quasis[0]!.value.cooked ?? null;
  if (isEnumMember(inner)) return enumText(inner as TSESTree.MemberExpression);
  return null;
}

function enumText(node: TSESTree.MemberExpression): string | null {
  const parts: string[] = [];
  let m: TSESTree.Node = node;
  for (; m.type === 'MemberExpression'; m = m.object) {
    if (m.computed || m.property.type !== 'Identifier') return null;
    parts.unshift(m.property.name);
  }
  return m.type === 'Identifier' ? [m.name, ...parts].join('.') : null;
}

/**
 * The constant an equality of the WHERE compares to, as the statement facts write it: `source =
 * 'default'`, `source: "default"`, `active = true`, `kind: ModelKind.CHAT`. Null for anything else
 * (a column, a call, an expression).
 */
function comparedConstant(text: string): string | null {
  const match = /^\s*[\w."`]+\s*(?:=|:)\s*(.+?)\s*$/s.exec(text);
  if (!match) return null;
  const value = match[1]!;
  const quoted = /^(['"`])(.*)\1$/s.exec(value);
  if (quoted) return quoted[2]!;
  if (/^(?:true|false|-?\d+(?:\.\d+)?)$/i.test(value)) return value.toLowerCase();
  return /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+$/.test(value) ? value : null;
}
