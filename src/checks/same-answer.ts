/**
 * Done already, answered as done now: the branch a function takes when the state it would write is there
 * already answers the caller exactly as the path that writes it does, but for the words a person reads
 * (`c.json({ message: 'Already unsubscribed' }, 200)` and `c.json({ message: 'Successfully unsubscribed' },
 * 200)`). The code itself tells its caller nothing about who did it: a request that loses the race to a
 * concurrent one and is answered as the winner is told the truth. A claim answers differently: nothing or
 * an error when it was taken (`if (coupon.usedAt) return;`), a grant when it was won (`return { discount }`).
 */
import type { TSESTree } from '@typescript-eslint/types';
import { contains, isFunction, walk } from '../extract/ast.js';
import { keyName } from '../extract/kit.js';
import type { Step, Unit } from '../flow/index.js';
import type { Predicate } from '../sql/facts.js';
import { columnName } from '../sql/keys.js';
import { isRead, isResponseCall } from './shared.js';

/**
 * `done` (the branch taken when it was done already) and the code after `write` on its way answer alike:
 * each answers, never throws (done), and every answer of one is, but for prose, every answer of the other.
 * `path` is where the write's own answers are looked for (the branch holding it, or the whole function).
 */
export function answersAlike(done: TSESTree.Node, path: TSESTree.Node, write: TSESTree.Node, fn: TSESTree.Node): boolean {
  let throws = false;
  walk(done, (node) => {
    if (node !== done && isFunction(node)) return false;
    if (node.type === 'ThrowStatement') throws = true;
    return !throws;
  });
  if (throws) return false;
  const before = answersIn(done, fn, null);
  const after = answersIn(path, fn, write);
  if (before.length === 0 || after.length === 0) return false;
  const shapes = new Set([...before, ...after].map(shape));
  return shapes.size === 1;
}

/**
 * `done` (the branch taken when it was done already) refuses: it ends in a `throw`, or in an HTTP answer
 * with an error status (`return new Response('Already verified', { status: 400 })`, `res.status(409)`).
 * Of two requests that both passed the test, the one that would have been refused is told it won, but
 * only where the winner is told nothing it could act on (`acknowledgesOnly`).
 */
export function refuses(done: TSESTree.Statement): boolean {
  const last = done.type === 'BlockStatement' ? done.body.at(-1) : done;
  if (last === undefined) return false;
  if (last.type === 'ThrowStatement') return true;
  if (last.type !== 'ReturnStatement' && last.type !== 'ExpressionStatement') return false;
  let error = false;
  walk(last, (node) => {
    if (error || isFunction(node)) return false;
    const status = (n: TSESTree.Node | undefined): boolean =>
      n?.type === 'Literal' && typeof n.value === 'number' && n.value >= 400 && n.value < 600;
    if (node.type === 'Property' && !node.computed && ['status', 'statusCode'].includes(keyName(node) ?? '') && status(node.value))
      error = true;
    if (node.type === 'CallExpression' && isResponseCall(node) && status(node.arguments[0])) error = true;
    return !error;
  });
  return error;
}

/**
 * Every answer `path` gives after `write` is an HTTP answer (`NextResponse.json({ success: true })`,
 * `res.status(200).send()`) that carries nothing `carries` accepts (a value of the row read or
 * written); none at all also qualifies. A value returned to a calling function (`return true`, `return
 * { success: true }`) is not: the caller can act on it, once per request that got it.
 */
export function acknowledgesOnly(
  path: TSESTree.Node,
  fn: TSESTree.Node,
  write: TSESTree.Node,
  carries: (node: TSESTree.Node) => boolean,
): boolean {
  return answersIn(path, fn, write).every((answer) => {
    const call = answer.type === 'AwaitExpression' ? answer.argument : answer;
    const http =
      isResponseCall(call) ||
      (call.type === 'NewExpression' && call.callee.type === 'Identifier' && /Response$/.test(call.callee.name)) ||
      (call.type === 'CallExpression' &&
        call.callee.type === 'MemberExpression' &&
        call.callee.object.type === 'Identifier' &&
        /Response$/.test(call.callee.object.name));
    // A number is data (`{ discount: 50 }`), but for the status (`{ status: 200 }`, `res.status(200)`).
    const statuses = new Set<TSESTree.Node>();
    let carried = false;
    walk(call, (node) => {
      if (carried || isFunction(node)) return false;
      if (node.type === 'Property' && ['status', 'statusCode'].includes(keyName(node) ?? '')) statuses.add(node.value);
      if (node.type === 'CallExpression' && isResponseCall(node) && node.arguments[0]) statuses.add(node.arguments[0]);
      carried = (node !== write && carries(node)) || (node.type === 'Literal' && typeof node.value === 'number' && !statuses.has(node));
      return !carried;
    });
    return http && !carried;
  });
}

/**
 * For a guarded write whose count nobody reads (`updateMany({ where: { id, closedAt: null }, data: {
 * closedAt: new Date() } })`): an earlier read of the same table asked whether the guarded column was set,
 * returned when it was, and that return answers as the path after the write does (`answersAlike`). The
 * guarded columns get a constant (the clock, a literal), so the write is no claim on them by a value, and
 * nothing after it is awaited that the winner alone should do.
 */
export function doneAnsweredAlike(unit: Unit, step: Step, guarded: readonly string[]): boolean {
  const table = step.facts.tablesWritten[0];
  if (table === undefined || guarded.length === 0) return false;
  const constant = (c: string): boolean => step.facts.set.some((a) => columnName(a.column) === columnName(c) && a.constant);
  if (!guarded.every(constant)) return false;
  const write = step.site.node;
  if (awaitsAfter(unit, write)) return false;
  return unit.steps.some(
    (read) =>
      read.index < step.index &&
      isRead(read) &&
      read.facts.tablesRead.includes(table) &&
      read.result.valueTests.some(
        ({ node, columns }) =>
          node.type === 'IfStatement' &&
          node.alternate === null &&
          !contains(node, write) &&
          node.range[1] < write.range[0] &&
          columns !== null &&
          columns.length > 0 &&
          columns.every((c) => guarded.some((g) => columnName(g) === columnName(c))) &&
          answersAlike(node.consequent, unit.node, write, unit.node),
      ),
  );
}

/** The columns a write's guards test (`closed_at IS NULL` -> `closed_at`); empty when one tests no single column. */
export function guardColumns(guards: readonly Predicate[]): string[] {
  return guards.every((p) => p.column !== null) ? guards.map((p) => p.column!) : [];
}

/** An `await` after `node` of a call that runs no statement of the unit (an email, a payment, an API). */
function awaitsAfter(unit: Unit, node: TSESTree.Node): boolean {
  const sites = unit.steps.map((s) => s.site.node);
  let found = false;
  walk(unit.node, (n) => {
    if (found || (n !== unit.node && isFunction(n))) return false;
    if (n.type === 'CatchClause' && !contains(n, node)) return false;
    if (n.type === 'AwaitExpression' && n.range[0] > node.range[1])
      found = !sites.some((site) => contains(n.argument, site) || contains(site, n.argument));
    return !found;
  });
  return found;
}

/**
 * The answers code in `root` gives after `after` (all of them when null): values returned and HTTP
 * answers, outermost first. A `catch` not holding `after` answers a failure, not the outcome; callbacks
 * return to whoever calls them.
 */
function answersIn(root: TSESTree.Node, fn: TSESTree.Node, after: TSESTree.Node | null): TSESTree.Node[] {
  const found: TSESTree.Node[] = [];
  walk(root, (node) => {
    if (node !== fn && node !== root && isFunction(node)) return false;
    if (node.type === 'CatchClause' && (after === null || !contains(node, after))) return false;
    if (after !== null && node.range[1] <= after.range[1] && !contains(node, after)) return false;
    if (node.type === 'ReturnStatement' && node.argument !== null && (after === null || node.range[0] > after.range[1])) {
      found.push(node.argument);
      return false;
    }
    if ((after === null || node.range[0] > after.range[1]) && isResponseCall(node)) {
      found.push(node);
      return false;
    }
    return true;
  });
  return found;
}

/** The answer as text, with every string meant for a person (one with a space in it) made the same. */
function shape(node: TSESTree.Node): string {
  return JSON.stringify(node, (key, value: unknown) => {
    if (IGNORED.has(key)) return undefined;
    if (value !== null && typeof value === 'object') {
      const n = value as { type?: string; value?: unknown; quasis?: { value: { cooked: string | null } }[] };
      if (n.type === 'Literal' && typeof n.value === 'string' && /\s/.test(n.value)) return '<prose>';
      if (n.type === 'TemplateLiteral' && n.quasis?.some((q) => /\s/.test(q.value.cooked ?? ''))) return '<prose>';
    }
    return value;
  });
}

/** Where a node sits (typescript-estree's `range`/`loc`, oxc's `start`/`end`), not what it says. */
const IGNORED = new Set(['range', 'loc', 'start', 'end', 'parent', 'raw']);
