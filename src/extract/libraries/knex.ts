/**
 * knex: raw SQL (`knex.raw(text, bindings)` and `trx.raw(...)`, with `?` values, `??` identifiers and
 * `:name` / `:name:` named bindings) and the query builder, including Objection.js's `Model.query()`
 * chains built on it.
 *
 * The builder has no SQL text; a chain becomes statement facts (src/extract/kit.ts), taken whole at
 * its last call: `db('t')` / `this.db(TABLE)` / `trx('t')` / `knex.table('t')` / `knex.select(...)
 * .from('t')` / `Model.query(trx?)` (table from `static tableName` when the model is in the file, else
 * the model's name), then `.where({...})`, `.where('col', v)`, `.where('col', '>', v)`, `.andWhere`,
 * `.whereIn`, `.whereNull` / `.whereNotNull` as conjuncts (`orWhere`, `whereNot`, `whereRaw`,
 * `whereExists`, a callback: one opaque guard), `.first()` / `.select()` / `.pluck()` / `.count()` /
 * Objection's `findById` / `findOne` as reads, `.update({...})` / `.update('col', v)` / `.patch` (the
 * count they resolve to), `.increment` / `.decrement` (relative), `knex.raw('stock - ?', [n])` as a
 * value (relative when it reads the column it sets), `.del()`, `.insert({...})` with
 * `.onConflict(...).merge()` / `.ignore()`, `.returning(...)`, `.forUpdate()` / `.forShare()` /
 * `.forNoKeyUpdate()` with `.skipLocked()` / `.noWait()`, `.transacting(trx)`, Objection's
 * `throwIfNotFound()` (rows required). A chain handed to another builder call (`whereIn('id',
 * db('t').select('id'))`) is a subquery, not a statement. Without an import of knex or objection, only
 * a chain with knex's shape counts: a table call on an instance-like name and a condition or a write.
 *
 * `knex({ client: 'pg', ... })` (or `require('knex')({...})`) is a pool: every `knex.raw` may run on
 * another connection. A transaction is `knex.transaction(async (trx) => ...)` (its config
 * `{ isolationLevel: 'serializable' }` second), or `const trx = await knex.transaction(config?)`
 * ended by `trx.commit()` / `trx.rollback()`; `knex.raw(...).transacting(trx)` runs on `trx`.
 * Parameters typed `Knex` are pools, `Knex.Transaction` transactions.
 *
 * `knex.raw` resolves to the driver's result: node-postgres' `{ rows, rowCount }`, or mysql2's
 * `[result, fields]` when the instance is created with `client: 'mysql'` / `'mysql2'`.
 * A `knex.raw` passed to another call, or set as a property value, is a fragment of a builder query
 * (`update({ n: knex.raw('n + 1') })`), not a query of its own.
 *
 * A select chain is a builder's value, run where it is awaited: a function that returns it unawaited
 * hands it to its callers, and one that adds to it (`query.where('email', email).first()`) runs another
 * statement, not the function's (`QuerySite.builder`, src/flow/summaries.ts).
 *
 * A chain turned into text (`.toQuery()`, `.toString()`, `.toSQL().sql`) only builds SQL; where that
 * text is handed (directly or through a `const`) to a call that runs text (`prisma.$executeRawUnsafe(sql)`,
 * `trx.raw(sql)`, `pool.query(sql)`), the chain's statement runs at that call, on its connection.
 */
import type { TSESTree } from '@typescript-eslint/types';
import type { SqlDialect } from '../../sql/facts.js';
import { looksLikeSql } from '../../sql/index.js';
import type { StatementFacts } from '../../sql/facts.js';
import { expressionPath, isFunction, objectProperty, propertyName, tailName, unwrap } from '../ast.js';
import {
  columnName,
  keyName,
  methodChain,
  objectArgument,
  objectKeys,
  StatementBuilder,
  type ChainCall,
  isolationOption,
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
  SqlText,
  TransactionCall,
  TransactionScope,
} from '../types.js';

const MODULE = 'knex';
/** Calls chained on a raw query that still run it and resolve to its result. */
const CHAINED = new Set(['transacting', 'timeout', 'options', 'debug']);
/** Callers that run the queries handed to them rather than embedding them in another query. */
const RUNNERS = new Set(['all', 'allSettled', 'race', 'any']);

export const knex: LibraryAdapter = {
  name: 'knex',
  modules: [MODULE, 'objection'],
  // Builder chains are written on an instance imported from anywhere (`import db from './db'`, `this.db`):
  // the chain's own shape activates it; raw SQL still needs the import.
  fallback: true,
  // `db('t').where(`, `this.db(TABLE).update(`, `knex.from('t').where(`, `.query().findById(`, `.forUpdate(`,
  // `.transacting(`: an instance-like name called with a table, then a knex method. No `[\w$]*` before
  // the name: it matches nothing a test needs (it may be empty) and made every word cost its length squared.
  hints:
    /(?:db|knex|trx|tx|Db|DB|Knex|Trx|Tx|connection|database)_?\s*\(\s*(?:['"`][\w.\s]+['"`]|[A-Z_][\w.]*)\s*\)\s*\.\s*(?:where\w*|first|update|insert|del|delete|increment|decrement|select|returning|join|leftJoin|innerJoin|count|pluck|forUpdate)\s*\(|\.(?:table|from|into)\s*\(\s*(?:['"`][\w.\s]+['"`]|[A-Z_][A-Z0-9_]*)\s*\)\s*\.\s*(?:where\w*|first|update|insert|del|delete|increment|decrement|returning)\s*\(|\.query\(\s*\w*\s*\)\s*\.\s*(?:where\w*|first|find\w*|patch\w*|update\w*|insert\w*|delete\w*|increment|decrement|forUpdate)\s*\(|\.(?:forUpdate|transacting)\s*\(/,
  transactionHint: '`knex.transaction(async (trx) => ...)` and send every statement through `trx`',
  // `?` for values on every database knex drives.
  placeholder: '?',

  connectionFromExpression(node, ctx) {
    const inner = unwrap(node);
    if (inner.type !== 'CallExpression') return null;
    if (isKnexFactory(inner, ctx)) return 'pool';
    // `await knex.transaction()` / `knex.transaction({ isolationLevel })`: the transaction object.
    if (ctx.calleeName(inner) === 'transaction' && !inner.arguments.some((a) => isFunction(a))) {
      const object = ctx.calleeObject(inner);
      const kind = object ? ctx.connectionKind(object) : 'unknown';
      if (kind === 'pool' || kind === 'transaction') return 'transaction';
    }
    return null;
  },

  connectionFromTypeName(name): ConnectionKind | null {
    if (name === 'Knex') return 'pool';
    if (name === 'Transaction') return 'transaction'; // Knex.Transaction
    return null;
  },

  matchQuery(node: QueryNode, ctx: ExtractContext): QuerySite | null {
    if (node.type !== 'CallExpression') return null;
    const handed = builtTextRun(node, ctx);
    if (handed) return handed;
    if (ctx.calleeName(node) !== 'raw') return builderCall(node, ctx);
    if (!ctx.imports(MODULE)) return null;
    const object = ctx.calleeObject(node);
    const text = node.arguments[0];
    if (!object || !text || isFragment(node, ctx)) return null;
    // `knex.raw(...).transacting(trx)` runs on `trx`; the chain's last call is what is awaited.
    let resultNode: TSESTree.Expression = node;
    let connection: TSESTree.Expression = object;
    for (;;) {
      const member: TSESTree.Node | undefined = resultNode.parent;
      const call: TSESTree.Node | undefined = member?.parent;
      if (member?.type !== 'MemberExpression' || member.object !== resultNode || call?.type !== 'CallExpression' || call.callee !== member)
        break;
      const name = propertyName(member);
      if (name === null || !CHAINED.has(name)) break;
      if (name === 'transacting' && call.arguments[0] && call.arguments[0].type !== 'SpreadElement') connection = call.arguments[0];
      resultNode = call;
    }
    const dialect = dialectOf(connection, ctx);
    const bindings = node.arguments[1];
    const evaluated = ctx.sqlText(text, 'knex', dialect, bindings && bindings.type !== 'SpreadElement' ? bindings : null);
    const sql = evaluated && withIdentifiers(evaluated, dialect, ctx);
    if (!sql || !looksLikeSql(sql.text)) return null;
    return {
      library: 'knex',
      node,
      resultNode,
      connection,
      sql,
      countHint: dialect === 'mysql' ? '`result[0].affectedRows`' : '`result.rowCount`',
    };
  },

  matchTransaction(call: TSESTree.CallExpression, ctx: ExtractContext): TransactionScope | null {
    // Without an import, `x.transaction(async (tx) => ...)` is left to the other adapters' callback form.
    if (ctx.calleeName(call) !== 'transaction' || !(ctx.imports(MODULE) || ctx.imports('objection'))) return null;
    const outer = ctx.calleeObject(call);
    const callback = transactionCallback(call, call.arguments[0], ctx);
    if (!outer || !callback) return null;
    return {
      library: 'knex',
      node: call,
      callback,
      connectionParam: transactionParameter(callback),
      outer,
      isolation: isolationOption(call.arguments[1], ctx),
    };
  },

  matchTransactionCall(call: TSESTree.CallExpression, ctx: ExtractContext): TransactionCall | null {
    const name = ctx.calleeName(call);
    const object = ctx.calleeObject(call);
    if (!object) return null;
    if (name === 'commit' || name === 'rollback') {
      if (ctx.connectionKind(object) !== 'transaction') return null;
      return { library: 'knex', node: call, connection: object, action: name, isolation: null };
    }
    // `const trx = await knex.transaction(config)`: the transaction starts here, on `trx`.
    if (name === 'transaction' && !call.arguments.some((a) => isFunction(a))) {
      const declarator = declaratorOf(call);
      if (!declarator || ctx.connectionKind(call) !== 'transaction') return null;
      return { library: 'knex', node: call, connection: declarator, action: 'begin', isolation: isolationOption(call.arguments[0], ctx) };
    }
    return null;
  },
};

/** Calls that run the SQL text they are handed (Prisma's unsafe raw methods, `knex.raw`, a driver's `query`). */
const TEXT_RUNNERS = new Set(['$executeRawUnsafe', '$queryRawUnsafe', 'raw', 'query', 'execute', 'unsafe']);

/**
 * A builder chain turned into SQL text (`knex('ops').where(...).delete().toQuery()`, `.toString()`,
 * `.toSQL().sql`) and handed, directly or through a `const`, to a call that runs text
 * (`prisma.$executeRawUnsafe(sql)`, `trx.raw(sql)`): the statement is the chain's, and it runs there, on
 * that call's connection, which is what its result is. The chain alone only builds text (it is no site).
 */
function builtTextRun(node: TSESTree.CallExpression, ctx: ExtractContext): QuerySite | null {
  const text = node.arguments[0];
  const runner = ctx.calleeObject(node);
  if (!text || text.type === 'SpreadElement' || !runner || !TEXT_RUNNERS.has(ctx.calleeName(node) ?? '')) return null;
  const chain = builtChain(ctx.origin(text));
  if (chain === null) return null;
  const site = builderCall(chain, ctx, { asText: true });
  if (site === null) return null;
  const executes = ctx.calleeName(node) === '$executeRawUnsafe';
  return {
    ...site,
    node,
    resultNode: node,
    connection: runner,
    countHint: executes ? 'the number `$executeRawUnsafe` returns' : site.countHint,
  };
}

/** Builder methods that give the statement's text: `toQuery()`, `toString()`, `toSQL()` (whose `.sql` is the text). */
const TEXT_OF = new Set(['toQuery', 'toString', 'toSQL']);

/** The last builder call of the chain whose text `value` is: `chain.toQuery()`, `chain.toString()`, `chain.toSQL().sql`. */
function builtChain(value: TSESTree.Expression): TSESTree.CallExpression | null {
  const outer = unwrap(value);
  const sql = outer.type === 'MemberExpression' && propertyName(outer) === 'sql';
  const inner = sql ? unwrap(outer.object) : outer;
  if (inner.type !== 'CallExpression' || inner.arguments.length > 0 || inner.callee.type !== 'MemberExpression') return null;
  const name = propertyName(inner.callee);
  if (sql ? name !== 'toSQL' : name !== 'toQuery' && name !== 'toString') return null;
  const built = unwrap(inner.callee.object);
  return built.type === 'CallExpression' ? built : null;
}

/** `??` / `:name:` bound to a known string: the identifier knex writes there (`'public.users'` -> `"public"."users"`). */
function withIdentifiers(sql: SqlText, dialect: SqlDialect, ctx: ExtractContext): SqlText {
  const quote = dialect === 'mysql' ? '`' : '"';
  const text = sql.text.replace(/"__ident_(\d+)"/g, (whole, n: string) => {
    const param = sql.params[Number(n) - 1];
    const value = param ? ctx.origin(param as TSESTree.Expression) : null;
    if (value?.type !== 'Literal' || typeof value.value !== 'string') return whole;
    return value.value
      .split('.')
      .map((part) => `${quote}${part.replaceAll(quote, quote + quote)}${quote}`)
      .join('.');
  });
  return { ...sql, text };
}

/** `knex(config)`, `Knex(config)`, `require('knex')(config)`, `knex.knex(config)`. */
function isKnexFactory(call: TSESTree.CallExpression, ctx: ExtractContext): boolean {
  const imported = ctx.importOf(call.callee as TSESTree.Expression);
  if (imported?.module !== MODULE) return false;
  return imported.path.length === 0 || (imported.path.length === 1 && (imported.path[0] === 'knex' || imported.path[0] === 'default'));
}

/** A raw call used as a value inside another call or object: a fragment, not a query. */
function isFragment(raw: TSESTree.CallExpression, ctx: ExtractContext): boolean {
  let current: TSESTree.Node = raw;
  for (let parent = current.parent; parent; current = parent, parent = parent.parent) {
    switch (parent.type) {
      case 'AwaitExpression':
      case 'TSAsExpression':
      case 'TSNonNullExpression':
        return false;
      case 'ArrayExpression':
      case 'SpreadElement':
        continue;
      case 'Property':
        return true;
      case 'TemplateLiteral':
        return true;
      case 'MemberExpression':
        // `knex.raw(...).toQuery()`: its text, for another call to run (or none), not a query run here.
        return parent.object === current && TEXT_OF.has(propertyName(parent) ?? '');
      case 'CallExpression': {
        if (parent.callee === current) return false;
        return !RUNNERS.has(ctx.calleeName(parent) ?? '');
      }
      default:
        return false;
    }
  }
  return false;
}

/** The identifier a `const trx = await knex.transaction()` declares. */
function declaratorOf(call: TSESTree.CallExpression): TSESTree.Identifier | null {
  let current: TSESTree.Node = call;
  while (current.parent?.type === 'AwaitExpression' || current.parent?.type === 'TSAsExpression') current = current.parent;
  const parent = current.parent;
  return parent?.type === 'VariableDeclarator' && parent.init === current && parent.id.type === 'Identifier' ? parent.id : null;
}

/**
 * MySQL when the instance the query runs on (or the transaction's outer instance) is created with
 * `client: 'mysql'` / `'mysql2'` in this file; PostgreSQL otherwise.
 */
function dialectOf(connection: TSESTree.Expression, ctx: ExtractContext, depth = 0): SqlDialect {
  if (depth > 5) return 'postgres';
  const origin = ctx.origin(connection);
  if (origin.type === 'CallExpression' && isKnexFactory(origin, ctx)) {
    const config = origin.arguments[0] ? ctx.origin(origin.arguments[0] as TSESTree.Expression) : null;
    const client = config?.type === 'ObjectExpression' ? objectProperty(config, 'client') : null;
    return client?.type === 'Literal' && typeof client.value === 'string' && client.value.startsWith('mysql') ? 'mysql' : 'postgres';
  }
  if (origin.type === 'CallExpression' && ctx.calleeName(origin) === 'transaction') {
    const outer = ctx.calleeObject(origin);
    return outer ? dialectOf(outer, ctx, depth + 1) : 'postgres';
  }
  if (origin.type === 'Identifier') {
    const def = ctx.resolve(origin);
    const fn = def?.kind === 'parameter' ? def.node : null;
    const call = fn && isFunction(fn) ? fn.parent : null;
    if (call?.type === 'CallExpression' && ctx.calleeName(call) === 'transaction' && call.arguments[0] === fn) {
      const outer = ctx.calleeObject(call);
      return outer ? dialectOf(outer, ctx, depth + 1) : 'postgres';
    }
  }
  return 'postgres';
}

// ---------------------------------------------------------------------------------------------
// The query builder: `db('t').where(...).first()`, `.update({...})`, `.decrement('n', 1)`, ... and
// Objection.js's `Model.query(trx?)` chains, which are knex builders with a few more methods.

/** Methods that end a chain's statement kind (the last one written wins, as in knex). */
const VERBS: Record<string, 'select' | 'update' | 'delete' | 'insert'> = {
  first: 'select',
  select: 'select',
  pluck: 'select',
  count: 'select',
  countDistinct: 'select',
  sum: 'select',
  min: 'select',
  max: 'select',
  avg: 'select',
  columns: 'select',
  column: 'select',
  findOne: 'select',
  findById: 'select',
  findByIds: 'select',
  update: 'update',
  patch: 'update',
  increment: 'update',
  decrement: 'update',
  updateAndFetch: 'update',
  patchAndFetch: 'update',
  updateAndFetchById: 'update',
  patchAndFetchById: 'update',
  del: 'delete',
  delete: 'delete',
  deleteById: 'delete',
  insert: 'insert',
  insertAndFetch: 'insert',
  upsert: 'insert',
  insertGraph: 'insert',
};
const AGGREGATES = new Set(['count', 'countDistinct', 'sum', 'min', 'max', 'avg']);
/** Calls that narrow the rows with one condition each (an `or...` makes the WHERE a disjunction). */
const WHERE_METHODS = new Set([
  'where',
  'andWhere',
  'whereIn',
  'whereNotIn',
  'whereNull',
  'whereNotNull',
  'andWhereNot',
  'whereNot',
  'orWhere',
  'orWhereIn',
  'orWhereNull',
  'orWhereNot',
  'whereRaw',
  'andWhereRaw',
  'orWhereRaw',
  'whereExists',
  'whereNotExists',
  'whereBetween',
  'whereNotBetween',
  'whereLike',
  'whereILike',
  'whereJsonPath',
  'modify',
]);
/** Calls a knex chain may hold that say nothing about which rows or values: passed over. */
const NEUTRAL = new Set([
  'orderBy',
  'limit',
  'offset',
  'groupBy',
  'having',
  'join',
  'innerJoin',
  'leftJoin',
  'rightJoin',
  'as',
  'timeout',
  'options',
  'debug',
  'withGraphFetched',
  'withGraphJoined',
  'joinRelated',
  'select',
  'distinct',
  'returning',
  'table',
  'from',
  'into',
  'transacting',
  'forUpdate',
  'forShare',
  'forNoKeyUpdate',
  'forKeyShare',
  'skipLocked',
  'noWait',
  'onConflict',
  'merge',
  'ignore',
  'throwIfNotFound',
  'clearSelect',
  'clearWhere',
  'clearOrder',
  'with',
  'withSchema',
  'hintComment',
  'comment',
]);
/** Names a knex instance goes by when it is reached through a member (`this.db('t')`, `models.knex('t')`). */
/** Names a knex instance called with a table goes by (`db('t')`, `trx('t')`, `knexClient('t')`). */
const ROOT_NAMES = /(?:db|knex|trx|tx|transaction|database|conn|connection|client|^k|qb|builder|pg)_?$/i;
const INSTANCE_NAMES = /^_?(?:db|knex|trx|tx|transaction|database|conn|connection|client|k|qb|builder|pg|sql)_?$/i;
/** Roots that are not knex whatever follows them (jQuery, cheerio, Cypress, lodash, assertions). */
const NOT_KNEX = new Set(['$', 'jQuery', 'cheerio', 'cy', '_', 'expect', 'chai', 'assert', 'describe', 'it', 'test']);
const OPERATORS = new Set(['=', '<', '<=', '>', '>=', '<>', '!=', 'like', 'ilike', 'not like', 'in', 'not in', 'is', 'is not']);

/**
 * A knex (or Objection) builder chain whose last call is `node`: a site with built facts. The chain is
 * taken whole at its last call (the one the code awaits), so each statement is one site.
 */
function builderCall(node: TSESTree.CallExpression, ctx: ExtractContext, { asText = false }: { asText?: boolean } = {}): QuerySite | null {
  const chain = methodChain(node);
  // `.then()` / `.catch()` / `.finally()` consume the statement's result; the statement ends before.
  let end = chain.calls.length;
  while (end > 0 && ['then', 'catch', 'finally'].includes(chain.calls[end - 1]!.name)) end--;
  // `.toQuery()` makes the chain's text (`builtTextRun`): the statement ends before it.
  if (asText) {
    if (end === 0 || !TEXT_OF.has(chain.calls[end - 1]!.name)) return null;
    end--;
  }
  const calls = chain.calls.slice(0, end);
  const last = calls.at(-1)?.call ?? (chain.root.type === 'CallExpression' ? chain.root : null);
  if (last !== node) return null;
  const imported = ctx.imports(MODULE) || ctx.imports('objection');
  // The chain's shape is tested before its table is resolved (which may analyse the file's scopes):
  // most calls of a file without knex fail it (`moment(date).format()`).
  const head = tableCall(chain.root, calls, ctx, (rest) => knexShaped(rest, imported));
  if (!head) return null;
  const knexCalls = head.rest;
  if (isSubquery(node, ctx)) return null;
  // drizzle's `db.select().from(users).where(eq(users.id, id))`: a condition built by a call is not knex's.
  if (
    knexCalls.some(
      (c) => WHERE_METHODS.has(c.name) && c.call.arguments[0]?.type === 'CallExpression' && ctx.calleeName(c.call.arguments[0]) !== 'raw',
    )
  )
    return null;

  const builder = new StatementBuilder();
  let kind: 'select' | 'update' | 'delete' | 'insert' = 'select';
  let verb: string | null = null;
  let table = head.table;
  let connection = head.connection;
  let lock = null as StatementFacts['lock'];
  let onConflict: StatementFacts['onConflict'] = null;
  let returning: string[] | null = null;
  let selected: string[] | null = null;
  let aggregate = false;
  let insertColumns: string[] | null = null;
  let rowsRequired = false;
  let first = false;
  const conditions: ChainCall[] = [];
  const values: ChainCall[] = [];
  let insertedRows: TSESTree.Node | null = null;
  for (const c of knexCalls) {
    const args = c.call.arguments;
    if (VERBS[c.name] !== undefined) {
      kind = VERBS[c.name]!;
      verb = c.name;
      if (c.name === 'insert' && args[0] && args[0].type !== 'SpreadElement') insertedRows = args[0];
      if (c.name === 'first' || c.name === 'findOne' || c.name === 'findById') first = true;
      if (AGGREGATES.has(c.name)) aggregate = true;
      if (
        kind === 'select' &&
        (c.name === 'select' || c.name === 'first' || c.name === 'pluck' || c.name === 'columns' || c.name === 'column')
      ) {
        const names = args.flatMap((a) => stringsOf(a, ctx));
        if (names.length > 0) selected = [...(selected ?? []), ...names.map(bareColumn)];
      }
      if (
        c.name === 'findOne' ||
        c.name === 'findById' ||
        c.name === 'deleteById' ||
        c.name === 'updateAndFetchById' ||
        c.name === 'patchAndFetchById'
      )
        conditions.push(c);
      if (kind !== 'select' && kind !== 'delete') values.push(c);
      continue;
    }
    if (c.name === 'select' || c.name === 'columns') continue;
    if ((c.name === 'table' || c.name === 'from' || c.name === 'into') && args[0]) {
      const named = tableName(args[0], ctx);
      if (named !== null) table = named;
      continue;
    }
    if (c.name === 'transacting' && args[0] && args[0].type !== 'SpreadElement') connection = args[0];
    else if (c.name === 'forUpdate' || c.name === 'forNoKeyUpdate')
      lock = { strength: c.name === 'forUpdate' ? 'update' : 'no key update', wait: lock?.wait ?? 'wait' };
    else if (c.name === 'forShare' || c.name === 'forKeyShare')
      lock = { strength: c.name === 'forShare' ? 'share' : 'key share', wait: lock?.wait ?? 'wait' };
    else if (c.name === 'skipLocked' && lock) lock = { ...lock, wait: 'skip locked' };
    else if (c.name === 'noWait' && lock) lock = { ...lock, wait: 'nowait' };
    else if (c.name === 'merge') onConflict = 'update';
    else if (c.name === 'ignore') onConflict = 'nothing';
    else if (c.name === 'returning') returning = args.flatMap((a) => stringsOf(a, ctx)).map(bareColumn);
    else if (c.name === 'throwIfNotFound') rowsRequired = true;
    else if (WHERE_METHODS.has(c.name) || c.name.startsWith('where') || c.name.startsWith('orWhere') || c.name.startsWith('andWhere'))
      conditions.push(c);
  }
  if (table === null) return null;
  for (const c of conditions) whereCall(builder, c, ctx);
  for (const c of values) {
    const columns = valuesCall(builder, c, kind, ctx);
    if (kind === 'insert' && columns) insertColumns = columns;
  }
  // `.merge({...})` on an insert: the values an existing row takes.
  const merge = knexCalls.find((c) => c.name === 'merge');
  const mergeValues = merge ? objectArgument(merge.call.arguments[0], ctx) : null;
  if (mergeValues) assignObject(builder, mergeValues, ctx);

  unchangedColumns(builder);

  const display = `${expressionPath(head.display) ?? 'knex'}(${quote(table)}).${verb ?? (first ? 'first' : 'select')}()`;
  const facts = builder.facts(kind === 'select' ? 'select' : kind, table, display, {
    lock,
    onConflict,
    returning,
    insertColumns,
    aggregate,
    ...(kind === 'select' ? { selectedColumns: selected ?? ['*'] } : {}),
  });
  const countHint =
    kind === 'update' || kind === 'delete'
      ? returning !== null
        ? `the rows \`.returning()\` gives back`
        : `the count \`.${verb}()\` resolves to`
      : kind === 'insert'
        ? returning !== null
          ? `the rows \`.returning()\` gives back`
          : 'the `rowCount` of the result `.insert()` resolves to'
        : 'the rows the query resolves to';
  return {
    library: 'knex',
    node,
    resultNode: node,
    connection,
    ...(head.kind && connection === head.connection ? { connectionKind: head.kind } : {}),
    ...(rowsRequired ? { rowsRequired: true } : {}),
    ...(kind === 'insert' && insertedRows !== null ? { insertedRows } : {}),
    ...(kind === 'select' && !asText ? { builder: true } : {}),
    sql: builder.sqlText(display),
    built: [facts],
    countHint,
    model: builder.words(table, table, FIXES),
  };
}

/** The fixes messages give for a knex builder call, in knex's API. */
const FIXES: LibraryFixes = {
  lock: 'lock the row with `.forUpdate()` on the read, inside `knex.transaction(async (trx) => ...)`',
  conditional: "put the tested condition in the update's `.where(...)`{atomic} and check the count it resolves to",
  atomic: " with the change made atomic (`.decrement('column', n)`)",
  relative: "write it relative to the stored value (`.increment('{field}', n)` or `.decrement('{field}', n)`)",
  version:
    "keep a version column, re-test it in the update's `.where({ id, version })` while setting the next one, and check the count it resolves to",
  createOnce:
    "Declare a unique index on the columns looked up and insert with `.onConflict([...]).ignore()` (or handle the unique violation); or run both in `knex.transaction(..., { isolationLevel: 'serializable' })` and retry on a serialization failure",
};

/**
 * Where the chain names its table and connection: `db('t')`, `this.db(TABLE)`, `trx('t')`,
 * `knex.table('t')` / `knex.from('t')` / `knex.select(...).from('t')` / `knex.insert(...).into('t')`,
 * Objection's `Person.query(trx?)`.
 */
/**
 * The calls after the table are knex's: all of them knex methods, and (without an import of knex) a
 * condition or a write among them.
 */
function knexShaped(rest: readonly ChainCall[], imported: boolean): boolean {
  const shaped = rest.some(
    (c) =>
      WHERE_METHODS.has(c.name) ||
      (VERBS[c.name] !== undefined && VERBS[c.name] !== 'select') ||
      c.name === 'first' ||
      c.name === 'forUpdate' ||
      c.name === 'transacting',
  );
  if (!shaped && !(imported && rest.length > 0)) return false;
  return rest.every(
    (c) =>
      VERBS[c.name] !== undefined ||
      WHERE_METHODS.has(c.name) ||
      NEUTRAL.has(c.name) ||
      c.name.startsWith('where') ||
      c.name.startsWith('orWhere') ||
      c.name.startsWith('andWhere'),
  );
}

function tableCall(
  root: TSESTree.Expression,
  calls: ChainCall[],
  ctx: ExtractContext,
  fits: (rest: ChainCall[]) => boolean,
): { table: string | null; connection: TSESTree.Expression; display: TSESTree.Node; rest: ChainCall[]; kind?: ConnectionKind } | null {
  const rootInner = unwrap(root);
  if (rootInner.type === 'CallExpression') {
    const callee = unwrap(rootInner.callee);
    if (callee.type !== 'Identifier' || NOT_KNEX.has(callee.name) || rootInner.arguments.length !== 1 || !fits(calls)) return null;
    // `db('t')`, `trx('t')`, `knex('t')`, or any instance the file creates or types as one. The table
    // first: the connection's kind may be looked for in another module (`moment(date).format()` is no knex).
    const table = tableName(rootInner.arguments[0]!, ctx);
    if (table === null || (!ROOT_NAMES.test(callee.name) && ctx.connectionKind(callee) === 'unknown')) return null;
    return { table, connection: callee, display: callee, rest: calls };
  }
  const head = calls[0];
  if (!head) return null;
  const callee = unwrap(head.call.callee) as TSESTree.MemberExpression;
  const base = unwrap(callee.object);
  if (base.type === 'Identifier' && NOT_KNEX.has(base.name)) return null;
  // `this.db(TABLE)`: a knex instance reached through a member, called with its table.
  if (INSTANCE_NAMES.test(head.name) && head.call.arguments.length === 1) {
    if (!fits(calls.slice(1))) return null;
    const table = tableName(head.call.arguments[0]!, ctx);
    return table === null ? null : { table, connection: callee, display: callee, rest: calls.slice(1) };
  }
  // `knex.table('t')`, `knex.from('t')`, `knex.select('a').from('t')`, `knex.insert(row).into('t')`.
  if (['table', 'from', 'into', 'select', 'insert', 'update', 'del', 'first', 'queryBuilder'].includes(head.name)) {
    const rest = head.name === 'table' || head.name === 'from' ? calls.slice(1) : calls;
    if (!fits(rest)) return null;
    const named = calls.find((c) => c.name === 'table' || c.name === 'from' || c.name === 'into');
    const table = named?.call.arguments[0] ? tableName(named.call.arguments[0], ctx) : null;
    if (table === null || !(INSTANCE_NAMES.test(tailName(base) ?? '') || ctx.connectionKind(base as TSESTree.Expression) !== 'unknown'))
      return null;
    return {
      table,
      connection: base as TSESTree.Expression,
      display: base,
      rest,
    };
  }
  // Objection: `Person.query()` / `Person.query(trx)` / `this.$query()`: the model's table.
  if (
    head.name === 'query' &&
    head.call.arguments.length <= 1 &&
    (base.type === 'Identifier' || base.type === 'MemberExpression') &&
    /^[A-Z]|models?\./.test(expressionPath(base) ?? '')
  ) {
    if (!fits(calls.slice(1))) return null;
    const argument = head.call.arguments[0];
    const table = modelTable(base, ctx);
    if (table === null) return null;
    // Without a transaction argument the query runs on the knex instance bound to the model: a pool
    // (unless the model itself is a callback's parameter, Objection's bound-models transaction form).
    if (argument && argument.type !== 'SpreadElement') return { table, connection: argument, display: base, rest: calls.slice(1) };
    const def = base.type === 'Identifier' ? ctx.resolve(base) : null;
    return {
      table,
      connection: base as TSESTree.Expression,
      display: base,
      rest: calls.slice(1),
      ...(def && def.kind !== 'parameter' ? { kind: 'pool' as const } : {}),
    };
  }
  return null;
}

/** An Objection model's table: `static tableName = 'persons'` when the class is in this file, else the model's name. */
function modelTable(model: TSESTree.Node, ctx: ExtractContext): string | null {
  const name = tailName(model);
  if (name === null) return null;
  if (model.type === 'Identifier') {
    const def = ctx.resolve(model);
    const cls = def?.node;
    if (cls && (cls.type === 'ClassDeclaration' || cls.type === 'ClassExpression')) {
      for (const member of cls.body.body) {
        if (
          (member.type === 'PropertyDefinition' || member.type === 'MethodDefinition') &&
          member.static &&
          !member.computed &&
          member.key.type === 'Identifier' &&
          member.key.name === 'tableName'
        ) {
          const value = member.type === 'PropertyDefinition' ? member.value : returnedValue(member.value);
          if (value?.type === 'Literal' && typeof value.value === 'string') return value.value;
        }
      }
    }
  }
  return name;
}

function returnedValue(fn: TSESTree.FunctionExpression | TSESTree.TSEmptyBodyFunctionExpression): TSESTree.Expression | null {
  const statement = fn.body?.body[0];
  return statement?.type === 'ReturnStatement' ? statement.argument : null;
}

/** `'concerts'`, `'concerts as c'`, `'public.concerts'`, a const holding one; else the name as written (`TABLE`). */
function tableName(node: TSESTree.Node, ctx: ExtractContext): string | null {
  if (node.type === 'SpreadElement') return null;
  const value = ctx.origin(node as TSESTree.Expression);
  if (value.type === 'Literal' && typeof value.value === 'string') {
    const name = value.value.trim().split(/\s+as\s+|\s+/i)[0]!;
    return /^[\w.$]+$/.test(name) ? name.split('.').at(-1)! : null;
  }
  if (value.type === 'TemplateLiteral' && value.expressions.length === 0)
    return tableName({ type: 'Literal', value: value.quasis[0]!.value.cooked, raw: '' } as TSESTree.Node, ctx);
  const inner = unwrap(node);
  if (inner.type === 'Identifier' && /^[A-Z_][A-Z0-9_]*$/.test(inner.name)) return inner.name; // TABLE, from another module
  if (inner.type === 'MemberExpression') return tailName(inner); // this.db(T.users), .from(this.tableName)
  return null;
}

/** Column names given as strings (`'a'`, `['a', 'b']`, `'t.a as b'`). */
function stringsOf(node: TSESTree.Node, ctx: ExtractContext): string[] {
  if (node.type === 'SpreadElement') return [];
  const value = ctx.origin(node as TSESTree.Expression);
  if (value.type === 'Literal' && typeof value.value === 'string') return [value.value];
  if (value.type === 'ArrayExpression') return value.elements.flatMap((e) => (e ? stringsOf(e, ctx) : []));
  return [];
}

/** `'c.available_seats as seats'` -> `available_seats`. */
function bareColumn(name: string): string {
  return name
    .trim()
    .split(/\s+as\s+/i)[0]!
    .split('.')
    .at(-1)!;
}

function quote(table: string): string {
  return /^[A-Z_][A-Z0-9_]*$/.test(table) ? table : `'${table}'`;
}

/** A chain built to be part of another query (`whereIn('id', db('t').select('id'))`): not a statement. */
function isSubquery(node: TSESTree.CallExpression, ctx: ExtractContext): boolean {
  let current: TSESTree.Node = node;
  for (let parent = current.parent; parent; current = parent, parent = parent.parent) {
    switch (parent.type) {
      case 'TSAsExpression':
      case 'TSNonNullExpression':
      case 'ArrayExpression':
      case 'SpreadElement':
        continue;
      case 'CallExpression':
        if (parent.callee === current) return false;
        return (
          !RUNNERS.has(ctx.calleeName(parent) ?? '') &&
          (WHERE_METHODS.has(ctx.calleeName(parent) ?? '') ||
            ['from', 'insert', 'union', 'unionAll', 'with', 'select', 'raw', 'as', 'update', 'join', 'leftJoin', 'innerJoin'].includes(
              ctx.calleeName(parent) ?? '',
            ))
        );
      case 'Property':
        return parent.parent?.type === 'ObjectExpression' && isBuilderArgument(parent.parent, ctx);
      default:
        return false;
    }
  }
  return false;
}

function isBuilderArgument(object: TSESTree.ObjectExpression, ctx: ExtractContext): boolean {
  const call = object.parent;
  return (
    call?.type === 'CallExpression' &&
    (WHERE_METHODS.has(ctx.calleeName(call) ?? '') || ['update', 'insert', 'patch', 'merge'].includes(ctx.calleeName(call) ?? ''))
  );
}

/** One `.where...()` call -> conjuncts (an `or...`, a callback or raw text: one opaque guard). */
function whereCall(builder: StatementBuilder, c: ChainCall, ctx: ExtractContext): void {
  const args = c.call.arguments.filter((a): a is TSESTree.Expression => a.type !== 'SpreadElement');
  const name = c.name;
  const column = (n: TSESTree.Node | undefined): string | null => {
    if (!n) return null;
    const value = ctx.origin(n as TSESTree.Expression);
    return value.type === 'Literal' && typeof value.value === 'string' && /^[\w.]+$/.test(value.value) ? bareColumn(value.value) : null;
  };
  if (
    name.startsWith('or') ||
    (name.includes('Not') && name !== 'whereNotNull' && name !== 'whereNotIn') ||
    name.includes('Raw') ||
    name.includes('Exists') ||
    name === 'modify'
  ) {
    builder.opaque(`.${name}(…)`);
    return;
  }
  if (name === 'findById' || name === 'deleteById' || name === 'updateAndFetchById' || name === 'patchAndFetchById') {
    if (args[0]) builder.compare('id', '=', args[0], `.${name}(${valueText(args[0])})`);
    return;
  }
  if (name === 'whereNull' || name === 'whereNotNull') {
    const col = column(args[0]);
    if (col !== null) builder.compare(col, name === 'whereNull' ? 'is null' : 'is not null', null, `.${name}('${col}')`);
    else builder.opaque(`.${name}(…)`);
    return;
  }
  if (name === 'whereIn' || name === 'whereNotIn') {
    const col = column(args[0]);
    if (col !== null && args[1])
      builder.compare(col, name === 'whereIn' ? 'in' : 'not in', args[1], `.${name}('${col}', ${valueText(args[1])})`);
    else builder.opaque(`.${name}(…)`);
    return;
  }
  if (name === 'whereBetween' || name === 'whereLike' || name === 'whereILike' || name === 'whereJsonPath') {
    builder.opaque(`.${name}(…)`);
    return;
  }
  // where / andWhere / findOne: an object of equalities, (column, value) or (column, operator, value).
  const object = objectArgument(args[0], ctx);
  if (object) {
    for (const p of object.properties) {
      if (p.type !== 'Property') continue;
      const key = keyName(p);
      if (key === null) continue;
      const value = unwrap(p.value);
      const col = bareColumn(key);
      if (value.type === 'Literal' && value.value === null) builder.compare(col, 'is null', null, `.${name}({ ${key}: null })`);
      else builder.compare(col, '=', p.value, `.${name}({ ${key}: ${valueText(p.value)} })`);
    }
    return;
  }
  const col = column(args[0]);
  if (col === null || args.length < 2 || args.length > 3) {
    builder.opaque(`.${name}(…)`);
    return;
  }
  if (args.length === 2) {
    const value = unwrap(args[1]!);
    if (value.type === 'Literal' && value.value === null) builder.compare(col, 'is null', null, `.${name}('${col}', null)`);
    else builder.compare(col, '=', args[1]!, `.${name}('${col}', ${valueText(args[1]!)})`);
    return;
  }
  const op = ctx.origin(args[1]!);
  const operator = op.type === 'Literal' && typeof op.value === 'string' ? op.value.toLowerCase().trim() : null;
  if (operator === null || !OPERATORS.has(operator)) {
    builder.opaque(`.${name}('${col}', …)`);
    return;
  }
  const value = unwrap(args[2]!);
  const normalized =
    operator === '!='
      ? '<>'
      : operator === 'ilike'
        ? 'like'
        : operator === 'is'
          ? 'is null'
          : operator === 'is not'
            ? 'is not null'
            : operator;
  const display = `.${name}('${col}', '${operator}', ${valueText(args[2]!)})`;
  if (normalized === 'is null' || normalized === 'is not null' || (value.type === 'Literal' && value.value === null))
    builder.compare(col, normalized === '<>' || normalized === 'is not null' ? 'is not null' : 'is null', null, display);
  else builder.compare(col, normalized, args[2]!, display);
}

/** The values of `.update(...)`, `.patch(...)`, `.increment(...)`, `.insert(...)`; for an insert, its columns. */
function valuesCall(builder: StatementBuilder, c: ChainCall, kind: string, ctx: ExtractContext): string[] | null {
  const args = c.call.arguments;
  if (c.name === 'increment' || c.name === 'decrement') {
    const sign = c.name === 'increment' ? '+' : '-';
    const object = objectArgument(args[0], ctx);
    if (object) {
      for (const p of object.properties)
        if (p.type === 'Property' && keyName(p) !== null)
          builder.assign(bareColumn(keyName(p)!), 'relative', p.value, `.${c.name}({ ${keyName(p)}: ${valueText(p.value)} })`);
      return null;
    }
    const [col] = args[0] ? stringsOf(args[0], ctx) : [];
    if (col !== undefined)
      builder.assign(
        bareColumn(col),
        'relative',
        args[1] ?? null,
        `${bareColumn(col)} = ${bareColumn(col)} ${sign} ${args[1] ? valueText(args[1]) : '1'} (.${c.name}('${col}'${args[1] ? `, ${valueText(args[1])}` : ''}))`,
      );
    return null;
  }
  const index = c.name.endsWith('ById') ? 1 : 0;
  // `.update('stock', value)`
  if (kind === 'update' && args.length >= 2 + index && stringsOf(args[index]!, ctx).length === 1) {
    const col = bareColumn(stringsOf(args[index]!, ctx)[0]!);
    assignValue(builder, col, args[index + 1]!, `.${c.name}('${col}', …)`, ctx);
    return null;
  }
  const target = args[index] ? ctx.origin(args[index] as TSESTree.Expression) : null;
  const object =
    target?.type === 'ArrayExpression'
      ? target.elements[0]
        ? objectArgument(target.elements[0], ctx)
        : null
      : objectArgument(target, ctx);
  if (!object) return null;
  if (kind === 'insert') {
    return objectKeys(object, ctx)?.map((key) => columnName(bareColumn(key))) ?? null;
  }
  assignObject(builder, object, ctx);
  return null;
}

function assignObject(builder: StatementBuilder, object: TSESTree.ObjectExpression, ctx: ExtractContext): void {
  for (const p of object.properties) {
    if (p.type !== 'Property' || keyName(p) === null) continue;
    const col = bareColumn(keyName(p)!);
    assignValue(builder, col, p.value, `${keyName(p)}: ${valueText(p.value)}`, ctx);
  }
}

/** `knex.raw('stock - ?', [n])` that reads the column is relative; any other value is the client's. */
function assignValue(builder: StatementBuilder, column: string, value: TSESTree.Node, display: string, ctx: ExtractContext): void {
  const inner = unwrap(value);
  if (inner.type === 'CallExpression' && ctx.calleeName(inner) === 'raw' && inner.arguments[0]) {
    const bindings = inner.arguments[1];
    const text = ctx.sqlText(inner.arguments[0], 'knex', 'postgres', bindings && bindings.type !== 'SpreadElement' ? bindings : null);
    const sql = text ? withIdentifiers(text, 'postgres', ctx).text : '';
    const reads = new RegExp(`(^|[^\\w.])"?${column.replace(/\W/g, '')}"?($|[^\\w])`, 'i').test(sql.replace(/'[^']*'/g, ''));
    const param = text?.params.find((p) => p !== null) ?? null;
    builder.assign(column, reads ? 'relative' : 'value', param, `${column} = ${sql.trim() || '…'} (${display})`);
    return;
  }
  builder.assign(column, 'value', value, display);
}

function valueText(node: TSESTree.Node): string {
  const inner = unwrap(node);
  if (inner.type === 'Literal') return inner.raw;
  return expressionPath(inner) ?? '…';
}

/**
 * `.where('code', locale.code).update({ code: locale.code, ... })`: a column set to the very value the
 * WHERE requires it to hold is not changed (a whole object written back, key included), so it is no
 * claim on the row. Such assignments are dropped.
 */
function unchangedColumns(builder: StatementBuilder): void {
  const same = (a: number | undefined, b: number | undefined): boolean => {
    const x = a !== undefined ? builder.params[a - 1] : null;
    const y = b !== undefined ? builder.params[b - 1] : null;
    if (!x || !y) return false;
    const tx = valueText(x);
    return tx !== '…' && tx === valueText(y);
  };
  for (let i = builder.set.length - 1; i >= 0; i--) {
    const assignment = builder.set[i]!;
    if (assignment.shape !== 'value' || assignment.params.length !== 1) continue;
    if (
      builder.where.some(
        (p) => p.column === assignment.column && p.operator === '=' && p.params.length === 1 && same(p.params[0], assignment.params[0]),
      )
    )
      builder.set.splice(i, 1);
  }
}
