/**
 * Prisma Client, raw queries only: ``prisma.$queryRaw`...` `` and ``prisma.$executeRaw`...` `` (each
 * `${}` hole a bound parameter; `Prisma.raw('...')`, `Prisma.empty` and nested ``Prisma.sql`...` ``
 * are SQL text), the same two called with a ``Prisma.sql`...` `` value, and
 * `$queryRawUnsafe(text, ...values)` / `$executeRawUnsafe(text, ...values)` with `$1`, `$2`. The model
 * API (`prisma.user.update(...)`) is not SQL text and is out of scope.
 *
 * `new PrismaClient()` (and `.$extends(...)` of it) is a pool. `prisma.$transaction(async (tx) => ...,
 * { isolationLevel: Prisma.TransactionIsolationLevel.Serializable })` is an interactive transaction
 * on `tx`; a parameter typed `Prisma.TransactionClient` is one too. The array form
 * `prisma.$transaction([a, b])` runs its queries in one transaction but is not interactive: no result
 * can be tested before the next query runs, so every result but the last is lost to the code.
 *
 * `$executeRaw` resolves to the affected count (a number); `$queryRaw` to the rows returned.
 *
 * The model API has no SQL text; its calls become statement facts (src/extract/kit.ts):
 * `prisma.<model>.findUnique` / `findUniqueOrThrow` / `findFirst` / `findFirstOrThrow` / `findMany` /
 * `count` / `aggregate` / `groupBy` read; `update` / `updateMany` / `upsert` / `create` / `createMany` /
 * `delete` / `deleteMany` write. `where` fields are conjuncts (`{ stock: { gt: 0 } }` is `stock > 0`,
 * `AND` flattens, `OR` / `NOT` / relation filters are opaque guards); `data` values are absolute
 * (`{ stock: product.stock - 1 }`, `{ stock: { set: n } }`) or relative (`{ stock: { decrement: 1 } }`,
 * `increment`, `multiply`, `divide`). `update` and `delete` reject when no row matches (P2025), so
 * code after them runs only when a row was written: a checked count, as is a `*OrThrow` read that
 * found none. `updateMany` / `deleteMany` resolve to `{ count }`. Prisma has no row-lock API: a
 * read in the model API never locks (`$queryRaw` with `FOR UPDATE` does). A model call counts as
 * Prisma when the file imports the client, the receiver is known to be a Prisma client, or the call
 * has Prisma's own shape (`x.model.findUnique(...)`, `x.model.update({ where, data })`): a client
 * imported from a local module (`import { prisma } from '~/lib/db'`) is the common case.
 */
import type { TSESTree } from '@typescript-eslint/types';
import { looksLikeSql } from '../../sql/index.js';
import { isKeyColumn } from '../../sql/keys.js';
import { objectProperty, propertyName, unwrap } from '../ast.js';
import {
  insertedFields,
  keyName,
  objectArgument,
  StatementBuilder,
  isolationOption,
  transactionCallback,
  transactionParameter,
} from '../kit.js';
import { spliceFragments, type HoleReading } from '../fragments.js';
import type {
  ConnectionKind,
  ExtractContext,
  LibraryAdapter,
  LibraryFixes,
  QueryNode,
  QuerySite,
  SqlText,
  TransactionScope,
} from '../types.js';

const MODULES = ['@prisma/client', '.prisma/client'];
const TAGGED = new Set(['$queryRaw', '$executeRaw']);
const UNSAFE = new Set(['$queryRawUnsafe', '$executeRawUnsafe']);

/** Model methods that read, and those whose name only Prisma uses (evidence enough on their own). */
const READS = new Set(['findUnique', 'findUniqueOrThrow', 'findFirst', 'findFirstOrThrow', 'findMany', 'count', 'aggregate', 'groupBy']);
const WRITES = new Set([
  'update',
  'updateMany',
  'upsert',
  'create',
  'createMany',
  'createManyAndReturn',
  'updateManyAndReturn',
  'delete',
  'deleteMany',
]);
const OWN_NAMES = new Set([
  'findUnique',
  'findUniqueOrThrow',
  'findFirstOrThrow',
  'upsert',
  'updateMany',
  'deleteMany',
  'createMany',
  'createManyAndReturn',
  'updateManyAndReturn',
  'groupBy',
]);
/** The keys a model call's argument may have. */
const ARGUMENT_KEYS = new Set([
  'where',
  'data',
  'select',
  'include',
  'omit',
  'orderBy',
  'take',
  'skip',
  'cursor',
  'distinct',
  'create',
  'update',
  'skipDuplicates',
  'by',
  'having',
  '_count',
  '_sum',
  '_avg',
  '_min',
  '_max',
  'relationLoadStrategy',
]);
const COMPARISONS: Record<string, string> = {
  equals: '=',
  not: '<>',
  gt: '>',
  gte: '>=',
  lt: '<',
  lte: '<=',
  in: 'in',
  notIn: 'not in',
  contains: 'like',
  startsWith: 'like',
  endsWith: 'like',
};
const RELATIVE = new Set(['increment', 'decrement', 'multiply', 'divide']);

export const prisma: LibraryAdapter = {
  name: 'prisma',
  modules: MODULES,
  // The model API is written on a client imported from anywhere: its own call shape activates it.
  fallback: true,
  hints: /\.\s*\w+\s*\.\s*(?:find(?:Unique|First|Many)\w*|count|aggregate|groupBy|update\w*|upsert|create\w*|delete\w*)\s*\(\s*\{/,
  transactionHint: '`prisma.$transaction(async (tx) => ...)` and send every statement through `tx`',

  connectionFromExpression(node, ctx) {
    const inner = unwrap(node);
    if (inner.type === 'NewExpression') {
      const imported = ctx.importOf(inner.callee);
      const name = imported?.path.at(-1) ?? (inner.callee.type === 'Identifier' ? inner.callee.name : null);
      return name === 'PrismaClient' && (!imported || isPrismaModule(imported.module)) ? 'pool' : null;
    }
    // `new PrismaClient().$extends(...)` is still the client.
    if (inner.type === 'CallExpression' && ctx.calleeName(inner) === '$extends') {
      const object = ctx.calleeObject(inner);
      return object && ctx.connectionKind(object) === 'pool' ? 'pool' : null;
    }
    return null;
  },

  connectionFromTypeName(name): ConnectionKind | null {
    if (name === 'PrismaClient') return 'pool';
    if (name === 'TransactionClient') return 'transaction'; // Prisma.TransactionClient
    return null;
  },

  matchQuery(node: QueryNode, ctx: ExtractContext): QuerySite | null {
    if (node.type === 'CallExpression') {
      const model = modelCall(node, ctx);
      if (model) return model;
    }
    // Only the raw-query methods remain, tested first: what follows resolves the receiver's origin.
    const tag = node.type === 'TaggedTemplateExpression' ? unwrap(node.tag) : null;
    const method =
      node.type === 'TaggedTemplateExpression' ? (tag?.type === 'MemberExpression' ? propertyName(tag) : null) : ctx.calleeName(node);
    if (method === null || !(TAGGED.has(method) || (node.type === 'CallExpression' && UNSAFE.has(method)))) return null;
    const connection =
      node.type === 'TaggedTemplateExpression' ? (tag?.type === 'MemberExpression' ? tag.object : null) : ctx.calleeObject(node);
    if (!connection) return null;
    // Raw queries without an import of the client: only on a receiver known to be one.
    if (!ctx.imports(MODULES[0]!) && !ctx.imports(MODULES[1]!) && ctx.connectionKind(connection) === 'unknown') return null;
    let sql: SqlText | null;
    if (node.type === 'TaggedTemplateExpression') {
      sql = templateText(node.quasi, ctx);
    } else {
      const first = node.arguments[0];
      if (!first || first.type === 'SpreadElement') return null;
      if (TAGGED.has(method)) {
        // `prisma.$queryRaw(Prisma.sql`...`)`
        const origin = ctx.origin(first);
        sql = origin.type === 'TaggedTemplateExpression' && isPrismaSql(origin.tag, ctx) ? templateText(origin.quasi, ctx) : null;
      } else {
        sql = ctx.sqlText(first, 'dollar', 'postgres');
        if (sql) sql = withValues(sql, node.arguments.slice(1));
      }
    }
    if (!sql || !looksLikeSql(sql.text)) return null;
    const batch = batchPosition(node);
    const executes = method.startsWith('$executeRaw');
    return {
      library: 'prisma',
      node,
      resultNode: node,
      connection,
      ...(batch ? { connectionKind: 'transaction' as const } : {}),
      ...(batch === 'before-last' ? { resultDiscarded: true } : {}),
      sql,
      countHint: executes ? `the number \`${method}\` returns` : `the rows \`${method}\` returns (with RETURNING)`,
    };
  },

  matchTransaction(call: TSESTree.CallExpression, ctx: ExtractContext): TransactionScope | null {
    if (ctx.calleeName(call) !== '$transaction') return null;
    const outer = ctx.calleeObject(call);
    const callback = transactionCallback(call, call.arguments[0], ctx);
    if (!outer || !callback) return null;
    return {
      library: 'prisma',
      node: call,
      callback,
      connectionParam: transactionParameter(callback),
      outer,
      isolation: isolationOption(call.arguments[1], ctx),
    };
  },
};

function isPrismaModule(module: string): boolean {
  return MODULES.some((m) => module === m || module.startsWith(`${m}/`));
}

/** `Prisma.sql` (from `@prisma/client`), or `sql` imported from `@prisma/client/runtime/library`. */
function isPrismaSql(tag: TSESTree.Node, ctx: ExtractContext): boolean {
  return isPrismaHelper(tag, ctx) === 'sql';
}

function isPrismaHelper(node: TSESTree.Node | null, ctx: ExtractContext): string | null {
  if (!node) return null;
  const inner = unwrap(node) as TSESTree.Expression;
  const imported = ctx.importOf(inner);
  if (imported && isPrismaModule(imported.module)) return imported.path.at(-1) ?? null;
  // `Prisma.sql` where `Prisma` comes from a generated client at a custom path.
  if (inner.type === 'MemberExpression' && inner.object.type === 'Identifier' && inner.object.name === 'Prisma') return propertyName(inner);
  return null;
}

function templateText(quasi: TSESTree.TemplateLiteral, ctx: ExtractContext): SqlText | null {
  const text = ctx.sqlText(quasi, 'dollar', 'postgres');
  return text && spliceFragments(text, (hole) => readHole(hole, ctx), ctx);
}

function readHole(hole: TSESTree.Node, ctx: ExtractContext): HoleReading {
  const inner = ctx.origin(hole as TSESTree.Expression);
  if (inner.type === 'TaggedTemplateExpression' && isPrismaSql(inner.tag, ctx)) return { template: inner.quasi };
  if (inner.type === 'MemberExpression' && isPrismaHelper(inner, ctx) === 'empty') return { text: '' };
  if (inner.type !== 'CallExpression') return null;
  const helper = isPrismaHelper(inner.callee, ctx);
  if (helper !== 'raw') return null; // Prisma.join(values): a list of bound values
  const argument = inner.arguments[0];
  const known = argument ? ctx.origin(argument as TSESTree.Expression) : null;
  return known?.type === 'Literal' && typeof known.value === 'string' ? { text: known.value } : { unknown: true };
}

/** `$executeRawUnsafe(text, a, b)`: `$1` is `a`, `$2` is `b`. */
function withValues(sql: SqlText, values: readonly TSESTree.CallExpressionArgument[]): SqlText {
  const params = [...sql.params];
  values.forEach((value, i) => {
    if (value.type !== 'SpreadElement' && i < params.length && params[i] === null) params[i] = value;
  });
  return { ...sql, params };
}

/** Where a query sits in `prisma.$transaction([a, b])`: not at all, last, or before the last. */
function batchPosition(node: QueryNode): 'last' | 'before-last' | null {
  let current: TSESTree.Node = node;
  while (current.parent?.type === 'TSAsExpression' || current.parent?.type === 'TSSatisfiesExpression') current = current.parent;
  const array = current.parent;
  const call = array?.parent;
  if (array?.type !== 'ArrayExpression' || call?.type !== 'CallExpression' || call.arguments[0] !== array) return null;
  const callee = unwrap(call.callee);
  if (callee.type !== 'MemberExpression' || propertyName(callee) !== '$transaction') return null;
  return array.elements.at(-1) === current ? 'last' : 'before-last';
}

/** `prisma.<model>.<method>({ ... })` on a Prisma client or transaction client: a site with built facts. */
function modelCall(node: TSESTree.CallExpression, ctx: ExtractContext): QuerySite | null {
  const callee = unwrap(node.callee);
  if (callee.type !== 'MemberExpression') return null;
  const method = propertyName(callee);
  if (method === null || (!READS.has(method) && !WRITES.has(method))) return null;
  const modelMember = unwrap(callee.object);
  if (modelMember.type !== 'MemberExpression') return null;
  const model = propertyName(modelMember);
  if (model === null || model.startsWith('$') || model.startsWith('_')) return null;
  const connection = modelMember.object;
  const argument = objectArgument(node.arguments[0], ctx);
  if (node.arguments.length > 1 || (node.arguments[0] && !argument)) return null;
  if (!isPrismaReceiver(connection, method, argument, ctx)) return null;

  const builder = new StatementBuilder();
  const where = objectArgument(argument ? objectProperty(argument, 'where') : null, ctx);
  if (where) whereConditions(builder, where, ctx, 0, READS.has(method));
  const display = `${expressionText(connection)}.${model}.${method}`;
  const table = model;
  let facts;
  let countHint = `the value \`${method}\` resolves to`;
  let rowsRequired = false;
  let insertedRows: TSESTree.Node | null = null;
  if (READS.has(method)) {
    const selected = objectArgument(argument ? objectProperty(argument, 'select') : null, ctx);
    const selectedColumns = selected
      ? selected.properties.flatMap((p) => (p.type === 'Property' && keyName(p) !== null ? [builder.field(keyName(p)!)] : []))
      : ['*'];
    facts = builder.facts('select', table, display, {
      selectedColumns,
      aggregate: method === 'count' || method === 'aggregate' || method === 'groupBy',
    });
    rowsRequired = method.endsWith('OrThrow');
  } else {
    const data = objectArgument(argument ? objectProperty(argument, method === 'upsert' ? 'update' : 'data') : null, ctx);
    if (method === 'create' || method === 'createMany' || method === 'createManyAndReturn') {
      const rows = method === 'create' ? data : firstRow(argument ? objectProperty(argument, 'data') : null, ctx);
      const columns = rows ? insertedFields(builder, rows, (p) => isNestedWrite(p.value, ctx), ctx) : null;
      insertedRows = argument ? objectProperty(argument, 'data') : null;
      const skip = argument ? objectProperty(argument, 'skipDuplicates') : null;
      facts = builder.facts('insert', table, display, {
        insertColumns: columns,
        onConflict: skip?.type === 'Literal' && skip.value === true ? 'nothing' : null,
        returning: method === 'createMany' ? null : ['*'],
      });
      countHint = method === 'createMany' ? 'the `count` `createMany` returns' : 'the row `create` returns';
    } else if (method === 'upsert') {
      if (data) assignments(builder, data, ctx);
      const created = objectArgument(argument ? objectProperty(argument, 'create') : null, ctx);
      const columns = created ? insertedFields(builder, created, undefined, ctx) : null;
      facts = builder.facts('insert', table, display, { insertColumns: columns, onConflict: 'update', returning: ['*'] });
    } else if (method.startsWith('update')) {
      if (data) assignments(builder, data, ctx);
      facts = builder.facts('update', table, display, { returning: method === 'updateMany' ? null : ['*'] });
      rowsRequired = method === 'update';
      countHint = method === 'update' ? 'the P2025 error `update` throws when no row matches' : `the \`count\` \`${method}\` returns`;
    } else {
      facts = builder.facts('delete', table, display, { returning: method === 'deleteMany' ? null : ['*'] });
      rowsRequired = method === 'delete';
      countHint = method === 'delete' ? 'the P2025 error `delete` throws when no row matches' : 'the `count` `deleteMany` returns';
    }
  }
  const batch = batchPosition(node);
  return {
    library: 'prisma',
    node,
    resultNode: node,
    connection,
    ...(batch ? { connectionKind: 'transaction' as const } : {}),
    ...(batch === 'before-last' ? { resultDiscarded: true } : {}),
    ...(rowsRequired ? { rowsRequired: true } : {}),
    ...(insertedRows ? { insertedRows } : {}),
    sql: builder.sqlText(display),
    built: [facts],
    countHint,
    model: builder.words(model, `${expressionText(connection)}.${model}`, FIXES),
  };
}

/**
 * Prisma's fixes, for messages on its model calls. Prisma has no row-lock API: the lock is a raw
 * `SELECT ... FOR UPDATE` through `tx.$queryRaw` inside an interactive transaction, or SERIALIZABLE.
 */
const FIXES: LibraryFixes = {
  lock: "run the read and the write in `prisma.$transaction(async (tx) => ..., { isolationLevel: 'Serializable' })` and retry on P2034 (Prisma has no row-lock API; a lock is `` tx.$queryRaw`SELECT ... FOR UPDATE` `` in that transaction)",
  conditional: "put the tested condition in `updateMany`'s `where`{atomic} and check the `count` it returns",
  atomic: ' with the change made atomic (`{ decrement: n }`)',
  relative: 'write it relative to the stored value (`data: { {field}: { increment: n } }` or `{ decrement: n }`)',
  version:
    "re-test a version field in `updateMany`'s `where` (`where: { id, version }`, `data: { version: { increment: 1 } }`) and check the `count` it returns",
  createOnce:
    "Declare `@unique` (or `@@unique`) on the fields looked up and create with `upsert`, or create and handle error P2002; or run both in `prisma.$transaction(..., { isolationLevel: 'Serializable' })` and retry on P2034",
};

/** A Prisma client, a transaction client, or a call only Prisma makes. */
function isPrismaReceiver(
  connection: TSESTree.Expression,
  method: string,
  argument: TSESTree.ObjectExpression | null,
  ctx: ExtractContext,
): boolean {
  const kind = ctx.connectionKind(connection);
  if (kind !== 'unknown') return kind === 'pool' || kind === 'transaction';
  if (argument && argument.properties.some((p) => p.type !== 'Property' || keyName(p) === null || !ARGUMENT_KEYS.has(keyName(p)!)))
    return false;
  if (OWN_NAMES.has(method)) return true;
  const keys = new Set(argument?.properties.map((p) => (p.type === 'Property' ? keyName(p) : null)) ?? []);
  if (ctx.imports(MODULES[0]!) || ctx.imports(MODULES[1]!))
    return keys.has('where') || keys.has('data') || method === 'findMany' || method === 'count';
  // Without the import, the shape must be Prisma's: a `where` and (for writes) a `data`.
  if (READS.has(method)) return keys.has('where') && method !== 'count';
  if (method === 'update' || method === 'create') return keys.has('data');
  return keys.has('where');
}

/**
 * `where: { id, stock: { gt: 0 }, AND: [...], OR: [...] }` -> conjuncts. A spread of an object literal
 * (`...scope` with `const scope = { orgId }`) adds its conjuncts; any other spread (`...filters(args)`)
 * narrows a read by conditions not known: with `read`, it stays as one opaque conjunct, so the lookup
 * is not taken to be only the equalities seen. (In a write it is left out, as before: a guard not seen
 * is not assumed.)
 */
function whereConditions(builder: StatementBuilder, where: TSESTree.ObjectExpression, ctx: ExtractContext, depth = 0, read = false): void {
  for (const p of where.properties) {
    if (p.type === 'SpreadElement') {
      const spread = depth < 5 ? objectArgument(p.argument, ctx) : null;
      if (spread) whereConditions(builder, spread, ctx, depth + 1, read);
      else if (read) builder.opaque('...');
      continue;
    }
    const field = keyName(p);
    if (field === null) continue;
    if (field === 'AND' && depth < 5) {
      const list = ctx.origin(p.value as TSESTree.Expression);
      const items = list.type === 'ArrayExpression' ? list.elements : [list];
      for (const item of items) {
        const object = item ? objectArgument(item, ctx) : null;
        if (object) whereConditions(builder, object, ctx, depth + 1, read);
      }
      continue;
    }
    if (field === 'OR' || field === 'NOT') {
      const or = field === 'OR';
      builder.opaque(
        `${field}: ...`,
        or ? lookupAlternatives(builder, p.value, ctx) : undefined,
        or && ownershipScope(builder, p.value, ctx),
      );
      continue;
    }
    const value = unwrap(p.value);
    if (value.type === 'Literal' && value.value === null) {
      builder.compare(field, 'is null', null, `${field}: null`);
      continue;
    }
    const filter = value.type === 'ObjectExpression' ? value : null;
    if (!filter) {
      builder.compare(field, '=', p.value, `${field}: ${valueText(p.value)}`);
      continue;
    }
    // `{ userId_postId: { userId, postId } }`: a compound unique key, each field an equality.
    const entries = filter.properties.filter((f): f is TSESTree.Property => f.type === 'Property' && keyName(f) !== null);
    if (entries.length > 0 && entries.every((f) => !(keyName(f)! in COMPARISONS) && keyName(f) !== 'mode')) {
      if (field.includes('_')) for (const f of entries) builder.compare(keyName(f)!, '=', f.value, `${keyName(f)}: ${valueText(f.value)}`);
      // A relation filter (`author: { is: { ... } }`, `posts: { some: ... }`) is not taken apart; it
      // only narrows the rows, so it is left out rather than read as a guard.
      continue;
    }
    for (const f of entries) {
      const name = keyName(f)!;
      const operator = COMPARISONS[name];
      if (!operator) continue;
      const operand = unwrap(f.value);
      if (operand.type === 'Literal' && operand.value === null)
        builder.compare(field, name === 'not' ? 'is not null' : 'is null', null, `${field}: { ${name}: null }`);
      else builder.compare(field, operator, f.value, `${field}: { ${name}: ${valueText(f.value)} }`);
    }
  }
}

/**
 * `OR: [{ email }, { username: name }]`: the columns each alternative looks a row up by, when every
 * alternative is made of plain equalities; undefined otherwise (a filter, a nested `AND`, a relation).
 */
function lookupAlternatives(builder: StatementBuilder, value: TSESTree.Node, ctx: ExtractContext): string[][] | undefined {
  const list = ctx.origin(value as TSESTree.Expression);
  if (list.type !== 'ArrayExpression' || list.elements.length === 0) return undefined;
  const alternatives: string[][] = [];
  for (const item of list.elements) {
    const object = item && item.type !== 'SpreadElement' ? objectArgument(item, ctx) : null;
    if (!object || object.properties.length === 0) return undefined;
    const columns: string[] = [];
    for (const p of object.properties) {
      const name = p.type === 'Property' ? keyName(p) : null;
      const operand = p.type === 'Property' ? unwrap(p.value) : null;
      if (name === null || operand === null || /^(?:AND|OR|NOT)$/.test(name)) return undefined;
      if (operand.type === 'ObjectExpression' || (operand.type === 'Literal' && operand.value === null)) return undefined;
      columns.push(builder.field(name));
    }
    alternatives.push(columns);
  }
  return alternatives;
}

/**
 * `OR: [{ userId }, { space: { members: { some: { userId } } } }]`: every alternative names who the row
 * belongs to, by an equality on a key column (`userId`, `ownerId`) or a relation filter (the rows of another
 * table that make the caller a member), as those conditions do where they stand alone: a scope of the row's
 * owners, not a state of the row a concurrent writer of it flips. An alternative that compares any other
 * column (`deleted: false`, `status: 'OPEN'`) keeps the OR a guard.
 */
function ownershipScope(builder: StatementBuilder, value: TSESTree.Node, ctx: ExtractContext): boolean {
  const list = ctx.origin(value as TSESTree.Expression);
  if (list.type !== 'ArrayExpression' || list.elements.length === 0) return false;
  return list.elements.every((item) => {
    const object = item && item.type !== 'SpreadElement' ? objectArgument(item, ctx) : null;
    if (!object || object.properties.length === 0) return false;
    return object.properties.every((p) => {
      const name = p.type === 'Property' ? keyName(p) : null;
      if (p.type !== 'Property' || name === null || /^(?:AND|OR|NOT)$/.test(name)) return false;
      const operand = unwrap(p.value);
      if (operand.type === 'Literal' && operand.value === null) return false;
      if (operand.type !== 'ObjectExpression') return isKeyColumn(builder.field(name));
      // A relation filter (`space: { members: { some: ... } }`), as `whereConditions` tells one.
      const entries = operand.properties.filter((f): f is TSESTree.Property => f.type === 'Property' && keyName(f) !== null);
      return (
        entries.length > 0 &&
        entries.length === operand.properties.length &&
        !name.includes('_') &&
        entries.every((f) => !(keyName(f)! in COMPARISONS) && keyName(f) !== 'mode')
      );
    });
  });
}

/** `data: { stock: { decrement: 1 }, sold: true, note: product.note + '!' }` -> SET assignments. */
function assignments(builder: StatementBuilder, data: TSESTree.ObjectExpression, ctx: ExtractContext, depth = 0): void {
  for (const p of data.properties) {
    if (p.type === 'SpreadElement') {
      // `...(description !== undefined && { description })`, `...(c ? { a } : {})`: the fields it may set.
      const objects = depth < 3 ? spreadObjects(p.argument, ctx) : [];
      if (objects.length === 0) builder.unseenWrites = true;
      for (const object of objects) assignments(builder, object, ctx, depth + 1);
      continue;
    }
    const field = keyName(p);
    if (field === null || isNestedWrite(p.value, ctx)) {
      builder.unseenWrites = true;
      continue;
    }
    const value = unwrap(p.value);
    if (value.type === 'ObjectExpression') {
      const op = value.properties.find((f): f is TSESTree.Property => f.type === 'Property' && keyName(f) !== null);
      const name = op ? keyName(op)! : null;
      if (op && name !== null && RELATIVE.has(name))
        builder.assign(field, 'relative', op.value, `${field}: { ${name}: ${valueText(op.value)} }`);
      else if (op && name === 'set') builder.assign(field, 'value', op.value, `${field}: { set: ${valueText(op.value)} }`);
      else builder.unseenWrites = true; // a JSON value written whole, or a nested write
      continue;
    }
    builder.assign(field, 'value', p.value, `${field}: ${valueText(p.value)}`);
  }
}

/** The object literals a spread in `data` may contribute. */
function spreadObjects(node: TSESTree.Node, ctx: ExtractContext): TSESTree.ObjectExpression[] {
  const inner = unwrap(node);
  if (inner.type === 'LogicalExpression')
    return inner.operator === '&&'
      ? spreadObjects(inner.right, ctx)
      : [...spreadObjects(inner.left, ctx), ...spreadObjects(inner.right, ctx)];
  if (inner.type === 'ConditionalExpression') return [...spreadObjects(inner.consequent, ctx), ...spreadObjects(inner.alternate, ctx)];
  const object = objectArgument(inner, ctx);
  return object ? [object] : [];
}

/** A relation write (`author: { connect: ... }`, `items: { create: [...] }`): not a column. */
function isNestedWrite(value: TSESTree.Node, ctx: ExtractContext): boolean {
  const object = objectArgument(value, ctx);
  return (
    object !== null &&
    object.properties.some(
      (p) =>
        p.type === 'Property' &&
        [
          'connect',
          'create',
          'connectOrCreate',
          'disconnect',
          'createMany',
          'upsert',
          'delete',
          'deleteMany',
          'update',
          'updateMany',
          'set',
        ].includes(keyName(p) ?? '') &&
        keyName(p) !== 'set',
    )
  );
}

function firstRow(node: TSESTree.Node | null, ctx: ExtractContext): TSESTree.ObjectExpression | null {
  if (!node) return null;
  const value = ctx.origin(node as TSESTree.Expression);
  if (value.type === 'ArrayExpression') return value.elements[0] ? objectArgument(value.elements[0], ctx) : null;
  return objectArgument(value, ctx);
}

function valueText(node: TSESTree.Node): string {
  const inner = unwrap(node);
  if (inner.type === 'Literal') return inner.raw;
  return expressionText(inner) ?? '…';
}

function expressionText(node: TSESTree.Node): string {
  const inner = unwrap(node);
  if (inner.type === 'Identifier') return inner.name;
  if (inner.type === 'ThisExpression') return 'this';
  if (inner.type === 'MemberExpression') {
    const name = propertyName(inner);
    return name !== null ? `${expressionText(inner.object)}.${name}` : `${expressionText(inner.object)}[…]`;
  }
  if (inner.type === 'CallExpression') return `${expressionText(inner.callee)}(…)`;
  return '…';
}
