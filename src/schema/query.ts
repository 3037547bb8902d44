/** Questions the checks (and the ORM adapters) ask of a schema. */
import { columnName } from '../sql/keys.js';
import { findTable } from './build.js';
import type { CheckBound, ColumnSchema, DatabaseEngine, Schema, TableSchema } from './types.js';

export { findTable };

/** What a column holds, as far as choosing a fix goes. */
export type ColumnKind = 'number' | 'json' | 'array' | 'text' | 'boolean' | 'time' | 'uuid' | 'other';

const NUMBER =
  /^(?:int|integer|int2|int4|int8|smallint|bigint|tinyint|mediumint|serial|bigserial|smallserial|serial4|serial8|numeric|decimal|real|float|float4|float8|double|double precision|money|number)\b/;
const TEXT = /^(?:text|varchar|character varying|char|character|string|citext|nvarchar|nchar|tinytext|mediumtext|longtext|enum)\b/;
const TIME = /^(?:timestamp|timestamptz|date|datetime|time|timetz|interval)\b/;

export function kindOfType(type: string): ColumnKind {
  const t = type.toLowerCase().trim();
  if (t.endsWith('[]') || t === 'array' || t.startsWith('_')) return 'array';
  if (t === 'json' || t === 'jsonb' || t === 'simple-json') return 'json';
  if (t === 'bool' || t === 'boolean') return 'boolean';
  if (t === 'uuid') return 'uuid';
  if (NUMBER.test(t)) return 'number';
  if (TEXT.test(t)) return 'text';
  if (TIME.test(t)) return 'time';
  return 'other';
}

function column(table: TableSchema, name: string): ColumnSchema | null {
  if (Object.hasOwn(table.columns, name)) return table.columns[name] ?? null;
  const mapped = Object.hasOwn(table.fields, name) ? table.fields[name] : undefined;
  if (mapped !== undefined && Object.hasOwn(table.columns, mapped)) return table.columns[mapped] ?? null;
  const lower = name.toLowerCase();
  for (const [key, value] of Object.entries(table.columns)) if (key.toLowerCase() === lower) return value;
  // Builder facts name a model field's column in snake_case (`availableSeats` -> `available_seats`).
  const snake = columnName(name);
  for (const [field, mappedTo] of Object.entries(table.fields))
    if (columnName(field) === snake && Object.hasOwn(table.columns, mappedTo)) return table.columns[mappedTo] ?? null;
  for (const [key, value] of Object.entries(table.columns)) if (columnName(key) === snake) return value;
  return null;
}

/** The one database the declarations place a table in (`sqliteTable`, a Prisma datasource's provider), or null when none or several say. */
export function tableDatabase(schema: Schema, table: string): DatabaseEngine | null {
  const databases = findTable(schema, table)?.databases ?? [];
  return databases.length === 1 ? databases[0]! : null;
}

/** The declared type of `table.column` (`integer`, `jsonb`, `text[]`), or null when the schema does not say. */
export function columnType(schema: Schema, table: string, columnName: string): string | null {
  const found = findTable(schema, table);
  const type = found ? column(found, columnName)?.type : undefined;
  return type === undefined || type === 'unknown' ? null : type;
}

/** The values `table.column`'s enum type allows, or null when the schema does not list them. */
export function columnValues(schema: Schema, table: string, columnName: string): string[] | null {
  const found = findTable(schema, table);
  return (found ? column(found, columnName)?.values : undefined) ?? null;
}

/** The kind of `table.column` for fix text (`number` -> `SET x = x + $1`, `json` -> `||`), or null when unknown. */
export function columnKind(schema: Schema, table: string, columnName: string): ColumnKind | null {
  const type = columnType(schema, table, columnName);
  return type === null ? null : kindOfType(type);
}

export interface CoveringKey {
  kind: 'primary key' | 'unique';
  name: string | null;
  columns: string[];
}

/**
 * A primary key or unique constraint whose columns are all among `columns` (an INSERT that sets them
 * cannot add a second row with the same values). A partial index (`WHERE deleted_at IS NULL`) or an
 * expression index (`lower(email)`) does not count: plain equality is not what it makes unique.
 */
export function coveringKey(
  schema: Schema,
  table: string,
  columns: readonly string[],
  literals?: Readonly<Record<string, string | number | boolean>>,
): CoveringKey | null {
  return coveringKeys(schema, table, columns, literals)[0] ?? null;
}

/**
 * Every key `coveringKey` could answer, the primary key first. With `literals` (the values an INSERT
 * writes in place, by column), a partial unique index counts too when its `WHERE` holds for that row:
 * a conjunction of `column = <literal>` each matched by the value written (`WHERE status = 'pending'`
 * for an INSERT of `status: 'pending'`). Within the rows it covers, it refuses a second row as any key.
 */
export function coveringKeys(
  schema: Schema,
  table: string,
  columns: readonly string[],
  literals: Readonly<Record<string, string | number | boolean>> = {},
): CoveringKey[] {
  const found = findTable(schema, table);
  if (!found) return [];
  // A model field (`userId`) and a column (`user_id`) name one column: compare through columnName.
  const given = new Set(columns.map((c) => columnName(Object.hasOwn(found.fields, c) ? found.fields[c]! : c)));
  const covered = (cols: readonly string[]): boolean => cols.length > 0 && cols.every((c) => given.has(columnName(c)));
  const keys: CoveringKey[] = [];
  if (found.primaryKey && covered(found.primaryKey.columns))
    keys.push({ kind: 'primary key', name: found.primaryKey.name, columns: found.primaryKey.columns });
  const written = new Map(Object.entries(literals).map(([c, v]) => [columnName(Object.hasOwn(found.fields, c) ? found.fields[c]! : c), v]));
  for (const key of found.uniqueKeys)
    if ((key.where === null || holdsFor(key.where, written)) && !key.expression && covered(key.columns))
      keys.push({ kind: 'unique', name: key.name, columns: key.columns });
  return keys;
}

/** `(status = ('pending'))`, `active = true AND kind = 'a'`: every conjunct an equality the written values satisfy. */
function holdsFor(where: string, written: ReadonlyMap<string, string | number | boolean>): boolean {
  if (written.size === 0) return false;
  const conjuncts = where.split(/\s+and\s+/i);
  return conjuncts.every((conjunct) => {
    const m = /^"?(\w+)"?\s*=\s*(.+)$/.exec(conjunct.replace(/[()]/g, '').trim());
    if (!m) return false;
    const value = written.get(columnName(m[1]!));
    return value !== undefined && sqlLiteral(m[2]!.replace(/::[\w ]+$/, '').trim()) === value;
  });
}

/** `'pending'` -> pending, `42` -> 42, `true` -> true; anything else (a column, a call) -> undefined. */
function sqlLiteral(text: string): string | number | boolean | undefined {
  const quoted = /^'((?:[^']|'')*)'$/.exec(text);
  if (quoted) return quoted[1]!.replace(/''/g, "'");
  if (/^-?\d+(?:\.\d+)?$/.test(text)) return Number(text);
  if (/^(?:true|false)$/i.test(text)) return text.toLowerCase() === 'true';
  return undefined;
}

/** CHECK constraints that bound `table.column` (`stock >= 0`). */
export function checkBoundsOf(schema: Schema, table: string, columnName: string): CheckBound[] {
  const found = findTable(schema, table);
  if (!found) return [];
  const lower = columnName.toLowerCase();
  return found.checks.filter((c) => c.column.toLowerCase() === lower);
}

/** The lower bound a CHECK puts on a column (`stock >= 0` -> the bound `stock >= 0`), if any. */
export function lowerBound(schema: Schema, table: string, columnName: string): CheckBound | null {
  return checkBoundsOf(schema, table, columnName).find((c) => c.operator === '>=' || c.operator === '>') ?? null;
}

/** The table an ORM model is mapped onto (`User` -> `users`), or null when no declaration says. */
export function tableForModel(schema: Schema, model: string): string | null {
  if (Object.hasOwn(schema.models, model)) return schema.models[model] ?? null;
  const lower = model.toLowerCase();
  for (const [name, table] of Object.entries(schema.models)) if (name.toLowerCase() === lower) return table;
  return null;
}

/** The column an ORM field is stored in (`createdAt` -> `created_at`); the field's own name when not mapped. */
export function columnForField(schema: Schema, table: string, field: string): string {
  const found = findTable(schema, table);
  return found && Object.hasOwn(found.fields, field) ? found.fields[field]! : field;
}

/** Whether the schema knows anything about `table`. */
export function knowsTable(schema: Schema, table: string): boolean {
  return findTable(schema, table) !== null;
}

/** Whether the schema declares a primary or unique key for `table`, so the keys that identify a row are known. */
export function declaresKeys(schema: Schema, table: string): boolean {
  const found = findTable(schema, table);
  return found !== null && (found.primaryKey !== null || found.uniqueKeys.length > 0);
}
