/**
 * Schema declared in JS/TS code -> schema ops: TypeORM entities, Sequelize models, drizzle tables,
 * and the schema builders of knex, kysely, node-pg-migrate and db-migrate migrations, plus DDL sent as raw SQL
 * from a migration (`queryRunner.query('CREATE TABLE ...')`, `knex.raw`, `pgm.sql`). In a migration
 * only what `up` does counts: `down` undoes it. Never throws.
 */
import type { TSESTree } from '@typescript-eslint/types';
import { parseProgram } from '../parse.js';
import { objectProperty, propertyName, unwrap, walk } from '../extract/ast.js';
import { readSqlSchema } from './sql.js';
import type { DatabaseEngine, SchemaOp, UniqueKey } from './types.js';

type Node = TSESTree.Node;

/** A cheap test for text that may declare schema in code. */
export const CODE_SCHEMA_HINT =
  /@(?:Entity|Table)\b|\b(?:pg|mysql|sqlite)Table\s*\(|\.define\s*\(|\.init\s*\(|\b(?:createTable|alterTable|addColumns?|addConstraint|createIndex|addIndex)\b|\b(?:create|alter)\s+(?:unique\s+)?(?:table|index)\b/i;

/**
 * Words without which the reading below finds nothing, whatever the hint matched: an `@Entity` or
 * `@Table` class, a drizzle table, a `*schema` builder (knex, drizzle), Sequelize's `define`/`init`, a
 * kysely chain run by `execute`/`compile`, a node-pg-migrate, db-migrate, `migrationBuilder` or Sequelize
 * `queryInterface` call, or DDL text. A Sequelize migration is parsed only when it states a key or takes
 * one away (`unique`, `primaryKey`, `removeIndex`, a dropped or renamed table or column): 270 of the 440
 * code files the hint admitted on one codebase only add columns, and keys are what the checks ask about.
 */
const MAY_YIELD_NAMED =
  /\b(?:Entity|Table|define|init|execute|compile)\b|(?:pg|mysql|sqlite|singlestore)Table|\bdb\s*\.\s*(?:createTable|addColumn|addIndex)\b|\bqueryInterface\s*\.\s*(?:(?:createTable|addColumn|addIndex|addConstraint|changeColumn)\b[\s\S]*\b(?:unique|UNIQUE|primaryKey)\b|(?:removeIndex|removeConstraint|removeColumn|renameColumn|renameTable|dropTable)\b)/;
const MAY_YIELD_WORDS = /schema|\bpgm\b|migrationbuilder|\b(?:create|alter|drop)(?:\s|\\)[\s\S]{0,40}?(?:table|index)/i;

/**
 * A string that sends DDL: it opens (past any comments) with CREATE, ALTER or DROP, and one of its
 * statements (the first, or one after a `;`) creates, alters or drops a table or index. A migration's
 * text often opens with a comment or another statement (`-- rounds a date`, `CREATE FUNCTION ...;`)
 * before its `CREATE TABLE`; a query that ends in one (`SELECT ...; DROP TABLE runs`, as an injection
 * test writes it) sends no DDL of the project's.
 */
const DDL_OPENING = /^\s*(?:(?:--[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/)\s*)*(?:create|alter|drop)\s/i;
const TABLE_DDL =
  /(?:^|;)\s*(?:(?:--[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/)\s*)*(?:create|alter|drop)\s+(?:or\s+replace\s+)?(?:(?:global|local|temp|temporary|unlogged)\s+)*(?:unique\s+)?(?:table|index)\b/i;

/** A JS/TS file that may declare schema: only those are parsed. */
export function mayDeclareSchema(text: string): boolean {
  return CODE_SCHEMA_HINT.test(text) && (MAY_YIELD_NAMED.test(text) || MAY_YIELD_WORDS.test(text));
}

export function readCodeSchema(text: string, filePath: string): SchemaOp[] {
  if (!mayDeclareSchema(text)) return [];
  let program: TSESTree.Program;
  try {
    program = parseProgram(text, filePath, { links: false });
  } catch {
    return [];
  }
  const ops: SchemaOp[] = [];
  try {
    const variants = new Set<Node>();
    walk(program, (node) => {
      if (isDownFunction(node) || variants.has(node)) return false;
      if (node.type === 'ClassBody') for (const member of otherDialectVariants(node)) variants.add(member);
      if (node.type === 'ClassDeclaration' || node.type === 'ClassExpression') ops.push(...entityClass(node));
      else if (node.type === 'CallExpression' || (node.type === 'VariableDeclarator' && node.init?.type === 'CallExpression')) {
        const found =
          node.type === 'CallExpression'
            ? schemaCall(node)
            : schemaCall(node.init as TSESTree.CallExpression, node.id.type === 'Identifier' ? node.id.name : null);
        if (found !== null) {
          ops.push(...found);
          return false;
        }
      } else if ((node.type === 'Literal' && typeof node.value === 'string') || node.type === 'TemplateLiteral') {
        const sql = node.type === 'Literal' ? String(node.value) : node.quasis.map((q) => q.value.cooked ?? q.value.raw).join('x');
        if (DDL_OPENING.test(sql) && TABLE_DDL.test(sql)) ops.push(...readSqlSchema(sql));
      }
      return true;
    });
  } catch {
    return ops;
  }
  return ops;
}

/**
 * `down`, `async down(queryRunner)`, `exports.down = ...`, `export async function down`, and the helpers
 * a migration's `down` calls, named for it: `postgresDownQueryRunner`, `downSqlite`, `down_v2` (not
 * `countdown` or `markDowntime`).
 */
function isDownFunction(node: Node): boolean {
  const name =
    node.type === 'MethodDefinition' || node.type === 'Property'
      ? keyName(node.key)
      : node.type === 'FunctionDeclaration'
        ? (node.id?.name ?? null)
        : node.type === 'AssignmentExpression' && node.left.type === 'MemberExpression'
          ? propertyName(node.left)
          : node.type === 'VariableDeclarator' && node.id.type === 'Identifier'
            ? node.id.name
            : null;
  return name !== null && DOWN_NAME.test(name);
}

/**
 * A migration written for several databases (`sqliteUpQueryRunner`, `mysqlUpQueryRunner` beside
 * `postgresUpQueryRunner`, one run per database): the PostgreSQL method states the schema; the
 * others restate it in another dialect (SQLite's rebuild of a table through a `temporary_` copy) and
 * cost most of the schema read on a codebase with 259 such migrations.
 */
function otherDialectVariants(body: TSESTree.ClassBody): Node[] {
  const names = new Set(body.body.map((member) => (member.type === 'MethodDefinition' ? keyName(member.key) : null)));
  return body.body.filter((member) => {
    if (member.type !== 'MethodDefinition') return false;
    const name = keyName(member.key);
    const dialect = name === null ? null : /^(?:sqlite|mysql|mariadb)(?=[A-Z])/.exec(name);
    return dialect !== null && names.has(`postgres${name!.slice(dialect[0].length)}`);
  });
}

const DOWN_NAME = /^down(?:[A-Z0-9_]|$)|[a-z0-9_]Down(?:[A-Z0-9_]|$)/;

function keyName(key: Node): string | null {
  if (key.type === 'Identifier') return key.name;
  if (key.type === 'Literal') return String(key.value);
  return null;
}

function stringValue(node: Node | null | undefined): string | null {
  if (!node) return null;
  const inner = unwrap(node);
  if (inner.type === 'Literal' && typeof inner.value === 'string') return inner.value;
  if (inner.type === 'TemplateLiteral' && inner.expressions.length === 0) return inner.quasis[0]?.value.cooked ?? null;
  return null;
}

function stringList(node: Node | null | undefined): string[] | null {
  if (!node) return null;
  const single = stringValue(node);
  if (single !== null) return [single];
  const inner = unwrap(node);
  if (inner.type !== 'ArrayExpression') return null;
  const values = inner.elements.map((e) => (e && e.type !== 'SpreadElement' ? (stringValue(e) ?? memberTail(e)) : null));
  return values.every((v): v is string => v !== null) ? values : null;
}

/** `t.email` -> 'email' (drizzle's table callback, TypeORM's `(e) => [e.a]`). */
function memberTail(node: Node): string | null {
  const inner = unwrap(node);
  return inner.type === 'MemberExpression' ? propertyName(inner) : null;
}

function boolProperty(object: Node | null | undefined, name: string): boolean {
  if (!object || object.type !== 'ObjectExpression') return false;
  const value = objectProperty(object, name);
  return value !== null && value.type === 'Literal' && value.value === true;
}

function objectArg(node: Node | null | undefined): TSESTree.ObjectExpression | null {
  if (!node) return null;
  const inner = unwrap(node);
  return inner.type === 'ObjectExpression' ? inner : null;
}

function propertyKey(p: TSESTree.Property): string | null {
  return p.computed ? null : keyName(p.key);
}

// ---------------------------------------------------------------------------------------------------
// Method chains: `a.b(x).c(y)` -> root `a`, links [b(x), c(y)]

interface Link {
  name: string;
  args: TSESTree.CallExpressionArgument[];
}

function chain(node: Node): { root: Node; links: Link[] } {
  const links: Link[] = [];
  let current = unwrap(node);
  for (;;) {
    if (current.type === 'CallExpression') {
      const callee = unwrap(current.callee);
      if (callee.type === 'MemberExpression') {
        links.unshift({ name: propertyName(callee) ?? '', args: current.arguments });
        current = unwrap(callee.object);
        continue;
      }
      if (callee.type === 'Identifier') {
        links.unshift({ name: callee.name, args: current.arguments });
        return { root: callee, links };
      }
      return { root: callee, links };
    }
    if (current.type === 'MemberExpression') {
      links.unshift({ name: propertyName(current) ?? '', args: [] });
      current = unwrap(current.object);
      continue;
    }
    return { root: current, links };
  }
}

// ---------------------------------------------------------------------------------------------------
// TypeORM entities (and sequelize-typescript's @Table models)

function decorators(node: { decorators?: TSESTree.Decorator[] }): { name: string; args: TSESTree.CallExpressionArgument[] }[] {
  return (node.decorators ?? []).map((d) => {
    const e = d.expression;
    if (e.type === 'CallExpression')
      return {
        name: e.callee.type === 'Identifier' ? e.callee.name : e.callee.type === 'MemberExpression' ? (propertyName(e.callee) ?? '') : '',
        args: e.arguments,
      };
    return { name: e.type === 'Identifier' ? e.name : '', args: [] };
  });
}

/** TypeORM's default naming: `UserProfile` -> `user_profile`. */
function snakeCase(name: string): string {
  return name
    .replace(/([a-z\d])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .toLowerCase();
}

const TS_TYPES: Record<string, string> = { number: 'integer', string: 'varchar', boolean: 'boolean', Date: 'timestamp', bigint: 'bigint' };

function annotationType(member: TSESTree.PropertyDefinition): string {
  const t = member.typeAnnotation?.typeAnnotation;
  if (!t) return 'unknown';
  if (t.type === 'TSNumberKeyword') return 'integer';
  if (t.type === 'TSStringKeyword') return 'varchar';
  if (t.type === 'TSBooleanKeyword') return 'boolean';
  if (t.type === 'TSArrayType') return 'array';
  if (t.type === 'TSTypeReference' && t.typeName.type === 'Identifier') return TS_TYPES[t.typeName.name] ?? 'unknown';
  return 'unknown';
}

const TYPEORM_COLUMNS = new Set([
  'Column',
  'PrimaryColumn',
  'PrimaryGeneratedColumn',
  'VersionColumn',
  'CreateDateColumn',
  'UpdateDateColumn',
  'DeleteDateColumn',
  'ObjectIdColumn',
]);

function entityClass(node: TSESTree.ClassDeclaration | TSESTree.ClassExpression): SchemaOp[] {
  const classDecorators = decorators(node);
  const entity = classDecorators.find((d) => d.name === 'Entity' || d.name === 'Table');
  if (!entity || node.id === null) return [];
  const model = node.id.name;
  const firstArg = entity.args[0];
  const options = objectArg(firstArg) ?? objectArg(entity.args[1]);
  const given =
    stringValue(firstArg) ?? stringValue(options ? objectProperty(options, entity.name === 'Table' ? 'tableName' : 'name') : null);
  const table = given ?? (entity.name === 'Table' ? `${model}s` : snakeCase(model));
  const ops: SchemaOp[] = [
    { op: 'create-table', table },
    { op: 'model', table, model },
  ];
  const primary: string[] = [];
  const columnOf = new Map<string, string>();
  for (const member of node.body.body) {
    if (member.type !== 'PropertyDefinition' || member.computed) continue;
    const field = keyName(member.key);
    if (field === null) continue;
    const own = decorators(member);
    const columnDecorator = own.find((d) => TYPEORM_COLUMNS.has(d.name) || d.name === 'Column');
    if (!columnDecorator) continue;
    const columnOptions = objectArg(columnDecorator.args.find((a) => unwrap(a).type === 'ObjectExpression'));
    const column =
      stringValue(columnOptions ? objectProperty(columnOptions, 'name') : null) ??
      (entity.name === 'Table' ? (stringValue(columnOptions ? objectProperty(columnOptions, 'field') : null) ?? field) : field);
    columnOf.set(field, column);
    const declaredType = stringValue(columnDecorator.args[0]) ?? stringValue(columnOptions ? objectProperty(columnOptions, 'type') : null);
    const sequelizeType = columnOptions
      ? objectProperty(columnOptions, 'type')
      : columnDecorator.args[0]
        ? unwrap(columnDecorator.args[0])
        : null;
    const type =
      columnDecorator.name === 'PrimaryGeneratedColumn'
        ? declaredType === 'uuid'
          ? 'uuid'
          : 'integer'
        : columnDecorator.name === 'VersionColumn'
          ? 'integer'
          : /DateColumn$/.test(columnDecorator.name)
            ? 'timestamp'
            : (declaredType?.toLowerCase() ?? sequelizeTypeName(sequelizeType) ?? annotationType(member));
    ops.push({ op: 'column', table, column, type: boolProperty(columnOptions, 'array') ? `${type}[]` : type });
    if (column !== field) ops.push({ op: 'field', table, field, column });
    if (
      columnDecorator.name === 'PrimaryColumn' ||
      columnDecorator.name === 'PrimaryGeneratedColumn' ||
      boolProperty(columnOptions, 'primary') ||
      own.some((d) => d.name === 'PrimaryKey')
    )
      primary.push(column);
    if (columnDecorator.name === 'VersionColumn') ops.push({ op: 'version', table, column });
    if (boolProperty(columnOptions, 'unique') || own.some((d) => d.name === 'Unique' && d.args.length === 0))
      ops.push({ op: 'unique', table, key: plainKey(null, [column]) });
    for (const index of own.filter((d) => d.name === 'Index')) {
      const indexOptions = objectArg(index.args.find((a) => unwrap(a).type === 'ObjectExpression'));
      if (boolProperty(indexOptions, 'unique'))
        ops.push({
          op: 'unique',
          table,
          key: {
            ...plainKey(stringValue(index.args[0]), [column]),
            where: stringValue(indexOptions ? objectProperty(indexOptions, 'where') : null),
          },
        });
    }
  }
  if (primary.length > 0) ops.push({ op: 'primary-key', table, name: null, columns: primary });
  const mapped = (fields: string[]): string[] => fields.map((f) => columnOf.get(f) ?? f);
  for (const d of classDecorators) {
    if (d.name !== 'Unique' && d.name !== 'Index') continue;
    const name = stringValue(d.args[0]);
    const fields = stringList(d.args[name === null ? 0 : 1]) ?? arrowFields(d.args[name === null ? 0 : 1]);
    const indexOptions = objectArg(d.args.find((a) => unwrap(a).type === 'ObjectExpression'));
    if (fields === null || (d.name === 'Index' && !boolProperty(indexOptions, 'unique'))) continue;
    ops.push({
      op: 'unique',
      table,
      key: { ...plainKey(name, mapped(fields)), where: stringValue(indexOptions ? objectProperty(indexOptions, 'where') : null) },
    });
  }
  return ops;
}

/** `(e) => [e.a, e.b]` or `(e) => ({ a: e.a })` -> ['a', 'b']. */
function arrowFields(node: Node | undefined): string[] | null {
  if (!node || node.type !== 'ArrowFunctionExpression') return null;
  const body = unwrap(node.body);
  if (body.type === 'ArrayExpression')
    return body.elements.map((e) => (e && e.type !== 'SpreadElement' ? memberTail(e) : null)).filter((x): x is string => x !== null);
  if (body.type === 'ObjectExpression')
    return body.properties.map((p) => (p.type === 'Property' ? memberTail(p.value) : null)).filter((x): x is string => x !== null);
  return null;
}

function plainKey(name: string | null, columns: string[]): UniqueKey {
  return { name, columns, where: null, expression: false };
}

// ---------------------------------------------------------------------------------------------------
// Calls: Sequelize define/init, drizzle tables, knex / kysely / node-pg-migrate builders

function schemaCall(node: TSESTree.CallExpression, variable: string | null = null): SchemaOp[] | null {
  const callee = unwrap(node.callee);
  const name = callee.type === 'Identifier' ? callee.name : callee.type === 'MemberExpression' ? propertyName(callee) : null;
  if (name === null) return null;
  if (
    /^(?:pg|mysql|sqlite|singlestore)Table$/.test(name) ||
    (name === 'table' && callee.type === 'MemberExpression' && /Schema$|schema$/.test(memberObjectName(callee)))
  )
    return drizzleTable(node, DRIZZLE_DATABASE[name] ?? null, variable);
  if (callee.type !== 'MemberExpression') return null;
  if (name === 'define') return sequelizeDefine(node);
  if (name === 'init' && objectArg(node.arguments[0]) && objectArg(node.arguments[1])) return sequelizeInit(node, callee);
  const root = chain(node);
  if (
    root.links.some((l) => l.name === 'execute' || l.name === 'compile') &&
    root.links.some((l) => /^(?:createTable|alterTable|createIndex|dropTable|dropIndex)$/.test(l.name))
  )
    return kyselyChain(root.links);
  if (KNEX_SCHEMA_METHOD.test(name) && isKnexSchema(callee)) return knexSchemaCall(name, node.arguments);
  // `knex.schema.createTable('a', ...).createTable('b', ...)`: each call of the chain, in the order they run.
  if (KNEX_SCHEMA_METHOD.test(name)) {
    const calls = knexSchemaChain(node);
    if (calls !== null)
      return calls.flatMap((call) => knexSchemaCall(propertyName(call.callee as TSESTree.MemberExpression)!, call.arguments) ?? []);
  }
  if (
    /^(?:createTable|addColumns?|addConstraint|createIndex|addIndex|dropColumns?|renameColumn|renameTable|dropTable|dropConstraint|dropIndex|sql)$/.test(
      name,
    ) &&
    /^pgm$|migrationBuilder/i.test(memberObjectName(callee))
  )
    return pgmCall(name, node.arguments);
  if (
    /^(?:createTable|addColumn|addIndex|removeColumn|renameColumn|renameTable|dropTable|removeIndex)$/.test(name) &&
    memberObjectName(callee) === 'db'
  )
    return dbMigrateCall(name, node.arguments);
  if (memberObjectName(callee) === 'queryInterface') return queryInterfaceCall(name, node.arguments);
  return null;
}

function memberObjectName(callee: TSESTree.MemberExpression): string {
  const object = unwrap(callee.object);
  if (object.type === 'Identifier') return object.name;
  if (object.type === 'MemberExpression') return propertyName(object) ?? '';
  return '';
}

function isKnexSchema(callee: TSESTree.MemberExpression): boolean {
  return memberObjectName(callee) === 'schema' || /^schema$/i.test(memberObjectName(callee));
}

const KNEX_SCHEMA_METHOD = /^(?:createTable|createTableIfNotExists|alterTable|table|dropTable|dropTableIfExists|renameTable)$/;

/**
 * The calls of a knex schema chain whose last is `node`, innermost (first run) first: each a schema
 * method called on the one before, the first on `knex.schema`. Null when `node` is not the end of one.
 */
function knexSchemaChain(node: TSESTree.CallExpression): TSESTree.CallExpression[] | null {
  const calls: TSESTree.CallExpression[] = [];
  let current: TSESTree.CallExpression = node;
  for (;;) {
    const callee = unwrap(current.callee);
    if (callee.type !== 'MemberExpression' || !KNEX_SCHEMA_METHOD.test(propertyName(callee) ?? '')) return null;
    calls.unshift(current);
    if (isKnexSchema(callee)) return calls;
    const object = unwrap(callee.object);
    if (object.type !== 'CallExpression') return null;
    current = object;
  }
}

// Sequelize ---------------------------------------------------------------------------------------

function sequelizeTypeName(node: Node | null | undefined): string | null {
  if (!node) return null;
  const inner = unwrap(node);
  const base = inner.type === 'CallExpression' ? unwrap(inner.callee) : inner;
  if (base.type === 'MemberExpression') {
    const name = propertyName(base);
    if (name === 'ARRAY' && inner.type === 'CallExpression') return `${sequelizeTypeName(inner.arguments[0]) ?? 'unknown'}[]`;
    return name?.toLowerCase() ?? null;
  }
  return null;
}

function sequelizeAttributes(table: string, attributes: TSESTree.ObjectExpression, options: TSESTree.ObjectExpression | null): SchemaOp[] {
  const entries: [string, Node][] = [];
  for (const p of attributes.properties) {
    const field = p.type === 'Property' ? propertyKey(p) : null;
    if (p.type === 'Property' && field !== null) entries.push([field, p.value]);
  }
  return sequelizeColumns(table, entries, options);
}

/** Attributes as Sequelize declares them, `[field, type or { type, field, primaryKey, unique }]`. */
function sequelizeColumns(table: string, entries: readonly [string, Node][], options: TSESTree.ObjectExpression | null): SchemaOp[] {
  const ops: SchemaOp[] = [];
  const primary: string[] = [];
  const composite = new Map<string, string[]>();
  const columnOf = new Map<string, string>();
  for (const [field, value] of entries) {
    const spec = objectArg(value);
    const column = stringValue(spec ? objectProperty(spec, 'field') : null) ?? field;
    columnOf.set(field, column);
    ops.push({ op: 'column', table, column, type: sequelizeTypeName(spec ? objectProperty(spec, 'type') : value) ?? 'unknown' });
    if (column !== field) ops.push({ op: 'field', table, field, column });
    if (!spec) continue;
    if (boolProperty(spec, 'primaryKey')) primary.push(column);
    const unique = objectProperty(spec, 'unique');
    if (unique?.type === 'Literal' && unique.value === true) ops.push({ op: 'unique', table, key: plainKey(null, [column]) });
    const group = stringValue(unique) ?? stringValue(objectArg(unique) ? objectProperty(objectArg(unique)!, 'name') : null);
    if (group !== null) composite.set(group, [...(composite.get(group) ?? []), column]);
  }
  if (primary.length > 0) ops.push({ op: 'primary-key', table, name: null, columns: primary });
  for (const [name, columns] of composite) ops.push({ op: 'unique', table, key: plainKey(name, columns) });
  if (options) {
    const version = objectProperty(options, 'version');
    if (version?.type === 'Literal' && version.value === true) ops.push({ op: 'version', table, column: 'version' });
    else if (stringValue(version) !== null) ops.push({ op: 'version', table, column: stringValue(version)! });
    const indexes = objectProperty(options, 'indexes');
    if (indexes?.type === 'ArrayExpression') {
      for (const index of indexes.elements) {
        const spec = index && index.type !== 'SpreadElement' ? objectArg(index) : null;
        if (!spec || !boolProperty(spec, 'unique')) continue;
        const fields = stringList(objectProperty(spec, 'fields'));
        if (fields === null) continue;
        const where = objectProperty(spec, 'where');
        ops.push({
          op: 'unique',
          table,
          key: {
            name: stringValue(objectProperty(spec, 'name')),
            columns: fields.map((f) => columnOf.get(f) ?? f),
            where: where ? 'where' : null,
            expression: false,
          },
        });
      }
    }
  }
  return ops;
}

function sequelizeTable(model: string, options: TSESTree.ObjectExpression | null): string {
  const given = stringValue(options ? objectProperty(options, 'tableName') : null);
  if (given !== null) return given;
  // Sequelize pluralizes the model name unless told not to.
  return boolProperty(options, 'freezeTableName') ? model : `${model}s`;
}

/** The unique keys of a model definition hold only where `sync()` made its table (see `buildSchema`). */
function modelOnly(ops: SchemaOp[]): SchemaOp[] {
  return ops.map((op) => (op.op === 'unique' ? { ...op, modelOnly: true } : op));
}

function sequelizeDefine(node: TSESTree.CallExpression): SchemaOp[] | null {
  const model = stringValue(node.arguments[0]);
  const attributes = objectArg(node.arguments[1]);
  if (model === null || attributes === null) return null;
  const options = objectArg(node.arguments[2]);
  const table = sequelizeTable(model, options);
  return [{ op: 'create-table', table }, { op: 'model', table, model }, ...modelOnly(sequelizeAttributes(table, attributes, options))];
}

function sequelizeInit(node: TSESTree.CallExpression, callee: TSESTree.MemberExpression): SchemaOp[] | null {
  const object = unwrap(callee.object);
  const model = object.type === 'Identifier' ? object.name : null;
  const options = objectArg(node.arguments[1]);
  if (model === null || options === null || objectProperty(options, 'sequelize') === null) return null;
  const table = sequelizeTable(model, options);
  return [
    { op: 'create-table', table },
    { op: 'model', table, model },
    ...modelOnly(sequelizeAttributes(table, objectArg(node.arguments[0])!, options)),
  ];
}

// drizzle -----------------------------------------------------------------------------------------

/** The database each of drizzle's table builders declares its table for (`pgSchema('s').table` does not say). */
const DRIZZLE_DATABASE: Partial<Record<string, DatabaseEngine>> = { pgTable: 'postgres', mysqlTable: 'mysql', sqliteTable: 'sqlite' };

/**
 * A drizzle table; `variable` is the name it is declared under (`export const usersToWorkspaces =
 * sqliteTable('users_to_workspaces', ...)`), which the query builder names it by wherever it is imported.
 */
function drizzleTable(node: TSESTree.CallExpression, database: DatabaseEngine | null, variable: string | null): SchemaOp[] | null {
  const table = stringValue(node.arguments[0]);
  const columns = objectArg(node.arguments[1]);
  if (table === null || columns === null) return null;
  const ops: SchemaOp[] = [{ op: 'create-table', table }];
  if (database !== null) ops.push({ op: 'database', table, database });
  if (variable !== null && variable !== table) ops.push({ op: 'model', table, model: variable });
  const columnOf = new Map<string, string>();
  const primary: string[] = [];
  for (const p of columns.properties) {
    if (p.type !== 'Property') continue;
    const field = propertyKey(p);
    if (field === null) continue;
    const { links } = chain(p.value);
    const builder = links[0];
    if (!builder) continue;
    const column = stringValue(builder.args[0]) ?? field;
    columnOf.set(field, column);
    const array = links.some((l) => l.name === 'array');
    ops.push({ op: 'column', table, column, type: `${drizzleType(builder.name)}${array ? '[]' : ''}` });
    if (column !== field) ops.push({ op: 'field', table, field, column });
    if (links.some((l) => l.name === 'primaryKey') || (builder.name === 'serial' && links.some((l) => l.name === 'primaryKey')))
      primary.push(column);
    if (links.some((l) => l.name === 'unique'))
      ops.push({ op: 'unique', table, key: plainKey(stringValue(links.find((l) => l.name === 'unique')?.args[0]), [column]) });
  }
  if (primary.length > 0) ops.push({ op: 'primary-key', table, name: null, columns: primary });
  const extra = node.arguments[2];
  if (extra && (extra.type === 'ArrowFunctionExpression' || extra.type === 'FunctionExpression')) {
    const body =
      extra.body.type === 'BlockStatement'
        ? extra.body.body.find((s): s is TSESTree.ReturnStatement => s.type === 'ReturnStatement')?.argument
        : extra.body;
    const inner = body ? unwrap(body) : null;
    const items =
      inner?.type === 'ArrayExpression'
        ? inner.elements
        : inner?.type === 'ObjectExpression'
          ? inner.properties.map((p) => (p.type === 'Property' ? p.value : null))
          : [];
    for (const item of items) {
      if (!item || item.type === 'SpreadElement') continue;
      ops.push(...drizzleConstraint(table, item as Node, columnOf));
    }
  }
  return ops;
}

function drizzleConstraint(table: string, node: Node, columnOf: Map<string, string>): SchemaOp[] {
  const { links } = chain(node);
  const head = links[0];
  if (!head) return [];
  const on = links.find((l) => l.name === 'on' || l.name === 'columns');
  const columnsOf = (args: readonly Node[]): { columns: string[]; expression: boolean } => {
    const fields = args.map((a) => memberTail(a));
    return {
      columns: fields.map((f, i) => (f === null ? 'expression' : (columnOf.get(f) ?? f)) + (i < 0 ? '' : '')),
      expression: fields.some((f) => f === null),
    };
  };
  if (head.name === 'primaryKey') {
    const spec = objectArg(head.args[0]);
    const list = spec ? objectProperty(spec, 'columns') : null;
    const args =
      list?.type === 'ArrayExpression' ? (list.elements.filter((e) => e && e.type !== 'SpreadElement') as Node[]) : (head.args as Node[]);
    const { columns } = columnsOf(args);
    return columns.length > 0 ? [{ op: 'primary-key', table, name: stringValue(spec ? objectProperty(spec, 'name') : null), columns }] : [];
  }
  if ((head.name === 'uniqueIndex' || head.name === 'unique') && on) {
    const { columns, expression } = columnsOf(on.args as Node[]);
    const where = links.some((l) => l.name === 'where') ? 'where' : null;
    return [{ op: 'unique', table, key: { name: stringValue(head.args[0]), columns, where, expression } }];
  }
  if (head.name === 'index' && links.some((l) => l.name === 'unique') && on) {
    const { columns, expression } = columnsOf(on.args as Node[]);
    return [
      {
        op: 'unique',
        table,
        key: { name: stringValue(head.args[0]), columns, where: links.some((l) => l.name === 'where') ? 'where' : null, expression },
      },
    ];
  }
  return [];
}

const DRIZZLE_TYPES: Record<string, string> = {
  serial: 'serial',
  bigserial: 'bigserial',
  smallserial: 'smallserial',
  integer: 'integer',
  int: 'integer',
  smallint: 'smallint',
  bigint: 'bigint',
  real: 'real',
  doublePrecision: 'double precision',
  double: 'double',
  numeric: 'numeric',
  decimal: 'decimal',
  float: 'float',
  text: 'text',
  varchar: 'varchar',
  char: 'char',
  boolean: 'boolean',
  json: 'json',
  jsonb: 'jsonb',
  uuid: 'uuid',
  timestamp: 'timestamp',
  date: 'date',
  time: 'time',
  interval: 'interval',
  tinyint: 'tinyint',
  mediumint: 'mediumint',
};

function drizzleType(builder: string): string {
  return DRIZZLE_TYPES[builder] ?? builder.toLowerCase();
}

// knex --------------------------------------------------------------------------------------------

const KNEX_TYPES: Record<string, string> = {
  increments: 'integer',
  bigIncrements: 'bigint',
  integer: 'integer',
  bigInteger: 'bigint',
  bigint: 'bigint',
  tinyint: 'tinyint',
  smallint: 'smallint',
  mediumint: 'mediumint',
  text: 'text',
  string: 'varchar',
  float: 'float',
  double: 'double',
  decimal: 'decimal',
  boolean: 'boolean',
  date: 'date',
  datetime: 'timestamp',
  timestamp: 'timestamp',
  time: 'time',
  binary: 'bytea',
  enum: 'enum',
  enu: 'enum',
  json: 'json',
  jsonb: 'jsonb',
  uuid: 'uuid',
  specificType: 'unknown',
};

function knexSchemaCall(name: string, args: TSESTree.CallExpressionArgument[]): SchemaOp[] | null {
  const table = stringValue(args[0]);
  if (table === null) return null;
  if (name === 'dropTable' || name === 'dropTableIfExists') return [{ op: 'drop-table', table }];
  if (name === 'renameTable') {
    const to = stringValue(args[1]);
    return to === null ? null : [{ op: 'rename-table', table, to }];
  }
  const callback = args[1];
  const ops: SchemaOp[] = name.startsWith('create') ? [{ op: 'create-table', table }] : [];
  if (!callback || (callback.type !== 'ArrowFunctionExpression' && callback.type !== 'FunctionExpression')) return ops;
  const param = callback.params[0];
  const builder = param?.type === 'Identifier' ? param.name : null;
  if (builder === null) return ops;
  walk(callback.body, (node) => {
    if (node.type !== 'ExpressionStatement') return true;
    const { root, links } = chain(node.expression);
    if (root.type !== 'Identifier' || root.name !== builder || links.length === 0) return false;
    ops.push(...knexStatement(table, links));
    return false;
  });
  return ops;
}

function knexStatement(table: string, links: Link[]): SchemaOp[] {
  const [head, ...rest] = links as [Link, ...Link[]];
  const ops: SchemaOp[] = [];
  const firstList = stringList(head.args[0]);
  switch (head.name) {
    case 'primary':
      return firstList ? [{ op: 'primary-key', table, name: stringValue(head.args[1]), columns: firstList }] : [];
    case 'unique': {
      const options = objectArg(head.args[1]);
      const name = stringValue(head.args[1]) ?? stringValue(options ? objectProperty(options, 'indexName') : null);
      return firstList ? [{ op: 'unique', table, key: plainKey(name, firstList) }] : [];
    }
    case 'dropColumn':
    case 'dropColumns':
      return head.args.flatMap((a) => stringList(a) ?? []).map((column) => ({ op: 'drop-column', table, column }));
    case 'renameColumn': {
      const to = stringValue(head.args[1]);
      return firstList?.[0] && to ? [{ op: 'rename-column', table, column: firstList[0], to }] : [];
    }
    case 'dropUnique':
      return firstList
        ? [{ op: 'drop-constraint', table, name: stringValue(head.args[1]) ?? `${table}_${firstList.join('_')}_unique` }]
        : [];
    case 'dropPrimary':
      return [{ op: 'drop-constraint', table, name: stringValue(head.args[0]) ?? `${table}_pkey` }];
    case 'check':
      return [];
    default:
      break;
  }
  const increments = head.name === 'increments' || head.name === 'bigIncrements';
  // `table.increments()` with no name adds knex's `id` primary key.
  const column = stringValue(head.args[0]) ?? (increments && head.args.length === 0 ? 'id' : null);
  const type = KNEX_TYPES[head.name];
  if (column === null || type === undefined) return ops;
  ops.push({
    op: 'column',
    table,
    column,
    type: head.name === 'specificType' ? (stringValue(head.args[1])?.toLowerCase() ?? 'unknown') : type,
  });
  // `increments('id', { primaryKey: false })` (knex 1.0) adds the column alone.
  const options = objectArg(head.args[1]);
  const primaryKeyOption = options ? objectProperty(options, 'primaryKey') : null;
  const notPrimary = primaryKeyOption?.type === 'Literal' && primaryKeyOption.value === false;
  if ((increments && !notPrimary) || rest.some((l) => l.name === 'primary'))
    ops.push({ op: 'primary-key', table, name: null, columns: [column] });
  // knex names a unique index `<table>_<column>_unique`.
  if (rest.some((l) => l.name === 'unique')) ops.push({ op: 'unique', table, key: plainKey(`${table}_${column}_unique`, [column]) });
  const check = rest.find((l) => l.name === 'checkPositive' || l.name === 'checkNegative');
  if (check)
    ops.push({
      op: 'check',
      table,
      check: {
        name: null,
        column,
        operator: check.name === 'checkPositive' ? '>' : '<',
        bound: '0',
        text: `${column} ${check.name === 'checkPositive' ? '>' : '<'} 0`,
      },
    });
  return ops;
}

// kysely ------------------------------------------------------------------------------------------

function kyselyChain(links: Link[]): SchemaOp[] {
  const ops: SchemaOp[] = [];
  const start = links.findIndex((l) => /^(?:createTable|alterTable|createIndex|dropTable|dropIndex)$/.test(l.name));
  const head = links[start]!;
  const target = stringValue(head.args[0]);
  if (target === null) return ops;
  const rest = links.slice(start + 1);
  if (head.name === 'dropTable') return [{ op: 'drop-table', table: target }];
  if (head.name === 'dropIndex') return [{ op: 'drop-constraint', table: null, name: target }];
  if (head.name === 'createIndex') {
    if (!rest.some((l) => l.name === 'unique')) return ops;
    const on = stringValue(rest.find((l) => l.name === 'on')?.args[0]);
    const columns = rest.filter((l) => l.name === 'column' || l.name === 'columns').flatMap((l) => stringList(l.args[0]) ?? []);
    const expression = rest.some((l) => l.name === 'expression');
    if (on === null) return ops;
    return [
      { op: 'unique', table: on, key: { name: target, columns, where: rest.some((l) => l.name === 'where') ? 'where' : null, expression } },
    ];
  }
  const table = target;
  if (head.name === 'createTable') ops.push({ op: 'create-table', table });
  for (const link of rest) {
    switch (link.name) {
      case 'addColumn':
      case 'modifyColumn': {
        const column = stringValue(link.args[0]);
        if (column === null) break;
        const type = stringValue(link.args[1])?.toLowerCase() ?? 'unknown';
        ops.push({ op: 'column', table, column, type });
        const build = link.args[2];
        if (build && (build.type === 'ArrowFunctionExpression' || build.type === 'FunctionExpression')) {
          const inner = chain(build.body.type === 'BlockStatement' ? build.body : build.body).links;
          if (inner.some((l) => l.name === 'primaryKey')) ops.push({ op: 'primary-key', table, name: null, columns: [column] });
          if (inner.some((l) => l.name === 'unique')) ops.push({ op: 'unique', table, key: plainKey(null, [column]) });
        }
        break;
      }
      case 'dropColumn': {
        const column = stringValue(link.args[0]);
        if (column !== null) ops.push({ op: 'drop-column', table, column });
        break;
      }
      case 'renameColumn': {
        const column = stringValue(link.args[0]);
        const to = stringValue(link.args[1]);
        if (column !== null && to !== null) ops.push({ op: 'rename-column', table, column, to });
        break;
      }
      case 'renameTo': {
        const to = stringValue(link.args[0]);
        if (to !== null) ops.push({ op: 'rename-table', table, to });
        break;
      }
      case 'addUniqueConstraint': {
        const columns = stringList(link.args[1]);
        if (columns) ops.push({ op: 'unique', table, key: plainKey(stringValue(link.args[0]), columns) });
        break;
      }
      case 'addPrimaryKeyConstraint': {
        const columns = stringList(link.args[1]);
        if (columns) ops.push({ op: 'primary-key', table, name: stringValue(link.args[0]), columns });
        break;
      }
      case 'addCheckConstraint': {
        const expr = link.args[1];
        const text =
          expr && expr.type === 'TaggedTemplateExpression' && expr.quasi.expressions.length === 0
            ? expr.quasi.quasis[0]?.value.cooked
            : null;
        if (text)
          ops.push(
            ...readSqlSchema(`ALTER TABLE ${quoted(table)} ADD CONSTRAINT ${quoted(stringValue(link.args[0]) ?? 'check')} CHECK (${text})`),
          );
        break;
      }
      case 'dropConstraint': {
        const name = stringValue(link.args[0]);
        if (name !== null) ops.push({ op: 'drop-constraint', table, name });
        break;
      }
      default:
        break;
    }
  }
  return ops;
}

function quoted(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

// node-pg-migrate ---------------------------------------------------------------------------------

function pgmColumns(table: string, spec: TSESTree.ObjectExpression): SchemaOp[] {
  const ops: SchemaOp[] = [];
  for (const p of spec.properties) {
    if (p.type !== 'Property') continue;
    const column = propertyKey(p);
    if (column !== null) ops.push(...pgmColumn(table, column, p.value));
  }
  return ops;
}

/** One column's spec: a type name (`'text'`) or `{ type, primaryKey, unique, check }`. */
function pgmColumn(table: string, column: string, value: Node): SchemaOp[] {
  const ops: SchemaOp[] = [];
  const shorthand = stringValue(value);
  const options = objectArg(value);
  const type = shorthand ?? stringValue(options ? objectProperty(options, 'type') : null) ?? 'unknown';
  // node-pg-migrate's 'id' shorthand is `serial PRIMARY KEY`.
  ops.push({ op: 'column', table, column, type: type === 'id' ? 'serial' : type.toLowerCase() });
  if (type === 'id' || boolProperty(options, 'primaryKey')) ops.push({ op: 'primary-key', table, name: null, columns: [column] });
  if (boolProperty(options, 'unique')) ops.push({ op: 'unique', table, key: plainKey(null, [column]) });
  const check = stringValue(options ? objectProperty(options, 'check') : null);
  if (check !== null) ops.push(...readSqlSchema(`ALTER TABLE ${quoted(table)} ADD CHECK (${check})`));
  return ops;
}

function pgmTable(node: Node | undefined): string | null {
  if (!node) return null;
  const direct = stringValue(node);
  if (direct !== null) return direct;
  const spec = objectArg(node);
  return spec ? stringValue(objectProperty(spec, 'name')) : null;
}

function pgmCall(name: string, args: TSESTree.CallExpressionArgument[]): SchemaOp[] | null {
  if (name === 'sql') {
    const text = stringValue(args[0]);
    return text === null ? null : readSqlSchema(text);
  }
  const table = pgmTable(args[0]);
  if (table === null) return null;
  switch (name) {
    case 'createTable': {
      const spec = objectArg(args[1]);
      const ops: SchemaOp[] = [{ op: 'create-table', table }, ...(spec ? pgmColumns(table, spec) : [])];
      const options = objectArg(args[2]);
      const constraints = options ? objectArg(objectProperty(options, 'constraints')) : null;
      if (constraints) ops.push(...pgmConstraint(table, null, constraints));
      return ops;
    }
    case 'addColumns':
    case 'addColumn': {
      const spec = objectArg(args[1]);
      return spec ? pgmColumns(table, spec) : [];
    }
    case 'addConstraint': {
      const constraint = objectArg(args[2]);
      const text = stringValue(args[2]);
      const cname = stringValue(args[1]);
      if (text !== null) return readSqlSchema(`ALTER TABLE ${quoted(table)} ADD ${cname ? `CONSTRAINT ${quoted(cname)} ` : ''}${text}`);
      return constraint ? pgmConstraint(table, cname, constraint) : [];
    }
    case 'createIndex':
    case 'addIndex': {
      const options = objectArg(args[2]);
      if (!boolProperty(options, 'unique')) return [];
      const columns = stringList(args[1]) ?? [];
      const where = options ? stringValue(objectProperty(options, 'where')) : null;
      return [
        {
          op: 'unique',
          table,
          key: {
            name: options ? stringValue(objectProperty(options, 'name')) : null,
            columns,
            where,
            expression: columns.some((c) => /\(/.test(c)),
          },
        },
      ];
    }
    case 'dropColumns':
    case 'dropColumn':
      return (stringList(args[1]) ?? []).map((column) => ({ op: 'drop-column', table, column }));
    case 'renameColumn': {
      const column = stringValue(args[1]);
      const to = stringValue(args[2]);
      return column && to ? [{ op: 'rename-column', table, column, to }] : [];
    }
    case 'renameTable': {
      const to = stringValue(args[1]);
      return to ? [{ op: 'rename-table', table, to }] : [];
    }
    case 'dropTable':
      return [{ op: 'drop-table', table }];
    case 'dropConstraint': {
      const cname = stringValue(args[1]);
      return cname ? [{ op: 'drop-constraint', table, name: cname }] : [];
    }
    default:
      return null;
  }
}

function pgmConstraint(table: string, name: string | null, spec: TSESTree.ObjectExpression): SchemaOp[] {
  const ops: SchemaOp[] = [];
  const unique = objectProperty(spec, 'unique');
  if (unique) {
    const inner = unwrap(unique);
    const lists =
      inner.type === 'ArrayExpression' && inner.elements.some((e) => e && unwrap(e as Node).type === 'ArrayExpression')
        ? inner.elements.map((e) => (e ? stringList(e as Node) : null))
        : [stringList(unique)];
    for (const columns of lists) if (columns) ops.push({ op: 'unique', table, key: plainKey(name, columns) });
  }
  const primary = stringList(objectProperty(spec, 'primaryKey'));
  if (primary) ops.push({ op: 'primary-key', table, name, columns: primary });
  const check = stringValue(objectProperty(spec, 'check'));
  if (check !== null)
    ops.push(...readSqlSchema(`ALTER TABLE ${quoted(table)} ADD ${name ? `CONSTRAINT ${quoted(name)} ` : ''}CHECK (${check})`));
  return ops;
}

// Sequelize migrations ------------------------------------------------------------------------------

/** A table as `queryInterface` takes it: `'users'` or `{ tableName: 'users', schema: 'public' }`. */
function queryInterfaceTable(node: Node | undefined): string | null {
  const direct = stringValue(node);
  if (direct !== null) return direct;
  const spec = objectArg(node);
  return spec ? stringValue(objectProperty(spec, 'tableName')) : null;
}

/** Index fields: `'email'`, `{ name: 'email', order: 'DESC' }`; a `Sequelize.fn(...)` is an expression (null). */
function indexFields(node: Node | null | undefined): string[] | null {
  const inner = node ? unwrap(node) : null;
  if (inner === null || inner.type !== 'ArrayExpression') return stringList(node);
  const fields = inner.elements.map((e) => {
    if (!e || e.type === 'SpreadElement') return null;
    const spec = objectArg(e);
    return spec ? stringValue(objectProperty(spec, 'name') ?? objectProperty(spec, 'attribute')) : stringValue(e);
  });
  return fields.every((f): f is string => f !== null) ? fields : null;
}

/**
 * The name Sequelize gives an index it is not told the name of (`addIndex('users', ['teamId', 'email'])`
 * -> `users_team_id_email`), and that `removeIndex('users', ['teamId', 'email'])` removes.
 */
function sequelizeIndexName(table: string, fields: readonly string[]): string {
  return snakeCase(`${table}_${fields.join('_')}`).replace(/[^\w]+/g, '_');
}

/**
 * Sequelize's `queryInterface` in a migration: `createTable(name, attributes)` (attributes as a model
 * declares them: `{ email: { type, unique: true } }`, `primaryKey: true`), `addColumn`, `changeColumn`,
 * `addIndex(table, fields, { unique, name, where })` (or one options object with `fields`),
 * `addConstraint(table, { type: 'unique' | 'primary key', fields, name })`, `removeIndex(table, name |
 * fields)`, `removeConstraint`, `removeColumn`, `renameColumn`, `renameTable` and `dropTable`.
 */
function queryInterfaceCall(name: string, args: TSESTree.CallExpressionArgument[]): SchemaOp[] | null {
  const table = queryInterfaceTable(args[0]);
  if (table === null) return null;
  const second = stringValue(args[1]);
  switch (name) {
    case 'createTable': {
      const attributes = objectArg(args[1]);
      return [{ op: 'create-table', table }, ...(attributes ? sequelizeAttributes(table, attributes, null) : [])];
    }
    case 'addColumn':
    case 'changeColumn': {
      return second !== null && args[2] !== undefined ? sequelizeColumns(table, [[second, args[2]]], null) : [];
    }
    case 'addIndex': {
      const options = objectArg(args[2]) ?? objectArg(args[1]);
      // Sequelize 3 named the options `indicesType` and `indexName`.
      const type = options ? (objectProperty(options, 'type') ?? objectProperty(options, 'indicesType')) : null;
      if (!boolProperty(options, 'unique') && stringValue(type)?.toUpperCase() !== 'UNIQUE') return [];
      const fields = indexFields(objectArg(args[1]) ? objectProperty(objectArg(args[1])!, 'fields') : args[1]);
      if (fields === null || fields.length === 0) return [];
      const where = options ? objectProperty(options, 'where') : null;
      const given = options ? stringValue(objectProperty(options, 'name') ?? objectProperty(options, 'indexName')) : null;
      return [
        {
          op: 'unique',
          table,
          key: { name: given ?? sequelizeIndexName(table, fields), columns: fields, where: where ? 'where' : null, expression: false },
        },
      ];
    }
    case 'addConstraint': {
      const options = objectArg(args[1]) ?? objectArg(args[2]);
      const type = stringValue(options ? objectProperty(options, 'type') : null)?.toLowerCase() ?? null;
      const fields = indexFields(options ? objectProperty(options, 'fields') : null) ?? stringList(args[1]);
      if (options === null || fields === null || fields.length === 0) return [];
      const cname = stringValue(objectProperty(options, 'name'));
      if (type === 'primary key') return [{ op: 'primary-key', table, name: cname, columns: fields }];
      if (type !== 'unique') return [];
      const where = objectProperty(options, 'where');
      return [
        {
          op: 'unique',
          table,
          key: { name: cname ?? `${table}_${fields.join('_')}_uk`, columns: fields, where: where ? 'where' : null, expression: false },
        },
      ];
    }
    case 'removeIndex': {
      const fields = indexFields(args[1]);
      const index = second ?? (fields !== null && objectArg(args[1]) === null ? sequelizeIndexName(table, fields) : null);
      return index === null ? [] : [{ op: 'drop-constraint', table, name: index }];
    }
    case 'removeConstraint':
      return second !== null ? [{ op: 'drop-constraint', table, name: second }] : [];
    case 'removeColumn':
      return second !== null ? [{ op: 'drop-column', table, column: second }] : [];
    case 'renameColumn': {
      const to = stringValue(args[2]);
      return second !== null && to !== null ? [{ op: 'rename-column', table, column: second, to }] : [];
    }
    case 'renameTable': {
      const to = queryInterfaceTable(args[1]);
      return to !== null ? [{ op: 'rename-table', table, to }] : [];
    }
    case 'dropTable':
      return [{ op: 'drop-table', table }];
    default:
      return null;
  }
}

// db-migrate ----------------------------------------------------------------------------------------

/**
 * db-migrate's `db.createTable(name, { col: spec } | { columns, ifNotExists })`, `db.addColumn(table,
 * name, spec)`, `db.addIndex(table, name, columns, unique)`, `db.removeColumn`, `db.renameColumn`,
 * `db.renameTable`, `db.dropTable` and `db.removeIndex([table,] name)`. A column spec has node-pg-migrate's
 * shape (`{ type: 'string', unique: true, primaryKey: true }`); `db.runSql(text)` is read as DDL text.
 */
function dbMigrateCall(name: string, args: TSESTree.CallExpressionArgument[]): SchemaOp[] | null {
  const table = stringValue(args[0]);
  if (table === null) return null;
  const second = stringValue(args[1]);
  switch (name) {
    case 'createTable': {
      const spec = objectArg(args[1]);
      const columns = spec ? (objectArg(objectProperty(spec, 'columns')) ?? spec) : null;
      return [{ op: 'create-table', table }, ...(columns ? pgmColumns(table, columns) : [])];
    }
    case 'addColumn':
      return second !== null && args[2] !== undefined ? pgmColumn(table, second, args[2]) : [];
    case 'addIndex': {
      const unique = args[3] !== undefined && isTrue(args[3]);
      const columns = stringList(args[2]);
      return unique && columns !== null ? [{ op: 'unique', table, key: plainKey(second, columns) }] : [];
    }
    case 'removeColumn':
      return second !== null ? [{ op: 'drop-column', table, column: second }] : [];
    case 'renameColumn': {
      const to = stringValue(args[2]);
      return second !== null && to !== null ? [{ op: 'rename-column', table, column: second, to }] : [];
    }
    case 'renameTable':
      return second !== null ? [{ op: 'rename-table', table, to: second }] : [];
    case 'dropTable':
      return [{ op: 'drop-table', table }];
    case 'removeIndex':
      return second !== null ? [{ op: 'drop-constraint', table, name: second }] : [{ op: 'drop-constraint', table: null, name: table }];
    default:
      return null;
  }
}

function isTrue(node: Node): boolean {
  const inner = unwrap(node);
  return inner.type === 'Literal' && inner.value === true;
}
