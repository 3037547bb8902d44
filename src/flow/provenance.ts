/**
 * Where a value written back comes from: which columns of a read it is computed from (through local
 * variables and JavaScript expressions), and what kind of value JavaScript built. A value fetched
 * from elsewhere with something the read returned (`await stripe.subscriptions.retrieve(row.sub_id)`)
 * is not computed from the read; a fresh id is not either.
 */
import { columnName } from '../sql/keys.js';
import type { TSESTree } from '@typescript-eslint/types';
import { contains, propertyName, unwrap } from '../extract/ast.js';
import type { Resolver, VariableLike } from '../extract/scope.js';
import { CONTAINER_PROPERTIES, dependsOn, isConversion } from './results.js';
import type { ResultUse } from './types.js';

/** The columns of the read a value is computed from; `row` when it is the whole row (or columns cannot be told). */
export interface Provenance {
  columns: string[];
  wholeRow: boolean;
}

/** The columns of `use`'s read that `expression` is computed from, or null when it is not computed from the read. */
export function provenance(expression: TSESTree.Node | null, use: ResultUse, resolver: Resolver): Provenance | null {
  if (!expression) return null;
  const columns = new Set<string>();
  let wholeRow = false;
  const record = (path: readonly string[]): void => {
    if (path[0] !== undefined) columns.add(columnName(path[0]));
    else wholeRow = true;
  };
  const visit = (node: TSESTree.Node, seen: Set<VariableLike>): void => {
    switch (node.type) {
      case 'Identifier': {
        const variable = resolver.variable(node);
        if (!variable) return;
        const path = use.paths.get(variable);
        const values = assignedValues(variable);
        // The flow carries the read into a local through a conditional's test too: a local whose every
        // assignment shows, none of them carrying the read but through such a test (`const status =
        // rejected ? 'REJECTED' : 'COMPLETED'`), holds a value the read only picked, not one computed from it.
        const picked = values !== null && !values.some((v) => carriesRead(v, use, resolver));
        if (path && !path.fetched && !picked) record(path.columns);
        if (seen.has(variable)) return;
        seen.add(variable);
        // The flow binds a variable once, with the first column that reached it: what is assigned to it
        // names them all (`const lowest = Math.min(node.created1, node.first_seen)`), and a local computed
        // from a derived value after the read (`let next = balance; next += 1`) computes from them.
        for (const value of values ?? [initializerOf(variable)]) if (value) visit(value, seen);
        return;
      }
      case 'MemberExpression': {
        const { base, chain } = memberChain(node);
        for (let m: TSESTree.Node = node; m.type === 'MemberExpression'; m = m.object) if (m.computed) visit(m.property, seen);
        if (base.type === 'Identifier') {
          const variable = resolver.variable(base);
          const path = variable ? use.paths.get(variable) : undefined;
          if (path) {
            const assigned = variable && chain.length > 0 ? reassigned(variable, chain, node) : null;
            if (assigned) visit(assigned, seen);
            else if (!path.fetched) record([...path.columns, ...chain]);
            return;
          }
        }
        visit(base, seen);
        return;
      }
      case 'CallExpression':
        // A conversion or a method of a derived value computes from it; any other call fetches or
        // makes something else (`retrieve(row.id)`, `randomUUID()`).
        // A plain call handed a whole derived value (`sql(row, 'balance')`, `serialize(row)`) builds from it;
        // handed one property of it (`retrieve(row.sub_id)`), it fetches something else.
        if (!isConversion(node) && node.callee.type !== 'MemberExpression') {
          node.arguments.forEach((a) => a.type === 'Identifier' && visit(a, seen));
          return;
        }
        // A method of a value computes from that value (`row.tags.filter(...)`: `tags`); the method's name
        // is no column (`expense.getItems()` calls a method of the row, `row.get('data')` reads it whole).
        if (node.callee.type === 'MemberExpression' && !isConversion(node)) {
          if (node.callee.computed) visit(node.callee.property, seen);
          visit(node.callee.object, seen);
          return;
        }
        node.arguments.forEach((a) => visit(a, seen));
        return;
      case 'ArrowFunctionExpression':
      case 'FunctionExpression':
        return;
      case 'ConditionalExpression':
        // `row.firstSaleAt ? undefined : new Date()`: the test picks a value, it is not computed from.
        visit(node.consequent, seen);
        visit(node.alternate, seen);
        return;
      default:
        for (const key of Object.keys(node)) {
          if (key === 'parent') continue;
          const value = (node as unknown as Record<string, unknown>)[key];
          if (Array.isArray(value)) value.forEach((v) => isNode(v) && visit(v, seen));
          else if (isNode(value)) visit(value, seen);
        }
    }
  };
  visit(expression, new Set());
  return columns.size > 0 || wholeRow ? { columns: [...columns], wholeRow } : null;
}

/** `rows[0].account.balance`: the variable it starts from and the properties it names (not `rows`, indexes). */
function memberChain(node: TSESTree.MemberExpression): { base: TSESTree.Node; chain: string[] } {
  const chain: string[] = [];
  let base: TSESTree.Node = node;
  while (base.type === 'MemberExpression') {
    const name = propertyName(base);
    if (name !== null && !CONTAINER_PROPERTIES.has(name) && !/^\d+$/.test(name)) chain.unshift(name);
    base = base.object;
  }
  return { base, chain };
}

/**
 * What was last assigned to the property before `use` reads it (`session.expiresAt = new Date(Date.now() +
 * ttl)`, then `data: { expiresAt: session.expiresAt }`): the property holds that value, not the column
 * read. Only a plain `=` in a statement of a block that holds `use` (it runs whenever `use` does); a
 * compound `-=`, or an assignment in a branch, keeps what was read in it.
 */
function reassigned(variable: VariableLike, chain: readonly string[], use: TSESTree.Node): TSESTree.Expression | null {
  let latest: TSESTree.AssignmentExpression | null = null;
  for (const reference of variable.references) {
    let target: TSESTree.Node = reference.identifier;
    while (target.parent?.type === 'MemberExpression' && target.parent.object === target) target = target.parent;
    const assignment = target.parent;
    if (assignment?.type !== 'AssignmentExpression' || assignment.left !== target || assignment.operator !== '=') continue;
    if (target.type !== 'MemberExpression' || assignment.range[1] > use.range[0]) continue;
    const named = memberChain(target).chain;
    if (named.length !== chain.length || named.some((name, i) => name !== chain[i])) continue;
    const statement = assignment.parent;
    const block = statement?.type === 'ExpressionStatement' ? statement.parent : undefined;
    if (block === undefined || (block.type !== 'BlockStatement' && block.type !== 'Program') || !contains(block, use)) continue;
    if (latest === null || assignment.range[0] > latest.range[0]) latest = assignment;
  }
  return latest?.right ?? null;
}

function initializerOf(variable: VariableLike): TSESTree.Node | null {
  const def = variable.defs[0];
  if (def?.type !== 'Variable' || def.node.type !== 'VariableDeclarator' || def.node.id.type !== 'Identifier') return null;
  return def.node.init ?? null;
}

/** The value carries the read other than through the test of a conditional that picks it. */
function carriesRead(value: TSESTree.Node, use: ResultUse, resolver: Resolver): boolean {
  const inner = unwrap(value);
  if (inner.type === 'ConditionalExpression')
    return carriesRead(inner.consequent, use, resolver) || carriesRead(inner.alternate, use, resolver);
  return dependsOn(inner, use, resolver);
}

/**
 * Every value a local declared by name can hold: its initializer and what each plain or compound
 * assignment stores (`x += 1` keeps the initializer's value in it too). Null when one cannot be seen: a
 * binding by a pattern, a parameter, a loop variable, an assignment through destructuring.
 */
export function assignedValues(variable: VariableLike): TSESTree.Node[] | null {
  const def = variable.defs[0];
  if (variable.defs.length !== 1 || def?.type !== 'Variable' || def.node.type !== 'VariableDeclarator' || def.node.id.type !== 'Identifier')
    return null;
  const declaration = def.node.parent;
  const loop = declaration?.parent;
  if ((loop?.type === 'ForOfStatement' || loop?.type === 'ForInStatement') && loop.left === declaration) return null;
  const values: TSESTree.Node[] = def.node.init ? [def.node.init] : [];
  for (const { identifier } of variable.references) {
    const parent = identifier.parent;
    if (!parent || (parent.type === 'VariableDeclarator' && parent.id === identifier)) continue;
    if (parent.type === 'AssignmentExpression' && parent.left === identifier) values.push(parent.right);
    else if (
      (parent.type === 'Property' && parent.value === identifier && parent.parent?.type === 'ObjectPattern') ||
      parent.type === 'ArrayPattern' ||
      (parent.type === 'AssignmentPattern' && parent.left === identifier) ||
      parent.type === 'RestElement' ||
      ((parent.type === 'ForOfStatement' || parent.type === 'ForInStatement') && parent.left === identifier)
    )
      return null;
  }
  return values;
}

function isNode(value: unknown): value is TSESTree.Node {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}

/** What kind of value JavaScript built, as far as the code shows it. */
export type JsValueKind = 'number' | 'json' | 'array' | 'other' | 'unknown';

const NUMERIC_OPERATORS = new Set(['-', '*', '/', '%', '**']);
const NUMBER_CALLS = new Set(['Number', 'parseInt', 'parseFloat', 'BigInt']);

/** The kind of value an expression builds: JSON.stringify / an object -> json, an array -> array, arithmetic -> number. */
export function jsValueKind(expression: TSESTree.Node | null, resolver: Resolver, depth = 0): JsValueKind {
  if (!expression || depth > 5) return 'unknown';
  const e = expression;
  switch (e.type) {
    case 'ObjectExpression':
      return 'json';
    case 'ArrayExpression':
      return 'array';
    case 'Literal':
      return typeof e.value === 'number' || typeof e.value === 'bigint' ? 'number' : 'other';
    case 'TemplateLiteral':
    case 'UnaryExpression':
      return e.type === 'UnaryExpression' && (e.operator === '-' || e.operator === '+') ? 'number' : 'other';
    case 'BinaryExpression':
      if (NUMERIC_OPERATORS.has(e.operator)) return 'number';
      if (e.operator === '+') {
        const [l, r] = [jsValueKind(e.left, resolver, depth + 1), jsValueKind(e.right, resolver, depth + 1)];
        return l === 'number' || r === 'number'
          ? l === 'other' || r === 'other'
            ? 'other'
            : 'number'
          : l === 'other' || r === 'other'
            ? 'other'
            : 'unknown';
      }
      return 'other';
    case 'LogicalExpression':
      return jsValueKind(e.left, resolver, depth + 1);
    case 'ConditionalExpression': {
      const k = jsValueKind(e.consequent, resolver, depth + 1);
      return k !== 'unknown' ? k : jsValueKind(e.alternate, resolver, depth + 1);
    }
    case 'AwaitExpression':
    case 'TSAsExpression':
    case 'TSNonNullExpression':
      return jsValueKind(e.type === 'AwaitExpression' ? e.argument : e.expression, resolver, depth + 1);
    case 'CallExpression': {
      const callee = e.callee;
      if (callee.type === 'Identifier' && NUMBER_CALLS.has(callee.name)) return 'number';
      if (callee.type === 'Identifier' && (callee.name === 'String' || callee.name === 'Boolean')) return 'other';
      if (callee.type === 'MemberExpression') {
        const object = callee.object.type === 'Identifier' ? callee.object.name : null;
        const method = propertyName(callee);
        if (object === 'JSON' && method === 'stringify') return 'json';
        if (object === 'Math') return 'number';
        if (object === 'Array' || method === 'concat' || method === 'filter' || method === 'map' || method === 'slice') return 'array';
        if (method === 'toFixed' || method === 'toString' || method === 'join' || method === 'trim' || method === 'toISOString')
          return 'other';
      }
      return 'unknown';
    }
    case 'Identifier': {
      const variable = resolver.variable(e);
      if (!variable) return 'unknown';
      // Pushed onto after its declaration: an array whatever it started as.
      for (const reference of variable.references) {
        const member = reference.identifier.parent;
        if (
          member?.type === 'MemberExpression' &&
          member.object === reference.identifier &&
          ['push', 'unshift', 'splice'].includes(propertyName(member) ?? '')
        )
          return 'array';
      }
      const declared = declaredKind(variable);
      if (declared !== 'unknown') return declared;
      const init = initializerOf(variable);
      return init ? jsValueKind(init, resolver, depth + 1) : 'unknown';
    }
    default:
      return 'unknown';
  }
}

/** The kind a variable's type annotation gives it (`amount: number`, `tags: string[]`). */
function declaredKind(variable: VariableLike): JsValueKind {
  const name = variable.defs[0]?.name;
  const annotation = name?.type === 'Identifier' ? name.typeAnnotation?.typeAnnotation : undefined;
  switch (annotation?.type) {
    case 'TSNumberKeyword':
    case 'TSBigIntKeyword':
      return 'number';
    case 'TSStringKeyword':
    case 'TSBooleanKeyword':
      return 'other';
    case 'TSArrayType':
    case 'TSTupleType':
      return 'array';
    case 'TSTypeLiteral':
      return 'json';
    default:
      return 'unknown';
  }
}

/**
 * The value is the one any request would compute for the row `use`'s read returned: made of what the read
 * returned (`instance.environmentId`), literals, the object's own configuration (`this.options.secret`)
 * and calls of those (`phaseOf({ secret: this.options.secret, id: instance.id })`), through locals that
 * hold nothing else, and it takes something from the read. A parameter of the function, an import, the
 * clock, a fresh id or anything fetched elsewhere makes it this request's own.
 */
export function determinedByRead(expression: TSESTree.Node | null, use: ResultUse, resolver: Resolver): boolean {
  if (!expression || !dependsOn(expression, use, resolver)) return false;
  const seen = new Set<VariableLike>();
  const visit = (node: TSESTree.Node, depth: number): boolean => {
    if (depth > 12) return false;
    switch (node.type) {
      case 'Literal':
        return true;
      case 'Identifier': {
        if (node.name === 'undefined') return true;
        const variable = resolver.variable(node);
        if (!variable) return false;
        // The row, or a column of it, as read; a local computed from it is looked into like any other.
        const path = use.paths.get(variable);
        if (use.variables.has(variable) && path !== undefined && !path.opaque && !path.fetched) return true;
        if (seen.has(variable)) return true;
        seen.add(variable);
        const values = assignedValues(variable);
        return values !== null && values.length > 0 && values.every((v) => visit(v, depth + 1));
      }
      case 'ThisExpression':
        return true;
      case 'MemberExpression':
        return visit(node.object, depth + 1) && (!node.computed || visit(node.property, depth + 1));
      case 'ChainExpression':
        return visit(node.expression, depth + 1);
      case 'TSAsExpression':
      case 'TSNonNullExpression':
      case 'TSSatisfiesExpression':
        return visit(node.expression, depth + 1);
      case 'TemplateLiteral':
        return node.expressions.every((e) => visit(e, depth + 1));
      case 'UnaryExpression':
        return node.operator !== 'delete' && visit(node.argument, depth + 1);
      case 'BinaryExpression':
      case 'LogicalExpression':
        return visit(node.left, depth + 1) && visit(node.right, depth + 1);
      case 'ConditionalExpression':
        return visit(node.test, depth + 1) && visit(node.consequent, depth + 1) && visit(node.alternate, depth + 1);
      case 'ObjectExpression':
        return node.properties.every((p) => p.type === 'Property' && (!p.computed || visit(p.key, depth + 1)) && visit(p.value, depth + 1));
      case 'ArrayExpression':
        return node.elements.every((e) => e !== null && e.type !== 'SpreadElement' && visit(e, depth + 1));
      case 'CallExpression': {
        // A function of the row's values (a hash, a format): the same for every caller. One given nothing
        // from the read (`randomUUID()`, `Date.now()`) makes something new.
        const callee = node.callee;
        if (callee.type === 'MemberExpression' && !visit(callee.object, depth + 1)) return false;
        if (callee.type !== 'Identifier' && callee.type !== 'MemberExpression') return false;
        return (
          node.arguments.some((a) => dependsOn(a, use, resolver)) &&
          node.arguments.every((a) => a.type !== 'SpreadElement' && visit(a, depth + 1))
        );
      }
      default:
        return false;
    }
  };
  return visit(expression, 0);
}
