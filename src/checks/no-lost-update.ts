import type { Step, Unit } from '../flow/index.js';
import { assignedValues, jsValueKind, provenance, type JsValueKind, type Provenance } from '../flow/provenance.js';
import type { TSESTree } from '@typescript-eslint/types';
import type { Resolver, VariableLike } from '../extract/scope.js';
import { branchLeaves, contains, isClock, isLoop, LEAVES_TURN, logicalParts, unwrap } from '../extract/ast.js';
import type { Assignment } from '../sql/facts.js';
import { columnFixKind, lookedUp } from './schema-facts.js';
import { columnName, isKeyColumn } from '../sql/keys.js';
import type { Schema } from '../schema/index.js';
import {
  groupActs,
  type Act,
  isRead,
  laterWrites,
  lines,
  onSqlite,
  ownKey,
  readProtection,
  retestsReadValue,
  sharedTable,
  type CheckInput,
  findingAt,
} from './shared.js';
import type { Finding, RuleMessages } from './types.js';
import type { QuerySite } from '../extract/types.js';
import { dialectAdvice, placeholder, sqliteTransaction } from './advice.js';
import { movesTestedConstant, retestsTestedConstant } from './retested-condition.js';

export const messages = {
  lostUpdate:
    '`{{table}}.{{column}}` is read on {{readLines}} without a lock, changed in JavaScript, and written back{{into}} as an absolute value on {{writeLines}}: an update committed in between is lost. {{fix}}.',
} as const satisfies RuleMessages;

export type MessageId = keyof typeof messages;

export const description = 'Disallow writing back a value read without a lock and changed in JavaScript';

/** What the write does with the read: the assignment written back, and the column of the read it is computed from. */
export interface LostWrite {
  assignment: Assignment;
  /** The column read that the written value is computed from (the written column when it is one of them). */
  readColumn: string;
  /** Every column of the read the written value is computed from. */
  columns: string[];
  kind: JsValueKind;
}

/**
 * The assignment of the write that sets an absolute value computed (through JavaScript) from what the
 * read returned, if any. A value fetched elsewhere with an id the read returned, a fresh id, or a
 * constant is not computed from the read.
 */
export function lostWrite(
  read: Step,
  write: Step,
  resolver: Resolver,
  { references = true }: { references?: boolean } = {},
): LostWrite | null {
  if (write.facts.kind !== 'update' || sharedTable(read, write) === null) return null;
  const filled = filledWhereEmpty(read, write, resolver);
  for (const assignment of write.facts.set) {
    if (assignment.shape !== 'value') continue;
    const column = columnName(assignment.column);
    const empty = filled.get(column);
    const values = assignment.params.map((n) => write.site.sql.params[n - 1] ?? null);
    // `!row.credits` holds for 0 too: a number computed from it (`row.credits + 10`) still writes back a stored value.
    if (
      empty !== undefined &&
      (empty === 'nullish' || !values.some((v) => numeric(v, resolver))) &&
      values.every((v) => v !== null && copiedFromRow(v, column, read, resolver))
    )
      continue;
    const columns = new Set<string>();
    let wholeRow = false;
    let expression = null;
    for (const n of assignment.params) {
      const param = write.site.sql.params[n - 1] ?? null;
      if (param !== null && keptOrNow(param, read, resolver)) continue;
      const source = provenance(param, read.result, resolver);
      if (!source) continue;
      source.columns.forEach((c) => columns.add(c));
      wholeRow ||= source.wholeRow;
      expression ??= param;
    }
    if (columns.size === 0 && !wholeRow) continue;
    // Computed from what identifies the row (`webhook:secret:${endpoint.id}`): the same whoever wrote in between.
    if (!wholeRow && [...columns].every((c) => identifies(read, c))) continue;
    if (!references && !wholeRow && namesReferencedRow(assignment, columns)) continue;
    const readColumn = columns.has(assignment.column) || columns.size === 0 ? assignment.column : [...columns][0]!;
    return { assignment, readColumn, columns: [...columns], kind: jsValueKind(expression, resolver) };
  }
  return null;
}

/**
 * The columns the write sets only where the read found them empty: it runs in the branch of an `if`
 * whose conditions include `row.col == null` (`=== null`, `=== undefined`) or `!row.col`, or after an
 * `if (row.col)` that leaves. No stored value of the column was changed in JavaScript and written back;
 * a concurrent fill the write overwrites is a set-once raced, which no-check-then-act asks about (with
 * what else the test lets run, and what it answers). `!row.col` also holds for `0`, `false` and `''`:
 * 'falsy' says so.
 */
function filledWhereEmpty(read: Step, write: Step, resolver: Resolver): Map<string, 'nullish' | 'falsy'> {
  const filled = new Map<string, 'nullish' | 'falsy'>();
  const target = write.site.node;
  const written = new Set(write.facts.set.map((a) => columnName(a.column)));
  for (const test of read.result.tests) {
    if (test.type !== 'IfStatement' || test.range[1] <= read.site.node.range[0]) continue;
    const inside = contains(test.consequent, target);
    const leaves =
      !contains(test, target) && test.range[1] <= target.range[0] && test.alternate === null && branchLeaves(test.consequent, LEAVES_TURN);
    if (!inside && !leaves) continue;
    for (const part of logicalParts(test.test, inside ? '&&' : '||')) {
      const empty = inside ? emptied(part) : present(part);
      const source = empty && provenance(empty.value, read.result, resolver);
      // Only a column the value tested holds: `!customerId`, with `customerId` the row's, names it.
      for (const column of source ? source.columns : [])
        if (written.has(column) && filled.get(column) !== 'nullish') filled.set(column, empty!.how);
    }
  }
  return filled;
}

/**
 * Every value `expression` can hold comes from the row read, through JavaScript, not through a call that
 * fetches or makes one (`organisation.subscription.customerId`, or a local given it): every request that
 * fills the column from the same row fills it with the same value. The emptied column's own value may be
 * among them (`let customerId = organisation.customerId`, reassigned on the way to the fill): where the
 * fill runs, it holds nothing. A Stripe customer created on the way (`stripeId = (await
 * stripe.customers.create(...)).id`) is a value of each request's own, and one of them is lost.
 */
function copiedFromRow(expression: TSESTree.Node, column: string, read: Step, resolver: Resolver): boolean {
  const inner = unwrap(expression);
  const variable = inner.type === 'Identifier' ? resolver.variable(inner) : null;
  const assigned = variable ? assignedValues(variable) : null;
  const values = assigned ? assigned.filter((v) => reaches(v, expression)) : [inner];
  const sources = values.map((v) => provenance(v, read.result, resolver));
  const own = (p: Provenance): boolean => !p.wholeRow && p.columns.length === 1 && p.columns[0] === column;
  return (
    sources.every((p) => p !== null && (own(p) || (!p.wholeRow && !p.columns.includes(column)))) &&
    sources.some((p) => p !== null && !own(p))
  );
}

/**
 * A value assigned before `use`, or in a loop that holds both (the next turn reads it): one assigned
 * after it, on the way out (`customerId = customer.id` once the fill is done), is not the one written.
 */
function reaches(value: TSESTree.Node, use: TSESTree.Node): boolean {
  if (value.range[0] < use.range[0]) return true;
  for (let node: TSESTree.Node | undefined = use.parent; node; node = node.parent) if (isLoop(node) && contains(node, value)) return true;
  return false;
}

interface Emptiness {
  value: TSESTree.Node;
  how: 'nullish' | 'falsy';
}

/** The value a condition says is empty: `x == null`, `x === null`, `x === undefined`, or falsy: `!x`. */
function emptied(condition: TSESTree.Node): Emptiness | null {
  if (condition.type === 'UnaryExpression' && condition.operator === '!') {
    const argument = unwrap(condition.argument);
    return argument.type === 'UnaryExpression' ? null : { value: argument, how: 'falsy' };
  }
  const value = comparedToNullish(condition, ['==', '===']);
  return value && { value, how: 'nullish' };
}

/** The value a condition says is there, once the `if` that leaves is passed: `x` (falsy after), `x != null`, `x !== null`. */
function present(condition: TSESTree.Node): Emptiness | null {
  if (condition.type === 'Identifier' || condition.type === 'MemberExpression') return { value: condition, how: 'falsy' };
  const value = comparedToNullish(condition, ['!=', '!==']);
  return value && { value, how: 'nullish' };
}

/** A number computed in JavaScript (`row.credits + 10`, `Number(x) - 1`). */
function numeric(node: TSESTree.Node | null | undefined, resolver: Resolver): boolean {
  return node != null && jsValueKind(node, resolver) === 'number';
}

function comparedToNullish(condition: TSESTree.Node, operators: readonly string[]): TSESTree.Node | null {
  if (condition.type !== 'BinaryExpression' || !operators.includes(condition.operator) || condition.left.type === 'PrivateIdentifier')
    return null;
  const nullish = (n: TSESTree.Node): boolean =>
    (n.type === 'Literal' && n.value === null) || (n.type === 'Identifier' && n.name === 'undefined');
  if (nullish(condition.right)) return unwrap(condition.left);
  if (nullish(condition.left)) return unwrap(condition.right);
  return null;
}

/**
 * `payout.paidAt ?? new Date()`: the stamp kept when it is there, else the clock. Nothing is computed
 * from it; a stamp another request set in between is replaced by one of the same moment. A `?:` may
 * pick it or a value that carries nothing of the read (`enable ? (discount.enabledAt ?? new Date()) :
 * null`, a toggle that keeps its stamp): the stamp is still only kept or taken now.
 */
function keptOrNow(node: TSESTree.Node, read: Step, resolver: Resolver): boolean {
  let inner = unwrap(node);
  if (inner.type === 'Identifier') {
    const definition = resolver.definition(inner);
    if (definition?.declarationKind === 'const' && definition.init) inner = unwrap(definition.init);
  }
  if (inner.type === 'ConditionalExpression') {
    const branches = [inner.consequent, inner.alternate];
    const kept = branches.filter((b) => keptOrNow(b, read, resolver));
    return kept.length > 0 && branches.every((b) => kept.includes(b) || provenance(b, read.result, resolver) === null);
  }
  if (inner.type !== 'LogicalExpression' || (inner.operator !== '??' && inner.operator !== '||')) return false;
  return isClock(inner.right);
}

/** The row's own key (`id`, `endpoint_id` on `endpoints`) or a value the read found it by: no concurrent write changes it. */
function identifies(read: Step, column: string): boolean {
  const name = columnName(column);
  return name === 'id' || read.facts.tablesRead.some((t) => ownKey(name, t)) || lookedUp(read).includes(name);
}

/**
 * Computed only from references to other rows (`archives/${link.collectionId}/${id}.pdf`), written into
 * another column: the reference is not written, so a concurrent change of it (the link moved) is not
 * overwritten, and the column written held nothing the value was computed from. What it leaves is a
 * value naming the row the reference pointed to when read, not an update lost.
 */
function namesReferencedRow(assignment: Assignment, columns: ReadonlySet<string>): boolean {
  const written = columnName(assignment.column);
  return columns.size > 0 && [...columns].every((c) => columnName(c) !== written && isKeyColumn(columnName(c)));
}

/**
 * Every value the write sets is required to be NULL in its WHERE (`SET schedule_phase = $1 WHERE id = $2
 * AND schedule_phase IS NULL`): a value another request stored first is never overwritten.
 */
function setsOnlyWhenEmpty(write: Step): boolean {
  const empty = new Set(write.facts.where.filter((p) => p.operator === 'is null' && p.column !== null).map((p) => p.column));
  return write.facts.set.some((a) => a.shape === 'value') && write.facts.set.every((a) => a.shape !== 'value' || empty.has(a.column));
}

/**
 * The write finds its row by a key column the read found its own by, compared to another local that
 * neither carries what the read returned nor is ever reassigned (`where: { id: targetId }` after
 * `findUnique({ where: { id: sourceId } })`): it copies a value into another row than the one read, and
 * nothing read from the row written is written back.
 */
function aimsAtAnotherRow(read: Step, write: Step, resolver: Resolver): boolean {
  const keyedBy = (step: Step): Map<string, VariableLike> => {
    const keys = new Map<string, VariableLike>();
    for (const p of step.facts.where) {
      if (!p.isKey || p.operator !== '=' || p.column === null || p.params.length !== 1) continue;
      const param = step.site.sql.params[p.params[0]! - 1];
      const value = param ? unwrap(param) : null;
      const variable = value?.type === 'Identifier' ? resolver.variable(value) : null;
      if (variable && !read.result.variables.has(variable) && neverReassigned(variable)) keys.set(columnName(p.column), variable);
    }
    return keys;
  };
  const looked = keyedBy(read);
  return [...keyedBy(write)].some(([column, variable]) => looked.has(column) && looked.get(column) !== variable);
}

/** A parameter or a local given its value once, where it is declared. */
function neverReassigned(variable: VariableLike): boolean {
  return variable.references.every(({ identifier }) => {
    const parent = identifier.parent;
    return !(
      (parent?.type === 'AssignmentExpression' && parent.left === identifier) ||
      parent?.type === 'UpdateExpression' ||
      (parent?.type === 'Property' &&
        parent.value === identifier &&
        parent.parent?.type === 'ObjectPattern' &&
        !isDeclaration(parent.parent)) ||
      (parent?.type === 'ArrayPattern' && !isDeclaration(parent))
    );
  });
}

/** A pattern of a declaration or a parameter list, not of an assignment. */
function isDeclaration(pattern: TSESTree.Node): boolean {
  let node: TSESTree.Node | undefined = pattern;
  while (
    node?.parent &&
    (node.parent.type === 'Property' ||
      node.parent.type === 'ObjectPattern' ||
      node.parent.type === 'ArrayPattern' ||
      node.parent.type === 'AssignmentPattern')
  )
    node = node.parent;
  return node?.parent?.type !== 'AssignmentExpression';
}

export function isLostUpdate(read: Step, write: Step, resolver: Resolver): boolean {
  return (
    lostWrite(read, write, resolver) !== null &&
    !retestsReadValue(read, write, resolver) &&
    !retestsTestedConstant(read, write, resolver) &&
    !movesTestedConstant(read, write, resolver) &&
    !setsOnlyWhenEmpty(write) &&
    !aimsAtAnotherRow(read, write, resolver)
  );
}

/** The fix that fits the value's type, in the write's SQL dialect, with its library's placeholder and count. */
function fixFor(column: string, kind: JsValueKind, site: QuerySite): string {
  const lockOrVersion = `lock the row with \`SELECT ... FOR UPDATE\` in the transaction, or add a version check to the WHERE and check ${site.countHint}`;
  const value = placeholder(site);
  const advice = dialectAdvice(site);
  switch (kind) {
    case 'number':
      return `Write it relative to the stored value (\`SET ${column} = ${column} + ${value}\`), ${lockOrVersion}`;
    case 'json':
      return `Merge into the stored document in SQL (${advice.mergeJson(column, value)}), ${lockOrVersion}`;
    case 'array':
      return `Append in SQL (${advice.appendArray(column, value)}), ${lockOrVersion}`;
    default:
      return `${lockOrVersion.charAt(0).toUpperCase()}${lockOrVersion.slice(1)}`;
  }
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function noLostUpdate({ units, resolver, schema }: CheckInput): Finding<'no-lost-update'>[] {
  const findings: Finding<'no-lost-update'>[] = [];
  for (const unit of units) {
    const pairs: { read: Step; write: Step; lost: LostWrite }[] = [];
    for (const read of unit.steps) {
      if (!isRead(read)) continue;
      for (const write of laterWrites(unit, read)) {
        if (
          readProtection(read, write, true, schema) !== null ||
          retestsReadValue(read, write, resolver) ||
          retestsTestedConstant(read, write, resolver) ||
          // The write moves the state its test found (`status !== 'DEPLOYING'` then `status: 'DEPLOYED'`): a check-then-act.
          movesTestedConstant(read, write, resolver) ||
          setsOnlyWhenEmpty(write) ||
          aimsAtAnotherRow(read, write, resolver)
        )
          continue;
        const lost = lostWrite(read, write, resolver, { references: false });
        if (lost) pairs.push({ read, write, lost });
      }
    }
    for (const act of groupActs(pairs)) findings.push(report(unit, act, schema));
  }
  return findings;
}

function report(unit: Unit, act: Act<{ read: Step; write: Step; lost: LostWrite }>, schema: Schema): Finding<'no-lost-update'> {
  const first = act.pairs[0]!;
  const write = act.writes[0]!;
  const { readColumn, assignment, kind } = first.lost;
  const same = readColumn === assignment.column;
  const into = same ? '' : ` into \`${assignment.column}\``;
  const table = sharedTable(first.read, write)!;
  // The declared column type, when the schema gives one, picks the fix; else what JavaScript built.
  const declared = columnFixKind(schema, table, assignment.column);
  const words = write.site.model;
  if (words) {
    const field = (column: string): string => words.fields[column] ?? column;
    const relative =
      (same ? (declared ?? kind) : 'other') === 'number' ? `${words.relative.replaceAll('{field}', field(assignment.column))}, ` : '';
    return findingAt(
      unit,
      write,
      'no-lost-update',
      'lostUpdate',
      {
        table: words.name,
        column: field(readColumn),
        into: same ? '' : ` into \`${field(assignment.column)}\``,
        readLines: lines(act.reads),
        writeLines: lines(act.writes),
        fix: `${capitalize(relative)}${relative ? words.version : capitalize(words.version)}, or ${
          act.reads.every((r) => onSqlite(r, schema)) && onSqlite(write, schema) ? sqliteTransaction(write.site) : words.lock
        }`,
      },
      [
        ...act.reads.map((r) => ({ label: 'read' as const, node: r.site.node })),
        ...act.writes.slice(1).map((w) => ({ label: 'write' as const, node: w.site.node })),
      ],
    );
  }
  return findingAt(
    unit,
    write,
    'no-lost-update',
    'lostUpdate',
    {
      table,
      column: readColumn,
      into,
      readLines: lines(act.reads),
      writeLines: lines(act.writes),
      fix: fixFor(assignment.column, same ? (declared ?? kind) : 'other', write.site),
    },
    [
      ...act.reads.map((r) => ({ label: 'read' as const, node: r.site.node })),
      ...act.writes.slice(1).map((w) => ({ label: 'write' as const, node: w.site.node })),
    ],
  );
}
