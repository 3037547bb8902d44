/**
 * The schema a project declares: tables, their columns and types, keys, CHECK constraints and version
 * columns, and the ORM names mapped onto them. It is read from files (SQL migrations, `schema.prisma`,
 * entity and model definitions, schema builders in migrations), never from a database.
 *
 * Every value is a plain JSON object, so a schema crosses worker threads and caches as it is. Names
 * follow the statement facts' convention (src/sql/facts.ts): lower-case and unqualified unless they
 * were quoted (`public.Orders` -> `orders`, `"Order"` -> `Order`).
 */

/** A UNIQUE constraint or unique index (the primary key is kept apart, in `primaryKey`). */
export interface UniqueKey {
  /** The constraint or index name, given or PostgreSQL's default (`users_email_key`); null if unknown. */
  name: string | null;
  columns: string[];
  /**
   * A partial index's WHERE (`deleted_at IS NULL`): it makes rows unique only among those it covers,
   * so it does not stop a plain duplicate.
   */
  where: string | null;
  /** Indexes an expression (`lower(email)`), not the plain columns: equality on the column is not covered. */
  expression: boolean;
}

/** One conjunct of a CHECK constraint that bounds a column: `stock >= 0` -> column stock, `>=`, `0`. */
export interface CheckBound {
  name: string | null;
  column: string;
  operator: '>' | '>=' | '<' | '<=' | '<>' | '=';
  bound: string;
  /** The conjunct as SQL text, for messages. */
  text: string;
}

export interface ColumnSchema {
  /** The declared type, lower-case, as written without its size (`integer`, `jsonb`, `text[]`, `varchar`). */
  type: string;
  /** The values an enum type allows (Prisma's `enum RunEngineVersion { V1 V2 }`), when the declaration lists them. */
  values?: string[];
}

/** A database engine a declaration names for its tables. */
export type DatabaseEngine = 'postgres' | 'mysql' | 'sqlite';

export interface TableSchema {
  name: string;
  /**
   * The databases the declarations place the table in: drizzle's `sqliteTable` / `pgTable` /
   * `mysqlTable`, the `provider` of a `schema.prisma` datasource. Usually one; empty when no declaration
   * says (SQL migrations, knex, TypeORM); two when a monorepo declares the same name for two databases.
   */
  databases: DatabaseEngine[];
  columns: Record<string, ColumnSchema>;
  primaryKey: { name: string | null; columns: string[] } | null;
  uniqueKeys: UniqueKey[];
  checks: CheckBound[];
  /** Columns an ORM bumps on every write (TypeORM `@VersionColumn`, Sequelize `version: true`). */
  versionColumns: string[];
  /** The ORM model mapped onto this table (`User` for `@@map("users")`), when one is declared. */
  model: string | null;
  /** ORM field name -> column name, where they differ (`createdAt` -> `created_at`). */
  fields: Record<string, string>;
  /**
   * Relation fields -> the model each loads (`subscriptions Subscription?` -> `Subscription`), when the
   * declaration lists them (`schema.prisma`); absent when it does not say.
   */
  relations?: Record<string, string>;
}

export interface Schema {
  tables: Record<string, TableSchema>;
  /** ORM model name -> table name. */
  models: Record<string, string>;
  /** The files the schema was read from, in the order they were applied. */
  sources: string[];
}

/**
 * One fact a source file states about the schema. A file's ops are memoized per content; the schema is
 * the ops of every file applied in order (migrations by name, then declarative models).
 */
export type SchemaOp =
  | { op: 'create-table'; table: string }
  | { op: 'drop-table'; table: string }
  | { op: 'rename-table'; table: string; to: string }
  | { op: 'column'; table: string; column: string; type: string; values?: string[] }
  | { op: 'drop-column'; table: string; column: string }
  | { op: 'rename-column'; table: string; column: string; to: string }
  | { op: 'primary-key'; table: string; name: string | null; columns: string[] }
  /**
   * `modelOnly`: stated by an ORM model whose keys reach the database only through the ORM's `sync()`
   * (Sequelize `define`/`init`), not by a migration or a declaration migrations are generated from.
   */
  | { op: 'unique'; table: string; key: UniqueKey; modelOnly?: true }
  | { op: 'check'; table: string; check: CheckBound }
  | { op: 'drop-constraint'; table: string | null; name: string }
  | { op: 'version'; table: string; column: string }
  | { op: 'model'; table: string; model: string }
  | { op: 'field'; table: string; field: string; column: string }
  | { op: 'relation'; table: string; field: string; model: string }
  | { op: 'database'; table: string; database: DatabaseEngine };

export type SchemaSourceKind = 'migration' | 'declaration';

/** What reading one file gave. */
export interface SchemaSource {
  file: string;
  /** Migrations are applied in order, before declarations (which describe the current state). */
  kind: SchemaSourceKind;
  ops: SchemaOp[];
}
