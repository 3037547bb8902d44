/**
 * kysely: raw SQL (``sql`...`.execute(db)`` or a query built first and executed later, where a `${}`
 * hole is a bound value unless it is a kysely helper that renders SQL: `sql.raw`, `sql.ref`, `sql.id`,
 * `sql.table`, a nested ``sql`...` ``; and `db.executeQuery(CompiledQuery.raw(text, values))`) and the
 * query builder.
 *
 * The builder has no SQL text; a chain ending in `.execute()` / `.executeTakeFirst()` /
 * `.executeTakeFirstOrThrow()` becomes statement facts (src/extract/kit.ts): `selectFrom('t')` /
 * `updateTable('t')` / `insertInto('t')` / `deleteFrom('t')` on the connection before it, `.where('c',
 * op, v)` as a conjunct (`.where((eb) => ...)`: an opaque guard), `.select([...])` / `.selectAll()`,
 * `.set({...})` / `.set('c', v)` / `.set((eb) => ({...}))` with `eb('c', '+', n)`, `eb.ref('c')` and
 * ``sql`c - 1` `` relative when they read the column they set, `.values({...})`,
 * `.onConflict((oc) => oc.column(...).doNothing() | .doUpdateSet({...}))`, `.returning(...)` /
 * `.returningAll()`, `.forUpdate()` / `.forShare()` with `.skipLocked()` / `.noWait()`. An update
 * resolves to `{ numUpdatedRows }` (`executeTakeFirst`) or a list of them (`execute`), a delete to
 * `numDeletedRows`; `executeTakeFirstOrThrow` throws on no row for a read or a RETURNING (rows
 * required). The builder shape is specific enough to be read in files that do not import kysely (a
 * database object handed in: `this.db.db.selectFrom(...)`); raw SQL still needs the import.
 *
 * `new Kysely(...)` is a pool (every query takes a connection). `db.transaction().execute(async (trx)
 * => ...)` is a transaction, its isolation from `.setIsolationLevel('serializable')` in the chain, or
 * serializable when the instance is made in the file with a SQLite dialect (`new SqliteDialect(...)`):
 * SQLite has one writer at a time, and a stale writer fails with SQLITE_BUSY;
 * `db.connection().execute(async (conn) => ...)` holds one connection; a controlled transaction
 * (`const trx = await db.startTransaction().execute()`) is open until `trx.commit().execute()` or
 * `trx.rollback().execute()`. A result reports affected rows as `result.numAffectedRows` (and the
 * returned rows as `result.rows`).
 */
import type { TSESTree } from '@typescript-eslint/types';
import type { Isolation, StatementFacts } from '../../sql/facts.js';
import { looksLikeSql } from '../../sql/index.js';
import { expressionPath, objectProperty, propertyName, unwrap } from '../ast.js';
import {
  columnName,
  insertedFields,
  keyName,
  methodChain,
  objectArgument,
  StatementBuilder,
  isolationFromName,
  transactionCallback,
  transactionParameter,
} from '../kit.js';
import type {
  ConnectionKind,
  ExtractContext,
  LibraryAdapter,
  LibraryFixes,
  QueryNode,
  QuerySite,
  TransactionCall,
  TransactionScope,
} from '../types.js';
import { constantString, quotedIdentifier, taggedSqlText, type ClassifyHole } from './sql-tag.js';

const MODULE = 'kysely';
const COUNT_HINT = '`result.numAffectedRows`';

export const kysely: LibraryAdapter = {
  name: 'kysely',
  modules: [MODULE],
  // Builder chains run on an instance imported from anywhere (`db.db.selectFrom(...)`); their own
  // shape (`selectFrom` ... `.execute*()`) activates the adapter. Raw SQL still needs the import.
  fallback: true,
  hints: /\.\s*(?:selectFrom|updateTable|insertInto|deleteFrom|replaceInto)\s*\(/,
  transactionHint: '`db.transaction().execute(async (trx) => ...)` and execute every statement on `trx`',

  connectionFromExpression(node, ctx): ConnectionKind | null {
    const inner = unwrap(node);
    if (inner.type === 'NewExpression') {
      const imported = ctx.importOf(inner.callee as TSESTree.Expression);
      return imported?.module === MODULE && imported.path.at(-1) === 'Kysely' ? 'pool' : null;
    }
    if (inner.type === 'CallExpression' && ctx.calleeName(inner) === 'execute' && inner.arguments.length === 0) {
      // `await db.startTransaction()...execute()`: a controlled transaction, open from here.
      if (chainMethods(inner, ctx).includes('startTransaction')) return 'transaction';
      return null;
    }
    // `db.connection().execute(async (conn) => ...)`: one connection for the callback.
    if (inner.type === 'Identifier') {
      const def = ctx.resolve(inner);
      const fn = def?.kind === 'parameter' ? def.node : null;
      const call = fn?.parent;
      if (
        fn &&
        (fn.type === 'ArrowFunctionExpression' || fn.type === 'FunctionExpression') &&
        call?.type === 'CallExpression' &&
        call.arguments[0] === fn &&
        ctx.calleeName(call) === 'execute' &&
        chainMethods(call, ctx).includes('connection')
      ) {
        return fn.params[0]?.type === 'Identifier' && fn.params[0].name === inner.name ? 'client' : null;
      }
    }
    return null;
  },

  connectionFromTypeName(name): ConnectionKind | null {
    if (name === 'Kysely') return 'pool';
    if (name === 'Transaction' || name === 'ControlledTransaction') return 'transaction';
    return null;
  },

  matchQuery(node: QueryNode, ctx: ExtractContext): QuerySite | null {
    if (node.type !== 'CallExpression') return null;
    const built = builderCall(node, ctx);
    if (built) return built;
    if (!ctx.imports(MODULE)) return null;
    const method = ctx.calleeName(node);
    const object = ctx.calleeObject(node);
    const connection = node.arguments[0];
    if (!object || !connection || connection.type === 'SpreadElement') return null;

    if (method === 'execute') {
      const query = ctx.origin(object);
      if (query.type !== 'TaggedTemplateExpression' || !isSqlTag(query.tag, ctx)) return null;
      const sql = taggedSqlText(query.quasi, ctx, classifyHole);
      if (!looksLikeSql(sql.text)) return null;
      return { library: 'kysely', node, resultNode: node, connection, sql, countHint: COUNT_HINT };
    }
    if (method === 'executeQuery') {
      // `db.executeQuery(CompiledQuery.raw('...', [values]))`
      const compiled = ctx.origin(connection);
      if (compiled.type !== 'CallExpression' || ctx.calleeName(compiled) !== 'raw') return null;
      const owner = ctx.calleeObject(compiled);
      if (!owner || ctx.importOf(owner)?.path.at(-1) !== 'CompiledQuery' || !compiled.arguments[0]) return null;
      const sql = ctx.sqlText(compiled.arguments[0], 'dollar', 'postgres', compiled.arguments[1] ?? null);
      if (!sql || !looksLikeSql(sql.text)) return null;
      return { library: 'kysely', node, resultNode: node, connection: object, sql, countHint: COUNT_HINT };
    }
    return null;
  },

  matchTransaction(node, ctx): TransactionScope | null {
    if (ctx.calleeName(node) !== 'execute') return null;
    const callback = transactionCallback(node, node.arguments[0], ctx);
    if (!callback) return null;
    const chain = chainCalls(node, ctx);
    const begin = chain.find((call) => ctx.calleeName(call) === 'transaction' && call.arguments.length === 0);
    if (!begin) return null;
    const outer = ctx.calleeObject(begin);
    const isolation =
      chain
        .filter((call) => ctx.calleeName(call) === 'setIsolationLevel')
        .map((call) => isolationOf(call, ctx))
        .at(0) ??
      // SQLite runs every transaction serializably: a write after a stale read fails (SQLITE_BUSY).
      (outer !== null && onSqlite(outer, ctx) ? 'serializable' : null);
    return { library: 'kysely', node, callback, connectionParam: transactionParameter(callback), outer, isolation };
  },

  matchTransactionCall(node, ctx): TransactionCall | null {
    if (ctx.calleeName(node) !== 'execute' || node.arguments.length > 0) return null;
    const chain = chainCalls(node, ctx);
    const control = chain.at(-1);
    const action = control ? ctx.calleeName(control) : null;
    const connection = control ? ctx.calleeObject(control) : null;
    if (!control || !connection || (action !== 'commit' && action !== 'rollback')) return null;
    if (ctx.connectionKind(connection) !== 'transaction') return null;
    return { library: 'kysely', node, connection, action, isolation: null };
  },
};

/**
 * Whether a database object runs on SQLite: it is `new Kysely({ dialect: new SqliteDialect(...) })`
 * (or a SQLite dialect of another package: `LibsqlDialect`, `D1Dialect`, `BunSqliteDialect`), in this
 * file, directly or through consts.
 */
function onSqlite(db: TSESTree.Expression, ctx: ExtractContext): boolean {
  const origin = ctx.origin(db);
  if (origin.type !== 'NewExpression' || ctx.importOf(origin.callee as TSESTree.Expression)?.path.at(-1) !== 'Kysely') return false;
  const options = origin.arguments[0] && origin.arguments[0].type !== 'SpreadElement' ? ctx.origin(origin.arguments[0]) : null;
  const property = options?.type === 'ObjectExpression' ? objectProperty(options, 'dialect') : null;
  const dialect = property && property.type !== 'AssignmentPattern' ? ctx.origin(property as TSESTree.Expression) : null;
  if (dialect?.type !== 'NewExpression') return false;
  const imported = ctx.importOf(dialect.callee as TSESTree.Expression);
  if (!imported) return false;
  const name = imported.path.at(-1) ?? '';
  return imported.module === MODULE ? name === 'SqliteDialect' : /^(?:Sqlite|Libsql|D1|BunSqlite|SqlJs)Dialect$/i.test(name);
}

/** The calls before `call` in its method chain, nearest first: `a.b().c().execute()` -> [c(), b()]. */
function chainCalls(call: TSESTree.CallExpression, ctx: ExtractContext): TSESTree.CallExpression[] {
  const calls: TSESTree.CallExpression[] = [];
  let object = ctx.calleeObject(call);
  while (object) {
    const inner = unwrap(object);
    if (inner.type !== 'CallExpression') break;
    calls.push(inner);
    object = ctx.calleeObject(inner);
  }
  return calls;
}

function chainMethods(call: TSESTree.CallExpression, ctx: ExtractContext): string[] {
  return chainCalls(call, ctx).map((c) => ctx.calleeName(c) ?? '');
}

function isolationOf(call: TSESTree.CallExpression, ctx: ExtractContext): Isolation | null {
  const level = constantString(call.arguments[0], ctx);
  return level !== null ? isolationFromName(level) : null;
}

/** kysely's `sql` (imported from 'kysely'), also with type arguments: ``sql<Row>`...` ``. */
function isSqlTag(tag: TSESTree.Expression, ctx: ExtractContext): boolean {
  const imported = ctx.importOf(unwrap(tag) as TSESTree.Expression);
  return imported?.module === MODULE && imported.path.at(-1) === 'sql';
}

const classifyHole: ClassifyHole = (hole, ctx) => {
  const origin = ctx.origin(hole);
  if (origin.type === 'TaggedTemplateExpression') {
    return isSqlTag(origin.tag, ctx) ? { kind: 'template', template: origin.quasi } : { kind: 'unknown' };
  }
  if (origin.type === 'CallExpression') {
    const callee = unwrap(origin.callee);
    if (callee.type !== 'MemberExpression' || !isSqlTag(callee.object, ctx)) return { kind: 'value' };
    const first = origin.arguments[0];
    switch (propertyName(callee)) {
      case 'raw': {
        const text = constantString(first, ctx);
        return text !== null ? { kind: 'text', text } : { kind: 'unknown' };
      }
      case 'ref':
      case 'table':
      case 'id': {
        const parts =
          propertyName(callee) === 'id'
            ? origin.arguments
            : first && first.type === 'Literal' && typeof first.value === 'string'
              ? first.value.split('.').map((value) => ({ ...first, value }))
              : [];
        const text = quotedIdentifier(parts as TSESTree.Node[]);
        return text !== null ? { kind: 'text', text } : { kind: 'unknown' };
      }
      case 'val':
      case 'lit':
        return { kind: 'value' };
      default:
        return { kind: 'unknown' };
    }
  }
  return { kind: 'value' };
};

// ---------------------------------------------------------------------------------------------
// The query builder: `db.selectFrom('t').where('c', '=', v).selectAll().executeTakeFirst()`,
// `updateTable(...).set(...)`, `insertInto(...).values(...)`, `deleteFrom(...)`.

const STARTS: Record<string, 'select' | 'update' | 'insert' | 'delete'> = {
  selectFrom: 'select',
  updateTable: 'update',
  insertInto: 'insert',
  replaceInto: 'insert',
  deleteFrom: 'delete',
};
const TERMINALS = new Set(['execute', 'executeTakeFirst', 'executeTakeFirstOrThrow']);
const OPERATORS = new Set(['=', '==', '<', '<=', '>', '>=', '<>', '!=', 'like', 'ilike', 'not like', 'in', 'not in', 'is', 'is not']);

/** A builder chain ending in `.execute()` / `.executeTakeFirst()` / `.executeTakeFirstOrThrow()`: a site with built facts. */
function builderCall(node: TSESTree.CallExpression, ctx: ExtractContext): QuerySite | null {
  const chain = methodChain(node);
  const last = chain.calls.at(-1);
  if (!last || last.call !== node || !TERMINALS.has(last.name) || node.arguments.length > 0) return null;
  const startIndex = chain.calls.findIndex((c) => STARTS[c.name] !== undefined);
  if (startIndex === -1) return null;
  const start = chain.calls[startIndex]!;
  const kind = STARTS[start.name]!;
  const table = tableOf(start.call.arguments[0], ctx);
  if (table === null) return null;
  const startCallee = unwrap(start.call.callee);
  if (startCallee.type !== 'MemberExpression') return null;
  const connection = startCallee.object;

  const builder = new StatementBuilder();
  let lock = null as StatementFacts['lock'];
  let onConflict: StatementFacts['onConflict'] = null;
  let returning: string[] | null = null;
  let selected: string[] | null = null;
  let insertColumns: string[] | null = null;
  const conflictSets: TSESTree.ObjectExpression[] = [];
  for (const c of chain.calls.slice(startIndex + 1, -1)) {
    const args = c.call.arguments;
    switch (c.name) {
      case 'where':
      case 'whereRef':
      case 'having':
        if (c.name === 'where') whereCall(builder, args, ctx);
        break;
      case 'select':
        selected = [...(selected ?? []), ...(args[0] ? namesOf(args[0], ctx) : [])];
        break;
      case 'selectAll':
        selected = ['*'];
        break;
      case 'set':
        setCall(builder, args, ctx);
        break;
      case 'values': {
        const value = args[0] ? ctx.origin(args[0] as TSESTree.Expression) : null;
        const row =
          value?.type === 'ArrayExpression'
            ? value.elements[0]
              ? objectArgument(value.elements[0], ctx)
              : null
            : objectArgument(value, ctx);
        if (row) insertColumns = insertedFields(builder, row, undefined, ctx);
        break;
      }
      case 'onConflict':
        onConflict = conflictAction(args[0], conflictSets, ctx);
        break;
      case 'onDuplicateKeyUpdate': {
        onConflict = 'update';
        const object = objectArgument(args[0], ctx);
        if (object) conflictSets.push(object);
        break;
      }
      case 'ignore':
        onConflict = 'nothing';
        break;
      case 'returning':
        returning = args[0] ? namesOf(args[0], ctx) : ['*'];
        break;
      case 'returningAll':
        returning = ['*'];
        break;
      case 'forUpdate':
      case 'forNoKeyUpdate':
        lock = { strength: c.name === 'forUpdate' ? 'update' : 'no key update', wait: lock?.wait ?? 'wait' };
        break;
      case 'forShare':
      case 'forKeyShare':
        lock = { strength: c.name === 'forShare' ? 'share' : 'key share', wait: lock?.wait ?? 'wait' };
        break;
      case 'skipLocked':
        if (lock) lock = { ...lock, wait: 'skip locked' };
        break;
      case 'noWait':
        if (lock) lock = { ...lock, wait: 'nowait' };
        break;
      default:
        break; // orderBy, limit, innerJoin, $if, $call, ...: no condition or value of the statement
    }
  }
  for (const object of conflictSets) assignObject(builder, object, ctx);
  const display = `${expressionPath(connection) ?? 'db'}.${start.name}('${table}')`;
  const facts = builder.facts(kind, table, display, {
    lock,
    onConflict,
    returning,
    insertColumns,
    ...(kind === 'select' ? { selectedColumns: selected ?? ['*'] } : {}),
  });
  const first = last.name !== 'execute';
  const counted = kind === 'update' ? 'numUpdatedRows' : kind === 'delete' ? 'numDeletedRows' : 'numInsertedOrUpdatedRows';
  const countHint =
    kind === 'select'
      ? 'the rows the query resolves to'
      : returning !== null
        ? 'the rows `.returning()` gives back'
        : first
          ? `\`result.${counted}\` of \`.${last.name}()\``
          : `\`result[0].${counted}\` of \`.execute()\``;
  return {
    library: 'kysely',
    node,
    resultNode: node,
    connection,
    // `OrThrow` throws on no row for a read or a RETURNING; an UpdateResult is always there.
    ...(last.name === 'executeTakeFirstOrThrow' && (kind === 'select' || returning !== null) ? { rowsRequired: true } : {}),
    sql: builder.sqlText(display),
    built: [facts],
    countHint,
    model: builder.words(table, table, FIXES),
  };
}

/** The fixes messages give for a kysely builder call, in kysely's API. */
const FIXES: LibraryFixes = {
  lock: 'lock the row with `.forUpdate()` on the `selectFrom`, inside `db.transaction().execute(async (trx) => ...)`',
  conditional: "put the tested condition in the `updateTable`'s `.where(...)`{atomic} and check `numUpdatedRows`",
  atomic: " with the change made atomic (`eb('column', '-', n)`)",
  relative: "write it relative to the stored value (`.set((eb) => ({ {field}: eb('{field}', '+', n) }))`)",
  version:
    "keep a version column, re-test it in the `updateTable`'s `.where('version', '=', version)` while setting the next one, and check `numUpdatedRows`",
  createOnce:
    "Declare a unique index on the columns looked up and insert with `.onConflict((oc) => oc.doNothing())` (or handle the unique violation); or run both in `db.transaction().setIsolationLevel('serializable').execute(...)` and retry on a serialization failure",
};

/** `'person'`, `'person as p'`, `['person', 'pet']` (the first), a const holding one. */
function tableOf(node: TSESTree.Node | undefined, ctx: ExtractContext): string | null {
  if (!node || node.type === 'SpreadElement') return null;
  const value = ctx.origin(node as TSESTree.Expression);
  if (value.type === 'ArrayExpression') return value.elements[0] ? tableOf(value.elements[0], ctx) : null;
  const text = constantString(value, ctx);
  if (text === null) return null;
  const name = text.trim().split(/\s+as\s+|\s+/i)[0]!;
  return /^[\w.$]+$/.test(name) ? name.split('.').at(-1)! : null;
}

/** `'a'`, `['a', 'p.b as c']` -> bare column names; a callback selects what cannot be told (`*`). */
function namesOf(node: TSESTree.Node, ctx: ExtractContext): string[] {
  if (node.type === 'SpreadElement') return ['*'];
  const value = ctx.origin(node as TSESTree.Expression);
  const list = value.type === 'ArrayExpression' ? value.elements : [value];
  return list.map((e) => {
    const text = e ? constantString(e, ctx) : null;
    return text !== null
      ? columnName(
          text
            .trim()
            .split(/\s+as\s+/i)[0]!
            .split('.')
            .at(-1)!,
        )
      : '*';
  });
}

/** `.where('col', op, value)` -> a conjunct; `.where((eb) => ...)` or an expression builder: an opaque guard. */
function whereCall(builder: StatementBuilder, args: TSESTree.CallExpressionArgument[], ctx: ExtractContext): void {
  const [first, op, value] = args;
  const column = first && first.type !== 'SpreadElement' ? constantString(first, ctx) : null;
  const operator = op && op.type !== 'SpreadElement' ? (constantString(op, ctx)?.toLowerCase() ?? null) : null;
  if (
    column === null ||
    !/^[\w.]+$/.test(column) ||
    operator === null ||
    !OPERATORS.has(operator) ||
    !value ||
    value.type === 'SpreadElement'
  ) {
    builder.opaque('.where(…)');
    return;
  }
  const col = column.split('.').at(-1)!;
  const display = `.where('${column}', '${operator}', ${valueText(value)})`;
  const inner = unwrap(value);
  const isNull = inner.type === 'Literal' && inner.value === null;
  if (operator === 'is' || operator === 'is not' || isNull)
    builder.compare(col, operator === 'is not' || operator === '<>' || operator === '!=' ? 'is not null' : 'is null', null, display);
  else builder.compare(col, operator === '==' ? '=' : operator === '!=' ? '<>' : operator === 'ilike' ? 'like' : operator, value, display);
}

/** `.set({...})`, `.set('col', value)`, `.set((eb) => ({ balance: eb('balance', '+', n) }))`. */
function setCall(builder: StatementBuilder, args: TSESTree.CallExpressionArgument[], ctx: ExtractContext): void {
  const [first, second] = args;
  if (!first || first.type === 'SpreadElement') return;
  const column = constantString(first, ctx);
  if (column !== null && second && second.type !== 'SpreadElement') {
    assignValue(builder, column.split('.').at(-1)!, second, ctx);
    return;
  }
  const fn = unwrap(first);
  if (fn.type === 'ArrowFunctionExpression' || fn.type === 'FunctionExpression') {
    const body =
      fn.body.type === 'BlockStatement'
        ? fn.body.body.find((s): s is TSESTree.ReturnStatement => s.type === 'ReturnStatement')?.argument
        : fn.body;
    const object = body ? objectArgument(body, ctx) : null;
    if (object) assignObject(builder, object, ctx);
    return;
  }
  const object = objectArgument(first, ctx);
  if (object) assignObject(builder, object, ctx);
}

/** `(oc) => oc.column('email').doNothing()` / `.doUpdateSet({...})`. */
function conflictAction(
  node: TSESTree.CallExpressionArgument | undefined,
  sets: TSESTree.ObjectExpression[],
  ctx: ExtractContext,
): StatementFacts['onConflict'] {
  const fn = node ? unwrap(node) : null;
  if (!fn || (fn.type !== 'ArrowFunctionExpression' && fn.type !== 'FunctionExpression') || fn.body.type === 'BlockStatement')
    return 'update';
  const body = unwrap(fn.body);
  if (body.type !== 'CallExpression') return 'update';
  const chain = methodChain(body);
  if (chain.calls.some((c) => c.name === 'doNothing')) return 'nothing';
  const update = chain.calls.find((c) => c.name === 'doUpdateSet');
  const object = update ? objectArgument(update.call.arguments[0], ctx) : null;
  if (object) sets.push(object);
  return 'update';
}

function assignObject(builder: StatementBuilder, object: TSESTree.ObjectExpression, ctx: ExtractContext): void {
  for (const p of object.properties) {
    if (p.type !== 'Property' || keyName(p) === null) continue;
    assignValue(builder, keyName(p)!, p.value, ctx);
  }
}

/**
 * One value of `.set()`: relative when it reads the column it sets (`eb('balance', '+', n)`,
 * `eb.ref('balance')`, ``sql`balance + ${n}` ``, `(eb) => eb.bxp('balance', '+', n)`), else the client's.
 */
function assignValue(builder: StatementBuilder, column: string, value: TSESTree.Node, ctx: ExtractContext): void {
  let inner = unwrap(value);
  if ((inner.type === 'ArrowFunctionExpression' || inner.type === 'FunctionExpression') && inner.body.type !== 'BlockStatement')
    inner = unwrap(inner.body);
  const display = `${column}: ${valueText(value)}`;
  const bare = column.split('.').at(-1)!;
  const readsColumn = (text: string): boolean => new RegExp(`(^|[^\\w])"?${bare.replace(/\W/g, '')}"?($|[^\\w])`).test(text);
  if (inner.type === 'TaggedTemplateExpression') {
    const text = inner.quasi.quasis.map((q) => q.value.cooked ?? '').join('$n');
    const param = inner.quasi.expressions.find((e) => !readsColumn(constantString(e, ctx) ?? '')) ?? null;
    builder.assign(
      bare,
      readsColumn(text) || inner.quasi.expressions.some((e) => isRef(e, bare, ctx)) ? 'relative' : 'value',
      param,
      `${bare} = ${text} (${display})`,
    );
    return;
  }
  if (inner.type === 'CallExpression') {
    // eb('balance', '+', n), eb.bxp(...), eb.ref('balance'), eb.val(n)
    const refs = inner.arguments.some(
      (a) => a.type !== 'SpreadElement' && (constantString(a, ctx) === bare || constantString(a, ctx)?.endsWith(`.${bare}`)),
    );
    const callee = unwrap(inner.callee);
    const helper = callee.type === 'MemberExpression' ? propertyName(callee) : callee.type === 'Identifier' ? callee.name : null;
    if (refs && helper !== 'val' && helper !== 'lit') {
      const operand = inner.arguments.find((a, i) => i > 0 && a.type !== 'SpreadElement' && constantString(a, ctx) === null) ?? null;
      builder.assign(bare, 'relative', operand, display);
      return;
    }
  }
  builder.assign(bare, 'value', value, display);
}

function isRef(node: TSESTree.Node, column: string, ctx: ExtractContext): boolean {
  const inner = unwrap(node);
  if (inner.type !== 'CallExpression') return false;
  const callee = unwrap(inner.callee);
  const name = callee.type === 'MemberExpression' ? propertyName(callee) : null;
  const arg = inner.arguments[0];
  const text = arg && arg.type !== 'SpreadElement' ? constantString(arg, ctx) : null;
  return (name === 'ref' || name === 'id') && text !== null && (text === column || text.endsWith(`.${column}`));
}

function valueText(node: TSESTree.Node): string {
  const inner = unwrap(node);
  if (inner.type === 'Literal') return inner.raw;
  return expressionPath(inner) ?? '…';
}
