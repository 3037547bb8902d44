/**
 * Caller-owned transaction state. A function whose connection is one of its parameters
 * (`lockSeat(client, id)`) runs in whatever state the connection its callers pass is in. Its own
 * analysis cannot tell (the state is 'unknown' and the lock rules stay quiet); its callers can. When
 * there is at least one call of it in the project and every call passes a connection inside a
 * transaction, it runs in a transaction; when every call passes a pool or a connection outside one,
 * it runs outside. Anything else (mixed callers, a call the analysis cannot resolve, the function
 * handed to other code as a value, no call at all: an export used from outside the project) stays
 * unknown.
 *
 * Each module yields a call inventory once, from the units its flow already built: the calls of
 * summarised functions, with the state of the connection argument at each. A connection that is the
 * calling function's own parameter is answered by that function's callers in turn (bounded depth,
 * cycles unknown). The project finds the modules that may call a function (src/project).
 */
import type { TSESTree } from '@typescript-eslint/types';
import {
  functionName,
  inExclusiveBranches,
  isFunction,
  leavesBefore,
  propertyName,
  someNode,
  unwrap,
  walk,
  type FunctionNode,
} from '../extract/ast.js';
import { isWrite } from '../sql/facts.js';
import { reportsAfter } from './answers.js';
import type { Resolver } from '../extract/scope.js';
import { parameterIndex } from './summaries.js';
import type { Step, Unit } from './types.js';

/** A call of a summarised function, for one connection parameter of it. */
export interface CallRecord {
  /** `functionKey` of the function called. */
  target: string;
  param: number;
  line: number;
  /** The state of the connection argument at the call. */
  state: 'open' | 'none' | 'unknown';
  /** When the argument is a parameter of the calling function: that function and parameter (its callers decide). */
  via: CallerTarget | null;
}

/** A function's connection parameter whose callers are asked. */
export interface CallerTarget {
  key: string;
  /** The name its callers call it by (a method's name for `repo.lockSeat(...)`). */
  name: string;
  param: number;
}

/** What a module's calls say about the functions they call (plain data, kept with the module's summaries). */
export interface CallInventory {
  calls: CallRecord[];
  /** Calls that reach each summarised function, by its key. */
  callsTo: Map<string, number>;
  /** Calls by the name of the callee as written (`lockSeat(...)`, `repo.lockSeat(...)`): all of them, and those resolved. */
  callNames: Map<string, { all: number; resolved: number }>;
  /** Names handed to other code as values (`withTransaction(lockSeat)`, `{ handler: lockSeat }`): calls the analysis cannot see. */
  escapes: Set<string>;
  /** Of `callsTo`, the calls that go on the same whatever the function did (see `indifferentCall`), by the function's key. */
  indifferent: Map<string, number>;
}

export interface CallerVerdict {
  state: 'open' | 'none';
  /** How many calls decided it, and one of them. */
  calls: number;
  example: { file: string; line: number };
}

/** For a function and one of its parameters: what its callers pass, when they agree. */
export type CallerOracle = (fn: FunctionNode, param: number) => CallerVerdict | null;

/** How many functions deep a parameter handed on from caller to caller is followed. */
export const MAX_CALLER_DEPTH = 4;

/** The identity of a function across the project: its file, the line that declares it, its name. */
export function functionKey(file: string, line: number, name: string): string {
  return `${file}:${line}:${name}`;
}

export function callInventory(program: TSESTree.Program, units: readonly Unit[], resolver: Resolver | null, file: string): CallInventory {
  // For each call and connection parameter: the state seen in the innermost unit holding the call.
  const best = new Map<string, { record: CallRecord; size: number }>();
  const callsTo = new Map<string, Set<TSESTree.Node>>();
  // For each call: whether the caller goes on the same whatever it did, in the innermost unit holding the call.
  const indifference = new Map<string, { target: string; size: number; indifferent: boolean }>();
  for (const unit of units) {
    const size = unit.node.range[1] - unit.node.range[0];
    for (const step of unit.steps) {
      const derived = step.site.derived;
      if (!derived) continue;
      const target = functionKey(derived.file ?? file, derived.declaredAt, derived.function);
      const reached = callsTo.get(target) ?? new Set<TSESTree.Node>();
      reached.add(step.site.node);
      callsTo.set(target, reached);
      const call = `${step.site.node.range[0]}:${target}`;
      const seen = indifference.get(call);
      if (!seen || seen.size > size) indifference.set(call, { target, size, indifferent: indifferentCall(unit, step) });
      else if (seen.size === size) seen.indifferent &&= indifferentCall(unit, step);
      if (derived.connectionParam === null || step.site.connection === null) continue;
      const id = `${step.site.node.range[0]}:${target}:${derived.connectionParam}`;
      const previous = best.get(id);
      if (previous && previous.size <= size) continue;
      const state = step.transaction.state;
      best.set(id, {
        size,
        record: {
          target,
          param: derived.connectionParam,
          line: step.site.node.loc.start.line,
          state,
          via: state === 'unknown' && unit.node.type !== 'Program' ? viaParameter(unit.node, step.site.connection, resolver, file) : null,
        },
      });
    }
  }
  // The first statement of a call on a connection carries the state at the call; a later one may follow the function's own BEGIN.
  const calls = [...best.values()].map((b) => b.record);
  const resolvedCalls = new Set([...callsTo.values()].flatMap((s) => [...s]));
  const callNames = new Map<string, { all: number; resolved: number }>();
  const escapes = new Set<string>();
  walk(program, (node) => {
    if (node.type === 'CallExpression') {
      const callee = unwrap(node.callee);
      const name = callee.type === 'Identifier' ? callee.name : callee.type === 'MemberExpression' ? propertyName(callee) : null;
      if (name !== null) {
        const counts = callNames.get(name) ?? { all: 0, resolved: 0 };
        counts.all++;
        if (resolvedCalls.has(node)) counts.resolved++;
        callNames.set(name, counts);
      }
      for (const argument of node.arguments) escape(argument);
    }
    if (node.type === 'ArrayExpression') node.elements.forEach((e) => e && escape(e));
    if (node.type === 'Property' && node.parent?.type === 'ObjectExpression' && !isExportsObject(node.parent)) escape(node.value);
    return true;
  });
  const indifferent = new Map<string, number>();
  for (const { target, indifferent: yes } of indifference.values()) if (yes) indifferent.set(target, (indifferent.get(target) ?? 0) + 1);
  return { calls, callsTo: new Map([...callsTo].map(([k, v]) => [k, v.size])), callNames, escapes, indifferent };

  function escape(value: TSESTree.Node): void {
    const inner = unwrap(value);
    if (inner.type === 'Identifier') escapes.add(inner.name);
    if (inner.type === 'MemberExpression') {
      const name = propertyName(inner);
      if (name !== null) escapes.add(name);
    }
  }
}

function viaParameter(fn: FunctionNode, connection: TSESTree.Node, resolver: Resolver | null, file: string): CallerTarget | null {
  if (!resolver) return null;
  const param = parameterIndex(fn, connection, resolver);
  return param === null ? null : { key: functionKey(file, fn.loc.start.line, functionName(fn)), name: functionName(fn), param };
}

/** `module.exports = { a, b }` / `exports.x = { ... }`: an export, which the project follows, not a value handed away. */
function isExportsObject(object: TSESTree.ObjectExpression): boolean {
  const parent = object.parent;
  if (parent?.type !== 'AssignmentExpression' || parent.right !== object) return false;
  const left = parent.left;
  const root = left.type === 'MemberExpression' ? unwrap(left.object) : null;
  return (
    (root?.type === 'Identifier' && (root.name === 'module' || root.name === 'exports')) ||
    (root?.type === 'MemberExpression' && unwrap(root.object).type === 'Identifier')
  );
}

/**
 * The modules that may call a function by that name, with their inventories (null: one that could not
 * be read); null when the project's modules are not known, so no set of callers is complete.
 */
export type CallerModules = (name: string) => readonly { file: string; inventory: CallInventory | null }[] | null;

/**
 * What every call of a function in the project passes for one of its connection parameters, when
 * all of them agree and there is at least one.
 */
export function callerVerdict(target: CallerTarget, modules: CallerModules, depth = 0, visiting = new Set<string>()): CallerVerdict | null {
  const id = `${target.key}#${target.param}`;
  if (depth > MAX_CALLER_DEPTH || visiting.has(id)) return null;
  visiting.add(id);
  try {
    let state: CallerVerdict['state'] | null = null;
    let calls = 0;
    let example: CallerVerdict['example'] | null = null;
    const candidates = modules(target.name);
    if (candidates === null) return null;
    for (const { file, inventory } of candidates) {
      if (!inventory) return null;
      const named = inventory.callNames.get(target.name);
      // A call by this name that reaches no known function may be a call of this one.
      if (inventory.escapes.has(target.name) || (named && named.all > named.resolved)) return null;
      const reached = inventory.callsTo.get(target.key) ?? 0;
      const records = inventory.calls.filter((r) => r.target === target.key && r.param === target.param);
      if (records.length !== reached) return null;
      for (const record of records) {
        let passed: CallerVerdict['state'];
        if (record.state !== 'unknown') passed = record.state;
        else {
          const handed = record.via ? callerVerdict(record.via, modules, depth + 1, visiting) : null;
          if (!handed) return null;
          passed = handed.state;
        }
        if (state !== null && passed !== state) return null;
        state = passed;
        calls++;
        example ??= { file, line: record.line };
      }
    }
    return state !== null && example !== null ? { state, calls, example } : null;
  } finally {
    visiting.delete(id);
  }
}

/**
 * A call whose caller goes on the same whatever the function did: it swallows the function's failure
 * (`await refund(id).catch((e) => log(e))`, a handler that does not throw), drops its value, and
 * answers nothing and writes nothing after it (a `throw`, a log, the end of the function). Had the
 * function checked its count and thrown, or returned it, this caller would not have looked.
 */
function indifferentCall(unit: Unit, step: Step): boolean {
  const call = step.site.node;
  if (!swallowed(call)) return false;
  if (reportsAfter(unit, step)) return false;
  return !unit.steps.some(
    (s) =>
      s.index > step.index &&
      s.site.node !== call &&
      isWrite(s.facts) &&
      !inExclusiveBranches(call, s.site.node) &&
      !leavesBefore(call, s.site.node),
  );
}

/** `await f().catch(handler)`, `f().catch(handler)`, `void f().catch(handler)` as a statement, the handler throwing nothing. */
function swallowed(call: TSESTree.Node): boolean {
  const member = call.parent;
  if (member?.type !== 'MemberExpression' || member.object !== call || propertyName(member) !== 'catch') return false;
  const caught = member.parent;
  if (caught?.type !== 'CallExpression' || caught.callee !== member || caught.arguments.length !== 1) return false;
  const handler = caught.arguments[0]!;
  if (!isFunction(handler) || throwsIn(handler)) return false;
  let value: TSESTree.Node = caught;
  if (value.parent?.type === 'AwaitExpression' || (value.parent?.type === 'UnaryExpression' && value.parent.operator === 'void'))
    value = value.parent;
  return value.parent?.type === 'ExpressionStatement';
}

function throwsIn(fn: TSESTree.Node): boolean {
  return someNode(fn, (node) => node.type === 'ThrowStatement', isFunction);
}

/**
 * How many calls of the function the project makes, when every one is indifferent to what it did (see
 * `indifferentCall`) and there is at least one; null when one is not, or when a call may be missed (a
 * call by its name the analysis could not resolve, the function handed to other code as a value,
 * modules not known).
 */
export function indifferentCallers(target: { key: string; name: string }, modules: CallerModules): number | null {
  const candidates = modules(target.name);
  if (candidates === null) return null;
  let calls = 0;
  for (const { inventory } of candidates) {
    if (!inventory) return null;
    const named = inventory.callNames.get(target.name);
    if (inventory.escapes.has(target.name) || (named && named.all > named.resolved)) return null;
    const reached = inventory.callsTo.get(target.key) ?? 0;
    if ((inventory.indifferent.get(target.key) ?? 0) !== reached) return null;
    calls += reached;
  }
  return calls > 0 ? calls : null;
}
