/**
 * TypeORM (`typeorm`): raw SQL through `dataSource.query(text, params)`, `manager.query(...)` and
 * `queryRunner.query(...)`; `$1` placeholders on PostgreSQL, `?` on MySQL (read in the 'mysql'
 * dialect, as is text with backtick identifiers).
 *
 * `new DataSource(...)` and its `manager` are a pool (each query takes any connection), as is a
 * parameter typed `DataSource`; `dataSource.createQueryRunner()` is one connection (a `QueryRunner`
 * parameter too), and `queryRunner.manager` runs on it. Transactions are
 * `queryRunner.startTransaction('SERIALIZABLE'?)` / `commitTransaction()` / `rollbackTransaction()`,
 * or the callback `dataSource.transaction('SERIALIZABLE'?, async (manager) => ...)` (also on an
 * `EntityManager`), whose parameter is the transaction.
 *
 * `query()` resolves to the driver's raw result: on PostgreSQL an UPDATE or DELETE gives
 * `[rows, affectedCount]`, on MySQL a result with `affectedRows`.
 *
 * The model API has no SQL text; in a file that imports `typeorm` (or `@nestjs/typeorm`) its calls
 * become statement facts (src/extract/kit.ts). Receivers: a repository (`dataSource.getRepository(E)`,
 * `manager.getRepository(E)`, `getRepository(E)`, a member or parameter typed `Repository<E>` or
 * decorated `@InjectRepository(E)`, a custom `TypeOrmAccountRepository`-style class named after its entity)
 * and an EntityManager (`dataSource.manager`, `queryRunner.manager`, the parameter of
 * `dataSource.transaction(async (manager) => ...)`, a value typed `EntityManager`), whose methods take
 * the entity first (`manager.findOne(E, options)`). Reads: `find` / `findBy` / `findOne` /
 * `findOneBy` / `findAndCount` / `count` / `countBy` / `exists` / `sum` ..., `findOneOrFail` and
 * `findOneByOrFail` (they throw on no row: a checked result); `where` values are `=`, `null` and
 * `IsNull()` `IS NULL`, `MoreThan` / `LessThan` / `In` / `Not` / `Like` comparisons, a relation's
 * nested where is left out, a `where` array (OR) is opaque; `lock: { mode: 'pessimistic_write' }`
 * (and `pessimistic_read`, `for_no_key_update`, `for_key_share`, `onLocked`) is a row lock, the
 * optimistic mode is not. Writes: `save(entity)` of an entity read earlier in the function writes the
 * fields assigned on it since as absolute values, aimed at its primary key (`@PrimaryGeneratedColumn`
 * / `@PrimaryColumn`, `primary: true` in an EntitySchema, else `id`); `@VersionColumn` does not make it
 * optimistic: TypeORM increments the version in that UPDATE but does not test it (fixture
 * 05-deposits/unsafe-version.typeorm.ts loses 7 of 8 deposits with one). `update(criteria, partial)`
 * (criteria an id, ids or a where object; `() => 'balance + 1'` naming its column is relative),
 * `increment` / `decrement` (relative), `delete`, `softDelete`, `remove(entity)`, `insert`, `upsert`
 * (ON CONFLICT DO UPDATE); the UpdateResult / DeleteResult's `affected` is the count, `save()`
 * reports none. Query builders (`createQueryBuilder(...)` on a repository, a manager or the data
 * source) run at `getOne` / `getMany` / `getRawOne` / `getCount` / `execute` ...: `update(E).set({...})`,
 * `delete()`, `insert().into(E)` (`orIgnore()`, `orUpdate()`), `where` / `andWhere` as
 * `alias.column <op> :name` with its parameter (other text, and `orWhere`, is an opaque guard),
 * `setLock('pessimistic_write')` with `setOnLocked('skip_locked')`.
 *
 * Table names: `@Entity('name')` / `@Entity({ name })` or an EntitySchema's `tableName` when the
 * entity is declared in the file, else the entity's name as written. A repository that is injected
 * or made by a data source runs on the pool; one from a transaction's manager runs in it. TypeORM
 * refuses a pessimistic lock outside a transaction at run time (PessimisticLockTransactionRequiredError),
 * so no-lock-outside-transaction has no TypeORM model case (a lock on a repository known to be on the
 * pool is still reported); the model API cannot send a BEGIN, so no-transaction-on-pool has none either.
 */
import type { TSESTree } from '@typescript-eslint/types';
import type { LockStrength, SqlDialect, StatementFacts } from '../../sql/facts.js';
import { looksLikeSql } from '../../sql/index.js';
import { expressionPath, isFunction, objectProperty, propertyName, typeName, unwrap, walk } from '../ast.js';
import {
  allOf,
  assignedFields,
  columnName,
  keyName,
  methodChain,
  objectArgument,
  objectKeys,
  StatementBuilder,
  isolationOf,
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

const MODULE = 'typeorm';
const COUNT_HINT: Record<SqlDialect, string> = {
  postgres: 'the affected count (`const [, affected] = await queryRunner.query(...)`)',
  mysql: '`result.affectedRows`',
};
const ACTIONS: Record<string, TransactionCall['action']> = {
  startTransaction: 'begin',
  commitTransaction: 'commit',
  rollbackTransaction: 'rollback',
};

export const typeorm: LibraryAdapter = {
  name: 'typeorm',
  modules: [MODULE],
  // A file that imports TypeORM (or Nest's binding) and calls a repository, manager or query builder method.
  hints: allOf(
    /typeorm/,
    /^(?=[\s\S]*?\bfrom\s*['"](?:typeorm|@nestjs\/typeorm)['"]|[\s\S]*?\brequire\(\s*['"]typeorm['"]\s*\))(?=[\s\S]*?\.\s*(?:find(?:One|By|AndCount)?\w*|count(?:By)?|exists?(?:By)?|save|update|increment|decrement|delete|softDelete|remove|insert|upsert|getRepository|createQueryBuilder)\s*[(<])/,
  ),
  transactionHint:
    'a query runner (`dataSource.createQueryRunner()`, `startTransaction()`, `commitTransaction()`) or `dataSource.transaction(async (manager) => ...)`',

  connectionFromExpression(node, ctx) {
    const inner = unwrap(node);
    if (inner.type === 'NewExpression') {
      const imported = ctx.importOf(inner.callee);
      return imported?.module === MODULE && imported.path.at(-1) === 'DataSource' ? 'pool' : null;
    }
    if (inner.type === 'CallExpression') {
      const name = ctx.calleeName(inner);
      const object = ctx.calleeObject(inner);
      if (name === 'createQueryRunner' && object && ctx.connectionKind(object) === 'pool') return 'client';
      const imported = ctx.importOf(inner.callee);
      if (imported?.module === MODULE && (name === 'createConnection' || name === 'getConnection' || name === 'getManager')) return 'pool';
      return null;
    }
    if (inner.type === 'MemberExpression' && propertyName(inner) === 'manager') {
      const kind = ctx.connectionKind(inner.object);
      return kind === 'unknown' ? null : kind;
    }
    return null;
  },

  connectionFromTypeName(name): ConnectionKind | null {
    if (name === 'DataSource') return 'pool';
    if (name === 'QueryRunner') return 'client';
    return null;
  },

  matchQuery(node: QueryNode, ctx: ExtractContext): QuerySite | null {
    if (node.type !== 'CallExpression') return null;
    const model = importsTypeorm(ctx) ? modelCall(node, ctx) : null;
    if (model) return model;
    if (ctx.calleeName(node) !== 'query') return null;
    const receiver = ctx.calleeObject(node);
    const first = node.arguments[0];
    if (!receiver || !first || fromOtherModule(receiver, ctx)) return null;
    const raw = ctx.sqlText(first, 'dollar', 'postgres');
    if (!raw) return null;
    const dialect: SqlDialect = /\$\d/.test(raw.text) || !/[?`]/.test(raw.text) ? 'postgres' : 'mysql';
    const sql = ctx.sqlText(first, dialect === 'mysql' ? 'question' : 'dollar', dialect, node.arguments[1] ?? null);
    if (!sql || !looksLikeSql(sql.text)) return null;
    return { library: 'typeorm', node, resultNode: node, connection: runnerOf(receiver, ctx), sql, countHint: COUNT_HINT[dialect] };
  },

  matchTransaction(node, ctx): TransactionScope | null {
    if (ctx.calleeName(node) !== 'transaction') return null;
    const outer = ctx.calleeObject(node);
    const callback = transactionCallback(node, node.arguments.at(-1), ctx);
    if (!outer || !callback) return null;
    if (fromOtherModule(outer, ctx)) return null;
    const isolation = node.arguments.length > 1 ? isolationOf(node.arguments[0], ctx) : null;
    return { library: 'typeorm', node, callback, connectionParam: transactionParameter(callback), outer, isolation };
  },

  matchTransactionCall(node, ctx): TransactionCall | null {
    const name = ctx.calleeName(node);
    const action = name !== null ? ACTIONS[name] : undefined;
    const connection = ctx.calleeObject(node);
    if (!action || !connection) return null;
    return { library: 'typeorm', node, connection, action, isolation: action === 'begin' ? isolationOf(node.arguments[0], ctx) : null };
  },
};

/** `queryRunner.manager` (or a variable holding it) runs on `queryRunner`: the same connection. */
function runnerOf(receiver: TSESTree.Expression, ctx: ExtractContext): TSESTree.Expression {
  const origin = ctx.origin(receiver);
  if (origin.type === 'MemberExpression' && propertyName(origin) === 'manager' && ctx.connectionKind(origin.object) === 'client')
    return origin.object;
  return receiver;
}

/** A receiver made by another library (`new Pool()` from pg, `knex(...)`): not TypeORM's to claim. */
function fromOtherModule(receiver: TSESTree.Expression, ctx: ExtractContext): boolean {
  const origin = ctx.origin(receiver);
  if (isFunction(origin)) return true;
  const made = origin.type === 'NewExpression' || origin.type === 'CallExpression' ? ctx.importOf(origin.callee) : ctx.importOf(origin);
  return made !== null && made.module !== MODULE && !made.module.startsWith('.');
}

// ---------------------------------------------------------------------------------------------
// The model API: repositories, the EntityManager, and query builders.

const READS = new Set([
  'find',
  'findBy',
  'findOne',
  'findOneBy',
  'findOneOrFail',
  'findOneByOrFail',
  'count',
  'countBy',
  'findAndCount',
  'findAndCountBy',
  'exists',
  'existsBy',
  'exist',
  'sum',
  'average',
  'minimum',
  'maximum',
]);
const WRITES = new Set(['save', 'update', 'increment', 'decrement', 'delete', 'softDelete', 'remove', 'insert', 'upsert']);
/** Reads whose argument is the `where` itself (`findOneBy({ id })`), not find options. */
const WHERE_ARGUMENT = new Set(['findBy', 'findOneBy', 'findOneByOrFail', 'countBy', 'findAndCountBy', 'existsBy']);
/** Reads that return one entity a later `save(entity)` writes back. */
const ENTITY_READS = new Set(['findOne', 'findOneBy', 'findOneOrFail', 'findOneByOrFail']);
/** `MoreThan(0)` and friends (typeorm's find operators) -> a comparison. */
const FIND_OPERATORS: Record<string, string> = {
  Equal: '=',
  MoreThan: '>',
  MoreThanOrEqual: '>=',
  LessThan: '<',
  LessThanOrEqual: '<=',
  In: 'in',
  Like: 'like',
  ILike: 'like',
};
/** Query builder methods that run the statement, and what they resolve to. */
const BUILDER_RUNS = new Set([
  'getOne',
  'getOneOrFail',
  'getMany',
  'getRawOne',
  'getRawMany',
  'getCount',
  'getManyAndCount',
  'getExists',
  'execute',
]);
const LOCK_MODES: Record<string, LockStrength> = {
  pessimistic_write: 'update',
  pessimistic_read: 'share',
  for_no_key_update: 'no key update',
  for_key_share: 'key share',
  pessimistic_partial_write: 'update',
  pessimistic_write_or_fail: 'update',
};
const REPOSITORY_TYPES = new Set(['Repository', 'TreeRepository']);

interface EntityInfo {
  /** The entity as the code names it (`Account`), for messages. */
  name: string;
  table: string;
  primaryKey: string;
  versioned: boolean;
}

/** A repository or an entity manager call's target: the entity, and the connection it runs on. */
interface Target {
  entity: EntityInfo;
  connection: TSESTree.Expression | null;
  connectionKind?: ConnectionKind;
  /** How the receiver is written, for messages (`accountRepository`, `manager`). */
  display: string;
  /** The call's arguments after the entity class (an EntityManager call takes it first). */
  args: TSESTree.CallExpressionArgument[];
}

function importsTypeorm(ctx: ExtractContext): boolean {
  return ctx.imports(MODULE) || ctx.imports('@nestjs/typeorm');
}

const ENTITIES = new WeakMap<TSESTree.Program, Map<string, EntityInfo>>();

/** Entities declared in the file: `@Entity('accounts') class Account`, `new EntitySchema({ name, tableName })`. */
function fileEntities(node: TSESTree.Node): Map<string, EntityInfo> {
  let root: TSESTree.Node = node;
  while (root.parent) root = root.parent;
  const program = root as TSESTree.Program;
  const known = ENTITIES.get(program);
  if (known) return known;
  const entities = new Map<string, EntityInfo>();
  walk(program, (n) => {
    if (n.type === 'ClassDeclaration' && n.id) {
      const decorator = (n.decorators ?? []).find(
        (d) =>
          d.expression.type === 'CallExpression' &&
          d.expression.callee.type === 'Identifier' &&
          (d.expression.callee.name === 'Entity' || d.expression.callee.name === 'ViewEntity'),
      );
      if (decorator) {
        const call = decorator.expression as TSESTree.CallExpression;
        const first = call.arguments[0];
        const named =
          first?.type === 'Literal' && typeof first.value === 'string'
            ? first.value
            : first?.type === 'ObjectExpression'
              ? stringProperty(first, 'name')
              : null;
        entities.set(n.id.name, { name: n.id.name, table: named ?? n.id.name, ...entityColumns(n) });
      }
    }
    // const AccountSchema = new EntitySchema({ name: 'Account', tableName: 'accounts', columns: { id: { primary: true } } })
    if (
      n.type === 'VariableDeclarator' &&
      n.id.type === 'Identifier' &&
      n.init?.type === 'NewExpression' &&
      n.init.callee.type === 'Identifier' &&
      n.init.callee.name === 'EntitySchema'
    ) {
      const options = n.init.arguments[0]?.type === 'ObjectExpression' ? n.init.arguments[0] : null;
      if (options) {
        const columns = objectProperty(options, 'columns');
        let primaryKey = 'id';
        let versioned = false;
        if (columns?.type === 'ObjectExpression') {
          for (const p of columns.properties) {
            if (p.type !== 'Property' || p.value.type !== 'ObjectExpression' || keyName(p) === null) continue;
            if (objectProperty(p.value, 'primary')?.type === 'Literal') primaryKey = keyName(p)!;
            if (objectProperty(p.value, 'version')?.type === 'Literal') versioned = true;
          }
        }
        const name = stringProperty(options, 'name') ?? n.id.name;
        entities.set(n.id.name, { name, table: stringProperty(options, 'tableName') ?? name, primaryKey, versioned });
      }
    }
    return true;
  });
  ENTITIES.set(program, entities);
  return entities;
}

function stringProperty(object: TSESTree.ObjectExpression, name: string): string | null {
  const value = objectProperty(object, name);
  return value?.type === 'Literal' && typeof value.value === 'string' ? value.value : null;
}

function decoratorName(decorator: TSESTree.Decorator): string | null {
  const e = decorator.expression;
  if (e.type === 'Identifier') return e.name;
  return e.type === 'CallExpression' && e.callee.type === 'Identifier' ? e.callee.name : null;
}

function entityColumns(node: TSESTree.ClassDeclaration): { primaryKey: string; versioned: boolean } {
  let primaryKey = 'id';
  let versioned = false;
  for (const member of node.body.body) {
    if (member.type !== 'PropertyDefinition' || member.key.type !== 'Identifier') continue;
    const names = (member.decorators ?? []).map(decoratorName);
    if (names.some((d) => d === 'PrimaryGeneratedColumn' || d === 'PrimaryColumn' || d === 'ObjectIdColumn')) primaryKey = member.key.name;
    if (names.includes('VersionColumn')) versioned = true;
  }
  return { primaryKey, versioned };
}

/** The entity a class reference names: declared in the file, else the name as written. */
function entityOf(node: TSESTree.Node | undefined): EntityInfo | null {
  if (!node || node.type === 'SpreadElement') return null;
  const inner = unwrap(node);
  // `manager.findOne('Account', ...)`: an entity by its name.
  if (inner.type === 'Literal' && typeof inner.value === 'string')
    return { name: inner.value, table: inner.value, primaryKey: 'id', versioned: false };
  const name = inner.type === 'Identifier' ? inner.name : inner.type === 'MemberExpression' ? propertyName(inner) : null;
  if (name === null || !/^[A-Z]/.test(name)) return null;
  return fileEntities(node).get(name) ?? { name, table: name, primaryKey: 'id', versioned: false };
}

/** `Repository<Account>` -> Account; `TypeOrmAccountRepository` (a custom repository) -> Account. */
function entityOfType(type: TSESTree.TypeNode | null | undefined): EntityInfo | null {
  if (!type || type.type !== 'TSTypeReference') return null;
  const name = typeName(type);
  if (name === null) return null;
  if (REPOSITORY_TYPES.has(name)) {
    const argument = type.typeArguments?.params[0];
    return argument?.type === 'TSTypeReference' ? entityOf(argument.typeName.type === 'Identifier' ? argument.typeName : undefined) : null;
  }
  const custom = /^(?:TypeOrm|Mikro)?([A-Z]\w*?)Repository$/.exec(name);
  return custom && !name.startsWith('Mikro') ? { name: custom[1]!, table: custom[1]!, primaryKey: 'id', versioned: false } : null;
}

/** `@InjectRepository(Account)` on a class member or constructor parameter. */
function injectedEntity(decorators: readonly TSESTree.Decorator[] | undefined): EntityInfo | null {
  for (const d of decorators ?? []) {
    const e = d.expression;
    if (e.type === 'CallExpression' && e.callee.type === 'Identifier' && e.callee.name === 'InjectRepository')
      return entityOf(e.arguments[0]);
  }
  return null;
}

/** The repository an expression is: `dataSource.getRepository(Account)`, `this.accountRepository` (injected), a parameter typed `Repository<Account>`. */
function repositoryOf(receiver: TSESTree.Expression, ctx: ExtractContext): Omit<Target, 'args' | 'display'> | null {
  const origin = ctx.origin(receiver);
  if (origin.type === 'CallExpression') {
    const name = ctx.calleeName(origin);
    if (name !== 'getRepository' && name !== 'getTreeRepository') return null;
    const entity = entityOf(origin.arguments[0]);
    if (!entity) return null;
    const manager = ctx.calleeObject(origin);
    // `getRepository(Account)` imported from typeorm: the default connection's pool.
    if (!manager) return { entity, connection: origin, connectionKind: 'pool' };
    return { entity, connection: managerConnection(manager, ctx), ...kindOf(manager, ctx) };
  }
  if (origin.type === 'MemberExpression' && unwrap(origin.object).type === 'ThisExpression') {
    const member = classMember(origin);
    // `this.typeOrmRepository` declared by a generic base (`class ProductService extends CrudService<Product>`).
    const inherited = !member && /Repository$/i.test(propertyName(origin) ?? '') ? superclassEntity(origin) : null;
    if (inherited) return { entity: inherited, connection: origin, connectionKind: 'pool' };
    if (!member) return null;
    const entity = injectedEntity(member.decorators) ?? entityOfType(member.type);
    // An injected repository runs on the data source's pool.
    return entity ? { entity, connection: origin, connectionKind: 'pool' } : null;
  }
  if (origin.type === 'Identifier') {
    const def = ctx.resolve(origin);
    const entity = def?.kind === 'parameter' ? entityOfType(def.typeAnnotation) : null;
    return entity ? { entity, connection: origin } : null;
  }
  return null;
}

function kindOf(manager: TSESTree.Expression, ctx: ExtractContext): { connectionKind?: ConnectionKind } {
  const kind = ctx.connectionKind(manager);
  return kind === 'unknown' ? {} : { connectionKind: kind };
}

/** `queryRunner.manager` runs on the query runner; any other manager is its own connection. */
function managerConnection(manager: TSESTree.Expression, ctx: ExtractContext): TSESTree.Expression {
  return runnerOf(manager, ctx);
}

/** The one entity type argument of the enclosing class's generic base: `extends TenantAwareCrudService<Product>` -> Product. */
function superclassEntity(node: TSESTree.Node): EntityInfo | null {
  let current: TSESTree.Node | undefined = node.parent;
  while (current && current.type !== 'ClassDeclaration' && current.type !== 'ClassExpression') current = current.parent;
  const parameters =
    current && (current.type === 'ClassDeclaration' || current.type === 'ClassExpression') ? current.superTypeArguments?.params : undefined;
  const argument = parameters?.length === 1 ? parameters[0] : undefined;
  return argument?.type === 'TSTypeReference' && argument.typeName.type === 'Identifier' ? entityOf(argument.typeName) : null;
}

/** The declaration of `this.name` in the enclosing class: a property or a constructor parameter property. */
function classMember(node: TSESTree.MemberExpression): { decorators: TSESTree.Decorator[]; type: TSESTree.TypeNode | null } | null {
  const name = propertyName(node);
  let body: TSESTree.Node | undefined = node.parent;
  while (body && body.type !== 'ClassBody') body = body.parent;
  if (name === null || !body || body.type !== 'ClassBody') return null;
  for (const member of body.body) {
    if (member.type === 'PropertyDefinition' && member.key.type === 'Identifier' && member.key.name === name) {
      return { decorators: member.decorators ?? [], type: member.typeAnnotation?.typeAnnotation ?? null };
    }
    if (member.type === 'MethodDefinition' && member.kind === 'constructor') {
      for (const param of member.value.params) {
        if (param.type === 'TSParameterProperty' && param.parameter.type === 'Identifier' && param.parameter.name === name) {
          return { decorators: param.decorators ?? [], type: param.parameter.typeAnnotation?.typeAnnotation ?? null };
        }
      }
    }
  }
  return null;
}

/** An EntityManager: `dataSource.manager`, a transaction callback's parameter, a value typed `EntityManager`. */
function isManager(receiver: TSESTree.Expression, ctx: ExtractContext): boolean {
  const inner = unwrap(receiver);
  if (inner.type === 'MemberExpression' && propertyName(inner) === 'manager') return true;
  if (inner.type === 'MemberExpression' && unwrap(inner.object).type === 'ThisExpression') {
    const member = classMember(inner);
    return (
      member !== null &&
      (typeName(member.type) === 'EntityManager' || member.decorators.some((d) => decoratorName(d) === 'InjectEntityManager'))
    );
  }
  if (inner.type !== 'Identifier') return false;
  const def = ctx.resolve(inner);
  if (typeName(def?.typeAnnotation ?? null) === 'EntityManager') return true;
  if (def?.kind === 'variable' && def.init) return isManager(def.init, ctx);
  return ctx.connectionKind(inner) === 'transaction' && def?.kind === 'parameter';
}

/** `repository.findOne(...)`, `manager.findOne(Account, ...)`: the target, or null. */
function targetOf(call: TSESTree.CallExpression, receiver: TSESTree.Expression, method: string, ctx: ExtractContext): Target | null {
  const display = expressionPath(receiver) ?? 'repository';
  const repository = repositoryOf(receiver, ctx);
  if (repository) return { ...repository, display, args: call.arguments };
  if (!isManager(receiver, ctx)) return null;
  // manager.save(entity) / manager.save(Account, entity): the entity class is optional for save.
  const first = call.arguments[0];
  const entity = entityOf(first);
  if (!entity && method !== 'save' && method !== 'remove') return null;
  return {
    entity: entity ?? { name: '?', table: '?', primaryKey: 'id', versioned: false },
    connection: managerConnection(receiver, ctx),
    ...kindOf(receiver, ctx),
    display,
    args: entity ? call.arguments.slice(1) : call.arguments,
  };
}

/** The entity a `save(entity)` writes: read earlier in the function by a repository or manager call. */
function readEntity(node: TSESTree.Node | undefined, ctx: ExtractContext): { variable: TSESTree.Identifier; entity: EntityInfo } | null {
  if (!node || node.type === 'SpreadElement') return null;
  const inner = unwrap(node);
  if (inner.type !== 'Identifier') return null;
  const def = ctx.resolve(inner);
  if (def?.kind !== 'variable' || !def.init || def.node.type !== 'VariableDeclarator' || def.node.id.type !== 'Identifier') return null;
  const call = unwrap(def.init);
  if (call.type !== 'CallExpression') return null;
  const method = ctx.calleeName(call);
  const receiver = ctx.calleeObject(call);
  if (method === null || !ENTITY_READS.has(method) || !receiver) return null;
  const target = targetOf(call, receiver, method, ctx);
  return target ? { variable: inner, entity: target.entity } : null;
}

function modelCall(node: TSESTree.CallExpression, ctx: ExtractContext): QuerySite | null {
  const callee = unwrap(node.callee);
  if (callee.type !== 'MemberExpression') return null;
  const method = propertyName(callee);
  if (method === null) return null;
  if (BUILDER_RUNS.has(method)) return builderCall(node, ctx);
  if (!READS.has(method) && !WRITES.has(method)) return null;
  const target = targetOf(node, callee.object, method, ctx);
  if (!target) return null;
  const { entity, args } = target;
  const builder = new StatementBuilder();
  const display = `${target.display}.${method}`;
  let facts: StatementFacts;
  let countHint = `the \`affected\` count of the result \`${display}\` resolves to`;
  let rowsRequired = false;
  if (READS.has(method)) {
    const options = objectArgument(args[0], ctx);
    const where = WHERE_ARGUMENT.has(method) ? args[0] : options ? objectProperty(options, 'where') : null;
    if (where) whereConditions(builder, where, ctx);
    const select = options && !WHERE_ARGUMENT.has(method) ? objectProperty(options, 'select') : null;
    const selectedColumns =
      select?.type === 'ArrayExpression'
        ? select.elements.flatMap((e) => (e?.type === 'Literal' && typeof e.value === 'string' ? [builder.field(e.value)] : []))
        : select?.type === 'ObjectExpression'
          ? select.properties.flatMap((p) => (p.type === 'Property' && keyName(p) !== null ? [builder.field(keyName(p)!)] : []))
          : ['*'];
    const aggregate = method.startsWith('count') || method.startsWith('exist') || ['sum', 'average', 'minimum', 'maximum'].includes(method);
    facts = builder.facts('select', entity.table, display, {
      selectedColumns,
      aggregate,
      lock: options && !WHERE_ARGUMENT.has(method) ? findLock(options, ctx) : null,
    });
    rowsRequired = method.endsWith('OrFail');
  } else if (method === 'save' || method === 'remove') {
    const read = readEntity(args[0], ctx);
    if (!read) return null;
    const table = entity.name === '?' ? read.entity.table : entity.table;
    const key = read.entity.primaryKey;
    if (method === 'save') {
      // save() writes the columns changed since the read, absolute, aimed at the primary key; it
      // increments a @VersionColumn but does not test it.
      for (const { field, value } of assignedFields(read.variable, node, ctx))
        builder.assign(field, 'value', constantNull(value), `${read.variable.name}.${field} = ${valueText(value)}`);
    }
    builder.compare(key, '=', read.variable, `${key}: ${read.variable.name}.${key}`);
    facts = builder.facts(method === 'save' ? 'update' : 'delete', table, display);
    countHint = `the affected count, which \`${display}\` does not report: use \`update(criteria, partial)\` and its \`affected\``;
  } else if (method === 'update' || method === 'increment' || method === 'decrement' || method === 'delete' || method === 'softDelete') {
    const criteria = args[0];
    if (!criteria || criteria.type === 'SpreadElement') return null;
    if (method === 'update') {
      const partial = objectArgument(args[1], ctx);
      // A partial the adapter cannot see sets columns no test can be matched to (`*`), rather than none.
      if (partial) assignValues(builder, partial, ctx);
      else builder.assign('*', 'value', null, `${args[1] ? valueText(args[1]) : '…'} (columns not known)`);
    } else if (method === 'increment' || method === 'decrement') {
      const field = args[1];
      if (field?.type === 'Literal' && typeof field.value === 'string')
        builder.assign(field.value, 'relative', args[2] ?? null, `${method}(..., '${field.value}', ${args[2] ? valueText(args[2]) : '?'})`);
    } else if (method === 'softDelete') {
      builder.assign('deletedAt', 'value', null, 'deletedAt = now()');
    }
    criteriaConditions(builder, criteria, entity, ctx);
    facts = builder.facts(method === 'delete' ? 'delete' : 'update', entity.table, display);
  } else {
    // insert(values), upsert(values, conflictPaths)
    const values = objectArgument(args[0], ctx);
    const columns = values ? (objectKeys(values, ctx)?.map((key) => builder.field(key)) ?? null) : null;
    if (method === 'upsert' && values) assignValues(builder, values, ctx);
    facts = builder.facts('insert', entity.table, display, { insertColumns: columns, onConflict: method === 'upsert' ? 'update' : null });
    countHint = `the result \`${display}\` resolves to`;
  }
  return site(node, target, builder, entity, display, facts, countHint, rowsRequired);
}

function site(
  node: TSESTree.CallExpression,
  target: Pick<Target, 'connection' | 'connectionKind'>,
  builder: StatementBuilder,
  entity: EntityInfo,
  display: string,
  facts: StatementFacts,
  countHint: string,
  rowsRequired: boolean,
): QuerySite {
  return {
    library: 'typeorm',
    node,
    resultNode: node,
    connection: target.connection,
    ...(target.connectionKind ? { connectionKind: target.connectionKind } : {}),
    ...(rowsRequired ? { rowsRequired: true } : {}),
    sql: builder.sqlText(display),
    built: [facts],
    countHint,
    model: builder.words(entity.name, entity.name, FIXES),
  };
}

/** The fixes messages give for a TypeORM repository or manager call, in TypeORM's API. */
const FIXES: LibraryFixes = {
  lock: "lock the row by reading it with `lock: { mode: 'pessimistic_write' }` inside `dataSource.transaction(async (manager) => ...)`",
  conditional: "put the tested condition in `update(criteria, partial)`'s criteria{atomic} and check `.affected`",
  atomic: " with the change made atomic (`decrement(criteria, 'column', n)`)",
  relative: "write it relative to the stored value (`repository.increment({ id }, '{field}', n)` or `decrement`)",
  version:
    're-test the version in `update({ id, version }, { ..., version: version + 1 })` and check `.affected` (`@VersionColumn` alone does not stop `save()` from overwriting)',
  createOnce:
    "Declare a unique index on the columns looked up (`@Index({ unique: true })`) and insert with `upsert` or `.orIgnore()` (or handle the unique violation); or run both in `dataSource.transaction('SERIALIZABLE', ...)` and retry on a serialization failure",
};

/** `update(id, ...)`, `update({ id, status: 'open' }, ...)`, `update([1, 2], ...)`: the rows aimed at. */
function criteriaConditions(builder: StatementBuilder, criteria: TSESTree.Node, entity: EntityInfo, ctx: ExtractContext): void {
  const object = objectArgument(criteria, ctx);
  if (object) {
    whereConditions(builder, object, ctx);
    return;
  }
  const inner = unwrap(criteria);
  if (inner.type === 'ArrayExpression') builder.compare(entity.primaryKey, 'in', criteria, `${entity.primaryKey}: ${valueText(criteria)}`);
  else builder.compare(entity.primaryKey, '=', criteria, `${entity.primaryKey}: ${valueText(criteria)}`);
}

/** `where: { id, balance: MoreThan(0), deletedAt: IsNull() }` -> conjuncts; an array (OR) is opaque. */
function whereConditions(builder: StatementBuilder, whereNode: TSESTree.Node, ctx: ExtractContext): void {
  const where = objectArgument(whereNode, ctx);
  if (!where) {
    builder.opaque(`where: ${valueText(whereNode)}`);
    return;
  }
  for (const p of where.properties) {
    if (p.type !== 'Property') continue;
    const field = keyName(p);
    if (field === null) continue;
    const value = unwrap(p.value);
    if (value.type === 'Literal' && value.value === null) {
      builder.compare(field, 'is null', null, `${field}: null`);
      continue;
    }
    if (value.type === 'ObjectExpression') continue; // a relation's where: narrows, not a column
    if (value.type === 'CallExpression' && value.callee.type === 'Identifier') {
      const operator = value.callee.name;
      if (operator === 'IsNull') builder.compare(field, 'is null', null, `${field}: IsNull()`);
      else if (
        operator === 'Not' &&
        value.arguments[0] &&
        unwrap(value.arguments[0]).type === 'CallExpression' &&
        (unwrap(value.arguments[0]) as TSESTree.CallExpression).callee.type === 'Identifier' &&
        ((unwrap(value.arguments[0]) as TSESTree.CallExpression).callee as TSESTree.Identifier).name === 'IsNull'
      )
        builder.compare(field, 'is not null', null, `${field}: Not(IsNull())`);
      else if (operator === 'Not' && value.arguments[0])
        builder.compare(field, '<>', value.arguments[0], `${field}: Not(${valueText(value.arguments[0])})`);
      else if (FIND_OPERATORS[operator] && value.arguments[0])
        builder.compare(field, FIND_OPERATORS[operator]!, value.arguments[0], `${field}: ${operator}(${valueText(value.arguments[0])})`);
      else builder.opaque(`${field}: ${operator}(…)`);
      continue;
    }
    builder.compare(field, '=', p.value, `${field}: ${valueText(p.value)}`);
  }
}

/** `{ balance: account.balance + amount }` -> SET; `() => 'balance + 1'` (raw SQL naming its column) is relative. */
function assignValues(builder: StatementBuilder, values: TSESTree.ObjectExpression, ctx: ExtractContext): void {
  for (const p of values.properties) {
    if (p.type !== 'Property') continue;
    const field = keyName(p);
    if (field === null) continue;
    const value = unwrap(p.value);
    if (value.type === 'ArrowFunctionExpression') {
      const body =
        value.body.type === 'Literal' || value.body.type === 'TemplateLiteral'
          ? (ctx.sqlText(value.body, 'dollar', 'postgres')?.text ?? '')
          : '';
      builder.assign(
        field,
        new RegExp(`\\b(?:${field}|${columnName(field)})\\b`).test(body) ? 'relative' : 'value',
        null,
        `${field}: () => …`,
      );
      continue;
    }
    builder.assign(field, 'value', constantNull(p.value), `${field}: ${valueText(p.value)}`);
  }
}

/** `lock: { mode: 'pessimistic_write' }` (with `onLocked: 'skip_locked'`); the optimistic mode only compares versions on read. */
function findLock(options: TSESTree.ObjectExpression, ctx: ExtractContext): StatementFacts['lock'] {
  const lock = objectArgument(objectProperty(options, 'lock'), ctx);
  const mode = lock ? objectProperty(lock, 'mode') : null;
  const strength = mode?.type === 'Literal' && typeof mode.value === 'string' ? LOCK_MODES[mode.value] : undefined;
  if (!strength || !lock) return null;
  const onLocked = objectProperty(lock, 'onLocked');
  return { strength, wait: waitOf(onLocked) };
}

function waitOf(node: TSESTree.Node | null | undefined): 'wait' | 'nowait' | 'skip locked' {
  const value = node && node.type === 'Literal' ? node.value : null;
  return value === 'skip_locked' ? 'skip locked' : value === 'nowait' ? 'nowait' : 'wait';
}

/**
 * A query builder run: `repo.createQueryBuilder('a').where('a.id = :id', { id }).setLock('pessimistic_write').getOne()`,
 * `manager.createQueryBuilder().update(Account).set({ ... }).where(...).execute()`. `where` strings are
 * read when they are `alias.column <op> :name`; anything else is an opaque guard.
 */
function builderCall(node: TSESTree.CallExpression, ctx: ExtractContext): QuerySite | null {
  const chain = methodChain(node);
  if (chain.last !== node) return null;
  const start = chain.calls.find((c) => c.name === 'createQueryBuilder');
  if (!start) return null;
  const receiver = ctx.calleeObject(start.call);
  if (!receiver) return null;
  const repository = repositoryOf(receiver, ctx);
  const manager = !repository && isManager(receiver, ctx);
  if (!repository && !manager && !(importsTypeorm(ctx) && ctx.connectionKind(receiver) !== 'unknown')) return null;
  let entity = repository?.entity ?? entityOf(start.call.arguments[0]);
  let kind: 'select' | 'update' | 'delete' | 'insert' = 'select';
  const builder = new StatementBuilder();
  let lock = null as StatementFacts['lock'];
  for (const { name, call } of chain.calls) {
    if (name === 'update' || name === 'delete' || name === 'softDelete' || name === 'insert') {
      kind = name === 'softDelete' ? 'update' : name;
      entity = entityOf(call.arguments[0]) ?? entity;
    } else if (name === 'from' || name === 'into') {
      entity = entityOf(call.arguments[0]) ?? entity;
    } else if (name === 'set') {
      const values = objectArgument(call.arguments[0], ctx);
      if (values) assignValues(builder, values, ctx);
    } else if (name === 'where' || name === 'andWhere') {
      builderWhere(builder, call, ctx);
    } else if (name === 'orWhere') {
      builder.opaque('orWhere(…)');
    } else if (name === 'whereInIds') {
      builder.compare(entity?.primaryKey ?? 'id', 'in', call.arguments[0] ?? null, 'whereInIds(…)');
    } else if (name === 'setLock') {
      const mode = call.arguments[0];
      const strength = mode?.type === 'Literal' && typeof mode.value === 'string' ? LOCK_MODES[mode.value] : undefined;
      if (strength) lock = { strength, wait: lock?.wait ?? 'wait' };
    } else if (name === 'setOnLocked') {
      const wait = waitOf(call.arguments[0]);
      if (lock) lock = { ...lock, wait };
    } else if (name === 'orIgnore' || name === 'orUpdate') {
      // handled below
    }
  }
  if (!entity) return null;
  const display = `${expressionPath(receiver) ?? 'queryBuilder'}.createQueryBuilder(…).${node.callee.type === 'MemberExpression' ? propertyName(node.callee) : 'execute'}`;
  const onConflict = chain.calls.some((c) => c.name === 'orIgnore')
    ? 'nothing'
    : chain.calls.some((c) => c.name === 'orUpdate')
      ? 'update'
      : null;
  const facts = builder.facts(
    kind,
    entity.table,
    display,
    kind === 'select' ? { lock, aggregate: ctx.calleeName(node) === 'getCount' } : kind === 'insert' ? { onConflict } : {},
  );
  const connection = repository
    ? { connection: repository.connection, ...(repository.connectionKind ? { connectionKind: repository.connectionKind } : {}) }
    : { connection: managerConnection(receiver, ctx), ...kindOf(receiver, ctx) };
  return site(
    node,
    connection,
    builder,
    entity,
    display,
    facts,
    `the \`affected\` count of the result \`.execute()\` resolves to`,
    ctx.calleeName(node) === 'getOneOrFail',
  );
}

const BUILDER_CONDITION = /^\s*(?:\w+\.)?"?(\w+)"?\s*(=|<>|!=|>=|<=|>|<|IS NULL|IS NOT NULL)\s*(?::(\w+))?\s*$/i;

/** `.where('account.id = :id', { id })` -> `id = $n`; other text is an opaque guard. */
function builderWhere(builder: StatementBuilder, call: TSESTree.CallExpression, ctx: ExtractContext): void {
  const text = call.arguments[0];
  const condition = text && text.type !== 'SpreadElement' ? ctx.origin(text) : null;
  if (condition?.type === 'ObjectExpression') {
    whereConditions(builder, condition, ctx);
    return;
  }
  const match = condition?.type === 'Literal' && typeof condition.value === 'string' ? BUILDER_CONDITION.exec(condition.value) : null;
  if (!match) {
    builder.opaque(condition?.type === 'Literal' ? String(condition.value) : 'where(…)');
    return;
  }
  const [, column, operator, parameter] = match;
  const op = operator!.toLowerCase() === '!=' ? '<>' : operator!.toLowerCase();
  if (op === 'is null' || op === 'is not null') {
    builder.compare(column!, op, null, condition!.type === 'Literal' ? String(condition!.value) : undefined);
    return;
  }
  const parameters = objectArgument(call.arguments[1], ctx);
  const value = parameters && parameter ? parametersValue(parameters, parameter) : null;
  if (value) builder.compare(column!, op, value, String((condition as TSESTree.Literal).value));
  else builder.opaque(String((condition as TSESTree.Literal).value));
}

function parametersValue(parameters: TSESTree.ObjectExpression, name: string): TSESTree.Node | null {
  for (const p of parameters.properties) if (p.type === 'Property' && keyName(p) === name) return p.value;
  return null;
}

function constantNull(node: TSESTree.Node): TSESTree.Node | null {
  const inner = unwrap(node);
  return inner.type === 'Literal' && inner.value === null ? null : node;
}

function valueText(node: TSESTree.Node): string {
  const inner = unwrap(node);
  if (inner.type === 'Literal') return inner.raw;
  if (inner.type === 'CallExpression') return `${expressionPath(inner.callee) ?? '…'}(…)`;
  return expressionPath(inner) ?? '…';
}
