/**
 * Table names made afresh for each run: `` `work_${crypto.randomBytes(4).toString('hex')}` ``,
 * `` `import_${randomUUID()}` ``, kept in a variable or on `this` and spliced into the SQL
 * (`CREATE UNLOGGED TABLE ${this.workingTable} ...`, `UPDATE ${this.workingTable} SET ...`). No other
 * run, request or process knows the name, so no statement on that table races with anyone: it is the
 * run's scratch space, as a `TEMP` table is a session's.
 */
import type { TSESTree } from '@typescript-eslint/types';
import { propertyName, unwrap, walk } from './ast.js';
import type { ExtractContext } from './types.js';

/** Calls that return a value no one else holds: random bytes, UUIDs, nano/cu/ul-ids. */
const FRESH_CALLS =
  /^(?:randomBytes|randomUUID|randomInt|uuid|uuidv4|uuidv7|v4|v7|nanoid|customAlphabet|cuid|cuid2|createId|ulid|monotonicFactory)$/;
const MAX_DEPTH = 6;

/** The expression spliced in as a name holds a value made afresh for this run. */
export function freshPerRun(node: TSESTree.Node, ctx: ExtractContext, depth = 0): boolean {
  if (depth > MAX_DEPTH) return false;
  const inner = unwrap(node);
  switch (inner.type) {
    case 'TemplateLiteral':
      return inner.expressions.some((e) => freshPerRun(e, ctx, depth + 1));
    case 'BinaryExpression':
      return inner.operator === '+' && (freshPerRun(inner.left, ctx, depth + 1) || freshPerRun(inner.right, ctx, depth + 1));
    case 'CallExpression': {
      const callee = unwrap(inner.callee);
      const name = callee.type === 'Identifier' ? callee.name : callee.type === 'MemberExpression' ? propertyName(callee) : null;
      if (name !== null && FRESH_CALLS.test(name)) return true;
      // `Math.random()`, and what is made of a fresh value: `randomBytes(4).toString('hex')`, `id.slice(0, 8)`.
      if (callee.type === 'MemberExpression') {
        const object = unwrap(callee.object);
        if (name === 'random' && object.type === 'Identifier' && object.name === 'Math') return true;
        return freshPerRun(callee.object, ctx, depth + 1);
      }
      return false;
    }
    case 'Identifier': {
      const def = ctx.resolve(inner);
      // A `const` (or a `let` assigned once, where it is declared) initialised with a fresh value.
      return def?.kind === 'variable' && def.declarationKind !== 'var' && def.init !== null && !reassigned(def.name, ctx)
        ? freshPerRun(def.init, ctx, depth + 1)
        : false;
    }
    case 'MemberExpression': {
      const object = unwrap(inner.object);
      const property = propertyName(inner);
      return object.type === 'ThisExpression' && property !== null && freshField(inner, property, ctx, depth);
    }
    default:
      return false;
  }
}

/**
 * `this.x` in a class whose every assignment of `x` stores a fresh value: `this.table = `work_${id}``
 * in the method that starts a run, besides an empty initial value (`private table = ''`).
 */
function freshField(node: TSESTree.Node, property: string, ctx: ExtractContext, depth: number): boolean {
  let body: TSESTree.Node | undefined = node.parent;
  while (body && body.type !== 'ClassBody') body = body.parent;
  if (!body) return false;
  const values: TSESTree.Node[] = [];
  walk(body, (n) => {
    if (n.type === 'PropertyDefinition' && !n.computed && propertyKey(n.key) === property && n.value && !empty(n.value))
      values.push(n.value);
    if (n.type === 'AssignmentExpression' && n.left.type === 'MemberExpression') {
      const object = unwrap(n.left.object);
      if (object.type === 'ThisExpression' && propertyName(n.left) === property) values.push(n.operator === '=' ? n.right : n);
    }
  });
  return values.length > 0 && values.every((v) => v.type !== 'AssignmentExpression' && freshPerRun(v, ctx, depth + 1));
}

function propertyKey(key: TSESTree.Node): string | null {
  if (key.type === 'Identifier') return key.name;
  if (key.type === 'Literal' && typeof key.value === 'string') return key.value;
  return null;
}

function empty(value: TSESTree.Node): boolean {
  const inner = unwrap(value);
  return (
    (inner.type === 'Literal' && (inner.value === '' || inner.value === null)) ||
    (inner.type === 'TemplateLiteral' && inner.expressions.length === 0 && inner.quasis[0]?.value.cooked === '') ||
    (inner.type === 'Identifier' && inner.name === 'undefined')
  );
}

const reassignments = new WeakMap<TSESTree.Identifier, boolean>();

/** The variable is assigned after its declaration somewhere in the file. */
function reassigned(name: TSESTree.Identifier, ctx: ExtractContext): boolean {
  const known = reassignments.get(name);
  if (known !== undefined) return known;
  let root: TSESTree.Node = name;
  while (root.parent) root = root.parent;
  let found = false;
  walk(root, (n) => {
    if (found) return false;
    if (n.type === 'AssignmentExpression' && n.left.type === 'Identifier' && n.left.name === name.name) {
      const def = ctx.resolve(n.left);
      if (def?.name === name) found = true;
    }
  });
  reassignments.set(name, found);
  return found;
}
