/**
 * Which of a function's parameters the row an UPDATE or DELETE of it is aimed at comes from. A called
 * function often finds the row it writes itself: `const invitee = await Collective.findByPk(
 * params.memberId)`, then `invitee.update(...)`. The row written is then the one its own read looked
 * up, by values its caller passes in `params.memberId`; a caller that tested another row (`account`,
 * handed in another argument) did not test the row written.
 *
 * Only a row the function finds itself counts: a key it is handed (`where: { id: environment.id }`) names
 * whatever row the caller chose, possibly the one it read. The origins are followed through the
 * function's own code: variables and their assignments, object
 * literals (by property), loops over a parameter, reads of its own (by the values they look rows up
 * by), rows it creates (fresh: from no parameter), and other calls (by their arguments). Anything else
 * (`this`, a callback's parameter, a read by constants only) makes the origin unknown.
 */
import type { TSESTree } from '@typescript-eslint/types';
import { propertyName, unwrap, type FunctionNode } from '../extract/ast.js';
import { constInitializer, type Resolver, type VariableLike } from '../extract/scope.js';
import type { Step, Unit } from './types.js';

/** A parameter of the function, or one property of it (`params.memberId` -> `{ index, property: 'memberId' }`). */
export interface KeyOrigin {
  index: number;
  property: string | null;
}

/** What the caller passes for one origin: its argument, and the property of it the function reads. */
export interface KeyArgument {
  of: TSESTree.Expression;
  property: string | null;
}

const MAX_DEPTH = 40;

/**
 * The parameters the row an UPDATE or DELETE is aimed at comes from, or null when that cannot be told
 * (or the statement is no such write).
 */
export function writtenRowOrigins(fn: FunctionNode, unit: Unit, step: Step, resolver: Resolver): KeyOrigin[] | null {
  if (step.facts.kind !== 'update' && step.facts.kind !== 'delete') return null;
  const derived = step.site.derived?.rowKeyArguments;
  if (step.site.derived !== undefined) {
    if (derived === undefined) return null;
    return new Tracer(fn, unit, resolver).all(derived.map((a) => [a.of, a.property]));
  }
  const keyed = step.facts.where.filter((p) => p.params.length > 0);
  if (keyed.length === 0 || keyed.length !== step.facts.where.length) return null;
  const tracer = new Tracer(fn, unit, resolver);
  const values = keyValues(step, keyed);
  if (values === null) return null;
  const origins = tracer.all(values);
  // Only a row the function looks up itself: a key handed in (`where: { id: environment.id }`) is the
  // caller's to name, and may be a row it read.
  return tracer.foundByRead ? origins : null;
}

/**
 * The parameter (or the property of one) an UPDATE or DELETE takes every key value of its WHERE from as
 * an element of a list: the parameter of a callback the list's own method calls once per element
 * (`linkIds.map((linkId) => prisma.link.update({ where: { id: linkId } }))`), the variable of a
 * `for...of` over it, or the list itself under `IN` (`id: { in: linkIds }`). The list is a parameter,
 * a property of one (`params.linkIds`), or a `const` destructured from one (`const { linkIds } =
 * params`). Given an empty list, the statement names no row. Null when any key value is anything else.
 */
export function listedRowsOrigin(fn: FunctionNode, step: Step, resolver: Resolver): KeyOrigin | null {
  if (step.facts.kind !== 'update' && step.facts.kind !== 'delete') return null;
  const listOf = (node: TSESTree.Node): KeyOrigin | null => listParameter(fn, node, resolver);
  const derived = step.site.derived?.rowsOfArgument;
  if (step.site.derived !== undefined) return derived === undefined ? null : listOf(argumentValue(derived, resolver));
  const where = step.facts.where;
  if (where.length === 0 || where.some((p) => p.params.length === 0)) return null;
  let found: KeyOrigin | null = null;
  for (const p of where)
    for (const n of p.params) {
      const value = step.site.sql.params[n - 1];
      if (!value) return null;
      const origin = elementOf(value, resolver, listOf) ?? (p.operator === 'in' ? listOf(value) : null);
      if (origin === null || (found !== null && (found.index !== origin.index || found.property !== origin.property))) return null;
      found = origin;
    }
  return found;
}

/** `linkId` in `linkIds.map((linkId) => ...)`, or in `for (const linkId of linkIds)`: the origin of that list. */
function elementOf(node: TSESTree.Node, resolver: Resolver, listOf: (node: TSESTree.Node) => KeyOrigin | null): KeyOrigin | null {
  const id = unwrap(node);
  if (id.type !== 'Identifier') return null;
  const def = resolver.definition(id);
  if (def?.kind === 'parameter') {
    const callback = def.node;
    const call = callback.parent;
    if (
      (callback.type !== 'ArrowFunctionExpression' && callback.type !== 'FunctionExpression') ||
      callback.params[0]?.type !== 'Identifier' ||
      callback.params[0].name !== id.name ||
      call?.type !== 'CallExpression' ||
      call.arguments[0] !== callback ||
      call.callee.type !== 'MemberExpression' ||
      !EACH_ELEMENT.has(propertyName(call.callee) ?? '')
    )
      return null;
    return listOf(call.callee.object);
  }
  if (def?.kind !== 'variable' || def.node.type !== 'VariableDeclarator' || def.node.init) return null;
  const loop = def.node.parent?.parent;
  return loop?.type === 'ForOfStatement' ? listOf(loop.right) : null;
}

const EACH_ELEMENT = new Set(['map', 'forEach', 'flatMap']);

/** A parameter of the function, its property (`params.linkIds`), or a `const` destructured from it (`const { linkIds } = params`). */
function listParameter(fn: FunctionNode, node: TSESTree.Node, resolver: Resolver): KeyOrigin | null {
  const inner = unwrap(node);
  if (inner.type === 'MemberExpression') {
    const object = unwrap(inner.object);
    if (inner.computed || object.type !== 'Identifier') return null;
    const origin = directParameter(fn, object, resolver);
    return origin !== null && origin.property === null ? { index: origin.index, property: propertyName(inner) } : null;
  }
  if (inner.type !== 'Identifier') return null;
  const def = resolver.definition(inner);
  if (def?.kind === 'parameter') return directParameter(fn, inner, resolver);
  if (def?.kind !== 'variable' || def.declarationKind !== 'const' || def.node.type !== 'VariableDeclarator') return null;
  const declarator = def.node;
  const init = declarator.init === null ? null : unwrap(declarator.init);
  if (declarator.id.type !== 'ObjectPattern' || init?.type !== 'Identifier') return null;
  const from = directParameter(fn, init, resolver);
  if (from === null || from.property !== null) return null;
  for (const p of declarator.id.properties)
    if (p.type === 'Property' && !p.computed && p.key.type === 'Identifier' && p.value.type === 'Identifier' && p.value.name === inner.name)
      return { index: from.index, property: p.key.name };
  return null;
}

/** The parameter an identifier is (`params`, or `linkIds` destructured in the parameter list), as an origin. */
function directParameter(fn: FunctionNode, id: TSESTree.Identifier, resolver: Resolver): KeyOrigin | null {
  const def = resolver.definition(id);
  if (def?.kind !== 'parameter' || def.node !== fn) return null;
  for (const [index, param] of fn.params.entries()) {
    const pattern = param.type === 'AssignmentPattern' ? param.left : param.type === 'TSParameterProperty' ? param.parameter : param;
    if (pattern.type === 'Identifier' && pattern.name === id.name) return { index, property: null };
    if (pattern.type === 'ObjectPattern')
      for (const p of pattern.properties) {
        if (p.type !== 'Property' || p.computed || p.key.type !== 'Identifier') continue;
        const value = p.value.type === 'AssignmentPattern' ? p.value.left : p.value;
        if (value.type === 'Identifier' && value.name === id.name) return { index, property: p.key.name };
      }
  }
  return null;
}

/**
 * The parameters every key value of an UPDATE or DELETE comes from, whether the function found its row
 * itself or is handed its key (`where: { id: emailDomainId }` under `({ emailDomainId }: Options)`), or
 * null when one cannot be told. Unlike `writtenRowOrigins`, a key handed in counts: this says which row
 * the caller names, not that it is another than one it read.
 */
export function keyOrigins(fn: FunctionNode, unit: Unit, step: Step, resolver: Resolver): KeyOrigin[] | null {
  if (step.facts.kind !== 'update' && step.facts.kind !== 'delete') return null;
  const tracer = new Tracer(fn, unit, resolver);
  if (step.site.derived !== undefined) {
    const handed = step.site.derived.keyArguments;
    return handed === undefined ? null : tracer.all(handed.map((a) => [a.of, a.property]));
  }
  const keyed = step.facts.where.filter((p) => p.params.length > 0);
  if (keyed.length === 0) return null;
  const values = keyValues(step, keyed);
  const origins = values === null ? null : tracer.all(values);
  return origins === null || origins.length === 0 ? null : origins;
}

/** The values bound to the parameters of the conditions `keyed`, or null when one is not known. */
function keyValues(step: Step, keyed: readonly Step['facts']['where'][number][]): [TSESTree.Node, string | null][] | null {
  const values: [TSESTree.Node, string | null][] = [];
  for (const p of keyed)
    for (const n of p.params) {
      const value = step.site.sql.params[n - 1];
      if (!value) return null;
      values.push([value, null]);
    }
  return values;
}

/** The value an argument gives the property the function reads: `{ memberId: account.id }` -> `account.id`. */
export function argumentValue(argument: KeyArgument, resolver: Resolver): TSESTree.Node {
  if (argument.property === null) return argument.of;
  const literal = objectLiteral(argument.of, resolver);
  return (literal && lastProperty(literal, argument.property)) ?? argument.of;
}

/** The value of the last property of that name in an object literal, when no spread after it could hold the name again. */
function lastProperty(literal: TSESTree.ObjectExpression, name: string): TSESTree.Node | null {
  for (const p of [...literal.properties].reverse()) {
    if (p.type === 'SpreadElement') return null;
    const key = p.computed ? null : p.key.type === 'Identifier' ? p.key.name : p.key.type === 'Literal' ? String(p.key.value) : null;
    if (key === name)
      return p.value.type === 'AssignmentPattern' || p.value.type === 'ObjectPattern' || p.value.type === 'ArrayPattern' ? null : p.value;
  }
  return null;
}

function objectLiteral(node: TSESTree.Node, resolver: Resolver): TSESTree.ObjectExpression | null {
  const inner = unwrap(node);
  if (inner.type === 'ObjectExpression') return inner;
  if (inner.type !== 'Identifier') return null;
  const init = constInitializer(resolver.definition(inner));
  return init?.type === 'ObjectExpression' ? init : null;
}

/**
 * A unit's steps by the query site they run: made once per unit, not once per write traced (a unit
 * with many inlined steps was most of the tracing's cost on opencollective-api).
 */
const stepsBySiteOf = new WeakMap<Unit, Map<TSESTree.Node, Step[]>>();
function stepsBySite(unit: Unit): ReadonlyMap<TSESTree.Node, Step[]> {
  let map = stepsBySiteOf.get(unit);
  if (map === undefined) {
    map = new Map();
    for (const s of unit.steps) {
      const list = map.get(s.site.node);
      if (list === undefined) map.set(s.site.node, [s]);
      else list.push(s);
    }
    stepsBySiteOf.set(unit, map);
  }
  return map;
}

class Tracer {
  /** The key came from a row a read of the function found. */
  foundByRead = false;
  private readonly seen = new Set<VariableLike>();
  private readonly known = new Map<VariableLike, Map<string, KeyOrigin[] | null>>();
  private readonly sites: ReadonlyMap<TSESTree.Node, Step[]>;

  constructor(
    private readonly fn: FunctionNode,
    unit: Unit,
    private readonly resolver: Resolver,
  ) {
    this.sites = stepsBySite(unit);
  }

  /**
   * `direct`: the values are the key itself (or what a read looks the row up by), so a constant names
   * one row for every caller and makes the origin unknown; inside a computation (a call's argument, an
   * operand) it only shapes the value.
   */
  all(values: readonly (readonly [TSESTree.Node, string | null])[], depth = 0, direct = true): KeyOrigin[] | null {
    const found: KeyOrigin[] = [];
    for (const [node, property] of values) {
      const origins = this.origins(node, property, depth, direct);
      if (origins === null) return null;
      for (const o of origins) if (!found.some((f) => f.index === o.index && f.property === o.property)) found.push(o);
    }
    return found;
  }

  private origins(node: TSESTree.Node, property: string | null, depth: number, direct: boolean): KeyOrigin[] | null {
    if (depth > MAX_DEPTH) return null;
    const inner = unwrap(node);
    const next = depth + 1;
    switch (inner.type) {
      case 'Literal':
        return direct ? null : [];
      case 'TemplateLiteral':
        return this.all(
          inner.expressions.map((e) => [e, null]),
          next,
          false,
        );
      case 'AwaitExpression':
        return this.origins(inner.argument, property, next, direct);
      case 'ChainExpression':
        return this.origins(inner.expression, property, next, direct);
      case 'MemberExpression':
        if (inner.computed)
          return this.all(
            [
              [inner.object, null],
              [inner.property, null],
            ],
            next,
            direct,
          );
        return this.origins(inner.object, propertyName(inner), next, direct);
      case 'ObjectExpression': {
        const value = property !== null ? lastProperty(inner, property) : null;
        if (value !== null) return this.origins(value, null, next, direct);
        const parts: [TSESTree.Node, string | null][] = [];
        for (const p of inner.properties)
          if (p.type === 'SpreadElement') parts.push([p.argument, property]);
          else if (property === null) parts.push([p.value, null]);
        return this.all(parts, next, direct);
      }
      case 'ArrayExpression':
        return this.all(
          inner.elements.flatMap((e) => (e === null ? [] : [[e.type === 'SpreadElement' ? e.argument : e, null] as const])),
          next,
          direct,
        );
      case 'BinaryExpression':
      case 'LogicalExpression':
        return this.all(
          [
            [inner.left, null],
            [inner.right, null],
          ],
          next,
          inner.type === 'LogicalExpression' && direct,
        );
      case 'ConditionalExpression':
        return this.all(
          [
            [inner.consequent, property],
            [inner.alternate, property],
          ],
          next,
          direct,
        );
      case 'CallExpression':
      case 'NewExpression':
        return this.call(inner, next);
      case 'Identifier':
        return this.identifier(inner, property, next, direct);
      default:
        return null;
    }
  }

  /**
   * A statement of the function: a row it creates comes from no parameter; a row it reads, from the values
   * it looks it up by (unknown when those are constants: any row could hold them). Another call: from
   * its arguments and receiver.
   */
  private call(call: TSESTree.CallExpression | TSESTree.NewExpression, depth: number): KeyOrigin[] | null {
    const steps = this.sites.get(call);
    if (steps !== undefined) {
      const reads = steps.filter((s) => s.facts.kind === 'select');
      if (reads.length === 0) return steps.some((s) => s.facts.kind === 'insert') ? [] : null;
      this.foundByRead = true;
      const values: [TSESTree.Node, string | null][] = [];
      let untold = false;
      for (const read of reads)
        for (const [i, p] of read.site.sql.params.entries()) {
          const of = read.site.paramProperties?.[i];
          if (p) values.push([p, null]);
          else if (of) values.push([of.of, of.property]);
          else untold = true;
        }
      const looked = this.all(values, depth);
      if (!untold || looked === null) return values.length === 0 && !untold ? null : looked;
      // A called function that looks its row up by values it computes (`loadById(input.id)` in a
      // closure): from what it is given. Given only constants, or nothing, it may find any row.
      const given = this.all(
        call.arguments.map((a) => [a.type === 'SpreadElement' ? a.argument : a, null]),
        depth,
        false,
      );
      return given === null || given.length === 0 ? null : [...looked, ...given];
    }
    const parts: [TSESTree.Node, string | null][] = call.arguments.map((a) => [a.type === 'SpreadElement' ? a.argument : a, null]);
    if (call.callee.type === 'MemberExpression') parts.push([call.callee.object, null]);
    return this.all(parts, depth, false);
  }

  private identifier(id: TSESTree.Identifier, property: string | null, depth: number, direct: boolean): KeyOrigin[] | null {
    if (id.name === 'undefined') return [];
    const def = this.resolver.definition(id);
    // A global, an import, a module constant: the same for every caller.
    const constant = direct ? null : [];
    if (def === null || def.kind === 'import' || def.kind === 'function' || def.kind === 'class') return constant;
    if (def.kind === 'parameter') return def.node === this.fn ? this.parameter(id, property) : null;
    if (def.kind !== 'variable' || def.node.type !== 'VariableDeclarator') return null;
    if (!insideFunction(def.node, this.fn)) return constant;
    const variable = this.resolver.variable(id);
    if (variable === null) return null;
    // Assigned from itself (`x = x + 1`): that adds nothing.
    if (this.seen.has(variable)) return [];
    const key = `${property ?? ''}:${direct}`;
    const known = this.known.get(variable)?.get(key);
    if (known !== undefined) return known;
    this.seen.add(variable);
    const found = this.variable(variable, def.node, property, depth, direct);
    this.seen.delete(variable);
    this.known.set(variable, (this.known.get(variable) ?? new Map<string, KeyOrigin[] | null>()).set(key, found));
    return found;
  }

  private variable(
    variable: VariableLike,
    declarator: TSESTree.VariableDeclarator,
    property: string | null,
    depth: number,
    direct: boolean,
  ): KeyOrigin[] | null {
    const values: [TSESTree.Node, string | null][] = [];
    if (declarator.init) values.push([declarator.init, declarator.id.type === 'Identifier' ? property : null]);
    else {
      // `for (const member of members)`: an element of what the loop walks.
      const loop = declarator.parent?.parent;
      if (loop?.type === 'ForOfStatement' || loop?.type === 'ForInStatement') values.push([loop.right, null]);
    }
    for (const reference of variable.references) {
      const parent = reference.identifier.parent;
      if (parent?.type === 'AssignmentExpression' && parent.left === reference.identifier) values.push([parent.right, property]);
      else if (parent?.type === 'UpdateExpression') continue;
      else if (isPatternTarget(reference.identifier)) return null;
    }
    if (values.length === 0) return null;
    return this.all(values, depth, direct);
  }

  private parameter(id: TSESTree.Identifier, property: string | null): KeyOrigin[] | null {
    for (const [index, param] of this.fn.params.entries()) {
      const pattern = param.type === 'AssignmentPattern' ? param.left : param.type === 'TSParameterProperty' ? param.parameter : param;
      if (pattern.type === 'Identifier' && pattern.name === id.name) return [{ index, property }];
      if (pattern.type === 'ObjectPattern')
        for (const p of pattern.properties) {
          if (p.type !== 'Property' || p.computed || p.key.type !== 'Identifier') continue;
          const value = p.value.type === 'AssignmentPattern' ? p.value.left : p.value;
          if (value.type === 'Identifier' && value.name === id.name) return [{ index, property: p.key.name }];
        }
    }
    return null;
  }
}

function insideFunction(node: TSESTree.Node, fn: FunctionNode): boolean {
  for (let up: TSESTree.Node | undefined = node.parent; up; up = up.parent) if (up === fn) return true;
  return false;
}

/** The identifier is written by a destructuring assignment or a `for (x of ...)` head. */
function isPatternTarget(id: TSESTree.Node): boolean {
  const parent = id.parent;
  if (!parent) return false;
  if (parent.type === 'ArrayPattern' || parent.type === 'RestElement') return true;
  if (parent.type === 'Property' && parent.value === id && parent.parent?.type === 'ObjectPattern') return true;
  return (parent.type === 'ForOfStatement' || parent.type === 'ForInStatement') && parent.left === id;
}
