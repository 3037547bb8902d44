/** Small, dependency-free helpers over typescript-estree nodes. */
import type { TSESTree } from '@typescript-eslint/types';
import { visitorKeys } from '@typescript-eslint/visitor-keys';

export type FunctionNode = TSESTree.FunctionDeclaration | TSESTree.FunctionExpression | TSESTree.ArrowFunctionExpression;

export function isFunction(node: TSESTree.Node): node is FunctionNode {
  return node.type === 'FunctionDeclaration' || node.type === 'FunctionExpression' || node.type === 'ArrowFunctionExpression';
}

/** The innermost function the node is written in (not the node itself), or null at the module's top level. */
export function enclosingFunction(node: TSESTree.Node): FunctionNode | null {
  for (let current = node.parent; current; current = current.parent) if (isFunction(current)) return current;
  return null;
}

/** Strip what does not change a value: `await`, parentheses, `as`, `!`, `satisfies`, `<T>x`. */
export function unwrap(node: TSESTree.Node): TSESTree.Node {
  let current = node;
  for (;;) {
    switch (current.type) {
      case 'AwaitExpression':
      case 'TSAsExpression':
      case 'TSNonNullExpression':
      case 'TSSatisfiesExpression':
      case 'TSTypeAssertion':
        current = current.type === 'AwaitExpression' ? current.argument : current.expression;
        continue;
      case 'ChainExpression':
        current = current.expression;
        continue;
      default:
        return current;
    }
  }
}

/** The static name of a member's property: `a.b` and `a['b']` give `b`. */
export function propertyName(node: TSESTree.MemberExpression): string | null {
  if (!node.computed && node.property.type === 'Identifier') return node.property.name;
  if (node.property.type === 'Literal' && typeof node.property.value === 'string') return node.property.value;
  return null;
}

/** The value of `name: value` (or `'name': value`) in an object literal. */
export function objectProperty(object: TSESTree.ObjectExpression, name: string): TSESTree.Node | null {
  for (const p of object.properties) {
    if (p.type !== 'Property' || p.computed) continue;
    const key = p.key.type === 'Identifier' ? p.key.name : p.key.type === 'Literal' ? String(p.key.value) : null;
    if (key === name) return p.value;
  }
  return null;
}

/** The rightmost name of an expression: `pool` for `this.db.pool`, `x` for `x`. */
export function tailName(node: TSESTree.Node): string | null {
  const inner = unwrap(node);
  if (inner.type === 'Identifier') return inner.name;
  if (inner.type === 'MemberExpression') return propertyName(inner);
  if (inner.type === 'ThisExpression') return 'this';
  return null;
}

/** Source-like text of a simple expression (`this.pool`, `db.client`), for identities and messages. */
export function expressionPath(node: TSESTree.Node): string | null {
  const inner = unwrap(node);
  if (inner.type === 'Identifier') return inner.name;
  if (inner.type === 'ThisExpression') return 'this';
  if (inner.type === 'MemberExpression') {
    const object = expressionPath(inner.object);
    const property = propertyName(inner);
    return object !== null && property !== null ? `${object}.${property}` : null;
  }
  return null;
}

/** The name of a type reference: `PoolClient` for `pg.PoolClient` and `PoolClient<X>`. */
export function typeName(node: TSESTree.TypeNode | null): string | null {
  if (!node || node.type !== 'TSTypeReference') return null;
  const name = node.typeName;
  if (name.type === 'Identifier') return name.name;
  if (name.type === 'TSQualifiedName') return name.right.name;
  return null;
}

/**
 * Visit every node below `root` (including it) in source order. Return false from `enter` to skip children.
 * The analysis walks whole programs several times (the loop itself was a tenth of the audit's CPU): two parallel
 * stacks, children pushed last first, with no array or pair allocated per node.
 */
export function walk(root: TSESTree.Node, enter: (node: TSESTree.Node, parent: TSESTree.Node | null) => boolean | void): void {
  const nodes: TSESTree.Node[] = [root];
  const parents: (TSESTree.Node | null)[] = [null];
  while (nodes.length > 0) {
    const node = nodes.pop()!;
    const parent = parents.pop()!;
    if (enter(node, parent) === false) continue;
    const keys = visitorKeys[node.type];
    if (keys === undefined) continue;
    for (let k = keys.length - 1; k >= 0; k--) {
      const value = (node as unknown as Record<string, unknown>)[keys[k]!];
      if (Array.isArray(value)) {
        for (let i = value.length - 1; i >= 0; i--) {
          const item: unknown = value[i];
          if (isNode(item)) {
            nodes.push(item);
            parents.push(node);
          }
        }
      } else if (isNode(value)) {
        nodes.push(value);
        parents.push(node);
      }
    }
  }
}

/**
 * Whether `is` holds for a node below `root` (including it), visited as `walk` does and stopping at the
 * first; `skip` leaves out a node below `root` and everything under it (a nested function, say).
 */
export function someNode(root: TSESTree.Node, is: (node: TSESTree.Node) => boolean, skip?: (node: TSESTree.Node) => boolean): boolean {
  let found = false;
  walk(root, (node) => {
    if (found || (node !== root && skip !== undefined && skip(node))) return false;
    found = is(node);
    return !found;
  });
  return found;
}

function isNode(value: unknown): value is TSESTree.Node {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}

const callLists = new WeakMap<TSESTree.Node, readonly TSESTree.CallExpression[]>();

/** `a && b && c` -> [a, b, c] (or the alternatives of `||`), parentheses and casts looked through. */
export function logicalParts(expression: TSESTree.Node, operator: '&&' | '||'): TSESTree.Node[] {
  const inner = unwrap(expression);
  return inner.type === 'LogicalExpression' && inner.operator === operator
    ? [...logicalParts(inner.left, operator), ...logicalParts(inner.right, operator)]
    : [inner];
}

/**
 * Every call under `root` (nested functions included), in the order `walk` meets them; remembered per
 * node, since a file's model walks its program and its functions for calls once per round of summaries.
 */
export function callsWithin(root: TSESTree.Node): readonly TSESTree.CallExpression[] {
  let calls = callLists.get(root);
  if (!calls) {
    const found: TSESTree.CallExpression[] = [];
    walk(root, (node) => {
      if (node.type === 'CallExpression') found.push(node);
    });
    callLists.set(root, (calls = found));
  }
  return calls;
}

const returnLists = new WeakMap<TSESTree.Node, readonly TSESTree.ReturnStatement[]>();

/** The `return` statements of a function's own body (not of functions nested in it), in source order. */
export function returnsOf(fn: FunctionNode): readonly TSESTree.ReturnStatement[] {
  let returns = returnLists.get(fn);
  if (!returns) {
    const found: TSESTree.ReturnStatement[] = [];
    walk(fn.body, (node) => {
      if (node !== fn && isFunction(node)) return false;
      if (node.type === 'ReturnStatement') found.push(node);
      return true;
    });
    returnLists.set(fn, (returns = found));
  }
  return returns;
}

/** Set `parent` on every node, for ASTs parsed without parent links (ESLint's always have them). */
export function ensureParents(program: TSESTree.Program): void {
  const first = program.body[0];
  if (!first || first.parent !== undefined) return;
  walk(program, (node, parent) => {
    if (parent) (node as { parent: TSESTree.Node }).parent = parent;
  });
}

export function contains(outer: TSESTree.Node, inner: TSESTree.Node): boolean {
  return outer.range[0] <= inner.range[0] && inner.range[1] <= outer.range[1];
}

const LOOPS = new Set(['ForStatement', 'ForInStatement', 'ForOfStatement', 'WhileStatement', 'DoWhileStatement']);

/** A `for`, `for...in`, `for...of`, `while` or `do...while` statement. */
export function isLoop(node: TSESTree.Node): boolean {
  return LOOPS.has(node.type);
}

/**
 * The loop a branch leaves by its last statement, an unlabelled `break` (`if (rows.length === 0) break`):
 * what follows that loop runs whether the branch was taken or not. Null when the branch ends otherwise,
 * when its `break` leaves a `switch`, or when the nodes carry no parents.
 */
export function loopBrokenOutOf(branch: TSESTree.Statement): TSESTree.Node | null {
  const last = branch.type === 'BlockStatement' ? branch.body.at(-1) : branch;
  if (last?.type !== 'BreakStatement' || last.label !== null) return null;
  for (let up: TSESTree.Node | undefined = last.parent; up && !isFunction(up); up = up.parent) {
    if (LOOPS.has(up.type)) return up;
    if (up.type === 'SwitchStatement') return null;
  }
  return null;
}

/**
 * `a` and `b` sit in different branches of one `if` or `?:` (`if (intent === 'accept') { read } else
 * { write }`), or in two cases of one `switch` that do not fall through into each other, so one run of
 * the function reaches at most one of them. Not when a loop between that
 * `if` and the function around it can take the other branch on a later turn, and not when the nodes
 * carry no parents (then nothing is known).
 */
/**
 * `await Promise.all([a(), ...(ok ? [b()] : []), c()])`: `a` and `b` sit in different elements of the
 * array a promise combinator (`all`, `allSettled`, `race`, `any`) is handed. Every element is started
 * before any is awaited, so what one of them tests (or throws) cannot stop another.
 */
export function startedTogether(a: TSESTree.Node, b: TSESTree.Node): boolean {
  for (let child = a, parent = a.parent; parent && !isFunction(parent); child = parent, parent = parent.parent) {
    if (parent.type !== 'ArrayExpression' || !contains(parent, b)) continue;
    if (contains(child, b)) return false;
    // The array, or an array spread into it (`...(ok ? [b()] : [])`), up to the combinator's call.
    let outer: TSESTree.Node = parent;
    while (
      outer.parent &&
      (outer.parent.type === 'ArrayExpression' ||
        outer.parent.type === 'SpreadElement' ||
        outer.parent.type === 'ConditionalExpression' ||
        outer.parent.type === 'LogicalExpression' ||
        outer.parent.type === 'TSAsExpression')
    )
      outer = outer.parent;
    const call = outer.parent;
    if (call?.type !== 'CallExpression' || call.arguments[0] !== outer) return false;
    const callee = unwrap(call.callee);
    return (
      callee.type === 'MemberExpression' &&
      callee.object.type === 'Identifier' &&
      callee.object.name === 'Promise' &&
      ['all', 'allSettled', 'race', 'any'].includes(propertyName(callee) ?? '')
    );
  }
  return false;
}

export function inExclusiveBranches(a: TSESTree.Node, b: TSESTree.Node): boolean {
  const branchOf = new Map<TSESTree.Node, TSESTree.Node>();
  for (let child = a, parent = a.parent; parent; child = parent, parent = parent.parent) {
    branchOf.set(parent, child);
    if (isFunction(parent)) break;
  }
  for (let child = b, parent = b.parent; parent; child = parent, parent = parent.parent) {
    const fromA = branchOf.get(parent);
    if (fromA === undefined) {
      if (isFunction(parent)) return false;
      continue;
    }
    const split =
      ((parent.type === 'IfStatement' || parent.type === 'ConditionalExpression') &&
        fromA !== child &&
        fromA !== parent.test &&
        child !== parent.test) ||
      (parent.type === 'SwitchStatement' && separateCases(parent, fromA, child));
    if (!split) return fromA !== child && returnsFirst(fromA, child, a) && bodyOf(parent) !== null;
    for (let up = parent.parent; up && !isFunction(up); up = up.parent) if (LOOPS.has(up.type)) return false;
    return true;
  }
  return false;
}

/**
 * `if (action === 'connect') { read; ...; return }`, then `b` after that `if` in the same block: the
 * branch that holds `a` returns or throws on every path (its last statement does), so a run that reaches
 * `a` never gets to `b`. `return` leaves the function whatever loop is around it.
 */
function returnsFirst(statement: TSESTree.Node, later: TSESTree.Node, a: TSESTree.Node): boolean {
  if (statement.type !== 'IfStatement' || statement.range[1] > later.range[0] || contains(statement.test, a)) return false;
  const branch = contains(statement.consequent, a) ? statement.consequent : statement.alternate;
  if (branch === null) return false;
  const last = branch.type === 'BlockStatement' ? branch.body.at(-1) : branch;
  if (last?.type !== 'ReturnStatement' && last?.type !== 'ThrowStatement') return false;
  // A `continue` or `break` in the branch could leave it for the loop around, and reach `later` on a later turn.
  return !jumps(branch);
}

/**
 * Every run that reaches `a` leaves the function before it gets to `b`, a later node of the same function:
 * a `return` or `throw` follows `a` in a block around it before anything holding `b` (`await fail(); return;`,
 * then more code), and nothing sends the run back to `b` on the way out: no `finally` holding `b`, no
 * `catch` holding or preceding `b` that a throw between `a` and the exit could enter (only `a` itself
 * runs between them when the exit is a plain `return` right after `a`'s statement), and no `break` or
 * `continue` before the exit.
 */
export function leavesBefore(a: TSESTree.Node, b: TSESTree.Node): boolean {
  if (b.range[0] < a.range[1]) return false;
  // A `return` in a callback leaves only the callback: what follows the call that runs it goes on.
  let fn: TSESTree.Node | undefined = a.parent;
  while (fn && !isFunction(fn)) fn = fn.parent;
  if (fn && !contains(fn, b)) return false;
  let immediate = true;
  for (
    let child: TSESTree.Node = a, parent: TSESTree.Node | undefined = a.parent;
    parent && !isFunction(parent);
    child = parent, parent = parent.parent
  ) {
    const body = bodyOf(parent);
    if (body === null) {
      if (contains(parent, b)) return false;
      continue;
    }
    for (const next of body.slice(body.indexOf(child) + 1)) {
      if (contains(next, b)) return false;
      if (next.type === 'ReturnStatement' || next.type === 'ThrowStatement') return exitHolds(next, b, immediate && plainReturn(next));
      if (jumps(next)) return false;
      immediate = false;
    }
    if (contains(parent, b)) return false;
  }
  return false;
}

/** The exit leaves the function without passing `b`: see `leavesBefore`. */
function exitHolds(exit: TSESTree.ReturnStatement | TSESTree.ThrowStatement, b: TSESTree.Node, immediate: boolean): boolean {
  for (
    let child: TSESTree.Node = exit, parent: TSESTree.Node | undefined = exit.parent;
    parent && !isFunction(parent);
    child = parent, parent = parent.parent
  ) {
    if (parent.type !== 'TryStatement') continue;
    if (parent.finalizer && child !== parent.finalizer && contains(parent.finalizer, b)) return false;
    // A throw in the `try` goes to its `catch`, and on after the statement.
    if (child === parent.block && parent.handler && (exit.type === 'ThrowStatement' || !immediate)) return false;
  }
  return true;
}

/** `return;`, `return value`: nothing in it can throw. */
function plainReturn(node: TSESTree.Node): boolean {
  if (node.type !== 'ReturnStatement') return false;
  const argument = node.argument;
  return argument === null || argument.type === 'Identifier' || argument.type === 'Literal';
}

/** A `break` or `continue` in the statement (not in a function nested in it) that may leave for elsewhere. */
function jumps(statement: TSESTree.Node): boolean {
  // Asked of the same statements for every pair of steps of a unit (`laterWrites`): walked once each.
  const known = jumping.get(statement);
  if (known !== undefined) return known;
  let found = false;
  walk(statement, (node) => {
    if (found || (node !== statement && isFunction(node))) return false;
    found = node.type === 'BreakStatement' || node.type === 'ContinueStatement';
    return !found;
  });
  jumping.set(statement, found);
  return found;
}
const jumping = new WeakMap<TSESTree.Node, boolean>();

function bodyOf(node: TSESTree.Node): readonly TSESTree.Node[] | null {
  if (node.type === 'BlockStatement' || node.type === 'Program' || node.type === 'StaticBlock') return node.body;
  if (node.type === 'SwitchCase') return node.consequent;
  return null;
}

/**
 * Two cases of one `switch`, the earlier of which (and every case between them) leaves before the
 * next case begins (`break`, `return`, `throw`, `continue` last): no run falls through from one to the
 * other.
 */
function separateCases(switchNode: TSESTree.SwitchStatement, a: TSESTree.Node, b: TSESTree.Node): boolean {
  const i = switchNode.cases.indexOf(a as TSESTree.SwitchCase);
  const j = switchNode.cases.indexOf(b as TSESTree.SwitchCase);
  if (i === -1 || j === -1 || i === j) return false;
  return switchNode.cases.slice(Math.min(i, j), Math.max(i, j)).every((c) => endsByLeaving(c.consequent));
}

type Leaving = ReadonlySet<string>;
/** Leaving the function: `return`, `throw`. */
export const LEAVES_FUNCTION: Leaving = new Set(['ReturnStatement', 'ThrowStatement']);
/** Leaving the function or the loop's turn: also `continue`. */
export const LEAVES_TURN: Leaving = new Set([...LEAVES_FUNCTION, 'ContinueStatement']);
/** Leaving the function, the loop's turn or the loop (or a `switch` case): also `break`. */
export const LEAVES_LOOP: Leaving = new Set([...LEAVES_TURN, 'BreakStatement']);

function endsByLeaving(statements: readonly TSESTree.Statement[], how: Leaving = LEAVES_LOOP): boolean {
  const last = statements.at(-1);
  if (!last) return false;
  if (last.type === 'BlockStatement') return endsByLeaving(last.body, how);
  return how.has(last.type);
}

/** The branch (a block or one statement) ends by leaving as `how` says: its last statement, looked for inside nested blocks. */
export function branchLeaves(branch: TSESTree.Statement, how: Leaving): boolean {
  return endsByLeaving([branch], how);
}

/** A readable name for a function: its declared name, the variable/property/method it is bound to. */
export function functionName(fn: FunctionNode | null): string {
  if (!fn) return '<module>';
  if (fn.id) return fn.id.name;
  const parent = fn.parent;
  if (parent?.type === 'VariableDeclarator' && parent.id.type === 'Identifier') return parent.id.name;
  if (
    (parent?.type === 'Property' || parent?.type === 'MethodDefinition' || parent?.type === 'PropertyDefinition') &&
    parent.key.type === 'Identifier'
  ) {
    return parent.key.name;
  }
  if (parent?.type === 'AssignmentExpression') return expressionPath(parent.left) ?? '<anonymous>';
  if (parent?.type === 'CallExpression') {
    const callee = parent.callee.type === 'MemberExpression' ? propertyName(parent.callee) : tailName(parent.callee);
    const first = parent.arguments[0];
    const label = first?.type === 'Literal' && typeof first.value === 'string' ? ` ${first.value}` : '';
    return `${callee ?? '<call>'}(${label.trim()}) callback`;
  }
  return '<anonymous>';
}

/** `new Date()`, `Date.now()`: the clock read in JavaScript, the same value for every request. */
export function isClock(node: TSESTree.Node): boolean {
  const inner = unwrap(node);
  if (inner.type === 'NewExpression' && inner.callee.type === 'Identifier' && inner.callee.name === 'Date' && inner.arguments.length === 0)
    return true;
  if (
    inner.type === 'CallExpression' &&
    inner.callee.type === 'MemberExpression' &&
    inner.callee.object.type === 'Identifier' &&
    inner.callee.object.name === 'Date' &&
    propertyName(inner.callee) === 'now'
  )
    return true;
  return false;
}
