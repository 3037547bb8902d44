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
import type { Step, Unit, ValueTest } from '../flow/index.js';
import { ownKey } from './shared.js';
import { dependsOn } from '../flow/results.js';
import { argumentValue } from '../flow/row-keys.js';
import { expressionPath, propertyName, unwrap, walk } from '../extract/ast.js';
import type { Resolver, VariableLike } from '../extract/scope.js';

/**
 * Whether the test reads only values of another row than the rows of `table` the read returned. `loaded`
 * are the properties the read itself fills with rows of other tables (`include: [{ association: 'host'
 * }]`): `card.host.id` reads the host's row, whatever the schema says of the table.
 */
export function testsAnotherRow(test: ValueTest, table: string, schema: Schema, loaded: readonly string[] = []): boolean {
  if (test.lookedUp === true) return true;
  // What a call answers given a column the schema declares unique (`getState(row.purchaseToken)` under
  // `purchaseToken String @unique`): looked up by the row's key, as `findOneByUserId(user.id)` is by name.
  const given = test.fetchedWith;
  if (given !== undefined && given.length === 1 && coveringKey(schema, table, given) !== null) return true;
  const columns = test.columns;
  if (columns === null || columns.length === 0) return false;
  const [head, next] = columns as [string, string | undefined];
  const found = findTable(schema, table);
  // Not a wrapper holding this table's own values (`{ group }.locked`), as below.
  if (loaded.includes(head)) return next === undefined || found === null || !isColumn(found, next);
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
 * updates it), and those values name another row than the one tested: they come from the caller's own
 * input (`args.members`), or are the own key of a row another read found from it (`member.id`, `member`
 * found by `args.memberSlug`), carry nothing of the row the read returned, and are not the values it was
 * looked up by. What the caller tested of its row (a permission, a type) gates the call; nothing in the
 * row written decides it. A column that points at a row (`commission.partnerId`) may name the very row
 * tested, and keeps it reported.
 */
export function writesAnotherRow(unit: Unit, read: Step, write: Step, resolver: Resolver): boolean {
  const origins = write.site.derived?.rowKeyArguments;
  if (origins === undefined) return false;
  const lookups = lookupValues(read) ?? givenArguments(read);
  if (lookups === null) return false;
  const input = new InputRows(unit, resolver);
  return origins.every((origin) => {
    const value = argumentValue(origin, resolver);
    return !dependsOn(value, read.result, resolver) && !lookups.some((l) => sharesPath(value, l, resolver)) && input.names(value, true, 0);
  });
}

/** The values a read looks its rows up by, or null when one of them cannot be told. */
function lookupValues(read: Step): TSESTree.Node[] | null {
  const found: TSESTree.Node[] = [];
  for (const [i, p] of read.site.sql.params.entries()) {
    const of = read.site.paramProperties?.[i]?.of;
    if (p) found.push(p);
    else if (of) found.push(of);
    else return null;
  }
  return found;
}

/**
 * What a called function that computes its lookup values (`loadById(input.id)` in a closure) is given to
 * look up by: the call's arguments, but for options objects (`{ throwIfMissing: true }`).
 */
function givenArguments(read: Step): TSESTree.Node[] | null {
  const call = unwrap(read.site.node);
  if (read.site.derived === undefined || call.type !== 'CallExpression') return null;
  const given = call.arguments
    .map((a) => (a.type === 'SpreadElement' ? a.argument : a))
    .filter((a) => !['ObjectExpression', 'ArrayExpression'].includes(unwrap(a).type));
  return given.length > 0 ? given : null;
}

/**
 * Values made of the function's input (its parameters, `args.members`) or of rows found by it: the own key
 * of a row a read found from input values (`member.id`), the row itself. `direct`: the value is the key
 * itself, where a constant names one row for every caller; inside a conversion (`idDecode(args.id, 'x')`)
 * it only shapes it.
 */
class InputRows {
  private readonly seen = new Set<VariableLike>();

  constructor(
    private readonly unit: Unit,
    private readonly resolver: Resolver,
  ) {}

  names(node: TSESTree.Node, direct: boolean, depth: number): boolean {
    if (depth > 30) return false;
    const inner = unwrap(node);
    const next = depth + 1;
    switch (inner.type) {
      case 'Literal':
        return !direct;
      case 'TemplateLiteral':
        return inner.expressions.every((e) => this.names(e, false, next));
      case 'AwaitExpression':
        return this.names(inner.argument, direct, next);
      case 'ChainExpression':
        return this.names(inner.expression, direct, next);
      case 'ObjectExpression':
        return inner.properties.every((p) =>
          p.type === 'SpreadElement' ? this.names(p.argument, direct, next) : this.names(p.value, false, next),
        );
      case 'ArrayExpression':
        return inner.elements.every((e) => e === null || this.names(e.type === 'SpreadElement' ? e.argument : e, direct, next));
      case 'MemberExpression': {
        if (inner.computed) return false;
        const read = this.readAt(inner.object);
        // `member.id`: the own key of a row found by a read.
        if (read !== null) return isRowKey(propertyName(inner) ?? '', read) && this.foundFromInput(read, next);
        return this.names(inner.object, direct, next);
      }
      case 'CallExpression': {
        const read = this.readAt(inner);
        if (read !== null) return this.foundFromInput(read, next);
        if (this.unit.steps.some((s) => s.site.node === inner)) return false;
        const callee = unwrap(inner.callee);
        return (
          inner.arguments.every((a) => this.names(a.type === 'SpreadElement' ? a.argument : a, false, next)) &&
          (callee.type !== 'MemberExpression' || callee.object.type === 'Identifier' || this.names(callee.object, false, next))
        );
      }
      case 'Identifier':
        return this.identifier(inner, direct, next);
      default:
        return false;
    }
  }

  /** The read whose call this is (`await fetchAccount(ref)`, or a variable holding only its row). */
  private readAt(node: TSESTree.Node): Step | null {
    let inner = unwrap(node);
    if (inner.type === 'AwaitExpression') inner = unwrap(inner.argument);
    if (inner.type === 'Identifier') {
      const def = this.resolver.definition(inner);
      const variable = this.resolver.variable(inner);
      if (def?.kind !== 'variable' || def.declarationKind !== 'const' || !def.init || def.node.type !== 'VariableDeclarator') return null;
      if (def.node.id.type !== 'Identifier' || variable === null) return null;
      return this.readAt(def.init);
    }
    const reads = this.unit.steps.filter((s) => s.site.node === inner && s.facts.kind === 'select' && !s.facts.aggregate);
    return reads.length > 0 && reads.every((r) => r.facts.tablesRead[0] === reads[0]!.facts.tablesRead[0]) ? reads[0]! : null;
  }

  /**
   * Every read at the read's call looks its row up by input values; a called function that computes what
   * it looks up by (`loadById(input.id)` in a closure) by what it is given, not constants alone.
   */
  private foundFromInput(read: Step, depth: number): boolean {
    const reads = this.unit.steps.filter((s) => s.site.node === read.site.node && s.facts.kind === 'select');
    const told = reads.map(lookupValues);
    if (told.every((l) => l !== null && l.length > 0)) return told.every((l) => l!.every((v) => this.names(v, true, depth)));
    const call = unwrap(read.site.node);
    if (call.type !== 'CallExpression' || read.site.derived === undefined) return false;
    const args = call.arguments.map((a) => (a.type === 'SpreadElement' ? a.argument : a));
    // An options object (`{ throwIfMissing: true }`) says how to look, not what.
    const given = (a: TSESTree.Node): boolean =>
      !['ObjectExpression', 'ArrayExpression'].includes(unwrap(a).type) && this.names(a, true, depth);
    return args.every((a) => this.names(a, false, depth)) && args.some(given);
  }

  private identifier(id: TSESTree.Identifier, direct: boolean, depth: number): boolean {
    if (id.name === 'undefined') return !direct;
    const def = this.resolver.definition(id);
    // A parameter of the function: its input.
    if (def?.kind === 'parameter') return def.node === this.unit.node;
    if (def?.kind !== 'variable' || def.node.type !== 'VariableDeclarator') return !direct && (def === null || def.kind === 'import');
    const variable = this.resolver.variable(id);
    if (variable === null) return false;
    if (this.seen.has(variable)) return true;
    this.seen.add(variable);
    const declarator = def.node;
    const values: TSESTree.Node[] = [];
    if (declarator.init) values.push(declarator.init);
    else {
      const loop = declarator.parent?.parent;
      if (loop?.type === 'ForOfStatement' || loop?.type === 'ForInStatement') values.push(loop.right);
    }
    for (const reference of variable.references) {
      const parent = reference.identifier.parent;
      if (parent?.type === 'AssignmentExpression' && parent.left === reference.identifier) values.push(parent.right);
    }
    const found = values.length > 0 && values.every((v) => this.names(v, direct, depth));
    this.seen.delete(variable);
    return found;
  }
}

/** The row's own key: `id`, or the key column its table names for itself (`user_id` on `users`). */
function isRowKey(property: string, read: Step): boolean {
  const table = read.facts.tablesRead[0];
  return columnName(property) === 'id' || (table !== undefined && ownKey(columnName(property), table));
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
