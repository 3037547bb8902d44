/**
 * Static evaluation of the expression that holds a query's SQL text: string literals, template
 * literals (each `${}` hole becomes a `$n` parameter), constants, and `+` concatenations of those.
 */
import type { TSESTree } from '@typescript-eslint/types';
import type { SqlDialect } from '../sql/facts.js';
import { toDollarPlaceholders } from '../sql/index.js';
import { unwrap } from './ast.js';
import type { Definition, PlaceholderStyle, SqlText } from './types.js';

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

  const { text: dollared, names } = toDollarPlaceholders(withMarkers, style);
  const bound = bindValues(values ? unwrap(values) : null, names, resolve);
  const firstHole = Math.max(names.length, highestDollar(dollared)) + 1;
  const text = dollared.replace(/__sqlrace_hole_(\d+)__/g, (_, k: string) => `$${firstHole + Number(k)}`);
  const params: (TSESTree.Node | null)[] = [];
  for (let n = 1; n < firstHole; n++) params.push(bound[n - 1] ?? null);
  params.push(...holes);

  const inner = unwrap(node);
  const literal = inner.type === 'Literal' && typeof inner.value === 'string'
    ? (inner as TSESTree.StringLiteral)
    : inner.type === 'TemplateLiteral' ? inner : null;
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
      if (def?.kind === 'variable' && def.declarationKind === 'const' && def.init && def.node.type === 'VariableDeclarator' && def.node.id.type === 'Identifier') {
        return evaluate(def.init, resolve, depth + 1);
      }
      return null;
    }
    case 'CallExpression': {
      // String(x).trim(), dedent-free helpers: `text.trim()` keeps the text.
      if (inner.callee.type === 'MemberExpression' && inner.arguments.length === 0 && inner.callee.property.type === 'Identifier' && ['trim', 'trimStart', 'trimEnd'].includes(inner.callee.property.name)) {
        return evaluate(inner.callee.object, resolve, depth + 1);
      }
      return null;
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
      if ((init.type === 'Literal' && typeof init.value === 'string') || init.type === 'TemplateLiteral' || init.type === 'BinaryExpression') {
        return evaluate(def.init, resolve, depth + 1);
      }
    }
  }
  return null;
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
      const key = property.key.type === 'Identifier' ? property.key.name : property.key.type === 'Literal' ? String(property.key.value) : null;
      if (key !== null) byName.set(key, property.value);
    }
    return names.map((name) => (name !== null ? (byName.get(name) ?? null) : null));
  }
  return [];
}
