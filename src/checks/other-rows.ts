/**
 * Tests that read another row than the one a write changes: a relation loaded with the row
 * (`include: { organisationGroup: true }`, then `group.organisationGroup.type`), or a row looked up by
 * the read row's key (`findOneByUserId(user.id)`, then `employee.isActive`), or by a column the schema
 * declares unique (`getState(row.purchaseToken)`, then `state.active`). What they test is not in
 * the row the UPDATE or DELETE changes, so they gate the write (a 404, a permission, a configuration)
 * rather than decide it on the row's state.
 */
import { coveringKey, findTable, tableForModel, type Schema } from '../schema/index.js';
import { columnName } from '../sql/keys.js';
import type { TSESTree } from '@typescript-eslint/types';
import type { Step, ValueTest } from '../flow/index.js';
import { dependsOn } from '../flow/results.js';
import { argumentValue } from '../flow/row-keys.js';
import { expressionPath, unwrap, walk } from '../extract/ast.js';
import type { Resolver, VariableLike } from '../extract/scope.js';

/** Whether the test reads only values of another row than the rows of `table` the read returned. */
export function testsAnotherRow(test: ValueTest, table: string, schema: Schema): boolean {
  if (test.lookedUp === true) return true;
  // What a call answers given a column the schema declares unique (`getState(row.purchaseToken)` under
  // `purchaseToken String @unique`): looked up by the row's key, as `findOneByUserId(user.id)` is by name.
  const given = test.fetchedWith;
  if (given !== undefined && given.length === 1 && coveringKey(schema, table, given) !== null) return true;
  const columns = test.columns;
  if (columns === null || columns.length === 0) return false;
  const [head, next] = columns as [string, string | undefined];
  const found = findTable(schema, table);
  if (found === null || Object.keys(found.columns).length === 0 || isColumn(found, head)) return false;
  // The property names a model the schema declares: the relation's row, loaded with this one. The
  // column read of it (`organisationGroup.type`) must not be one of this table's (a wrapper object
  // holding this table's rows reads them: `{ targetColl }.roleName`).
  if (tableForModel(schema, head) !== null) return next === undefined || !isColumn(found, next);
  // A relation field the model declares under a name of its own (`subscriptions Subscription?`,
  // `parentSubscription Subscription?`): the row it loads is another table's. Not a relation of the model
  // to itself (`parent User?`), whose row the write may be.
  const related = relationOf(found, head);
  return related !== null && tableForModel(schema, related) !== found.name;
}

/** The model a relation field of the table loads (`subscriptions` -> `Subscription`), or null. */
function relationOf(table: NonNullable<ReturnType<typeof findTable>>, field: string): string | null {
  const relations = table.relations ?? {};
  return Object.hasOwn(relations, field) ? relations[field]! : null;
}

function isColumn(table: NonNullable<ReturnType<typeof findTable>>, name: string): boolean {
  if (Object.hasOwn(table.columns, name) || Object.hasOwn(table.fields, name)) return true;
  const snake = columnName(name);
  return Object.keys(table.columns).some((c) => c.toLowerCase() === name.toLowerCase() || columnName(c) === snake);
}

/**
 * The UPDATE or DELETE is made by a called function on a row it finds itself from values the caller
 * passes (`invite(account, { memberId: member.id })`, which reads the collective `memberId` names and
 * updates it): the caller's arguments for those carry nothing of the row the read returned, and are not
 * the values the read looked it up by. The row written is another one than the row tested: what the
 * caller tested of its row (a permission, a type) gates the call, and nothing in the row written decides it.
 */
export function writesAnotherRow(read: Step, write: Step, resolver: Resolver): boolean {
  const origins = write.site.derived?.rowKeyArguments;
  if (origins === undefined) return false;
  const lookups: TSESTree.Node[] = [];
  for (const [i, p] of read.site.sql.params.entries()) {
    const of = read.site.paramProperties?.[i]?.of;
    if (p) lookups.push(p);
    else if (of) lookups.push(of);
  }
  return origins.every((origin) => {
    const value = argumentValue(origin, resolver);
    return !dependsOn(value, read.result, resolver) && !lookups.some((l) => sharesPath(value, l, resolver));
  });
}

/**
 * One value may be the other, or part of it: the property paths they are made of, followed through the
 * local variables they were assigned from (`expenseId = idDecode(expense.id)`, `const { account } =
 * args` -> `args.account`), overlap (`args.account` and `args`, `expense.id` and `expense`).
 */
function sharesPath(a: TSESTree.Node, b: TSESTree.Node, resolver: Resolver): boolean {
  const left = sources(a, resolver);
  const right = sources(b, resolver);
  const within = (x: string, y: string): boolean => x === y || y.startsWith(`${x}.`);
  return [...left].some((x) => [...right].some((y) => within(x, y) || within(y, x)));
}

/** The property paths a value is made of, through the variables it reads (see `sharesPath`). */
function sources(node: TSESTree.Node, resolver: Resolver, found = new Set<string>(), seen = new Set<VariableLike>()): Set<string> {
  const visit = (n: TSESTree.Node): boolean => {
    // A call's callee names a function, not a value: only its receiver and arguments.
    if (n.type === 'CallExpression' || n.type === 'NewExpression') {
      const callee = unwrap(n.callee);
      if (callee.type === 'MemberExpression') walk(callee.object, visit);
      for (const a of n.arguments) walk(a, visit);
      return false;
    }
    const path = n.type === 'MemberExpression' || n.type === 'Identifier' ? expressionPath(n) : null;
    if (path !== null) {
      found.add(path);
      let root: TSESTree.Node = n;
      while (root.type === 'MemberExpression') root = unwrap(root.object);
      if (root.type === 'Identifier') assigned(root);
      return false;
    }
    // A property's name is no value read: only its value.
    if (n.type === 'Property' && !n.computed) {
      walk(n.value, visit);
      return false;
    }
    return true;
  };
  const assigned = (id: TSESTree.Identifier): void => {
    const variable = resolver.variable(id);
    const def = resolver.definition(id);
    if (variable === null || seen.has(variable) || seen.size > 40 || def?.kind !== 'variable' || def.node.type !== 'VariableDeclarator')
      return;
    seen.add(variable);
    const declarator = def.node;
    // `const { account } = args`: `args.account`.
    if (declarator.init && declarator.id.type === 'ObjectPattern') {
      const base = expressionPath(declarator.init);
      const key = declarator.id.properties.find(
        (p) =>
          p.type === 'Property' &&
          !p.computed &&
          p.key.type === 'Identifier' &&
          (p.value.type === 'AssignmentPattern' ? p.value.left : p.value).type === 'Identifier' &&
          ((p.value.type === 'AssignmentPattern' ? p.value.left : p.value) as TSESTree.Identifier).name === id.name,
      );
      if (base !== null && key?.type === 'Property' && key.key.type === 'Identifier') found.add(`${base}.${key.key.name}`);
      else walk(declarator.init, visit);
    } else if (declarator.init) walk(declarator.init, visit);
    for (const reference of variable.references) {
      const parent = reference.identifier.parent;
      if (parent?.type === 'AssignmentExpression' && parent.left === reference.identifier) walk(parent.right, visit);
    }
  };
  walk(node, visit);
  return found;
}
