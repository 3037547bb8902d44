import type { TSESTree } from '@typescript-eslint/types';
import { contains, enclosingFunction, isFunction, unwrap } from './ast.js';
import { keyName } from './kit.js';
import type { VariableLike } from './scope.js';

/**
 * What the code does to a variable after its declaration, as seen from one use of it. A variable's
 * initializer is its value only while nothing writes it: `let data = { id }` then
 * `data = { ...data, invoiceId }` or `data.description = d` gives `data` columns its initializer does
 * not have.
 *
 * - `none`: no write reaches the use; the initializer is the value.
 * - `merged`: every write that may reach the use adds to the object without losing what it had
 *   (`x = { ...x, k: v }`, `x.k = v`, `x.k += v`, `x.k++`, `x.k.j = v`), is in the declaring function itself (not
 *   a callback, whose time of running is unknown), and comes before the use; the properties they set,
 *   in source order. A write in a branch counts as made (the object may have the property), unless
 *   the branch returns or throws after it.
 * - `unknown`: some write replaces the value (`x = other`, `x += s`, a destructuring or loop target),
 *   removes a property, writes through a computed member, runs in a callback, or may run
 *   after the use (later in the function, in a loop around both).
 */
export type VariableWrites =
  { kind: 'none' } | { kind: 'merged'; properties: (TSESTree.Property | TSESTree.SpreadElement)[] } | { kind: 'unknown' };

interface ReferenceLike {
  identifier: TSESTree.Node;
  isWrite?: () => boolean;
}

export function variableWrites(variable: VariableLike, declarator: TSESTree.VariableDeclarator, use: TSESTree.Node): VariableWrites {
  const home = enclosingFunction(declarator);
  const writes: { at: TSESTree.Node; properties: (TSESTree.Property | TSESTree.SpreadElement)[] }[] = [];
  for (const reference of variable.references as readonly ReferenceLike[]) {
    const id = reference.identifier;
    if (id === declarator.id || id === use) continue;
    const write = writeOf(id, reference, variable);
    if (write === null) continue;
    if (write === 'unknown') return { kind: 'unknown' };
    if (write.at.range[0] >= use.range[0]) {
      // After the use: reaches it only around a loop that holds both.
      if (inLoopWith(write.at, use, home)) return { kind: 'unknown' };
      continue;
    }
    if (enclosingFunction(write.at) !== home) return { kind: 'unknown' };
    if (leavesBefore(write.at, use)) continue;
    writes.push(write);
  }
  if (writes.length === 0) return { kind: 'none' };
  writes.sort((a, b) => a.at.range[0] - b.at.range[0]);
  return { kind: 'merged', properties: writes.flatMap((w) => w.properties) };
}

/** The write an identifier reference makes, if any: the properties it adds, or `unknown`. */
function writeOf(
  id: TSESTree.Node,
  reference: ReferenceLike,
  variable: VariableLike,
): { at: TSESTree.Node; properties: (TSESTree.Property | TSESTree.SpreadElement)[] } | 'unknown' | null {
  let outer: TSESTree.Node = id;
  while (outer.parent && (outer.parent.type === 'TSNonNullExpression' || outer.parent.type === 'TSAsExpression')) {
    outer = outer.parent;
  }
  const parent = outer.parent;
  if (parent?.type === 'AssignmentExpression' && parent.left === outer) {
    const right = unwrap(parent.right);
    if (parent.operator !== '=' || right.type !== 'ObjectExpression') return 'unknown';
    const [first, ...rest] = right.properties;
    const self = first?.type === 'SpreadElement' ? unwrap(first.argument) : null;
    if (!self || !variable.references.some((r) => r.identifier === self)) return 'unknown';
    return { at: parent, properties: rest };
  }
  if (reference.isWrite ? reference.isWrite() : parent?.type === 'UpdateExpression') return 'unknown';
  if (parent?.type !== 'MemberExpression' || parent.object !== outer) return null;
  // `x.k = v`, `x.k += v`, `x.k++`, `delete x.k`; `x.k.j = v` changes what `x.k` holds.
  const member = parent;
  const above = member.parent;
  const written =
    (above?.type === 'AssignmentExpression' && above.left === member) ||
    (above?.type === 'UpdateExpression' && above.argument === member) ||
    (above?.type === 'UnaryExpression' && above.operator === 'delete');
  const nested = written ? null : nestedWrite(member);
  if (!written && !nested) return null;
  if (above?.type === 'UnaryExpression' && written) return 'unknown';
  const key = member.computed && member.property.type !== 'Literal' ? null : keyName({ key: member.property, computed: false });
  if (key === null) return 'unknown';
  const at = (nested ?? above) as TSESTree.Node;
  // The value assigned; for `+=`, `++` and a write inside the value, the write itself, which no reader takes for a value.
  const value = !nested && above?.type === 'AssignmentExpression' && above.operator === '=' ? above.right : at;
  const property = {
    type: 'Property',
    key: member.property,
    value,
    computed: false,
    kind: 'init',
    method: false,
    shorthand: false,
    optional: false,
    range: at.range,
    loc: at.loc,
    parent: at,
  } as unknown as TSESTree.Property;
  return { at, properties: [property] };
}

/** `x.a.b = v` / `x.a.b++` / `delete x.a.b`: the write inside a property's value, if this member is written through. */
function nestedWrite(member: TSESTree.MemberExpression): TSESTree.Node | null {
  let node: TSESTree.Node = member;
  while (node.parent?.type === 'MemberExpression' && node.parent.object === node) node = node.parent;
  if (node === member) return null;
  const above = node.parent;
  const writes =
    (above?.type === 'AssignmentExpression' && above.left === node) ||
    (above?.type === 'UpdateExpression' && above.argument === node) ||
    (above?.type === 'UnaryExpression' && above.operator === 'delete');
  return writes ? above : null;
}

/** The write is followed, in a block the use is not in, by a `return` or `throw`: it never reaches the use. */
function leavesBefore(write: TSESTree.Node, use: TSESTree.Node): boolean {
  for (let node = write; node.parent && !contains(node.parent, use) && !isFunction(node.parent); node = node.parent) {
    const parent = node.parent;
    const body: readonly TSESTree.Node[] | null =
      parent.type === 'BlockStatement' || parent.type === 'Program' ? parent.body : parent.type === 'SwitchCase' ? parent.consequent : null;
    if (body?.slice(body.indexOf(node) + 1).some((s) => s.type === 'ReturnStatement' || s.type === 'ThrowStatement')) return true;
  }
  return false;
}

const LOOPS = new Set(['ForStatement', 'ForInStatement', 'ForOfStatement', 'WhileStatement', 'DoWhileStatement']);

function inLoopWith(write: TSESTree.Node, use: TSESTree.Node, home: TSESTree.Node | null): boolean {
  for (let node = write.parent; node && node !== home; node = node.parent) {
    if (LOOPS.has(node.type) && contains(node, use)) return true;
  }
  // A callback may run again after the use (an event handler, a retried function).
  return enclosingFunction(write) !== home;
}
