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
import type { ValueTest } from '../flow/index.js';

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
