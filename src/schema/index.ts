/**
 * The schema a project declares, read from its files (SQL DDL and migrations, `schema.prisma`, TypeORM
 * entities, Sequelize models, drizzle tables, knex / kysely / node-pg-migrate migrations), and the
 * questions checks and ORM adapters ask of it. See types.ts for its shape.
 */
export type { CheckBound, ColumnSchema, DatabaseEngine, Schema, SchemaOp, SchemaSource, TableSchema, UniqueKey } from './types.js';
export { buildSchema } from './build.js';
export { readSqlSchema } from './sql.js';
export { readPrismaSchema } from './prisma.js';
export { readCodeSchema } from './code.js';
export { loadSchema, readSchemaText } from './load.js';
export {
  checkBoundsOf,
  columnForField,
  columnKind,
  columnType,
  columnValues,
  coveringKey,
  coveringKeys,
  findTable,
  kindOfType,
  knowsTable,
  declaresKeys,
  lowerBound,
  tableDatabase,
  tableForModel,
  type ColumnKind,
  type CoveringKey,
} from './query.js';

import { emptySchema } from './build.js';
import type { Schema } from './types.js';

/** The schema when none is declared: every question gets "unknown". */
export const EMPTY_SCHEMA: Schema = Object.freeze(emptySchema()) as Schema;
