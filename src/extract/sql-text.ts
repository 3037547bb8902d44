/**
 * Static evaluation of the expression that holds a query's SQL text: string literals, template
 * literals (each `${}` hole becomes a `$n` parameter), constants, and `+` concatenations of those.
 */
import type { TSESTree } from '@typescript-eslint/types';
import type { SqlDialect } from '../sql/facts.js';
import { detectPlaceholderStyle, parameterRoles, toDollarPlaceholders, type PlaceholderStyle } from '../sql/index.js';
import { objectProperty, propertyName, unwrap } from './ast.js';
import { freshPerRun } from './scratch.js';
import { constInitializer } from './scope.js';
import type { Definition, ExtractContext, SqlText } from './types.js';

type Resolve = (id: TSESTree.Identifier) => Definition | null;

/**
 * A piece of text, or a hole whose value is not known statically. A `fragment` hole is an unknown
 * expression concatenated into the text (`'SELECT * FROM t ' + where`): it may splice SQL, not a value.
 */
type Part = { text: string } | { hole: TSESTree.Node; fragment?: boolean };

const HOLE = (k: number): string => `__sqlrace_hole_${k}__`;
const MAX_DEPTH = 20;

export function evaluateSqlText(
  node: TSESTree.Node,
  style: PlaceholderStyle,
  dialect: SqlDialect,
  values: TSESTree.Node | null | undefined,
  resolve: Resolve,
): SqlText | null {
  const parts = evaluate(node, resolve, 0);
  if (!parts || !parts.some((p) => 'text' in p && p.text.trim() !== '')) return null;

  const holes: TSESTree.Node[] = [];
  let withMarkers = '';
  for (const part of parts) {
    if ('text' in part) withMarkers += part.text;
    else withMarkers += HOLE(holes.push(part.hole) - 1);
  }

  // A receiver read as node-postgres may be any driver: the text says which placeholders it uses.
  if (style === 'dollar') {
    const detected = detectPlaceholderStyle(withMarkers);
    if (detected === 'question') {
      style = 'question';
      dialect = 'mysql';
    } else if (detected === 'named') style = 'sequelize';
    else if (detected === 'at') style = 'at';
  }
  const { text: dollared, names } = toDollarPlaceholders(withMarkers, style);
  const bound = bindValues(values ? unwrap(values) : formatValues(node, resolve), names, resolve);
  const firstHole = Math.max(names.length, highestDollar(dollared)) + 1;
  const text = dollared.replace(/__sqlrace_hole_(\d+)__/g, (_, k: string) => `$${firstHole + Number(k)}`);
  const params: (TSESTree.Node | null)[] = [];
  for (let n = 1; n < firstHole; n++) params.push(bound[n - 1] ?? null);
  params.push(...holes);

  const inner = unwrap(node);
  const literal =
    inner.type === 'Literal' && typeof inner.value === 'string'
      ? (inner as TSESTree.StringLiteral)
      : inner.type === 'TemplateLiteral'
        ? inner
        : null;
  return { text, params, literal, complete: !parts.some(isUnknownFragment), dialect };
}

function isUnknownFragment(part: Part): boolean {
  return 'hole' in part && part.fragment === true;
}

function evaluate(node: TSESTree.Node, resolve: Resolve, depth: number): Part[] | null {
  if (depth > MAX_DEPTH) return null;
  const inner = unwrap(node);
  switch (inner.type) {
    case 'Literal':
      return typeof inner.value === 'string' ? [{ text: inner.value }] : null;
    case 'TemplateLiteral': {
      // A tag (``sql`...${x}` ``) binds every hole as a value; only an untagged template splices text.
      const tagged = inner.parent?.type === 'TaggedTemplateExpression';
      const parts: Part[] = [];
      inner.quasis.forEach((quasi, i) => {
        parts.push({ text: quasi.value.cooked ?? quasi.value.raw });
        const expression = inner.expressions[i];
        if (expression) parts.push(...((tagged ? null : constantParts(expression, resolve, depth)) ?? [{ hole: expression }]));
      });
      return parts;
    }
    case 'BinaryExpression': {
      if (inner.operator !== '+') return null;
      const left = evaluate(inner.left, resolve, depth + 1);
      if (!left) return null;
      const right = evaluate(inner.right, resolve, depth + 1) ?? [markFragment(inner.right)];
      return [...left, ...right];
    }
    case 'Identifier': {
      const def = resolve(inner);
      if (
        def?.kind === 'variable' &&
        def.declarationKind === 'const' &&
        def.init &&
        def.node.type === 'VariableDeclarator' &&
        def.node.id.type === 'Identifier'
      ) {
        return evaluate(def.init, resolve, depth + 1);
      }
      return null;
    }
    case 'CallExpression': {
      // String(x).trim(), dedent-free helpers: `text.trim()` keeps the text.
      if (
        inner.callee.type === 'MemberExpression' &&
        inner.arguments.length === 0 &&
        inner.callee.property.type === 'Identifier' &&
        ['trim', 'trimStart', 'trimEnd'].includes(inner.callee.property.name)
      ) {
        return evaluate(inner.callee.object, resolve, depth + 1);
      }
      // `mysql.format(text, values)`, `pgp.as.format(text, values)`: the text, its values bound by the caller.
      const formatted = formatCall(inner);
      if (formatted) return evaluate(formatted.text, resolve, depth + 1);
      // A function of this file that only returns text: `const byId = (t) => \`SELECT ...\``.
      const returned = returnedBy(inner, resolve);
      return returned ? evaluate(returned, resolve, depth + 1) : null;
    }
    default:
      return null;
  }
}

/** A `${}` hole that is itself a constant string is inlined; a number or anything else is a parameter. */
function constantParts(node: TSESTree.Node, resolve: Resolve, depth: number): Part[] | null {
  const inner = unwrap(node);
  if (inner.type === 'Literal' && typeof inner.value === 'string') return [{ text: inner.value }];
  if (inner.type === 'Identifier') {
    const def = resolve(inner);
    if (def?.kind === 'variable' && def.declarationKind === 'const' && def.init) {
      const init = unwrap(def.init);
      if (
        (init.type === 'Literal' && typeof init.value === 'string') ||
        init.type === 'TemplateLiteral' ||
        init.type === 'BinaryExpression'
      ) {
        return evaluate(def.init, resolve, depth + 1);
      }
    }
  }
  return null;
}

/** Objects whose `format(text, values)` binds values into SQL text: mysql, sqlstring, pg-promise's `as`, a connection. */
const FORMATTERS = /^(?:mysql2?|sqlstring|SqlString|sqlString|as|conn|connection|pool|db)$/;

function formatCall(call: TSESTree.CallExpression): { text: TSESTree.Node; values: TSESTree.Node | null } | null {
  const callee = unwrap(call.callee);
  const text = call.arguments[0];
  if (callee.type !== 'MemberExpression' || propertyName(callee) !== 'format' || !text || text.type === 'SpreadElement') return null;
  const object = unwrap(callee.object);
  const name = object.type === 'Identifier' ? object.name : object.type === 'MemberExpression' ? propertyName(object) : null;
  if (name === null || !FORMATTERS.test(name)) return null;
  const values = call.arguments[1];
  return { text, values: values && values.type !== 'SpreadElement' ? values : null };
}

/** The values of a `format(text, values)` call that produced the text, directly or through a const. */
function formatValues(node: TSESTree.Node, resolve: Resolve): TSESTree.Node | null {
  let current = unwrap(node);
  for (let depth = 0; current.type === 'Identifier' && depth < MAX_DEPTH; depth++) {
    const def = resolve(current);
    if (def?.kind !== 'variable' || def.declarationKind !== 'const' || !def.init) return null;
    current = unwrap(def.init);
  }
  return current.type === 'CallExpression' ? (formatCall(current)?.values ?? null) : null;
}

/**
 * What a call to a function of this file returns, when its body is one `return` (or an arrow's
 * expression): `function byId() { return 'SELECT ...'; }`, `const q = (t) => ({ text: '...', values: [t] })`.
 */
export function returnedBy(call: TSESTree.CallExpression, resolve: Resolve): TSESTree.Node | null {
  const callee = unwrap(call.callee);
  if (callee.type !== 'Identifier') return null;
  const def = resolve(callee);
  let fn: TSESTree.Node | null = null;
  if (def?.kind === 'function') fn = def.node;
  else if (def?.kind === 'variable' && def.declarationKind === 'const' && def.init) fn = unwrap(def.init);
  if (!fn || (fn.type !== 'FunctionDeclaration' && fn.type !== 'FunctionExpression' && fn.type !== 'ArrowFunctionExpression')) return null;
  if (fn.body === null || fn.body === undefined) return null;
  if (fn.body.type !== 'BlockStatement') return fn.body;
  const [only, ...rest] = fn.body.body;
  return only?.type === 'ReturnStatement' && rest.length === 0 ? only.argument : null;
}

function markFragment(node: TSESTree.Node): Part {
  return { hole: node, fragment: true };
}

function highestDollar(text: string): number {
  let max = 0;
  for (const match of text.matchAll(/\$(\d+)/g)) max = Math.max(max, Number(match[1]));
  return max;
}

/** Map `$n` to the expressions passed as values: an array (positional) or an object (named). */
function bindValues(values: TSESTree.Node | null, names: readonly (string | null)[], resolve: Resolve): (TSESTree.Node | null)[] {
  let node = values;
  for (let depth = 0; node?.type === 'Identifier' && depth < MAX_DEPTH; depth++) {
    const def = resolve(node);
    node = def?.kind === 'variable' && def.init ? unwrap(def.init) : null;
  }
  if (!node) return [];
  if (node.type === 'ArrayExpression') {
    return node.elements.map((element) => (element && element.type !== 'SpreadElement' ? element : null));
  }
  if (node.type === 'ObjectExpression') {
    const byName = new Map<string, TSESTree.Node>();
    for (const property of node.properties) {
      if (property.type !== 'Property') continue;
      const key =
        property.key.type === 'Identifier' ? property.key.name : property.key.type === 'Literal' ? String(property.key.value) : null;
      if (key !== null) byName.set(key, property.value);
    }
    return names.map((name) => (name !== null ? (byName.get(name) ?? null) : null));
  }
  return [];
}

/**
 * Writes an identifier where a `$n` stands for a spliced table or column name (`FROM ${table}`,
 * `${schema}.users`, `INSERT INTO t (${col})`), and nothing where it stands for a spliced clause
 * (`... ${where}`), so the statement parses. The identifier is the name the expression resolves to
 * statically, else the expression as written (`"${this.table}"`): two statements splicing the same
 * expression name the same table, and messages show it as the code writes it. Identifier bindings
 * a library left as `"__ident_n"` (`??`) get the same treatment.
 */
export function spliceIdentifierHoles(sql: SqlText, ctx: ExtractContext): SqlText {
  if (!sql.text.includes('$') && !sql.text.includes('__ident_')) return sql;
  const roles = parameterRoles(sql.text, sql.dialect);
  const quote = sql.dialect === 'mysql' ? '`' : '"';
  let changed = false;
  let complete = sql.complete;
  const params = [...sql.params];
  const scratch: string[] = [];
  const nameOf = (n: number): string | null => {
    const node = sql.params[n - 1];
    if (!node) return null;
    let parts = staticIdentifier(node, ctx, 0);
    if (parts === null) {
      parts = [`\${${written(node)}}`];
      if (freshPerRun(node, ctx)) scratch.push(parts[0]!);
    }
    return parts
      .map((part) =>
        /^[a-z_][a-z0-9_]*$/.test(part) && !RESERVED.has(part) ? part : `${quote}${part.replaceAll(quote, quote + quote)}${quote}`,
      )
      .join('.');
  };
  let text = '';
  let at = 0;
  for (const [offset, { n, role }] of [...roles.entries()].sort((a, b) => a[0] - b[0])) {
    const length = 1 + String(n).length;
    const replacement = role === 'fragment' ? '' : role === 'row' ? `($${n})` : nameOf(n);
    if (replacement === null) continue;
    text += sql.text.slice(at, offset) + replacement;
    at = offset + length;
    changed = true;
    if (role === 'fragment') complete = false;
  }
  text += sql.text.slice(at);
  const identBindings = /"__ident_(\d+)"/g;
  if (identBindings.test(text)) {
    text = text.replace(identBindings, (whole, k: string) => nameOf(Number(k)) ?? whole);
    changed = true;
  }
  if (!changed) return sql;
  return scratch.length > 0 ? { ...sql, text, params, complete, scratch } : { ...sql, text, params, complete };
}

/** Words that must be quoted to stand as a name. */
const RESERVED = new Set([
  'user',
  'order',
  'group',
  'table',
  'select',
  'from',
  'where',
  'limit',
  'offset',
  'end',
  'default',
  'check',
  'column',
  'all',
  'and',
  'or',
  'to',
  'with',
  'as',
  'on',
  'in',
  'is',
  'not',
  'null',
  'for',
  'desc',
  'asc',
  'union',
  'case',
  'when',
  'then',
  'else',
  'primary',
  'references',
  'unique',
  'using',
  'key',
  'values',
  'into',
  'set',
  'update',
  'delete',
  'insert',
  'create',
  'grant',
  'analyze',
  'both',
  'cast',
  'do',
  'fetch',
  'having',
  'leading',
  'trailing',
  'only',
  'some',
  'any',
  'array',
]);

/**
 * The name an expression holds, when the file shows it: a string literal or same-file `const`, a
 * string enum member, a property of a `const` object literal, a class field (`this.table`) set to a
 * literal, slonik's `sql.identifier(['schema', 'table'])`. Dotted strings are schema-qualified.
 */
function staticIdentifier(node: TSESTree.Node, ctx: ExtractContext, depth: number): string[] | null {
  if (depth > MAX_DEPTH) return null;
  const inner = unwrap(node);
  switch (inner.type) {
    case 'Literal':
      return typeof inner.value === 'string' && inner.value !== '' ? inner.value.split('.') : null;
    case 'TemplateLiteral':
      return inner.expressions.length === 0 && inner.quasis[0]?.value.cooked ? inner.quasis[0].value.cooked.split('.') : null;
    case 'Identifier': {
      const def = ctx.resolve(inner);
      if (
        def?.kind === 'variable' &&
        def.declarationKind === 'const' &&
        def.init &&
        def.node.type === 'VariableDeclarator' &&
        def.node.id.type === 'Identifier'
      ) {
        return staticIdentifier(def.init, ctx, depth + 1);
      }
      return null;
    }
    case 'MemberExpression': {
      const property = propertyName(inner);
      if (property === null) return null;
      const value = memberValue(inner.object, property, ctx, depth);
      return value ? staticIdentifier(value, ctx, depth + 1) : null;
    }
    case 'CallExpression': {
      const callee = unwrap(inner.callee);
      const list = inner.arguments[0];
      if (callee.type !== 'MemberExpression' || propertyName(callee) !== 'identifier' || list?.type !== 'ArrayExpression') return null;
      const names: string[] = [];
      for (const element of list.elements) {
        const part = element && element.type !== 'SpreadElement' ? staticIdentifier(element, ctx, depth + 1) : null;
        if (part?.length !== 1) return null;
        names.push(part[0] as string);
      }
      return names.length > 0 ? names : null;
    }
    default:
      return null;
  }
}

/** The expression `object.property` holds: a `const` object literal's property, a class field, an enum member. */
function memberValue(object: TSESTree.Node, property: string, ctx: ExtractContext, depth: number): TSESTree.Node | null {
  const inner = unwrap(object);
  if (inner.type === 'ThisExpression') return classField(inner, property);
  if (inner.type === 'Identifier') {
    const def = ctx.resolve(inner);
    if (def?.node.type === 'TSEnumDeclaration') {
      const members =
        'body' in def.node && def.node.body ? def.node.body.members : (def.node as unknown as { members: TSESTree.TSEnumMember[] }).members;
      const member = members.find((m) => (m.id.type === 'Identifier' ? m.id.name : m.id.value) === property);
      return member?.initializer ?? null;
    }
    const init = constInitializer(def);
    return init?.type === 'ObjectExpression' ? objectProperty(init, property) : null;
  }
  if (inner.type === 'MemberExpression' && depth < MAX_DEPTH) {
    const name = propertyName(inner);
    const outer = name === null ? null : memberValue(inner.object, name, ctx, depth + 1);
    const value = outer ? unwrap(outer) : null;
    return value?.type === 'ObjectExpression' ? objectProperty(value, property) : null;
  }
  return null;
}

/** `this.table` inside a class: the field's initialiser, or the one value the constructor assigns it. */
function classField(self: TSESTree.ThisExpression, property: string): TSESTree.Node | null {
  let node: TSESTree.Node | undefined = self.parent;
  while (node && node.type !== 'ClassBody') node = node.parent;
  if (!node) return null;
  for (const member of node.body) {
    if (
      member.type === 'PropertyDefinition' &&
      !member.computed &&
      member.key.type === 'Identifier' &&
      member.key.name === property &&
      member.value
    ) {
      return member.value;
    }
  }
  const constructor = node.body.find((m) => m.type === 'MethodDefinition' && m.kind === 'constructor');
  if (constructor?.type !== 'MethodDefinition' || !constructor.value.body) return null;
  const assigned: TSESTree.Node[] = [];
  for (const statement of constructor.value.body.body) {
    const e = statement.type === 'ExpressionStatement' ? statement.expression : null;
    if (
      e?.type === 'AssignmentExpression' &&
      e.left.type === 'MemberExpression' &&
      e.left.object.type === 'ThisExpression' &&
      propertyName(e.left) === property
    )
      assigned.push(e.right);
  }
  return assigned.length === 1 ? (assigned[0] as TSESTree.Node) : null;
}

/** The expression as the code writes it, for a name and for messages (`this.table`, `T.users`, `tableName(kind)`). */
function written(node: TSESTree.Node, depth = 0): string {
  const inner = unwrap(node);
  if (depth > 6) return '…';
  switch (inner.type) {
    case 'Identifier':
      return inner.name;
    case 'ThisExpression':
      return 'this';
    case 'Literal':
      return inner.raw;
    case 'MemberExpression': {
      const property = inner.computed ? `[${written(inner.property, depth + 1)}]` : `.${written(inner.property, depth + 1)}`;
      return `${written(inner.object, depth + 1)}${property}`;
    }
    case 'CallExpression':
      return `${written(inner.callee, depth + 1)}(${inner.arguments.map((a) => written(a, depth + 1)).join(', ')})`;
    case 'ArrayExpression':
      return `[${inner.elements.map((e) => (e ? written(e, depth + 1) : '')).join(', ')}]`;
    case 'TemplateLiteral':
      return inner.expressions.length === 0 ? `\`${inner.quasis[0]?.value.raw ?? ''}\`` : '`…`';
    default:
      return '…';
  }
}

/** Methods that run SQL in the libraries the adapters know, and in the wrappers code writes around them. */
const QUERY_METHODS = new Set([
  'query',
  'execute',
  'raw',
  'unsafe',
  'queryAsync',
  'executeAsync',
  '$queryRaw',
  '$executeRaw',
  '$queryRawUnsafe',
  '$executeRawUnsafe',
  'queryRaw',
  'executeRaw',
]);

/**
 * A call shaped like a query (`x.query(text, ...)`, `knex.raw(text)`, `prisma.$queryRawUnsafe(text)`)
 * whose text no adapter could read: imported, built by a function, chosen at run time. Counted so the
 * share of SQL an audit saw is plain (`--stats`); nothing is checked on it.
 */
export function isUnresolvedQueryCall(node: TSESTree.CallExpression, ctx: ExtractContext): boolean {
  const method = ctx.calleeName(node);
  const first = node.arguments[0];
  if (method === null || !QUERY_METHODS.has(method) || ctx.calleeObject(node) === null || !first) return false;
  const origin = ctx.origin(first as TSESTree.Expression);
  if (
    [
      'ObjectExpression',
      'ArrayExpression',
      'ArrowFunctionExpression',
      'FunctionExpression',
      'TaggedTemplateExpression',
      'Literal',
      'SpreadElement',
    ].includes(origin.type)
  )
    return false;
  // A template or a concatenation that evaluates to text no adapter claimed is not SQL (a URL, a message).
  return ctx.sqlText(first, 'dollar', 'postgres') === null;
}
