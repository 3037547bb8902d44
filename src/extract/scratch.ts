/**
 * Table names made afresh for each run: `` `work_${crypto.randomBytes(4).toString('hex')}` ``,
 * `` `import_${randomUUID()}` ``, kept in a variable or on `this` and spliced into the SQL
 * (`CREATE UNLOGGED TABLE ${this.workingTable} ...`, `UPDATE ${this.workingTable} SET ...`). No other
 * run, request or process knows the name, so no statement on that table races with anyone: it is the
 * run's scratch space, as a `TEMP` table is a session's.
 */
import type { TSESTree } from '@typescript-eslint/types';
import { isFunction, propertyName, unwrap, walk } from './ast.js';
import { isFreshValueCall, keyName } from './kit.js';
import type { ExtractContext } from './types.js';

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
      if (name !== null && isFreshValueCall(name)) return true;
      // `Math.random()`, and what is made of a fresh value: `randomBytes(4).toString('hex')`, `id.slice(0, 8)`.
      if (callee.type === 'MemberExpression') {
        const object = unwrap(callee.object);
        if (name === 'random' && object.type === 'Identifier' && object.name === 'Math') return true;
        return freshPerRun(callee.object, ctx, depth + 1);
      }
      return false;
    }
    case 'Identifier': {
      // A `const` initialised with a fresh value (the only kind of variable the extractor follows).
      const def = ctx.resolve(inner);
      return def?.kind === 'variable' && def.declarationKind === 'const' && def.init !== null
        ? freshPerRun(def.init, ctx, depth + 1)
        : false;
    }
    case 'MemberExpression': {
      const object = unwrap(inner.object);
      const property = propertyName(inner);
      if (object.type !== 'ThisExpression' || property === null) return false;
      const values = fieldValues(inner)?.get(property);
      return values !== undefined && values !== 'unknown' && values.length > 0 && values.every((v) => freshPerRun(v, ctx, depth + 1));
    }
    default:
      return false;
  }
}

type FieldValues = Map<string, TSESTree.Node[] | 'unknown'>;
const fieldsByClass = new WeakMap<TSESTree.ClassBody, FieldValues>();

/**
 * Every value the class stores in each of its fields, by one walk of the class body per class: field
 * initialisers (besides an empty one, `private table = ''`) and `this.x = value` in its methods and
 * arrow functions (not in nested functions or classes, whose `this` is another). A field that is a
 * constructor parameter (`constructor(private table: string)`), or changed otherwise (`this.x += ...`),
 * holds what the code cannot tell: `'unknown'`.
 */
function fieldValues(node: TSESTree.Node): FieldValues | null {
  let body: TSESTree.Node | undefined = node.parent;
  while (body && body.type !== 'ClassBody') body = body.parent;
  if (!body) return null;
  const known = fieldsByClass.get(body);
  if (known) return known;
  const fields: FieldValues = new Map();
  const add = (name: string | null, value: TSESTree.Node | 'unknown'): void => {
    if (name === null) return;
    const values = fields.get(name);
    if (value === 'unknown' || values === 'unknown') fields.set(name, 'unknown');
    else fields.set(name, [...(values ?? []), value]);
  };
  const classBody = body;
  walk(classBody, (n) => {
    if (
      n !== classBody &&
      (n.type === 'ClassBody' || (isFunction(n) && n.type !== 'ArrowFunctionExpression' && n.parent?.type !== 'MethodDefinition'))
    )
      return false;
    if (n.type === 'PropertyDefinition' && n.value && !empty(n.value)) add(keyName(n), n.value);
    if (n.type === 'TSParameterProperty') {
      const parameter = n.parameter.type === 'AssignmentPattern' ? n.parameter.left : n.parameter;
      add(parameter.type === 'Identifier' ? parameter.name : null, 'unknown');
    }
    if (n.type === 'AssignmentExpression' && n.left.type === 'MemberExpression' && unwrap(n.left.object).type === 'ThisExpression')
      add(propertyName(n.left), n.operator === '=' ? n.right : 'unknown');
  });
  fieldsByClass.set(classBody, fields);
  return fields;
}

function empty(value: TSESTree.Node): boolean {
  const inner = unwrap(value);
  return (
    (inner.type === 'Literal' && (inner.value === '' || inner.value === null)) ||
    (inner.type === 'TemplateLiteral' && inner.expressions.length === 0 && inner.quasis[0]?.value.cooked === '') ||
    (inner.type === 'Identifier' && inner.name === 'undefined')
  );
}
