/**
 * The adapter kit: what every model and query-builder adapter needs, written once. Statement facts
 * without SQL text (`built`), their `$n` parameters bound to the user's expressions, predicates and
 * assignments judged by the one shared classifier (src/sql/classify.ts), isolation names, method
 * chains, object arguments, and the fields assigned on an object read earlier (`product.stock = n`
 * before `product.save()`).
 *
 * Column names are normalised here, where builder facts are made: a model field written in camelCase
 * (`availableSeats`) is the column `available_seats`, so a builder statement, an SQL statement and a
 * row property read in JavaScript name a column the same way (see `columnName`).
 */
import type { TSESTree } from '@typescript-eslint/types';
import { classifyAssignment, classifyPredicate, type Operand } from '../sql/classify.js';
import type { Assignment, Isolation, Predicate, SqlDialect, StatementFacts, StatementKind } from '../sql/facts.js';
import { columnName } from '../sql/keys.js';
import { contains, isClock, isFunction, objectProperty, propertyName, unwrap, walk } from './ast.js';
import type { ExtractContext, LibraryFixes, ModelWords, SqlText, TextTest, TransactionCallback } from './types.js';

export { columnName };

/** `Serializable`, `SERIALIZABLE`, `repeatable_read`, `RepeatableRead`, `'repeatable read'` -> an isolation. */
export function isolationFromName(name: string): Isolation | null {
  switch (name.toLowerCase().replace(/[\s_-]/g, '')) {
    case 'serializable':
      return 'serializable';
    case 'repeatableread':
      return 'repeatable read';
    case 'readcommitted':
      return 'read committed';
    case 'readuncommitted':
      return 'read uncommitted';
    default:
      return null;
  }
}

/** An isolation written as a string literal or a member (`Prisma.TransactionIsolationLevel.Serializable`), through consts. */
export function isolationOf(node: TSESTree.Node | null | undefined, ctx: ExtractContext): Isolation | null {
  if (!node || node.type === 'SpreadElement') return null;
  const value = ctx.origin(node as TSESTree.Expression);
  const name =
    value.type === 'Literal' && typeof value.value === 'string'
      ? value.value
      : value.type === 'MemberExpression'
        ? propertyName(value)
        : null;
  return name !== null ? isolationFromName(name) : null;
}

/**
 * The callback a transaction method (`call`) is given as `node`: a function written out, or a
 * parameter of the function around the call handed on whole (`return db.transaction(fn)`), which the
 * library calls with the transaction as it would a written-out one. A call whose value is stored
 * (`const trx = await knex.transaction(config)`) begins a transaction by hand: its argument is options.
 */
export function transactionCallback(
  call: TSESTree.CallExpression,
  node: TSESTree.Node | null | undefined,
  ctx: ExtractContext,
): TransactionCallback | null {
  if (!node) return null;
  if (node.type === 'ArrowFunctionExpression' || node.type === 'FunctionExpression') return node;
  if (node.type !== 'Identifier' || ctx.resolve(node)?.kind !== 'parameter') return null;
  let current: TSESTree.Node = call;
  while (current.parent?.type === 'AwaitExpression' || current.parent?.type === 'TSAsExpression') current = current.parent;
  const parent = current.parent;
  return parent?.type === 'VariableDeclarator' || parent?.type === 'AssignmentExpression' ? null : node;
}

/** The callback's parameter that receives the transaction (none for a name handed on: its own function names it). */
export function transactionParameter(callback: TransactionCallback): TSESTree.Parameter | null {
  return callback.type === 'Identifier' ? null : (callback.params[0] ?? null);
}

/** `{ isolationLevel: 'serializable' }` (inline or through consts): the isolation the option names. */
export function isolationOption(config: TSESTree.Node | null | undefined, ctx: ExtractContext, key = 'isolationLevel'): Isolation | null {
  const object = objectArgument(config, ctx);
  return isolationOf(object ? objectProperty(object, key) : null, ctx);
}

/** An object argument, through consts (`const where = { id }` then `findUnique({ where })`). */
export function objectArgument(node: TSESTree.Node | null | undefined, ctx: ExtractContext): TSESTree.ObjectExpression | null {
  if (!node || node.type === 'SpreadElement') return null;
  const value = ctx.origin(node as TSESTree.Expression);
  return value.type === 'ObjectExpression' ? value : null;
}

/**
 * The properties an object literal sets, its spreads flattened: a spread of an object literal, of a constant
 * bound to one (`const extra = { a, b }`, `...extra`), or of a call to a function of this file whose body
 * returns one (`...toColumns(user)` with `const toColumns = (u) => ({ name: u.name })`) sets that literal's
 * properties. Any other spread (`...props`, a parameter, an imported helper, a function with several returns)
 * may set any key, so the answer is null: the keys are not known, rather than the ones seen. Without `ctx`,
 * only spreads of inline object literals are followed.
 */
export function objectProperties(object: TSESTree.ObjectExpression, ctx: ExtractContext | null, depth = 0): TSESTree.Property[] | null {
  const properties: TSESTree.Property[] = [];
  for (const p of object.properties) {
    if (p.type !== 'SpreadElement') {
      properties.push(p);
      continue;
    }
    if (depth >= 3) return null;
    const inner = ctx !== null ? (objectArgument(p.argument, ctx) ?? unwrap(p.argument)) : unwrap(p.argument);
    if (inner.type !== 'ObjectExpression') return null;
    const nested = objectProperties(inner, ctx, depth + 1);
    if (nested === null) return null;
    properties.push(...nested);
  }
  return properties;
}

/**
 * The columns an INSERT's row object sets (`{ id, email: input.email }`), or null when they cannot all
 * be told: a spread `objectProperties` cannot follow (`{ id, ...props }`) may set any column. Properties
 * `skip` refuses (a nested relation write) are left out.
 */
export function insertedFields(
  builder: StatementBuilder,
  row: TSESTree.ObjectExpression,
  skip: (p: TSESTree.Property) => boolean = () => false,
  ctx: ExtractContext | null = null,
): string[] | null {
  const properties = objectProperties(row, ctx);
  if (properties === null) return null;
  const fields: string[] = [];
  for (const p of properties) {
    const name = keyName(p);
    if (name !== null && !skip(p) && !freshId(p.value)) {
      const column = builder.field(name);
      fields.push(column);
      const value = unwrap(p.value);
      if (value.type === 'Literal' && ['string', 'number', 'boolean'].includes(typeof value.value))
        builder.insertLiterals[column] = value.value as string | number | boolean;
      else if (
        value.type === 'Identifier' ||
        value.type === 'MemberExpression' ||
        value.type === 'TemplateLiteral' ||
        (value.type === 'BinaryExpression' && value.operator === '+')
      ) {
        // A value built in place (`\`referral:${trigger}:${partnerId}\``) is one value too: the checks read what it is made of.
        const { params } = builder.value(p.value);
        if (params.length === 1) builder.insertParams[column] = params[0]!;
      }
    }
  }
  return fields;
}

/** The static keys an object literal sets, spreads followed as `objectProperties` does; null when not all are known. */
export function objectKeys(object: TSESTree.ObjectExpression, ctx: ExtractContext): string[] | null {
  return objectProperties(object, ctx)?.flatMap((p) => (keyName(p) !== null ? [keyName(p)!] : [])) ?? null;
}

/**
 * `createId()`, `randomUUID()`, `nanoid()`, `uuidv4()`, `cuid()`, `generateId('grp')`: a value made for the new
 * row, which no check can have looked up. Left out of the columns an INSERT sets, like a database default.
 */
function freshId(value: TSESTree.Node): boolean {
  const inner = unwrap(value);
  if (inner.type !== 'CallExpression') return false;
  const callee = unwrap(inner.callee);
  const name = callee.type === 'Identifier' ? callee.name : callee.type === 'MemberExpression' ? propertyName(callee) : null;
  return name !== null && isFreshValueCall(name);
}

/**
 * The name of a call that makes a value no one else holds: an id (`createId`, `randomUUID`, `uuidv4`, uuid's
 * `v4`, `nanoid`, `cuid`, `ulid`, `generateId`) or random bytes and numbers (`randomBytes`, `randomInt`,
 * nanoid's `customAlphabet`, ulid's `monotonicFactory`).
 */
export function isFreshValueCall(name: string): boolean {
  return FRESH_VALUE.test(name);
}

const FRESH_VALUE =
  /^(?:(?:(?:create|generate|new|make|random)_?)?(?:id|uuid|uuidv[1-7]|uuid_v[1-7]|cuid2?|ulid|nanoid|objectid)|v[1-7]|randomBytes|randomInt|customAlphabet|monotonicFactory)$/i;

/** The static key of an object property or class field (`a`, `'a'`, `[\`a\`]`), or null. */
export function keyName(p: { key: TSESTree.Node; computed: boolean }): string | null {
  if (!p.computed && p.key.type === 'Identifier') return p.key.name;
  if (p.key.type === 'Literal' && (typeof p.key.value === 'string' || typeof p.key.value === 'number')) return String(p.key.value);
  return null;
}

/** The calls of a method chain from its root: `db('t').where(a).first()` -> root `db('t')`, calls where, first. */
export interface ChainCall {
  name: string;
  call: TSESTree.CallExpression;
}

/**
 * The chain a call belongs to, from the innermost receiver outwards to the last call of the chain
 * (the one whose value the code uses). `start` is any call of the chain.
 */
export function methodChain(start: TSESTree.CallExpression): {
  root: TSESTree.Expression;
  calls: ChainCall[];
  last: TSESTree.CallExpression;
} {
  // Walk in to the root.
  let innermost: TSESTree.CallExpression = start;
  for (;;) {
    const callee = unwrap(innermost.callee);
    if (callee.type !== 'MemberExpression') break;
    const object = unwrap(callee.object);
    if (object.type !== 'CallExpression' || unwrap(object.callee).type !== 'MemberExpression') break;
    innermost = object;
  }
  const calls: ChainCall[] = [];
  let root: TSESTree.Expression = innermost;
  const innerCallee = unwrap(innermost.callee);
  if (innerCallee.type === 'MemberExpression') root = innerCallee.object;
  // Walk out to the last call.
  let current: TSESTree.CallExpression = innermost;
  for (;;) {
    const callee = unwrap(current.callee);
    const name = callee.type === 'MemberExpression' ? propertyName(callee) : null;
    if (name !== null) calls.push({ name, call: current });
    const member = outerMember(current);
    const next = member?.parent;
    if (!member || next?.type !== 'CallExpression' || next.callee !== member) break;
    current = next;
  }
  return { root, calls, last: current };
}

function outerMember(node: TSESTree.Node): TSESTree.MemberExpression | null {
  let current = node;
  while (current.parent?.type === 'TSNonNullExpression' || current.parent?.type === 'ChainExpression') current = current.parent;
  const parent = current.parent;
  return parent?.type === 'MemberExpression' && parent.object === current ? parent : null;
}

/**
 * Builds the facts of one statement from a model or builder call: parameters are allocated as the
 * adapter meets values in the user's code, so `$n` in a predicate or assignment is `params[n - 1]`.
 */
export class StatementBuilder {
  readonly params: (TSESTree.Node | null)[] = [];
  readonly where: Predicate[] = [];
  readonly set: Assignment[] = [];
  /** Each column met, as the code wrote it (`availableSeats` for `available_seats`), for messages. */
  readonly fields: Record<string, string> = {};
  /** The values an INSERT's row writes in place (`status: 'pending'`), by column. */
  readonly insertLiterals: Record<string, string | number | boolean> = {};
  /** The other values an INSERT's row writes (`teamId: team.id`), by column: each a `$n` of the site's params. */
  readonly insertParams: Record<string, number> = {};

  /**
   * The call writes more than `set` holds: a value it cannot read field by field (a spread it cannot
   * follow, a JSON object) or a nested write of another table (`events: { create: ... }`).
   */
  unseenWrites = false;

  constructor(readonly dialect: SqlDialect = 'postgres') {}

  /** A value written in the code: a literal is inlined in the text; anything else becomes `$n`. */
  value(node: TSESTree.Node): { text: string; params: number[]; operand: Operand; literal: boolean } {
    const inner = unwrap(node);
    if (inner.type === 'Literal' && inner.value !== null && !(inner.value instanceof RegExp)) {
      return {
        text: inner.raw,
        params: [],
        operand: { kind: 'value', value: typeof inner.value === 'boolean' ? 'boolean' : 'literal' },
        literal: true,
      };
    }
    if ((inner.type === 'Identifier' && inner.name === 'undefined') || (inner.type === 'Literal' && inner.value === null))
      return { text: 'NULL', params: [], operand: { kind: 'value', value: 'literal' }, literal: true };
    // An enum member or a constant of a PascalCase namespace (`OrderStatus.PAID`, `Status.Active`): the same for every request.
    if (isEnumMember(inner))
      return {
        text: `'${propertyName(inner as TSESTree.MemberExpression)}'`,
        params: [],
        operand: { kind: 'value', value: 'literal' },
        literal: true,
      };
    if (inner.type === 'ArrayExpression' && inner.elements.every((e) => e !== null && unwrap(e).type === 'Literal')) {
      return {
        text: `(${inner.elements.map((e) => (unwrap(e!) as TSESTree.Literal).raw).join(', ')})`,
        params: [],
        operand: { kind: 'value', value: 'literal' },
        literal: true,
      };
    }
    this.params.push(node);
    const n = this.params.length;
    return { text: `$${n}`, params: [n], operand: { kind: 'value', value: 'parameter' }, literal: false };
  }

  /**
   * One conjunct: `field <operator> value` (value null for `is null` / `is not null`), judged by the
   * shared classifier. `display` is how the code wrote it, for messages.
   */
  compare(field: string, operator: string, valueNode: TSESTree.Node | null, display?: string): Predicate {
    const column = this.field(field);
    if (valueNode === null) {
      const predicate = classifyPredicate({
        operator,
        column,
        operand: { kind: 'none' },
        params: [],
        text: display ?? `${column} ${operator.toUpperCase()}`,
      });
      this.where.push(predicate);
      return predicate;
    }
    const v = this.value(valueNode);
    const predicate = classifyPredicate({
      operator,
      column,
      operand: v.operand,
      params: v.params,
      text: display ?? `${column} ${operator.toUpperCase()} ${v.text}`,
      ...(isClock(valueNode) ? { againstClock: true } : {}),
    });
    this.where.push(predicate);
    return predicate;
  }

  /**
   * A condition the adapter cannot take apart (an OR, a relation filter): a guard on no one column, or
   * with `scope` a filter (whose the row is: no concurrent writer of it moves it in or out).
   */
  opaque(text: string, alternatives?: string[][], scope = false): Predicate {
    const predicate = classifyPredicate({ operator: 'other', column: null, operand: { kind: 'expression' }, params: [], text });
    if (alternatives !== undefined) predicate.alternatives = alternatives;
    if (scope) {
      predicate.role = 'filter';
      predicate.isKey = true;
    }
    this.where.push(predicate);
    return predicate;
  }

  /**
   * One `SET column = ...`: `relative` reads the stored value (`{ decrement: 1 }`, `knex.raw('n - 1')`),
   * `value` is the client's value (a literal or an expression: `product.stock - 1`).
   */
  assign(field: string, shape: 'relative' | 'value', valueNode: TSESTree.Node | null, display?: string): Assignment {
    const column = this.field(field);
    if (shape === 'relative') {
      const v = valueNode ? this.value(valueNode) : null;
      const assignment = classifyAssignment({
        column,
        reads: [{ qualifier: null, column }],
        params: v?.params ?? [],
        calls: false,
        clockOnly: false,
        subquery: false,
        text: display ?? `${column} = ${column} ± ${v?.text ?? '?'}`,
      });
      this.set.push(assignment);
      return assignment;
    }
    const clock = valueNode !== null && isClock(valueNode);
    const v = valueNode && !clock ? this.value(valueNode) : null;
    const assignment = classifyAssignment({
      column,
      reads: [],
      params: v?.params ?? [],
      calls: clock,
      clockOnly: clock,
      subquery: false,
      text: display ?? `${column} = ${clock ? 'now()' : (v?.text ?? 'DEFAULT')}`,
    });
    this.set.push(assignment);
    return assignment;
  }

  /** The statement's facts; `text` is the call as written, for messages and fingerprints. */
  facts(kind: StatementKind, table: string, text: string, extra: Partial<StatementFacts> = {}): StatementFacts {
    const writes = kind === 'insert' || kind === 'update' || kind === 'delete';
    const params = [...new Set([...this.where.flatMap((p) => p.params), ...this.set.flatMap((a) => a.params)])].sort((a, b) => a - b);
    return {
      kind,
      origin: 'builder',
      text,
      tablesRead: writes && kind !== 'insert' ? [] : kind === 'select' ? [table] : [],
      tablesWritten: writes ? [table] : [],
      lock: null,
      where: [...this.where],
      set: [...this.set],
      returning: null,
      onConflict: null,
      insertSource: kind === 'insert' ? 'values' : null,
      insertColumns: null,
      cteWrites: [],
      subqueryClaim: null,
      selectedColumns: kind === 'select' ? ['*'] : [],
      aggregate: false,
      advisoryLock: null,
      transaction: null,
      params,
      ...(kind === 'insert' && Object.keys(this.insertLiterals).length > 0 ? { insertLiterals: { ...this.insertLiterals } } : {}),
      ...(kind === 'insert' && Object.keys(this.insertParams).length > 0 ? { insertParams: { ...this.insertParams } } : {}),
      ...(this.unseenWrites ? { unseenWrites: true } : {}),
      ...extra,
    };
  }

  /** A field as the code writes it -> its column, remembered for messages. */
  field(field: string): string {
    const column = columnName(field);
    this.fields[column] ??= field;
    return column;
  }

  /** The words messages use for this call: the model or table, the fields met, the library's fixes. */
  words(name: string, display: string, fixes: LibraryFixes): ModelWords {
    return { name, display, fields: { ...this.fields }, ...fixes };
  }

  /** The SqlText a built site carries: the display text and the parameters' expressions. */
  sqlText(text: string): SqlText {
    return { text, params: [...this.params], literal: null, complete: true, dialect: this.dialect };
  }
}

/** `OrderStatus.PAID`, `ExpenseStatus.Draft`, `Prisma.Status.ACTIVE`: a member of a PascalCase object named by a constant-like key. */
export function isEnumMember(node: TSESTree.Node): boolean {
  if (node.type !== 'MemberExpression' || node.computed) return false;
  const object = node.object.type === 'MemberExpression' && !node.object.computed ? node.object.property : node.object;
  const key = propertyName(node);
  return (
    object.type === 'Identifier' &&
    /^[A-Z][A-Za-z0-9]*$/.test(object.name) &&
    object.name !== 'Date' &&
    key !== null &&
    /^(?:[A-Z][A-Z0-9_]*|[A-Z][a-z][A-Za-z0-9]*)$/.test(key)
  );
}

/**
 * The fields assigned on an object between where it was read and a call that writes it back
 * (`product.stock -= qty; product.sold = true; await product.save()`): each with the assigned
 * expression (for `-=` and friends, the whole assignment, which reads the old value). Only
 * assignments in the same function as the call, before it, count; `Object.assign(product, {...})`
 * and `product.set({...})` too.
 */
export function assignedFields(
  object: TSESTree.Identifier,
  before: TSESTree.Node,
  ctx: ExtractContext,
): { field: string; value: TSESTree.Node }[] {
  const def = ctx.resolve(object);
  if (!def) return [];
  let scope: TSESTree.Node | undefined = before.parent;
  while (scope && !isFunction(scope) && scope.type !== 'Program') scope = scope.parent;
  if (!scope) return [];
  const found = new Map<string, TSESTree.Node>();
  const sameObject = (node: TSESTree.Node): boolean => {
    const inner = unwrap(node);
    return inner.type === 'Identifier' && inner.name === object.name && ctx.resolve(inner)?.node === def.node;
  };
  walk(scope, (node) => {
    if (node.range[0] >= before.range[0]) return false;
    if (node !== scope && isFunction(node) && !contains(node, before)) return false;
    if (node.type === 'AssignmentExpression' && node.left.type === 'MemberExpression' && sameObject(node.left.object)) {
      const field = propertyName(node.left);
      if (field !== null) found.set(field, node.operator === '=' ? node.right : node);
    }
    if (node.type === 'CallExpression') {
      const callee = unwrap(node.callee);
      const name = callee.type === 'MemberExpression' ? propertyName(callee) : null;
      // Object.assign(product, { stock: n }) / product.set({ stock: n }) / product.set('stock', n)
      const target =
        name === 'assign' &&
        callee.type === 'MemberExpression' &&
        callee.object.type === 'Identifier' &&
        callee.object.name === 'Object' &&
        node.arguments[0] &&
        sameObject(node.arguments[0])
          ? node.arguments[1]
          : name === 'set' && callee.type === 'MemberExpression' && sameObject(callee.object)
            ? node.arguments[0]
            : null;
      if (target && target.type === 'ObjectExpression') {
        for (const p of target.properties) if (p.type === 'Property' && keyName(p) !== null) found.set(keyName(p)!, p.value);
      } else if (target && target.type === 'Literal' && typeof target.value === 'string' && node.arguments[1]) {
        found.set(target.value, node.arguments[1]);
      }
    }
    return true;
  });
  return [...found].map(([field, value]) => ({ field, value }));
}

/**
 * A pre-scan hint (`LibraryAdapter.hints`) that holds when every test holds, tried in order: a cheap
 * test the text must pass (`/typeorm/`) before a costly one, so that most files pay only the cheap one.
 */
export function allOf(...tests: readonly TextTest[]): TextTest {
  return { test: (text) => tests.every((t) => t.test(text)) };
}

/** A pre-scan hint that holds when one of the tests holds. */
export function anyOf(...tests: readonly TextTest[]): TextTest {
  return { test: (text) => tests.some((t) => t.test(text)) };
}
