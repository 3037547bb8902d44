/**
 * Rows a transaction created itself. A row inserted in a transaction is seen by no other session until
 * it commits, and neither is a row that refers to it: another session cannot find it, change it, or
 * insert a row that refers to it (it does not know the new key; a foreign key check waits on the
 * uncommitted row). A statement aimed only at such rows (`findMany({ where: { envelopeId: created.id
 * } })`, `createMany({ data: rows.map((r) => ({ envelopeId: created.id, ... })) })`) has no concurrent
 * request to race with until the transaction commits.
 */
import type { TSESTree } from '@typescript-eslint/types';
import { isFunction, propertyName, unwrap, walk } from '../extract/ast.js';
import type { Resolver } from '../extract/scope.js';
import type { Step, Unit } from './types.js';

const MAX_DEPTH = 4;

/**
 * The statement is aimed at rows that refer to a row its transaction inserted before it: a key
 * conjunct of its WHERE compares to that row's key (`where: { collectionId: created.id }`).
 */
export function aimedAtCreatedRows(unit: Unit, step: Step, resolver: Resolver): boolean {
  return step.facts.where.some(
    (p) =>
      p.isKey && p.operator === '=' && createdKey(step.site.sql.params[(p.params[0] ?? 0) - 1] ?? null, { unit, step, resolver, depth: 0 }),
  );
}

/**
 * Every row the INSERT writes holds, in one of `columns`, the key of a row its transaction inserted
 * before it (`data: found.map((a) => ({ envelopeId: envelope.id, ... }))` after a lookup by
 * `envelopeId`): no other request's lookup by those columns can find the rows, nor can its rows be these.
 */
export function insertsUnderCreatedKey(unit: Unit, step: Step, columns: readonly string[], resolver: Resolver): boolean {
  if (step.facts.kind !== 'insert' || !step.site.insertedRows || columns.length === 0) return false;
  const looked = new Set(columns.map(plain));
  const rows = rowsOf(step.site.insertedRows, resolver, 0);
  const at = { unit, step, resolver, depth: 0 };
  return (
    rows !== null &&
    rows.length > 0 &&
    rows.every((row) =>
      row.properties.some((p) => {
        if (p.type !== 'Property' || p.computed) return false;
        const name = p.key.type === 'Identifier' ? p.key.name : p.key.type === 'Literal' ? String(p.key.value) : null;
        return name !== null && looked.has(plain(name)) && createdKey(p.value, at);
      }),
    )
  );
}

/** A column or field name compared loosely: `envelopeId`, `envelope_id`, `"envelopeId"` alike. */
function plain(name: string): string {
  return name.replace(/["_]/g, '').toLowerCase();
}

interface Where {
  unit: Unit;
  step: Step;
  resolver: Resolver;
  depth: number;
}

/**
 * `node` is the key of a row the transaction inserted before `step`: `created.id` where the constant
 * `created` holds what a plain INSERT (no ON CONFLICT) returned, the instance a hook was handed as created
 * (QuerySite.createdBefore), or a constant holding one of those.
 */
function createdKey(node: TSESTree.Node | null, at: Where): boolean {
  if (node === null || at.depth > MAX_DEPTH) return false;
  const value = unwrap(node);
  const deeper = { ...at, depth: at.depth + 1 };
  if (value.type === 'Identifier') {
    const init = constantInit(value, at.resolver);
    return init !== null && createdKey(init, deeper);
  }
  if (value.type !== 'MemberExpression' || value.computed || propertyName(value) !== 'id') return false;
  const row = unwrap(value.object);
  if (row.type === 'Identifier') {
    const variable = at.resolver.variable(row);
    if (variable === null) return false;
    if ((at.step.site.createdBefore ?? []).some((id) => at.resolver.variable(id) === variable)) return true;
    // `const envelope = await tx.envelope.create(...)`: a constant that holds the new row and nothing else.
    const init = constantInit(row, at.resolver);
    const made = init === null ? null : unwrap(init);
    return made !== null && inserts(at).some((s) => made === s.site.resultNode || made === s.site.node);
  }
  return false;
}

/** Plain INSERTs before the step, in the same transaction on the same connection. */
function inserts({ unit, step }: Where): Step[] {
  return unit.steps.filter(
    (s) =>
      s.index < step.index &&
      s.facts.kind === 'insert' &&
      s.facts.onConflict === null &&
      s.transaction.state !== 'none' &&
      s.transaction.state === step.transaction.state &&
      s.transaction.id === step.transaction.id &&
      s.connection.key === step.connection.key,
  );
}

/**
 * The one value the identifier's variable (not destructured) is given: a `const`'s initializer, or the
 * right side of the only assignment to a `let` declared without a value (`let created; try { created =
 * await Model.create(...) } catch ...`): wherever it holds something, it holds that.
 */
export function constantInit(id: TSESTree.Identifier, resolver: Resolver): TSESTree.Expression | null {
  const def = resolver.definition(id);
  if (def?.kind !== 'variable' || def.node.type !== 'VariableDeclarator' || def.node.id.type !== 'Identifier') return null;
  if (def.declarationKind === 'const') return def.init;
  const loop = def.node.parent?.parent;
  if (def.declarationKind !== 'let' || def.init !== null || loop?.type === 'ForOfStatement' || loop?.type === 'ForInStatement') return null;
  const writes = (resolver.variable(id)?.references ?? []).filter((r) => writesTo(r.identifier));
  const only = writes.length === 1 ? writes[0]!.identifier.parent : null;
  return only?.type === 'AssignmentExpression' && only.operator === '=' && only.left === writes[0]!.identifier ? only.right : null;
}

/** The reference writes its variable: `x = ...`, `x += ...`, `x++`, a destructuring target. */
function writesTo(id: TSESTree.Node): boolean {
  const parent = id.parent;
  if (parent?.type === 'AssignmentExpression') return parent.left === id;
  if (parent?.type === 'UpdateExpression') return true;
  return parent?.type === 'ArrayPattern' || (parent?.type === 'Property' && parent.parent?.type === 'ObjectPattern');
}

/**
 * The row objects an INSERT's rows expression is made of: an object, an array of them (spreads
 * included), a constant holding one, `list.map((x) => ({ ... }))` (each `return` of the callback; a
 * `return null` adds no row), and `.filter(...)` of any of these. Null when something else makes a row.
 */
function rowsOf(node: TSESTree.Node, resolver: Resolver, depth: number): TSESTree.ObjectExpression[] | null {
  if (depth > MAX_DEPTH) return null;
  const value = unwrap(node);
  const all = (parts: readonly (TSESTree.Node | null)[]): TSESTree.ObjectExpression[] | null => {
    const found: TSESTree.ObjectExpression[] = [];
    for (const part of parts) {
      const rows = part === null ? null : rowsOf(part, resolver, depth + 1);
      if (rows === null) return null;
      found.push(...rows);
    }
    return found;
  };
  switch (value.type) {
    case 'ObjectExpression':
      return [value];
    case 'Literal':
      return value.value === null ? [] : null;
    case 'ArrayExpression':
      return all(value.elements.map((e) => (e?.type === 'SpreadElement' ? e.argument : e)));
    case 'Identifier': {
      if (value.name === 'undefined') return [];
      const init = constantInit(value, resolver);
      return init === null ? null : rowsOf(init, resolver, depth + 1);
    }
    case 'CallExpression': {
      const callee = value.callee;
      if (callee.type !== 'MemberExpression') return null;
      const method = propertyName(callee);
      if (method === 'filter') return rowsOf(callee.object, resolver, depth + 1);
      const callback = value.arguments[0];
      if ((method !== 'map' && method !== 'flatMap') || !callback || !isFunction(callback)) return null;
      if (callback.body.type !== 'BlockStatement') return all([callback.body]);
      // A bare `return` adds no row, like `return null`.
      const returned: TSESTree.Node[] = [];
      walk(callback.body, (n) => {
        if (isFunction(n)) return false;
        if (n.type === 'ReturnStatement' && n.argument) returned.push(n.argument);
        return true;
      });
      return all(returned);
    }
    default:
      return null;
  }
}
