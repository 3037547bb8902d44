/** Applying schema ops in order: a later DROP, ALTER or rename wins over what came before. */
import type { Schema, SchemaOp, SchemaSource, TableSchema, UniqueKey } from './types.js';

export function emptySchema(): Schema {
  return { tables: {}, models: {}, sources: [] };
}

function newTable(name: string): TableSchema {
  return { name, databases: [], columns: {}, primaryKey: null, uniqueKeys: [], checks: [], versionColumns: [], model: null, fields: {} };
}

const sameColumns = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((c, i) => c === b[i]);

/** Find a table by its name as written anywhere: exact, then case-insensitive. */
export function findTable(schema: Schema, name: string): TableSchema | null {
  const exact = Object.hasOwn(schema.tables, name) ? schema.tables[name] : undefined;
  if (exact) return exact;
  const lower = name.toLowerCase();
  for (const table of Object.values(schema.tables)) if (table.name.toLowerCase() === lower) return table;
  // A model API names the model (`prisma.concert`, `Concert.findOne`), mapped onto its table.
  for (const table of Object.values(schema.tables)) if (table.model !== null && table.model.toLowerCase() === lower) return table;
  // Several models can map onto one table (`@Table({ tableName: 'documents' })` on Document and on
  // Template): `table.model` keeps the last, the model map keeps each.
  for (const [model, mapped] of Object.entries(schema.models))
    if (model.toLowerCase() === lower && Object.hasOwn(schema.tables, mapped)) return schema.tables[mapped]!;
  return null;
}

function tableFor(schema: Schema, name: string): TableSchema {
  const found = findTable(schema, name);
  if (found) return found;
  const table = newTable(name);
  schema.tables[name] = table;
  return table;
}

function renameIn(list: string[], from: string, to: string): string[] {
  return list.map((c) => (c === from ? to : c));
}

function applyOp(schema: Schema, op: SchemaOp): void {
  switch (op.op) {
    case 'create-table':
      tableFor(schema, op.table);
      return;
    case 'drop-table': {
      const table = findTable(schema, op.table);
      if (table) {
        delete schema.tables[table.name];
        if (table.model !== null) delete schema.models[table.model];
      }
      return;
    }
    case 'rename-table': {
      const table = findTable(schema, op.table);
      if (!table) return;
      const before = table.name;
      delete schema.tables[before];
      table.name = op.to;
      schema.tables[op.to] = table;
      for (const [model, mapped] of Object.entries(schema.models)) if (mapped === before) schema.models[model] = op.to;
      if (table.model !== null) schema.models[table.model] = op.to;
      return;
    }
    case 'column':
      tableFor(schema, op.table).columns[op.column] = op.values ? { type: op.type, values: op.values } : { type: op.type };
      return;
    case 'drop-column': {
      const table = findTable(schema, op.table);
      if (!table) return;
      delete table.columns[op.column];
      // PostgreSQL drops the indexes and constraints that use a dropped column.
      if (table.primaryKey?.columns.includes(op.column)) table.primaryKey = null;
      table.uniqueKeys = table.uniqueKeys.filter((k) => !k.columns.includes(op.column));
      table.checks = table.checks.filter((c) => c.column !== op.column);
      table.versionColumns = table.versionColumns.filter((c) => c !== op.column);
      return;
    }
    case 'rename-column': {
      const table = findTable(schema, op.table);
      if (!table) return;
      const column = table.columns[op.column];
      if (column) {
        delete table.columns[op.column];
        table.columns[op.to] = column;
      }
      if (table.primaryKey) table.primaryKey.columns = renameIn(table.primaryKey.columns, op.column, op.to);
      for (const key of table.uniqueKeys) key.columns = renameIn(key.columns, op.column, op.to);
      for (const check of table.checks) if (check.column === op.column) check.column = op.to;
      table.versionColumns = renameIn(table.versionColumns, op.column, op.to);
      for (const [field, col] of Object.entries(table.fields)) if (col === op.column) table.fields[field] = op.to;
      return;
    }
    case 'primary-key': {
      const table = tableFor(schema, op.table);
      table.primaryKey = { name: op.name ?? `${table.name}_pkey`, columns: [...op.columns] };
      return;
    }
    case 'unique': {
      const table = tableFor(schema, op.table);
      const key: UniqueKey = {
        ...op.key,
        columns: [...op.key.columns],
        name: op.key.name ?? `${table.name}_${op.key.columns.join('_')}_key`,
      };
      table.uniqueKeys = table.uniqueKeys.filter(
        (k) => !(k.name === key.name || (sameColumns(k.columns, key.columns) && k.where === key.where && k.expression === key.expression)),
      );
      table.uniqueKeys.push(key);
      return;
    }
    case 'check': {
      const table = tableFor(schema, op.table);
      if (!table.checks.some((c) => c.column === op.check.column && c.operator === op.check.operator && c.bound === op.check.bound))
        table.checks.push({ ...op.check });
      return;
    }
    case 'drop-constraint': {
      const tables =
        op.table === null ? Object.values(schema.tables) : [findTable(schema, op.table)].filter((t): t is TableSchema => t !== null);
      for (const table of tables) {
        if (table.primaryKey?.name === op.name) table.primaryKey = null;
        table.uniqueKeys = table.uniqueKeys.filter((k) => k.name !== op.name);
        table.checks = table.checks.filter((c) => c.name !== op.name);
      }
      return;
    }
    case 'version': {
      const table = tableFor(schema, op.table);
      if (!table.versionColumns.includes(op.column)) table.versionColumns.push(op.column);
      return;
    }
    case 'model': {
      const table = tableFor(schema, op.table);
      table.model = op.model;
      schema.models[op.model] = table.name;
      return;
    }
    case 'field':
      tableFor(schema, op.table).fields[op.field] = op.column;
      return;
    case 'relation': {
      const table = tableFor(schema, op.table);
      table.relations = { ...table.relations, [op.field]: op.model };
      return;
    }
    case 'database': {
      const table = tableFor(schema, op.table);
      if (!table.databases.includes(op.database)) table.databases.push(op.database);
      return;
    }
  }
}

/** Numeric-aware order of migration files: `2_x.sql` before `10_x.sql`, timestamps by value. */
const collator = new Intl.Collator('en', { numeric: true });

/**
 * The schema the sources state: migrations in the order of their file names (folder by folder), then
 * declarations (schema.prisma, entities, models), which describe the current state and add to it.
 */
export function buildSchema(sources: readonly SchemaSource[]): Schema {
  const schema = emptySchema();
  const ordered = [
    ...sources.filter((s) => s.kind === 'migration').sort((a, b) => collator.compare(migrationKey(a.file), migrationKey(b.file))),
    ...sources.filter((s) => s.kind === 'declaration').sort((a, b) => collator.compare(a.file, b.file)),
  ];
  // A Sequelize model's `unique` reaches the database only through `sync()`. Where a migration creates
  // the table (by that name, or under a name a rename read here gives it), the migrations say which keys
  // it has: a key only the model lists is not there. A table the migrations only alter was made in a way
  // not read here (a rename through a variable, a dump): the model's keys stand.
  const created = new Set<string>();
  for (const source of ordered) {
    if (source.ops.length === 0) continue;
    schema.sources.push(source.file);
    for (const op of source.ops) {
      if (source.kind === 'migration') {
        if (op.op === 'create-table') created.add(op.table.toLowerCase());
        else if (op.op === 'rename-table' && created.has(op.table.toLowerCase())) created.add(op.to.toLowerCase());
      } else if (op.op === 'unique' && op.modelOnly === true) {
        const table = findTable(schema, op.table);
        if (table !== null && created.has(table.name.toLowerCase())) continue;
      }
      applyOp(schema, op);
    }
  }
  return schema;
}

/**
 * Migrations of one folder sort by file name; Prisma keeps each in `<timestamp>_name/migration.sql`,
 * so the folder name is the key there.
 */
function migrationKey(file: string): string {
  return file.replace(/\\/g, '/').replace(/\/(?:migration|up)\.sql$/i, '');
}
