/**
 * Sequelize (`sequelize`, `@sequelize/core`): `sequelize.query(text, { replacements, bind,
 * transaction, type })`. Replacements are `?` or `:name`, binds `$1` or `$name`; the text is read in
 * the dialect the `new Sequelize(...)` options name (`dialect: 'mysql'` / `'mariadb'`), else as
 * PostgreSQL (and as MySQL when it uses backtick identifiers).
 *
 * `new Sequelize(...)` (a parameter typed `Sequelize` too) is a pool. A query runs in a transaction
 * only when its options say `transaction: t`; one without it runs on the pool even inside the
 * transaction callback. Transactions are `sequelize.transaction(options?, async (t) => ...)` (managed)
 * and `const t = await sequelize.transaction(options?)` with `t.commit()` / `t.rollback()`
 * (unmanaged); the isolation is `{ isolationLevel: Transaction.ISOLATION_LEVELS.SERIALIZABLE }`
 * (`IsolationLevel.SERIALIZABLE` in @sequelize/core). Queries that join a transaction through CLS
 * (`Sequelize.useCLS`) without naming it are read as running on the pool.
 *
 * The result is `[results, metadata]`; on PostgreSQL `metadata.rowCount` is the affected count, on
 * MySQL `metadata.affectedRows`; with `type: QueryTypes.UPDATE` / `DELETE` the count comes back as
 * `[undefined, affectedCount]` or the number itself.
 *
 * The model API has no SQL text; its calls become statement facts (src/extract/kit.ts). Reads:
 * `Model.findOne` / `findAll` / `count` / `findAndCountAll` / `max` / `min` / `sum` (their `where`:
 * plain values are `=`, arrays `IN`, `null` `IS NULL`, `{ [Op.gt]: n }` and the other comparison
 * operators are conjuncts, `[Op.and]` flattens, `[Op.or]` / `[Op.not]` / `sequelize.where(...)` are
 * opaque guards), `findByPk(id)` (the primary key: the attribute declared `primaryKey: true`, else
 * `id`), on the model or on a scope of it (`Model.unscoped()`, `Model.scope('name')`, the same table),
 * `rejectOnEmpty: true` (throws on no row), `attributes: [...]`, and the row lock `lock: true` /
 * `lock: t.LOCK.UPDATE` / `Transaction.LOCK.SHARE` / `{ level }`, `skipLocked: true`. Writes:
 * `Model.update(values, { where })` resolving to `[affectedCount]` (a value `sequelize.literal('stock
 * - 1')` that names its column is relative), `Model.increment` / `decrement` (relative; they resolve
 * to `[[rows, affectedCount]]` on PostgreSQL), `destroy({ where })` (resolves to the count), `create`,
 * `bulkCreate` (`ignoreDuplicates`, `updateOnDuplicate`), `findOrCreate` (Sequelize creates in a
 * savepoint and re-reads on a unique violation: an insert that ignores the duplicate), `upsert` (ON
 * CONFLICT DO UPDATE). On an instance read by `findOne` / `findByPk` / `findOrCreate` / `create` in the
 * same function: `save()` writes the fields assigned on it since (`product.stock -= qty`,
 * `Object.assign`, `product.set(...)`) as absolute values aimed at its primary key, `update(values)`
 * those and the values, `increment` / `decrement` relative, `destroy()`, `reload()`; a `build()`
 * instance's `save()` inserts. None of them reports an affected count.
 *
 * A model call joins a transaction only with `transaction: t` in its options: without it, it runs on
 * the pool, inside the transaction callback too (CLS is not followed). Options passed on whole
 * (`Model.create(values, options)`, `{ ...options, where }`) may carry one: the connection is unknown
 * there, and a caller that writes `{ transaction }` (or leaves it out) decides it through the
 * function's summary (src/flow/summaries.ts). Table names are the model's:
 * `tableName` in `Model.init` / `define` options, else `modelName`, the `define('name', ...)` name or
 * the class name. A receiver counts as a model when the file declares it (`extends Model` with
 * `Model.init`, `sequelize.define`, sequelize-typescript's `@Table`), when the file calls it with a
 * shape only Sequelize's model API has (`findByPk`, `findOne({ where })`, `update(values, { where })`
 * — `models.user` imported from the app's own module is the common case), or when the file imports
 * Sequelize and the receiver has a class-like name; never in a file that imports mongoose or TypeORM,
 * whose models look alike. The model API cannot send a BEGIN, so no-transaction-on-pool has no model
 * form; a `lock` without `transaction: t` is `SELECT ... FOR UPDATE` in autocommit, which
 * no-lock-outside-transaction reports.
 */
import type { TSESTree } from '@typescript-eslint/types';
import type { LockStrength, SqlDialect, StatementFacts } from '../../sql/facts.js';
import { looksLikeSql } from '../../sql/index.js';
import { expressionPath, isFunction, objectProperty, propertyName, tailName, unwrap, walk } from '../ast.js';
import {
  allOf,
  anyOf,
  assignedFields,
  columnName,
  keyName,
  objectArgument,
  StatementBuilder,
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
  TransactionCall,
  TransactionScope,
} from '../types.js';

const MODULES = ['sequelize', '@sequelize/core'] as const;
const COUNT_HINT: Record<SqlDialect, string> = {
  postgres: 'the affected count (`metadata.rowCount`, or `affectedCount` with `QueryTypes.UPDATE`)',
  mysql: 'the affected count (`metadata.affectedRows`, or `affectedCount` with `QueryTypes.UPDATE`)',
};

export const sequelize: LibraryAdapter = {
  name: 'sequelize',
  modules: MODULES,
  // Models are imported from the app's own modules (`const { Product } = require('../models')`): the
  // model API's own shapes activate the adapter where the file does not import Sequelize.
  fallback: true,
  // A model's query with a `where` (`Product.findOne({ where`, `models.Order.update(..., { where`): the
  // call alone is tried first; the receiver test, tried at every capitalised word, runs only on a match.
  hints: anyOf(
    /\.(?:findByPk|findOrCreate|findAndCountAll|bulkCreate)\s*\(|\.define\s*\(\s*['"`]\w+['"`]\s*,\s*\{|\bextends\s+(?:Sequelize\.)?Model\b/,
    allOf(
      /\.\s*(?:findOne|findAll|count|update|destroy|increment|decrement)\s*\([^;]{0,200}?\bwhere\s*:/,
      /(?:\b[A-Z]\w*|\bmodels?\.\w+|\bdb\.\w+)\s*\.\s*(?:findOne|findAll|count|update|destroy|increment|decrement)\s*\([^;]{0,200}?\bwhere\s*:/,
    ),
  ),
  transactionHint: '`sequelize.transaction(async (t) => ...)` and pass `{ transaction: t }` to every query',
  // `?` replacements on every dialect.
  placeholder: '?',

  connectionFromExpression(node, ctx) {
    const inner = unwrap(node);
    if (inner.type === 'NewExpression') {
      const imported = ctx.importOf(inner.callee);
      return imported && isSequelize(imported.module) && imported.path.at(-1) === 'Sequelize' ? 'pool' : null;
    }
    // `await sequelize.transaction(options?)` without a callback: an unmanaged transaction.
    if (inner.type === 'CallExpression' && unmanagedTransaction(inner, ctx)) return 'transaction';
    return null;
  },

  connectionFromTypeName(name): ConnectionKind | null {
    if (name === 'Sequelize') return 'pool';
    if (name === 'Transaction') return 'transaction';
    return null;
  },

  matchQuery(node: QueryNode, ctx: ExtractContext): QuerySite | null {
    if (node.type !== 'CallExpression') return null;
    const model = modelCall(node, ctx);
    if (model) return model;
    if (ctx.calleeName(node) !== 'query' || !importsSequelize(ctx)) return null;
    const receiver = ctx.calleeObject(node);
    const first = node.arguments[0];
    if (!receiver || !first || !isSequelizeInstance(receiver, ctx)) return null;
    const options = objectArgument(node.arguments[1], ctx);
    const values = options ? (objectProperty(options, 'replacements') ?? objectProperty(options, 'bind')) : null;
    const raw = ctx.sqlText(first, 'sequelize', 'postgres', values);
    if (!raw) return null;
    const dialect: SqlDialect = dialectOf(receiver, ctx) ?? (raw.text.includes('`') ? 'mysql' : 'postgres');
    const sql = dialect === 'mysql' ? ctx.sqlText(first, 'sequelize', 'mysql', values) : raw;
    if (!sql || !looksLikeSql(sql.text)) return null;
    const transaction = options ? objectProperty(options, 'transaction') : null;
    const site: QuerySite = {
      library: 'sequelize',
      node,
      resultNode: node,
      connection: receiver,
      connectionKind: 'pool',
      sql,
      countHint: COUNT_HINT[dialect],
    };
    if (transaction && transaction.type !== 'Literal') {
      site.connection = transaction as TSESTree.Expression;
      delete site.connectionKind;
    }
    return site;
  },

  matchTransaction(node, ctx): TransactionScope | null {
    if (ctx.calleeName(node) !== 'transaction') return null;
    const outer = ctx.calleeObject(node);
    const callback = transactionCallback(node, node.arguments.at(-1), ctx);
    if (!outer || !callback) return null;
    if (!isSequelizeInstance(outer, ctx)) return null;
    const isolation = node.arguments.length > 1 ? isolationOption(node.arguments[0], ctx) : null;
    return { library: 'sequelize', node, callback, connectionParam: transactionParameter(callback), outer, isolation };
  },

  matchTransactionCall(node, ctx): TransactionCall | null {
    const name = ctx.calleeName(node);
    const connection = ctx.calleeObject(node);
    if (!connection) return null;
    if (unmanagedTransaction(node, ctx)) {
      // The begin is the transaction's creation; the variable it is stored in is the connection.
      const declarator = declaredBy(node);
      if (!declarator) return null;
      return { library: 'sequelize', node, connection: declarator, action: 'begin', isolation: isolationOption(node.arguments[0], ctx) };
    }
    if ((name !== 'commit' && name !== 'rollback') || node.arguments.length > 0) return null;
    const origin = ctx.origin(connection);
    if (origin.type !== 'CallExpression' || !unmanagedTransaction(origin, ctx)) {
      if (ctx.connectionKind(connection) !== 'transaction') return null;
    }
    return { library: 'sequelize', node, connection, action: name, isolation: null };
  },
};

function isSequelize(module: string): boolean {
  return MODULES.some((m) => module === m || module.startsWith(`${m}/`));
}

/** `sequelize.transaction()` / `sequelize.transaction({ ... })`: no callback. */
function unmanagedTransaction(call: TSESTree.CallExpression, ctx: ExtractContext): boolean {
  if (ctx.calleeName(call) !== 'transaction') return false;
  const object = ctx.calleeObject(call);
  if (!object || !isSequelizeInstance(object, ctx)) return false;
  return call.arguments.length === 0 || (call.arguments.length === 1 && call.arguments[0]!.type === 'ObjectExpression');
}

function declaredBy(call: TSESTree.CallExpression): TSESTree.Identifier | null {
  let current: TSESTree.Node = call;
  while (current.parent && (current.parent.type === 'AwaitExpression' || current.parent.type === 'TSAsExpression'))
    current = current.parent;
  const parent = current.parent;
  return parent?.type === 'VariableDeclarator' && parent.init === current && parent.id.type === 'Identifier' ? parent.id : null;
}

function importsSequelize(ctx: ExtractContext): boolean {
  return ctx.imports(MODULES[0]) || ctx.imports(MODULES[1]);
}

/**
 * The receiver is a Sequelize instance, or at least not something another library made. In a file
 * that does not import Sequelize (it runs only for the model API there), only one named so
 * (`sequelize`, `db.sequelize`) is.
 */
function isSequelizeInstance(receiver: TSESTree.Expression, ctx: ExtractContext): boolean {
  if (!importsSequelize(ctx)) return /^sequelize$/i.test(tailName(receiver) ?? '');
  const origin = ctx.origin(receiver);
  if (origin.type === 'NewExpression') {
    const made = ctx.importOf(origin.callee);
    return made === null || isSequelize(made.module) || made.module.startsWith('.');
  }
  const made = ctx.importOf(origin);
  return made === null || isSequelize(made.module) || made.module.startsWith('.');
}

/** `new Sequelize(..., { dialect: 'mysql' })` in the same file. */
function dialectOf(receiver: TSESTree.Expression, ctx: ExtractContext): SqlDialect | null {
  const origin = ctx.origin(receiver);
  if (origin.type !== 'NewExpression') return null;
  for (const argument of origin.arguments) {
    const options = objectArgument(argument, ctx);
    const dialect = options && objectProperty(options, 'dialect');
    if (dialect?.type === 'Literal' && typeof dialect.value === 'string') {
      return dialect.value === 'mysql' || dialect.value === 'mariadb' ? 'mysql' : 'postgres';
    }
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// The model API: `Model.findOne(...)`, `instance.save()`, `Model.update(values, { where })`, ...

/** Static model methods that read, and what each resolves to. */
const MODEL_READS = new Set(['findOne', 'findByPk', 'findAll', 'count', 'findAndCountAll', 'max', 'min', 'sum']);
const MODEL_WRITES = new Set(['update', 'create', 'bulkCreate', 'findOrCreate', 'upsert', 'destroy', 'increment', 'decrement']);
const INSTANCE_METHODS = new Set(['save', 'update', 'increment', 'decrement', 'destroy', 'reload']);
/** Calls only Sequelize's model API makes: evidence that their receiver is a model. */
const OWN_NAMES = new Set(['findByPk', 'findOrCreate', 'findAndCountAll', 'bulkCreate']);
/** Reads whose result is one model instance (or a list of them) that a later `save()` writes back. */
const INSTANCE_SOURCES = new Set(['findOne', 'findByPk', 'findOrCreate', 'create', 'build']);
/** `[Op.gt]: 5` and friends -> a comparison the shared classifier judges. */
const OPERATORS: Record<string, string> = {
  eq: '=',
  ne: '<>',
  gt: '>',
  gte: '>=',
  lt: '<',
  lte: '<=',
  in: 'in',
  notIn: 'not in',
  like: 'like',
  iLike: 'like',
  notLike: 'not like',
  startsWith: 'like',
  endsWith: 'like',
  substring: 'like',
};
const LOCKS: Record<string, LockStrength> = { UPDATE: 'update', SHARE: 'share', KEY_SHARE: 'key share', NO_KEY_UPDATE: 'no key update' };

const SERVICE_NAME = /(?:Service|Repository|Repo|Store|Api|Client|Controller|Manager|Dao)$/i;

interface ModelInfo {
  /** The model as the code names it (`Product`), for messages. */
  name: string;
  table: string;
  primaryKey: string;
}

/** What one file declares about its Sequelize models, read once per file. */
interface FileModels {
  /** Model classes and `sequelize.define` results declared in the file, by variable name. */
  declared: Map<string, ModelInfo>;
  /** Receivers (`User`, `db.User`) the file calls with a shape only Sequelize's model API has. */
  evidence: Set<string>;
  /** The file imports a library whose models look alike (mongoose, TypeORM's BaseEntity): do not guess. */
  lookalike: boolean;
}

const FILE_MODELS = new WeakMap<TSESTree.Program, FileModels>();

function fileModels(node: TSESTree.Node, ctx: ExtractContext): FileModels {
  let program: TSESTree.Node = node;
  while (program.parent) program = program.parent;
  const root = program as TSESTree.Program;
  const known = FILE_MODELS.get(root);
  if (known) return known;
  const models: FileModels = { declared: new Map(), evidence: new Set(), lookalike: ctx.imports('mongoose') || ctx.imports('typeorm') };
  const inits = new Map<string, TSESTree.CallExpression>();
  walk(root, (n) => {
    if (n.type === 'ClassDeclaration' && n.id && n.superClass && isModelBase(n.superClass)) {
      models.declared.set(n.id.name, {
        name: n.id.name,
        table: tableOption(tableDecorator(n)) ?? n.id.name,
        primaryKey: primaryKeyOfClass(n) ?? 'id',
      });
    }
    if (n.type === 'VariableDeclarator' && n.id.type === 'Identifier' && n.init) {
      const init = unwrap(n.init);
      // const Product = sequelize.define('product', { ... }, { tableName: 'products' })
      if (init.type === 'CallExpression' && init.callee.type === 'MemberExpression' && propertyName(init.callee) === 'define') {
        const name = init.arguments[0];
        if (name?.type === 'Literal' && typeof name.value === 'string') {
          const attributes = objectArgument(init.arguments[1], ctx);
          const options = objectArgument(init.arguments[2], ctx);
          models.declared.set(n.id.name, {
            name: n.id.name,
            table: tableOption(options) ?? name.value,
            primaryKey: (attributes && primaryKeyOf(attributes)) ?? 'id',
          });
        }
      }
    }
    if (n.type === 'CallExpression' && n.callee.type === 'MemberExpression') {
      const method = propertyName(n.callee);
      const receiver = expressionPath(n.callee.object);
      if (method === 'init' && n.callee.object.type === 'Identifier') inits.set(n.callee.object.name, n);
      if (method !== null && receiver !== null && sequelizeShape(method, n, ctx)) models.evidence.add(receiver);
    }
    return true;
  });
  // Product.init({ ... }, { sequelize, tableName: 'products' })
  for (const [name, call] of inits) {
    const declared = models.declared.get(name);
    if (!declared) continue;
    const attributes = objectArgument(call.arguments[0], ctx);
    const options = objectArgument(call.arguments[1], ctx);
    declared.table = tableOption(options) ?? (options && modelNameOption(options)) ?? declared.table;
    declared.primaryKey = (attributes && primaryKeyOf(attributes)) ?? declared.primaryKey;
  }
  FILE_MODELS.set(root, models);
  return models;
}

/** `extends Model`, `extends Model<Attributes, Creation>`, `extends Sequelize.Model`. */
function isModelBase(node: TSESTree.Node): boolean {
  const inner = unwrap(node);
  return (inner.type === 'Identifier' && inner.name === 'Model') || (inner.type === 'MemberExpression' && propertyName(inner) === 'Model');
}

/** sequelize-typescript: `@Table({ tableName: 'products' })` on the class. */
function tableDecorator(node: TSESTree.ClassDeclaration): TSESTree.ObjectExpression | null {
  for (const decorator of node.decorators ?? []) {
    const call = decorator.expression;
    if (
      call.type === 'CallExpression' &&
      call.callee.type === 'Identifier' &&
      call.callee.name === 'Table' &&
      call.arguments[0]?.type === 'ObjectExpression'
    )
      return call.arguments[0];
  }
  return null;
}

function tableOption(options: TSESTree.ObjectExpression | null): string | null {
  const table = options ? objectProperty(options, 'tableName') : null;
  return table?.type === 'Literal' && typeof table.value === 'string' ? table.value : null;
}

function modelNameOption(options: TSESTree.ObjectExpression): string | null {
  const name = objectProperty(options, 'modelName');
  return name?.type === 'Literal' && typeof name.value === 'string' ? name.value : null;
}

/** The attribute declared `primaryKey: true` (its `field` when it names one). */
function primaryKeyOf(attributes: TSESTree.ObjectExpression): string | null {
  for (const p of attributes.properties) {
    if (p.type !== 'Property' || keyName(p) === null || p.value.type !== 'ObjectExpression') continue;
    const primary = objectProperty(p.value, 'primaryKey');
    if (primary?.type !== 'Literal' || primary.value !== true) continue;
    const field = objectProperty(p.value, 'field');
    return field?.type === 'Literal' && typeof field.value === 'string' ? field.value : keyName(p);
  }
  return null;
}

/** sequelize-typescript: `@PrimaryKey @Column declare productId: string`. */
function primaryKeyOfClass(node: TSESTree.ClassDeclaration): string | null {
  for (const member of node.body.body) {
    if (member.type !== 'PropertyDefinition' || member.key.type !== 'Identifier') continue;
    if (
      (member.decorators ?? []).some(
        (d) =>
          (d.expression.type === 'Identifier'
            ? d.expression.name
            : d.expression.type === 'CallExpression' && d.expression.callee.type === 'Identifier'
              ? d.expression.callee.name
              : null) === 'PrimaryKey',
      )
    )
      return member.key.name;
  }
  return null;
}

/** A call only Sequelize's model API makes: `findByPk`, `findOne({ where })`, `update(values, { where })`. */
function sequelizeShape(method: string, call: TSESTree.CallExpression, ctx: ExtractContext): boolean {
  if (OWN_NAMES.has(method)) return true;
  const options =
    method === 'update'
      ? objectArgument(call.arguments[1], ctx)
      : ['findOne', 'findAll', 'count', 'destroy'].includes(method)
        ? objectArgument(call.arguments[0], ctx)
        : null;
  return options !== null && objectProperty(options, 'where') !== null;
}

const SCOPES = new Set(['unscoped', 'scope']);

/** The model a static call is made on: declared in the file, or imported and used the way only Sequelize is. */
function modelOf(receiver: TSESTree.Expression, ctx: ExtractContext): ModelInfo | null {
  const inner = unwrap(receiver);
  // `Document.unscoped().findOne(...)`, `User.scope('withPassword').findByPk(id)`: the same model, its table unchanged.
  if (inner.type === 'CallExpression' && inner.callee.type === 'MemberExpression' && SCOPES.has(propertyName(inner.callee) ?? ''))
    return modelOf(inner.callee.object, ctx);
  const name = inner.type === 'Identifier' ? inner.name : inner.type === 'MemberExpression' ? propertyName(inner) : null;
  const path = expressionPath(inner);
  if (name === null || path === null) return null;
  // A service or repository of the app's own (`this.userService.findAll()`) mimics the shape, not the library.
  if (SERVICE_NAME.test(name) || (path.startsWith('this.') && !/^[A-Z]/.test(name))) return null;
  const models = fileModels(receiver, ctx);
  if (inner.type === 'Identifier') {
    const declared = models.declared.get(name);
    if (declared && ctx.resolve(inner)?.kind !== 'parameter') return declared;
  }
  if (models.lookalike) return null;
  // `models.user.findByPk(id)` elsewhere in the file; or a class-like name in a file that imports Sequelize.
  if (models.evidence.has(path) || (/^[A-Z]/.test(name) && importsSequelize(ctx))) return { name: path, table: name, primaryKey: 'id' };
  return null;
}

/**
 * The associations a read loads with its rows, by the property each lands on: `include: [{ association:
 * 'host' }, { model: models.Collective, as: 'collective' }, 'parent']`. An include of the read's own
 * model (a parent of the same table) is left out: its row may be the one written.
 */
function includedAssociations(options: TSESTree.ObjectExpression, model: ModelInfo, ctx: ExtractContext): string[] {
  const include = options ? objectProperty(options, 'include') : null;
  if (include === null) return [];
  const elements = include.type === 'ArrayExpression' ? include.elements : [include];
  return elements.flatMap((element) => {
    if (element === null || element.type === 'SpreadElement') return [];
    if (element.type === 'Literal') return typeof element.value === 'string' ? [element.value] : [];
    const object = objectArgument(element, ctx);
    if (object === null) return [];
    const association = objectProperty(object, 'association') ?? objectProperty(object, 'as');
    if (association?.type !== 'Literal' || typeof association.value !== 'string') return [];
    const included = objectProperty(object, 'model');
    const of = included !== null && included.type !== 'AssignmentPattern' ? modelOf(included as TSESTree.Expression, ctx) : null;
    return of !== null && of.table === model.table ? [] : [association.value];
  });
}

/** The Sequelize call that produced a model instance (`const product = await Product.findByPk(id)`), with its model. */
function instanceOf(
  receiver: TSESTree.Expression,
  ctx: ExtractContext,
): { model: ModelInfo; source: string; variable: TSESTree.Identifier } | null {
  const inner = unwrap(receiver);
  if (inner.type !== 'Identifier') return null;
  const def = ctx.resolve(inner);
  if (def?.kind !== 'variable' || !def.init || def.node.type !== 'VariableDeclarator') return null;
  // `const product = await Product.findByPk(id)`, `const [user, created] = await User.findOrCreate(...)`
  const id = def.node.id;
  if (id.type === 'ArrayPattern' && !(id.elements[0]?.type === 'Identifier' && id.elements[0].name === inner.name)) return null;
  if (id.type !== 'Identifier' && id.type !== 'ArrayPattern') return null;
  const call = unwrap(def.init);
  if (call.type !== 'CallExpression' || call.callee.type !== 'MemberExpression') return null;
  const source = propertyName(call.callee);
  if (source === null || !INSTANCE_SOURCES.has(source)) return null;
  const model = modelOf(call.callee.object, ctx);
  return model ? { model, source, variable: inner } : null;
}

/** `Product.findOne({ where, lock, transaction })`, `product.save()`, `Product.update(values, { where })`, ... */
function modelCall(node: TSESTree.CallExpression, ctx: ExtractContext): QuerySite | null {
  const callee = unwrap(node.callee);
  if (callee.type !== 'MemberExpression') return null;
  const method = propertyName(callee);
  if (method === null) return null;
  const receiver = callee.object;
  if (INSTANCE_METHODS.has(method)) {
    const instance = instanceOf(receiver, ctx);
    if (instance) return instanceCall(node, method, instance, ctx);
  }
  if (!MODEL_READS.has(method) && !MODEL_WRITES.has(method)) return null;
  const model = modelOf(receiver, ctx);
  if (!model) return null;
  return staticCall(node, method, model, receiver, ctx);
}

function staticCall(
  node: TSESTree.CallExpression,
  method: string,
  model: ModelInfo,
  receiver: TSESTree.Expression,
  ctx: ExtractContext,
): QuerySite | null {
  const builder = new StatementBuilder();
  const display = `${model.name}.${method}`;
  const optionsAt =
    method === 'findByPk' ||
    method === 'update' ||
    method === 'create' ||
    method === 'bulkCreate' ||
    method === 'upsert' ||
    method === 'increment' ||
    method === 'decrement'
      ? 1
      : 0;
  const options = objectArgument(node.arguments[optionsAt], ctx);
  if (node.arguments[optionsAt] && !options && node.arguments[optionsAt]!.type !== 'Identifier') return null;
  const where = options ? objectProperty(options, 'where') : null;
  let facts: StatementFacts;
  let countHint = `the value \`${display}\` resolves to`;
  let rowsRequired = false;
  let insertedRows: TSESTree.Node | null = null;
  if (MODEL_READS.has(method)) {
    if (method === 'findByPk') {
      const key = node.arguments[0];
      if (key && key.type !== 'SpreadElement') builder.compare(model.primaryKey, '=', key, `${model.primaryKey}: ${valueText(key)}`);
    } else if (where) {
      whereConditions(builder, where, ctx);
    }
    const attributes = options ? objectProperty(options, 'attributes') : null;
    const selectedColumns =
      attributes?.type === 'ArrayExpression' && attributes.elements.every((e) => e?.type === 'Literal' && typeof e.value === 'string')
        ? attributes.elements.map((e) => builder.field(String((e as TSESTree.Literal).value)))
        : ['*'];
    const aggregate = method === 'count' || method === 'max' || method === 'min' || method === 'sum';
    const loaded = options ? includedAssociations(options, model, ctx) : [];
    facts = builder.facts('select', model.table, display, {
      selectedColumns,
      aggregate,
      lock: options ? lockOf(options, ctx) : null,
      ...(loaded.length > 0 ? { loaded } : {}),
    });
    const reject = options ? objectProperty(options, 'rejectOnEmpty') : null;
    rowsRequired = reject !== null && !(reject.type === 'Literal' && (reject.value === false || reject.value === null));
  } else if (method === 'update' || method === 'increment' || method === 'decrement') {
    if (method === 'update') {
      // `Model.update(req.body, { where })`: the columns set are not known.
      const values = objectArgument(node.arguments[0], ctx);
      if (values) assignValues(builder, values, ctx);
      else if (!where) return null;
      else unknownColumns(builder, node.arguments[0]);
    } else {
      relativeFields(builder, node.arguments[0], options, method, ctx);
    }
    if (where) whereConditions(builder, where, ctx);
    facts = builder.facts('update', model.table, display);
    countHint =
      method === 'update'
        ? `the \`[affectedCount]\` \`${display}\` resolves to`
        : `the affected count \`${display}\` resolves to (\`[[rows, affectedCount]]\` on PostgreSQL; \`Model.update\` with \`sequelize.literal\` gives a plain \`[affectedCount]\`)`;
  } else if (method === 'destroy') {
    if (where) whereConditions(builder, where, ctx);
    else if (!options) return null;
    facts = builder.facts('delete', model.table, display);
    countHint = `the number \`${display}\` resolves to`;
  } else {
    // create, bulkCreate, findOrCreate, upsert
    const rows =
      method === 'findOrCreate'
        ? options
          ? objectArgument(objectProperty(options, 'defaults'), ctx)
          : null
        : method === 'bulkCreate'
          ? firstRow(node.arguments[0], ctx)
          : objectArgument(node.arguments[0], ctx);
    const columns = rows
      ? rows.properties.flatMap((p) => (p.type === 'Property' && keyName(p) !== null ? [builder.field(keyName(p)!)] : []))
      : null;
    if (method === 'findOrCreate' && where)
      for (const p of objectArgument(where, ctx)?.properties ?? [])
        if (p.type === 'Property' && keyName(p) !== null) columns?.push(builder.field(keyName(p)!));
    if (method === 'upsert' && rows) assignValues(builder, rows, ctx);
    const ignore = options ? objectProperty(options, 'ignoreDuplicates') : null;
    const onConflict =
      method === 'upsert' || (method === 'bulkCreate' && options && objectProperty(options, 'updateOnDuplicate'))
        ? 'update'
        : method === 'findOrCreate' || (ignore?.type === 'Literal' && ignore.value === true)
          ? 'nothing'
          : null;
    facts = builder.facts('insert', model.table, display, { insertColumns: columns, onConflict, returning: ['*'] });
    countHint = `the instance \`${display}\` resolves to`;
    if (method === 'create' || method === 'bulkCreate') insertedRows = node.arguments[0] ?? null;
  }
  return {
    ...site(node, optionsAt, builder, model, display, facts, options, receiver, countHint, rowsRequired, ctx),
    ...(insertedRows ? { insertedRows } : {}),
  };
}

function instanceCall(
  node: TSESTree.CallExpression,
  method: string,
  instance: { model: ModelInfo; source: string; variable: TSESTree.Identifier },
  ctx: ExtractContext,
): QuerySite | null {
  const { model, variable } = instance;
  const builder = new StatementBuilder();
  const display = `${variable.name}.${method}`;
  const optionsAt = method === 'update' || method === 'increment' || method === 'decrement' ? 1 : 0;
  const options = objectArgument(node.arguments[optionsAt], ctx);
  let facts: StatementFacts;
  let countHint = `the affected count, which \`${display}\` does not report: use \`${model.name}.update(values, { where })\` and its \`[affectedCount]\``;
  const aimAtRow = (): void => {
    builder.compare(model.primaryKey, '=', variable, `${model.primaryKey}: ${variable.name}.${model.primaryKey}`);
  };
  if (method === 'reload') {
    aimAtRow();
    facts = builder.facts('select', model.table, display);
  } else if (method === 'destroy') {
    aimAtRow();
    facts = builder.facts('delete', model.table, display);
  } else if (method === 'increment' || method === 'decrement') {
    relativeFields(builder, node.arguments[0], options, method, ctx);
    aimAtRow();
    facts = builder.facts('update', model.table, display);
  } else if (method === 'save' && instance.source === 'build') {
    // A built instance's first save inserts it.
    const fields = assignedFields(variable, node, ctx);
    facts = builder.facts('insert', model.table, display, { insertColumns: fields.map((f) => builder.field(f.field)), returning: ['*'] });
    countHint = `the instance \`${display}\` resolves to`;
  } else {
    // save(): the fields assigned on the instance since it was read; update(values): those and the values.
    for (const { field, value } of assignedFields(variable, node, ctx))
      builder.assign(field, 'value', constantNull(value), `${variable.name}.${field} = ${valueText(value)}`);
    if (method === 'update') {
      const values = objectArgument(node.arguments[0], ctx);
      if (values) assignValues(builder, values, ctx);
      else unknownColumns(builder, node.arguments[0]);
    }
    aimAtRow();
    facts = builder.facts('update', model.table, display);
  }
  return site(node, optionsAt, builder, model, display, facts, options, null, countHint, false, ctx);
}

/**
 * The options object a call passes on without writing its `transaction` (a variable that is no object
 * literal here, or the spread of one: `{ ...options, where }`), or null.
 */
function passedOnOptions(argument: TSESTree.Node | undefined, options: TSESTree.ObjectExpression | null): TSESTree.Expression | null {
  if (!argument || argument.type === 'SpreadElement') return null;
  if (options === null) return argument.type === 'Identifier' || argument.type === 'MemberExpression' ? argument : null;
  const spread = options.properties.find((p): p is TSESTree.SpreadElement => p.type === 'SpreadElement');
  return spread ? spread.argument : null;
}

function site(
  node: TSESTree.CallExpression,
  optionsAt: number,
  builder: StatementBuilder,
  model: ModelInfo,
  display: string,
  facts: StatementFacts,
  options: TSESTree.ObjectExpression | null,
  receiver: TSESTree.Expression | null,
  countHint: string,
  rowsRequired: boolean,
  ctx: ExtractContext,
): QuerySite {
  const transaction = options ? objectProperty(options, 'transaction') : null;
  const joined =
    transaction !== null && !(transaction.type === 'Literal' || (transaction.type === 'Identifier' && transaction.name === 'undefined'));
  // Options passed on whole (`Model.create(values, options)`, `{ ...options, where }`) may carry the transaction.
  const passedOn = joined || transaction !== null ? null : passedOnOptions(node.arguments[optionsAt], options);
  const lockedBy = joined || passedOn || !options ? null : lockTransaction(options);
  const created = joined ? createdBefore(transaction, ctx) : [];
  return {
    library: 'sequelize',
    node,
    resultNode: node,
    ...(created.length > 0 ? { createdBefore: created } : {}),
    // A model call joins a transaction only through `transaction: t`; without it, it runs on the pool.
    connection: joined ? (transaction as TSESTree.Expression) : (passedOn ?? receiver),
    ...(joined ? {} : passedOn ? { connectionVia: 'transaction' } : { connectionKind: 'pool' as const }),
    connectionWhenOmitted: 'pool',
    ...(rowsRequired ? { rowsRequired: true } : {}),
    ...(lockedBy ? { lockNamesTransaction: lockedBy } : {}),
    sql: builder.sqlText(display),
    built: [facts],
    countHint,
    model: builder.words(model.name, model.name, FIXES),
  };
}

/**
 * `transaction: options.transaction` in an `afterCreate` hook (sequelize-typescript's `@AfterCreate
 * static async f(model, options)`, `Model.afterCreate(fn)`, `Model.addHook('afterCreate', fn)`, `hooks:
 * { afterCreate(model, options) {} }`): Sequelize calls the hook with the instance just inserted and
 * the options of its `create`, whose `transaction` inserted it. The statement runs after that INSERT,
 * in its transaction: the hook's first parameter is a row its transaction created.
 */
function createdBefore(transaction: TSESTree.Node, ctx: ExtractContext): TSESTree.Identifier[] {
  const value = unwrap(transaction);
  if (value.type !== 'MemberExpression' || propertyName(value) !== 'transaction' || value.object.type !== 'Identifier') return [];
  const def = ctx.resolve(value.object);
  if (def?.kind !== 'parameter' || !isFunction(def.node)) return [];
  const [instance, options] = def.node.params;
  return instance?.type === 'Identifier' && options === def.name && isAfterCreateHook(def.node) ? [instance] : [];
}

function isAfterCreateHook(fn: TSESTree.Node): boolean {
  const parent = fn.parent;
  if (parent?.type === 'MethodDefinition')
    return parent.decorators.some((d) => {
      const e = d.expression.type === 'CallExpression' ? d.expression.callee : d.expression;
      return e.type === 'Identifier' && e.name === 'AfterCreate';
    });
  if (parent?.type === 'Property') return parent.value === fn && keyName(parent) === 'afterCreate';
  if (parent?.type !== 'CallExpression' || parent.callee.type !== 'MemberExpression') return false;
  const method = propertyName(parent.callee);
  const first = parent.arguments[0];
  return method === 'afterCreate' || (method === 'addHook' && first?.type === 'Literal' && first.value === 'afterCreate');
}

/** The fixes messages give for a Sequelize model call, in Sequelize's API. */
const FIXES: LibraryFixes = {
  lock: 'lock the row by reading it with `{ transaction: t, lock: t.LOCK.UPDATE }` inside `sequelize.transaction(async (t) => ...)`',
  conditional:
    "put the tested condition in `Model.update(values, { where })`'s `where`{atomic} and check the affected count it resolves to",
  atomic: " with the change made atomic (`Model.decrement('column', { by: n, where })`)",
  relative:
    "write it relative to the stored value (`instance.increment('{field}', { by: n })` or `Model.decrement('{field}', { by: n, where })`)",
  version:
    "turn on optimistic locking (`version: true` in the model's options: `save()` then re-tests the version and throws `OptimisticLockError`)",
  createOnce:
    'Declare a unique index on the fields looked up and create with `findOrCreate` (or handle `UniqueConstraintError`); or run both in `sequelize.transaction({ isolationLevel: Transaction.ISOLATION_LEVELS.SERIALIZABLE }, ...)` and retry on a serialization failure',
};

/** `where: { id, stock: { [Op.gt]: 0 }, [Op.and]: [...], [Op.or]: [...] }` -> conjuncts. */
function whereConditions(builder: StatementBuilder, whereNode: TSESTree.Node, ctx: ExtractContext, depth = 0): void {
  const where = objectArgument(whereNode, ctx);
  if (!where) {
    builder.opaque(`where: ${valueText(whereNode)}`);
    return;
  }
  for (const p of where.properties) {
    if (p.type !== 'Property') continue; // `...rest`: not known
    const op = operatorKey(p);
    if (op === 'and' && depth < 5) {
      const list = ctx.origin(p.value as TSESTree.Expression);
      for (const item of list.type === 'ArrayExpression' ? list.elements : [list])
        if (item && item.type !== 'SpreadElement') whereConditions(builder, item, ctx, depth + 1);
      continue;
    }
    if (op !== null) {
      builder.opaque(`[Op.${op}]: ...`);
      continue;
    }
    const field = keyName(p);
    if (field === null) continue;
    const value = unwrap(p.value);
    if (value.type === 'Literal' && value.value === null) {
      builder.compare(field, 'is null', null, `${field}: null`);
      continue;
    }
    if (value.type === 'ArrayExpression') {
      builder.compare(field, 'in', p.value, `${field}: ${valueText(p.value)}`);
      continue;
    }
    if (value.type !== 'ObjectExpression') {
      if (isSequelizeHelper(value)) builder.opaque(`${field}: ${valueText(p.value)}`);
      else builder.compare(field, '=', p.value, `${field}: ${valueText(p.value)}`);
      continue;
    }
    for (const f of value.properties) {
      if (f.type !== 'Property') continue;
      const name = operatorKey(f);
      const operand = unwrap(f.value);
      if (name === 'is' || ((name === 'eq' || name === 'ne' || name === 'not') && operand.type === 'Literal' && operand.value === null)) {
        builder.compare(field, name === 'is' || name === 'eq' ? 'is null' : 'is not null', null, `${field}: { [Op.${name}]: null }`);
        continue;
      }
      const operator = name !== null ? OPERATORS[name] : undefined;
      if (operator) builder.compare(field, operator, f.value, `${field}: { [Op.${name}]: ${valueText(f.value)} }`);
      else builder.opaque(`${field}: { ${name !== null ? `[Op.${name}]` : '…'}: ... }`);
    }
  }
}

/** `[Op.gt]` (also `Sequelize.Op.gt`, `Op['gt']`) -> 'gt'. */
function operatorKey(p: TSESTree.Property): string | null {
  if (!p.computed) return null;
  const key = unwrap(p.key);
  if (key.type !== 'MemberExpression') return null;
  const object = unwrap(key.object);
  const base = object.type === 'Identifier' ? object.name : object.type === 'MemberExpression' ? propertyName(object) : null;
  return base === 'Op' ? propertyName(key) : null;
}

/** `sequelize.literal(...)`, `Sequelize.fn(...)`, `col(...)`, `where(...)`: SQL the adapter does not read. */
function isSequelizeHelper(node: TSESTree.Node): boolean {
  if (node.type !== 'CallExpression') return false;
  const callee = unwrap(node.callee);
  const name = callee.type === 'MemberExpression' ? propertyName(callee) : callee.type === 'Identifier' ? callee.name : null;
  return name === 'literal' || name === 'fn' || name === 'col' || name === 'where' || name === 'cast';
}

/** `{ stock: product.stock - 1, sold: true, stock2: sequelize.literal('stock - 1') }` -> SET assignments. */
function assignValues(builder: StatementBuilder, values: TSESTree.ObjectExpression, ctx: ExtractContext): void {
  for (const p of values.properties) {
    if (p.type !== 'Property') {
      builder.unseenWrites = true; // `...rest`: not known
      continue;
    }
    const field = keyName(p);
    if (field === null) continue;
    const value = unwrap(p.value);
    if (isSequelizeHelper(value)) {
      const text = value.type === 'CallExpression' && value.arguments[0] ? ctx.origin(value.arguments[0] as TSESTree.Expression) : null;
      const sqlText = text?.type === 'Literal' && typeof text.value === 'string' ? text.value : '';
      // `sequelize.literal('stock - 1')` reads the stored value: relative.
      if (new RegExp(`\\b(?:${field}|${columnName(field)})\\b`).test(sqlText))
        builder.assign(field, 'relative', null, `${field}: ${valueText(p.value)}`);
      else builder.assign(field, 'value', null, `${field}: ${valueText(p.value)}`);
      continue;
    }
    // `null` is a constant, not a value from the request.
    builder.assign(field, 'value', constantNull(p.value), `${field}: ${valueText(p.value)}`);
  }
}

/** `increment('stock', { by: 2 })`, `increment(['a', 'b'])`, `increment({ stock: 2, sold: -1 })`: relative writes. */
function relativeFields(
  builder: StatementBuilder,
  fieldsNode: TSESTree.Node | undefined,
  options: TSESTree.ObjectExpression | null,
  method: string,
  ctx: ExtractContext,
): void {
  const by = options ? objectProperty(options, 'by') : null;
  const fields = fieldsNode && fieldsNode.type !== 'SpreadElement' ? ctx.origin(fieldsNode as TSESTree.Expression) : null;
  const named = (field: string, amount: TSESTree.Node | null): void => {
    builder.assign(field, 'relative', amount, `${method}('${field}'${amount ? `, { by: ${valueText(amount)} }` : ''})`);
  };
  if (fields?.type === 'Literal' && typeof fields.value === 'string') {
    named(fields.value, by);
  } else if (fields?.type === 'ArrayExpression') {
    for (const e of fields.elements) if (e?.type === 'Literal' && typeof e.value === 'string') named(e.value, by);
  } else if (fields?.type === 'ObjectExpression') {
    for (const p of fields.properties) if (p.type === 'Property' && keyName(p) !== null) named(keyName(p)!, p.value);
  }
}

/**
 * The transaction a row lock names, `t` in `lock: t.LOCK.UPDATE` or `lock: { level: t.LOCK.UPDATE }`: the
 * lock level is read from the transaction instance, which does not make the query join it. Not the
 * class (`Transaction.LOCK.UPDATE`, `Sequelize.Transaction.LOCK.UPDATE`), which names none.
 */
function lockTransaction(options: TSESTree.ObjectExpression): string | null {
  const lock = objectProperty(options, 'lock');
  const level = lock?.type === 'ObjectExpression' ? objectProperty(lock, 'level') : lock;
  const value = level ? unwrap(level) : null;
  if (value?.type !== 'MemberExpression' || value.object.type !== 'MemberExpression') return null;
  if (propertyName(value.object) !== 'LOCK') return null;
  const owner = unwrap(value.object.object);
  return owner.type === 'Identifier' && owner.name !== 'Transaction' && owner.name !== 'Sequelize' ? owner.name : null;
}

/** `lock: true`, `lock: t.LOCK.UPDATE`, `lock: Transaction.LOCK.SHARE`, with `skipLocked: true`. */
function lockOf(options: TSESTree.ObjectExpression, ctx: ExtractContext): StatementFacts['lock'] {
  const lock = objectProperty(options, 'lock');
  if (!lock) return null;
  const value = ctx.origin(lock as TSESTree.Expression);
  let strength: LockStrength | null = null;
  if (value.type === 'Literal') strength = value.value === true ? 'update' : null;
  else if (value.type === 'MemberExpression') strength = LOCKS[propertyName(value) ?? ''] ?? null;
  else if (value.type === 'ObjectExpression') {
    // `lock: { level: t.LOCK.UPDATE, of: Model }`
    const level = objectProperty(value, 'level');
    strength =
      level && unwrap(level).type === 'MemberExpression'
        ? (LOCKS[propertyName(unwrap(level) as TSESTree.MemberExpression) ?? ''] ?? null)
        : null;
  }
  if (strength === null) return null;
  const skip = objectProperty(options, 'skipLocked');
  return { strength, wait: skip?.type === 'Literal' && skip.value === true ? 'skip locked' : 'wait' };
}

/**
 * `update(pick(params, ['title']))`: values the adapter cannot see. The write sets columns no test
 * can be matched to (`*`), rather than none, which would make every test of the read decide it.
 */
function unknownColumns(builder: StatementBuilder, node: TSESTree.Node | undefined): void {
  builder.assign('*', 'value', null, `${node ? valueText(node) : '…'} (columns not known)`);
}

/** `null` written as a value is a constant (no parameter); anything else is the node itself. */
function constantNull(node: TSESTree.Node): TSESTree.Node | null {
  const inner = unwrap(node);
  return inner.type === 'Literal' && inner.value === null ? null : node;
}

function firstRow(node: TSESTree.Node | undefined, ctx: ExtractContext): TSESTree.ObjectExpression | null {
  if (!node || node.type === 'SpreadElement') return null;
  const value = ctx.origin(node as TSESTree.Expression);
  if (value.type === 'ArrayExpression') return value.elements[0] ? objectArgument(value.elements[0], ctx) : null;
  return null;
}

function valueText(node: TSESTree.Node): string {
  const inner = unwrap(node);
  if (inner.type === 'Literal') return inner.raw;
  if (inner.type === 'CallExpression') return `${expressionPath(inner.callee) ?? '…'}(…)`;
  return expressionPath(inner) ?? '…';
}
