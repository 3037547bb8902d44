import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  buildSchema,
  columnForField,
  columnValues,
  columnKind,
  columnType,
  coveringKey,
  findTable,
  loadSchema,
  lowerBound,
  readCodeSchema,
  readPrismaSchema,
  readSchemaText,
  readSqlSchema,
  tableDatabase,
  tableForModel,
  type Schema,
  type SchemaSource,
} from '../../src/schema/index.js';
import { mayDeclareSchema } from '../../src/schema/code.js';
import { mayStateSchema } from '../../src/schema/sql.js';

const fromSql = (...migrations: string[]): Schema =>
  buildSchema(
    migrations.map((text, i): SchemaSource => ({
      file: `migrations/${String(i + 1).padStart(3, '0')}.sql`,
      kind: 'migration',
      ops: readSqlSchema(text),
    })),
  );
const fromCode = (text: string, file = 'src/entities.ts'): Schema =>
  buildSchema([{ file, kind: 'declaration', ops: readCodeSchema(text, file) }]);

describe('SQL DDL', () => {
  const schema = fromSql(`
    CREATE TABLE IF NOT EXISTS public.products (
      id serial PRIMARY KEY,
      sku text NOT NULL UNIQUE,
      stock integer NOT NULL CHECK (stock >= 0),
      price numeric(10, 2),
      data jsonb,
      tags text[],
      CONSTRAINT positive_price CHECK (0 < price AND price < 100000)
    );
    CREATE TABLE bookings (doctor text, starts_at timestamptz, patient text, PRIMARY KEY (doctor, starts_at, patient));
    ALTER TABLE bookings ADD CONSTRAINT one_per_slot UNIQUE (doctor, starts_at);
    CREATE UNIQUE INDEX users_email_lower ON users (lower(email));
    CREATE UNIQUE INDEX users_name_live ON users (name) WHERE deleted_at IS NULL;
    CREATE UNIQUE INDEX CONCURRENTLY users_handle ON users USING btree (handle);
  `);

  it('reads columns and types, keys and CHECK bounds', () => {
    expect(columnType(schema, 'products', 'stock')).toBe('integer');
    expect(columnKind(schema, 'products', 'price')).toBe('number');
    expect(columnKind(schema, 'products', 'data')).toBe('json');
    expect(columnKind(schema, 'products', 'tags')).toBe('array');
    expect(columnKind(schema, 'products', 'sku')).toBe('text');
    expect(columnKind(schema, 'products', 'missing')).toBeNull();
    expect(coveringKey(schema, 'products', ['id'])).toMatchObject({ kind: 'primary key', columns: ['id'] });
    expect(coveringKey(schema, 'products', ['sku', 'stock'])).toMatchObject({ kind: 'unique', columns: ['sku'], name: 'products_sku_key' });
    expect(coveringKey(schema, 'products', ['stock'])).toBeNull();
    expect(lowerBound(schema, 'products', 'stock')).toMatchObject({ operator: '>=', bound: '0', text: 'stock >= 0' });
    expect(lowerBound(schema, 'products', 'price')).toMatchObject({ operator: '>', bound: '0', name: 'positive_price' });
  });

  it('reads ALTER TABLE ADD CONSTRAINT and composite keys', () => {
    expect(coveringKey(schema, 'bookings', ['doctor', 'starts_at'])).toMatchObject({ kind: 'unique', name: 'one_per_slot' });
    expect(coveringKey(schema, 'bookings', ['doctor'])).toBeNull();
  });

  it('does not take a partial or an expression unique index to cover plain equality', () => {
    expect(coveringKey(schema, 'users', ['email'])).toBeNull();
    expect(coveringKey(schema, 'users', ['name'])).toBeNull();
    expect(coveringKey(schema, 'users', ['handle'])).toMatchObject({ name: 'users_handle' });
    const users = findTable(schema, 'users')!;
    expect(users.uniqueKeys.find((k) => k.name === 'users_name_live')?.where).toMatch(/deleted_at IS NULL/);
    expect(users.uniqueKeys.find((k) => k.name === 'users_email_lower')?.expression).toBe(true);
  });

  it('applies migrations in order: a later DROP, rename or type change wins', () => {
    const later = fromSql(
      'CREATE TABLE accounts (id int PRIMARY KEY, email text, balance int CHECK (balance >= 0)); ALTER TABLE accounts ADD CONSTRAINT accounts_email_key UNIQUE (email);',
      'ALTER TABLE accounts DROP CONSTRAINT accounts_email_key; ALTER TABLE accounts ALTER COLUMN balance TYPE numeric(12,2);',
      'ALTER TABLE accounts RENAME COLUMN balance TO funds; ALTER TABLE accounts RENAME TO wallets; CREATE TABLE gone (id int PRIMARY KEY); DROP TABLE gone;',
    );
    expect(coveringKey(later, 'wallets', ['email'])).toBeNull();
    expect(columnType(later, 'wallets', 'funds')).toBe('numeric');
    expect(lowerBound(later, 'wallets', 'funds')).toMatchObject({ column: 'funds' });
    expect(findTable(later, 'accounts')).toBeNull();
    expect(findTable(later, 'gone')).toBeNull();
  });

  it('orders migration files by their numeric prefix, and Prisma migration folders by name', () => {
    const sources: SchemaSource[] = [
      { file: 'db/migrations/10_drop.sql', kind: 'migration', ops: readSqlSchema('ALTER TABLE t DROP CONSTRAINT t_code_key') },
      { file: 'db/migrations/2_create.sql', kind: 'migration', ops: readSqlSchema('CREATE TABLE t (id int, code text UNIQUE)') },
    ];
    expect(coveringKey(buildSchema(sources), 't', ['code'])).toBeNull();
    expect(coveringKey(buildSchema(sources.slice(1)), 't', ['code'])).not.toBeNull();
    const prisma: SchemaSource[] = [
      { file: 'prisma/migrations/20240202000000_drop/migration.sql', kind: 'migration', ops: readSqlSchema('DROP INDEX "t_code_key"') },
      {
        file: 'prisma/migrations/20240101000000_init/migration.sql',
        kind: 'migration',
        ops: readSqlSchema('CREATE TABLE "t" ("code" TEXT); CREATE UNIQUE INDEX "t_code_key" ON "t"("code");'),
      },
    ];
    expect(coveringKey(buildSchema(prisma), 't', ['code'])).toBeNull();
  });

  it('reads MySQL DDL the parser refuses through the token reader', () => {
    const mysql = fromSql(
      'CREATE TABLE `orders` (`id` int NOT NULL AUTO_INCREMENT, `code` varchar(20) NOT NULL, `qty` int, PRIMARY KEY (`id`), UNIQUE KEY `orders_code` (`code`), CONSTRAINT `qty_nonneg` CHECK (`qty` >= 0)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;',
    );
    expect(coveringKey(mysql, 'orders', ['code'])).toMatchObject({ name: 'orders_code' });
    expect(coveringKey(mysql, 'orders', ['id'])).toMatchObject({ kind: 'primary key' });
    expect(columnKind(mysql, 'orders', 'code')).toBe('text');
    expect(lowerBound(mysql, 'orders', 'qty')).toMatchObject({ bound: '0' });
  });

  it('never throws on text that is not DDL', () => {
    expect(readSqlSchema('CREATE TABLE (((; ALTER TABLE; DROP; $$ unterminated')).toEqual(expect.any(Array));
    expect(readSqlSchema('SELECT 1; INSERT INTO t VALUES (1)')).toEqual([]);
  });
});

describe('schema.prisma', () => {
  const schema = buildSchema([
    {
      file: 'prisma/schema.prisma',
      kind: 'declaration',
      ops: readPrismaSchema(`
        // a comment with model Fake { id Int @id }
        model User {
          id        Int      @id @default(autoincrement())
          email     String   @unique
          orgId     Int      @map("org_id")
          handle    String
          settings  Json
          roles     String[]
          balance   Decimal  @db.Decimal(10, 2)
          posts     Post[]
          @@unique([orgId, handle])
          @@map("users")
        }
        model Post {
          id       String @id
          author   User   @relation(fields: [authorId], references: [id])
          authorId Int
        }
        model Membership {
          userId Int
          teamId Int
          role   Role
          @@id([userId, teamId])
        }
        enum Role { ADMIN MEMBER }
      `),
    },
  ]);

  it('reads the values an enum field allows', () => {
    expect(columnValues(schema, 'Membership', 'role')).toEqual(['ADMIN', 'MEMBER']);
    expect(columnValues(schema, 'Membership', 'userId')).toBeNull();
  });

  it('maps models to tables and fields to columns', () => {
    expect(tableForModel(schema, 'User')).toBe('users');
    expect(tableForModel(schema, 'Post')).toBe('Post');
    expect(columnForField(schema, 'users', 'orgId')).toBe('org_id');
    expect(findTable(schema, 'Fake')).toBeNull();
    expect(findTable(schema, 'Post')!.columns['author']).toBeUndefined();
  });

  it('keeps relation fields as the model each loads, not as columns', () => {
    expect(findTable(schema, 'users')!.relations).toEqual({ posts: 'Post' });
    expect(findTable(schema, 'Post')!.relations).toEqual({ author: 'User' });
    expect(findTable(schema, 'Membership')!.relations).toBeUndefined();
  });

  it('reads @id, @unique, @@unique, @@id and field types', () => {
    expect(coveringKey(schema, 'users', ['email'])).toMatchObject({ kind: 'unique' });
    expect(coveringKey(schema, 'users', ['org_id', 'handle'])).toMatchObject({ columns: ['org_id', 'handle'] });
    expect(coveringKey(schema, 'users', ['orgId', 'handle'])).not.toBeNull();
    expect(coveringKey(schema, 'Membership', ['userId', 'teamId'])).toMatchObject({ kind: 'primary key' });
    expect(columnKind(schema, 'users', 'settings')).toBe('json');
    expect(columnKind(schema, 'users', 'roles')).toBe('array');
    expect(columnKind(schema, 'users', 'balance')).toBe('number');
    expect(columnKind(schema, 'Membership', 'role')).toBe('text');
  });

  it("takes the datasource's provider as every model's database", () => {
    const declared = (text: string) => buildSchema([{ file: 'prisma/schema.prisma', kind: 'declaration', ops: readPrismaSchema(text) }]);
    const model = 'model Product {\n  id Int @id\n}\n';
    expect(tableDatabase(declared(`datasource db {\n  provider = "sqlite"\n  url = "file:dev.db"\n}\n${model}`), 'Product')).toBe('sqlite');
    expect(tableDatabase(declared(`datasource db {\n  provider = "postgresql"\n}\n${model}`), 'Product')).toBe('postgres');
    expect(tableDatabase(declared(`datasource db {\n  provider = "sqlserver"\n}\n${model}`), 'Product')).toBeNull();
    expect(tableDatabase(declared(model), 'Product')).toBeNull();
    expect(tableDatabase(schema, 'users')).toBeNull();
  });
});

describe('several models on one table', () => {
  const declared = buildSchema([
    {
      file: 'migrations/001.ts',
      kind: 'migration',
      ops: readCodeSchema(
        `Document.init({ id: { type: DataTypes.UUID, primaryKey: true } }, { sequelize, tableName: 'documents' });
         Template.init({ id: { type: DataTypes.UUID, primaryKey: true } }, { sequelize, tableName: 'documents' });`,
        'src/models.ts',
      ),
    },
    { file: 'migrations/002.sql', kind: 'migration', ops: readSqlSchema('ALTER TABLE documents RENAME TO pages') },
  ]);

  it('finds the table by each model, also after the table is renamed', () => {
    expect(findTable(declared, 'Document')?.name).toBe('pages');
    expect(findTable(declared, 'Template')?.name).toBe('pages');
    expect(tableForModel(declared, 'Document')).toBe('pages');
  });
});

describe('schema in code', () => {
  it('reads TypeORM entities', () => {
    const schema = fromCode(`
      @Entity('accounts')
      @Unique(['tenantId', 'slug'])
      @Index(['tenantId', 'email'], { unique: true, where: '"deletedAt" IS NULL' })
      export class Account {
        @PrimaryGeneratedColumn('uuid') id: string;
        @Column({ unique: true }) email: string;
        @Column({ name: 'tenant_id' }) tenantId: string;
        @Column() slug: string;
        @Column('jsonb') meta: object;
        @Column({ type: 'int' }) credits: number;
        @Column() @Index({ unique: true }) handle: string;
        @VersionColumn() version: number;
      }
      @Entity()
      export class UserProfile { @PrimaryColumn() userId: number; @PrimaryColumn() kind: string; }
    `);
    expect(tableForModel(schema, 'Account')).toBe('accounts');
    expect(coveringKey(schema, 'accounts', ['id'])).toMatchObject({ kind: 'primary key' });
    expect(coveringKey(schema, 'accounts', ['email'])).not.toBeNull();
    expect(coveringKey(schema, 'accounts', ['handle'])).not.toBeNull();
    expect(coveringKey(schema, 'accounts', ['tenant_id', 'slug'])).not.toBeNull();
    expect(coveringKey(schema, 'accounts', ['tenant_id', 'email'])?.columns).not.toEqual(['tenant_id', 'email']);
    expect(columnKind(schema, 'accounts', 'meta')).toBe('json');
    expect(columnKind(schema, 'accounts', 'credits')).toBe('number');
    expect(findTable(schema, 'accounts')!.versionColumns).toEqual(['version']);
    expect(coveringKey(schema, 'user_profile', ['userId', 'kind'])).toMatchObject({ columns: ['userId', 'kind'] });
  });

  it('reads Sequelize define and init', () => {
    const schema = fromCode(`
      const Seat = sequelize.define('Seat', {
        id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
        code: { type: DataTypes.STRING, unique: true },
        row: { type: DataTypes.STRING, unique: 'row_number' },
        number: { type: DataTypes.INTEGER, unique: 'row_number' },
        extra: DataTypes.JSONB,
      }, { tableName: 'seats', version: true });
      class Wallet extends Model {}
      Wallet.init({ ownerId: { type: DataTypes.UUID, field: 'owner_id', unique: true }, cents: DataTypes.BIGINT },
        { sequelize, tableName: 'wallets', indexes: [{ unique: true, fields: ['cents'], where: { cents: { [Op.gt]: 0 } } }] });
    `);
    expect(coveringKey(schema, 'seats', ['code'])).not.toBeNull();
    expect(coveringKey(schema, 'seats', ['row', 'number'])).toMatchObject({ name: 'row_number' });
    expect(columnKind(schema, 'seats', 'extra')).toBe('json');
    expect(findTable(schema, 'seats')!.versionColumns).toEqual(['version']);
    expect(tableForModel(schema, 'Wallet')).toBe('wallets');
    expect(coveringKey(schema, 'wallets', ['owner_id'])).not.toBeNull();
    expect(coveringKey(schema, 'wallets', ['cents'])).toBeNull();
    expect(columnKind(schema, 'wallets', 'cents')).toBe('number');
  });

  it('reads drizzle tables', () => {
    const schema = fromCode(`
      export const users = pgTable('users', {
        id: serial('id').primaryKey(),
        email: text('email').notNull().unique(),
        orgId: integer('org_id').notNull(),
        name: varchar('name', { length: 50 }),
        prefs: jsonb('prefs'),
        tags: text('tags').array(),
      }, (t) => [uniqueIndex('users_org_name').on(t.orgId, t.name), uniqueIndex('users_email_lower').on(sql\`lower(\${t.email})\`), uniqueIndex('live').on(t.name).where(sql\`deleted_at is null\`)]);
    `);
    expect(coveringKey(schema, 'users', ['id'])).toMatchObject({ kind: 'primary key' });
    expect(coveringKey(schema, 'users', ['email'])).not.toBeNull();
    expect(coveringKey(schema, 'users', ['org_id', 'name'])).toMatchObject({ name: 'users_org_name' });
    expect(coveringKey(schema, 'users', ['name'])).toBeNull();
    expect(columnKind(schema, 'users', 'prefs')).toBe('json');
    expect(columnKind(schema, 'users', 'tags')).toBe('array');
    expect(columnForField(schema, 'users', 'orgId')).toBe('org_id');
  });

  it('reads the database a drizzle table is declared for, and none when two declarations disagree', () => {
    const schema = fromCode(`
      export const pages = sqliteTable('pages', { id: integer('id').primaryKey() });
      export const usersToWorkspaces = sqliteTable('users_to_workspaces', { userId: integer('user_id') });
      export const users = pgTable('users', { id: serial('id').primaryKey() });
      export const orders = mysqlTable('orders', { id: int('id').primaryKey() });
      export const events = pgSchema('audit').table('events', { id: serial('id').primaryKey() });
      export const blobs = sqliteTable('blobs', { cid: text('cid').primaryKey() });
      export const blobsMirror = pgTable('blobs', { cid: text('cid').primaryKey() });
    `);
    expect(tableDatabase(schema, 'pages')).toBe('sqlite');
    // The query builder names an imported table by its variable.
    expect(tableDatabase(schema, 'usersToWorkspaces')).toBe('sqlite');
    expect(tableForModel(schema, 'usersToWorkspaces')).toBe('users_to_workspaces');
    expect(tableDatabase(schema, 'users')).toBe('postgres');
    expect(tableDatabase(schema, 'orders')).toBe('mysql');
    expect(tableDatabase(schema, 'events')).toBeNull();
    expect(tableDatabase(schema, 'blobs')).toBeNull();
    expect(tableDatabase(schema, 'nowhere')).toBeNull();
  });

  it('reads knex migrations, up only', () => {
    const schema = fromCode(
      `
      exports.up = async function (knex) {
        await knex.schema.createTable('seats', (table) => {
          table.increments('id');
          table.string('code').notNullable().unique();
          table.integer('row');
          table.integer('number');
          table.unique(['row', 'number']);
          table.jsonb('meta');
        });
      };
      exports.down = (knex) => knex.schema.dropTable('seats');
    `,
      'migrations/20240101_seats.js',
    );
    expect(coveringKey(schema, 'seats', ['id'])).toMatchObject({ kind: 'primary key' });
    expect(coveringKey(schema, 'seats', ['code'])).toMatchObject({ name: 'seats_code_unique' });
    expect(coveringKey(schema, 'seats', ['row', 'number'])).not.toBeNull();
    expect(columnKind(schema, 'seats', 'meta')).toBe('json');
  });

  it('reads every table of a chained knex schema builder, in the order the chain runs', () => {
    const schema = fromCode(
      `
      exports.up = (knex) => {
        return knex.schema
          .createTable('analytics', (table) => {
            table.string('key').notNullable().primary();
          })
          .createTable('locales', (table) => {
            if (compat.charset) { table.charset('utf8mb4'); }
            table.string('code', 5).notNullable().primary();
            table.json('strings');
          })
          .dropTable('drafts')
          .createTable('drafts', (table) => {
            table.string('slug').unique();
          })
          .then(() => knex('settings').insert({ key: 'a' }));
      };
    `,
      'migrations/2.0.0.js',
    );
    expect(coveringKey(schema, 'analytics', ['key'])).toMatchObject({ kind: 'primary key' });
    expect(coveringKey(schema, 'locales', ['code'])).toMatchObject({ kind: 'primary key' });
    expect(columnKind(schema, 'locales', 'strings')).toBe('json');
    expect(coveringKey(schema, 'drafts', ['slug'])).not.toBeNull();
  });

  it("reads knex's unnamed increments() as the id primary key, and none with primaryKey: false", () => {
    const schema = fromCode(
      `
      exports.up = async function (knex) {
        await knex.schema.createTable('pagesVector', (table) => {
          table.increments();
          table.string('path');
          table.string('locale');
        });
        await knex.schema.createTable('tallies', (table) => {
          table.increments('n', { primaryKey: false });
          table.string('name');
        });
      };
    `,
      'migrations/20240102_search.js',
    );
    expect(coveringKey(schema, 'pagesVector', ['id'])).toMatchObject({ kind: 'primary key', columns: ['id'] });
    expect(coveringKey(schema, 'pagesVector', ['locale', 'path'])).toBeNull();
    expect(coveringKey(schema, 'tallies', ['n'])).toBeNull();
  });

  it('reads kysely migrations', () => {
    const schema = fromCode(`
      export async function up(db: Kysely<any>): Promise<void> {
        await db.schema.createTable('stock').addColumn('id', 'serial', (col) => col.primaryKey())
          .addColumn('sku', 'varchar', (col) => col.notNull().unique())
          .addColumn('qty', 'integer').addCheckConstraint('qty_nonneg', sql\`qty >= 0\`).execute();
        await db.schema.createIndex('stock_sku_live').unique().on('stock').column('sku').where('deleted', '=', false).execute();
      }
      export async function down(db: Kysely<any>): Promise<void> { await db.schema.dropTable('stock').execute(); }
    `);
    expect(coveringKey(schema, 'stock', ['id'])).toMatchObject({ kind: 'primary key' });
    expect(coveringKey(schema, 'stock', ['sku'])).not.toBeNull();
    expect(lowerBound(schema, 'stock', 'qty')).toMatchObject({ bound: '0' });
    expect(columnKind(schema, 'stock', 'qty')).toBe('number');
  });

  it('reads node-pg-migrate migrations', () => {
    const schema = fromCode(`
      exports.up = (pgm) => {
        pgm.createTable('wallets', { id: 'id', owner: { type: 'uuid', notNull: true, unique: true }, cents: { type: 'bigint', check: 'cents >= 0' } });
        pgm.addConstraint('wallets', 'wallets_pair', { unique: ['owner', 'cents'] });
        pgm.createIndex('wallets', 'lower(owner)', { unique: true });
      };
    `);
    expect(coveringKey(schema, 'wallets', ['id'])).toMatchObject({ kind: 'primary key' });
    expect(coveringKey(schema, 'wallets', ['owner'])).not.toBeNull();
    expect(lowerBound(schema, 'wallets', 'cents')).toMatchObject({ bound: '0' });
  });

  it('reads db-migrate migrations: column specs, unique indexes, added columns, and not what down undoes', () => {
    const text = `
      'use strict';
      exports.up = function (db, cb) {
        db.createTable('members', {
          id: { type: 'serial', primaryKey: true, notNull: true, autoIncrement: true },
          username: { type: 'string', length: 255, unique: true },
          email: { type: 'string', length: 255 },
          seats: 'int',
        }, cb);
        db.addIndex('members', 'members_email_idx', ['email'], true, cb);
        db.addColumn('members', 'handle', { type: 'string', unique: true }, cb);
      };
      exports.down = function (db, cb) {
        return db.dropTable('members', cb);
      };
    `;
    expect(mayDeclareSchema(text)).toBe(true);
    const schema = fromCode(text);
    expect(coveringKey(schema, 'members', ['id'])).toMatchObject({ kind: 'primary key' });
    expect(coveringKey(schema, 'members', ['username'])).toMatchObject({ kind: 'unique' });
    expect(coveringKey(schema, 'members', ['email'])).toMatchObject({ name: 'members_email_idx' });
    expect(coveringKey(schema, 'members', ['handle'])).not.toBeNull();
    expect(coveringKey(schema, 'members', ['seats'])).toBeNull();
    expect(columnKind(schema, 'members', 'seats')).toBe('number');
  });

  it('reads Sequelize migrations in order: column specs, unique indexes and constraints, an index removed by its fields', () => {
    const migration = (n: number, text: string): SchemaSource => ({
      file: `server/migrations/2026010${n}-step.js`,
      kind: 'migration',
      ops: readCodeSchema(text, `server/migrations/2026010${n}-step.js`),
    });
    const create = `module.exports = {
      async up(queryInterface, Sequelize) {
        await queryInterface.createTable('subscriptions', {
          id: { type: Sequelize.UUID, primaryKey: true },
          shareId: { type: Sequelize.UUID, allowNull: false },
          email: { type: Sequelize.STRING(255), unique: true },
          fingerprint: Sequelize.STRING,
        });
        await queryInterface.addIndex('subscriptions', ['shareId', 'fingerprint'], { unique: true });
        await queryInterface.addIndex('subscriptions', ['shareId']);
      },
      async down(queryInterface) {
        await queryInterface.dropTable('subscriptions');
      },
    };`;
    const rescope = `module.exports = {
      async up(queryInterface, Sequelize) {
        return queryInterface.sequelize.transaction(async (transaction) => {
          await queryInterface.addColumn('subscriptions', 'documentId', { type: Sequelize.UUID, allowNull: false }, { transaction });
          await queryInterface.removeIndex('subscriptions', ['shareId', 'fingerprint'], { transaction });
          await queryInterface.addIndex('subscriptions', ['shareId', 'documentId', 'fingerprint'], { unique: true, transaction });
          await queryInterface.addConstraint('subscriptions', { type: 'unique', fields: ['secret'], name: 'subscriptions_secret_uk' });
          await queryInterface.addIndex('subscriptions', { fields: ['ipAddress'], unique: true, where: { ipAddress: { [Sequelize.Op.ne]: null } } });
        });
      },
      async down(queryInterface) {
        await queryInterface.removeIndex('subscriptions', ['shareId', 'documentId', 'fingerprint']);
      },
    };`;
    expect(mayDeclareSchema(create) && mayDeclareSchema(rescope)).toBe(true);
    const schema = buildSchema([migration(1, create), migration(2, rescope)]);
    expect(coveringKey(schema, 'subscriptions', ['id'])).toMatchObject({ kind: 'primary key' });
    expect(coveringKey(schema, 'subscriptions', ['email'])).not.toBeNull();
    expect(coveringKey(schema, 'subscriptions', ['shareId', 'fingerprint'])).toBeNull();
    expect(coveringKey(schema, 'subscriptions', ['shareId', 'documentId', 'fingerprint'])).not.toBeNull();
    expect(coveringKey(schema, 'subscriptions', ['shareId'])).toBeNull();
    expect(coveringKey(schema, 'subscriptions', ['secret'])).toMatchObject({ name: 'subscriptions_secret_uk' });
    expect(coveringKey(schema, 'subscriptions', ['ipAddress'])).toBeNull();
    expect(columnKind(schema, 'subscriptions', 'documentId')).not.toBeNull();
  });

  it("reads Sequelize 3's addIndex options (indicesType: 'UNIQUE', indexName)", () => {
    const text = `module.exports = {
      up: function (queryInterface) {
        return queryInterface.addIndex('Groups', ['slug'], { indexName: 'UniqueSlugIndex', indicesType: 'UNIQUE' });
      },
      down: function (queryInterface) {
        return queryInterface.removeIndex('Groups', 'UniqueSlugIndex');
      },
    };`;
    expect(mayDeclareSchema(text)).toBe(true);
    const schema = buildSchema([{ file: 'migrations/20160519-slug.js', kind: 'migration', ops: readCodeSchema(text, 'm.js') }]);
    expect(coveringKey(schema, 'Groups', ['slug'])).toMatchObject({ name: 'UniqueSlugIndex' });
  });

  it("keeps a Sequelize model's unique keys only where no migration read here creates its table", () => {
    const createTable = (table: string): SchemaSource => ({
      file: `migrations/2019-create-${table}.js`,
      kind: 'migration',
      ops: readCodeSchema(
        `module.exports = { up: async (queryInterface, Sequelize) => { await queryInterface.createTable('${table}', { id: { type: Sequelize.INTEGER, primaryKey: true }, year: Sequelize.INTEGER, CollectiveId: Sequelize.INTEGER }); }, down: async (queryInterface) => { await queryInterface.dropTable('${table}'); } };`,
        `migrations/2019-create-${table}.js`,
      ),
    });
    const alterOnly: SchemaSource = {
      file: 'migrations/2020-alter.js',
      kind: 'migration',
      ops: readCodeSchema(
        `module.exports = { up: async (queryInterface, Sequelize) => { await queryInterface.addColumn('Collectives', 'slug', { type: Sequelize.STRING, unique: true }); await queryInterface.addColumn('Collectives', 'name', { type: Sequelize.STRING }); await queryInterface.removeColumn('Collectives', 'legacy'); }, down: async () => {} };`,
        'migrations/2020-alter.js',
      ),
    };
    const model = (name: string, table: string): SchemaSource => ({
      file: `server/models/${name}.js`,
      kind: 'declaration',
      ops: readCodeSchema(
        `${name}.init({ id: { type: DataTypes.INTEGER, primaryKey: true }, year: { type: DataTypes.INTEGER, unique: 'yearCollective' }, CollectiveId: { type: DataTypes.INTEGER, unique: 'yearCollective' }, name: { type: DataTypes.STRING, unique: true } }, { sequelize, tableName: '${table}' });`,
        `server/models/${name}.js`,
      ),
    });
    const schema = buildSchema([
      createTable('LegalDocuments'),
      alterOnly,
      model('LegalDocument', 'LegalDocuments'),
      model('Collective', 'Collectives'),
    ]);
    // The migrations create LegalDocuments without the key: only sync() would add it.
    expect(coveringKey(schema, 'LegalDocuments', ['year', 'CollectiveId'])).toBeNull();
    expect(coveringKey(schema, 'LegalDocuments', ['id'])).toMatchObject({ kind: 'primary key' });
    // No migration read here creates Collectives (a rename through a variable, a dump): the model says.
    expect(coveringKey(schema, 'Collectives', ['name'])).not.toBeNull();
    expect(coveringKey(schema, 'Collectives', ['slug'])).not.toBeNull();
    // Without migrations, the model's keys are all there is.
    const alone = buildSchema([model('LegalDocument', 'LegalDocuments')]);
    expect(coveringKey(alone, 'LegalDocuments', ['year', 'CollectiveId'])).not.toBeNull();
  });

  it('reads raw DDL a TypeORM migration sends in up, not what down undoes', () => {
    const schema = fromCode(`
      export class AddSeats1700000000000 implements MigrationInterface {
        public async up(queryRunner: QueryRunner): Promise<void> {
          await queryRunner.query(\`CREATE TABLE "seats" ("id" uuid NOT NULL, "code" character varying NOT NULL, CONSTRAINT "PK_seats" PRIMARY KEY ("id"))\`);
          await queryRunner.query(\`CREATE UNIQUE INDEX "IDX_code" ON "seats" ("code") \`);
        }
        public async down(queryRunner: QueryRunner): Promise<void> {
          await queryRunner.query(\`DROP INDEX "IDX_code"\`);
          await queryRunner.query(\`DROP TABLE "seats"\`);
        }
      }
    `);
    expect(coveringKey(schema, 'seats', ['code'])).toMatchObject({ name: 'IDX_code' });
    expect(columnKind(schema, 'seats', 'code')).toBe('text');
  });

  it('reads raw DDL that follows a comment or another statement in the same string', () => {
    const schema = fromCode(`
      exports.up = function (db, cb) {
        db.runSql(\`
-- rounds a date down to its bucket
CREATE OR REPLACE FUNCTION floor_bucket(at timestamptz) RETURNS timestamptz AS $BODY$
SELECT date_trunc('hour', $1);
$BODY$ LANGUAGE SQL STABLE;

CREATE TABLE IF NOT EXISTS buckets (name TEXT NOT NULL, bucket TIMESTAMPTZ NOT NULL, PRIMARY KEY (name, bucket));
/* looked up by stage */ CREATE UNIQUE INDEX buckets_stage ON buckets (stage_key);
\`, cb);
        db.runSql(\`SELECT 'no create table here; drop it' AS note\`, cb);
        db.runSql(\`SELECT * FROM buckets WHERE name = '1'; DROP TABLE buckets; --\`, cb);
      };
    `);
    expect(coveringKey(schema, 'buckets', ['name', 'bucket'])).toMatchObject({ kind: 'primary key' });
    expect(coveringKey(schema, 'buckets', ['stage_key'])).toMatchObject({ name: 'buckets_stage' });
    expect(coveringKey(schema, 'buckets', ['name'])).toBeNull();
  });

  it('reads the PostgreSQL variant of a migration written per database, and not the helpers its down calls', () => {
    const schema = fromCode(`
      export class AddSeats1700000000000 implements MigrationInterface {
        public async up(queryRunner: QueryRunner): Promise<void> {
          if (queryRunner.connection.options.type === 'sqlite') await this.sqliteUpQueryRunner(queryRunner);
          else await this.postgresUpQueryRunner(queryRunner);
        }
        public async down(queryRunner: QueryRunner): Promise<void> {
          await this.postgresDownQueryRunner(queryRunner);
        }
        public async postgresUpQueryRunner(queryRunner: QueryRunner): Promise<any> {
          await queryRunner.query(\`CREATE TABLE "seats" ("id" uuid NOT NULL, "code" character varying NOT NULL, "row" integer NOT NULL, CONSTRAINT "PK_seats" PRIMARY KEY ("id"))\`);
          await queryRunner.query(\`CREATE UNIQUE INDEX "IDX_code" ON "seats" ("code") \`);
        }
        public async postgresDownQueryRunner(queryRunner: QueryRunner): Promise<any> {
          await queryRunner.query(\`DROP INDEX "IDX_code"\`);
          await queryRunner.query(\`DROP TABLE "seats"\`);
        }
        public async sqliteUpQueryRunner(queryRunner: QueryRunner): Promise<any> {
          await queryRunner.query(\`CREATE TABLE "seats" ("id" varchar PRIMARY KEY NOT NULL, "code" varchar NOT NULL, "row" integer NOT NULL)\`);
          await queryRunner.query(\`CREATE UNIQUE INDEX "IDX_row" ON "seats" ("row") \`);
        }
      }
    `);
    expect(coveringKey(schema, 'seats', ['code'])).toMatchObject({ name: 'IDX_code' });
    expect(coveringKey(schema, 'seats', ['row'])).toBeNull();
    // Named for down, but not a down: kept.
    expect(
      readCodeSchema(
        'export async function countdown(knex) { await knex.schema.createTable("ticks", (t) => { t.increments("id"); }); }',
        'm.js',
      ),
    ).not.toEqual([]);
  });

  it('returns nothing for code it cannot parse', () => {
    expect(readCodeSchema('@Entity( class {{{', 'broken.ts')).toEqual([]);
  });
});

describe('which code files are parsed for schema', () => {
  it('skips a Sequelize migration that neither states a key nor takes one away', () => {
    const migration = `module.exports = {
      up: async (queryInterface, Sequelize) => {
        await queryInterface.addColumn('Users', 'plan', { type: Sequelize.STRING });
        await queryInterface.addIndex('Users', ['plan']);
      },
    };`;
    expect(mayDeclareSchema(migration)).toBe(false);
    expect(readCodeSchema(migration, 'migrations/001-tokens.js')).toEqual([]);
  });

  it('parses every file whose words the reader may take something from', () => {
    for (const text of [
      "exports.up = (pgm) => { pgm.addColumn('users', { plan: 'text' }); };",
      "export async function up(knex) { await knex.schema.createTable('t', (t) => t.increments()); }",
      "await db.schema.createTable('t').addColumn('id', 'integer').execute();",
      "sequelize.define('User', { email: { type: DataTypes.STRING, unique: true } });",
      'User.init({ email: DataTypes.STRING }, { sequelize });',
      '@Entity() export class Seat { @PrimaryColumn() id: number; }',
      "@Table({ tableName: 'seats' }) export class Seat extends Model { @Unique @Column(DataType.STRING) code: string; }",
      "export const seats = pgTable('seats', { id: serial('id') });",
      "await queryInterface.sequelize.query('CREATE UNIQUE INDEX seats_code ON seats (code)');",
      "await queryInterface.addColumn('seats', 'code', {}); await q.query(`ALTER\\nTABLE seats ADD UNIQUE (code)`);",
    ]) {
      expect(mayDeclareSchema(text), text).toBe(true);
    }
  });
});

describe('which SQL statements are parsed for schema', () => {
  it('parses the statements that state tables, columns and keys, and no others', () => {
    for (const sql of [
      'CREATE TABLE t (id int)',
      'create unlogged table t (id int)',
      'CREATE GLOBAL TEMPORARY TABLE t (id int)',
      'CREATE UNIQUE INDEX i ON t (a)',
      'ALTER TABLE t ADD COLUMN a int',
      'DROP TABLE t',
      'drop index i',
    ])
      expect(mayStateSchema(sql), sql).toBe(true);
    for (const sql of [
      'CREATE INDEX i ON t (a)',
      'CREATE OR REPLACE FUNCTION f() RETURNS trigger AS $$ BEGIN RETURN NEW; END $$ LANGUAGE plpgsql',
      'CREATE TRIGGER tr BEFORE UPDATE ON t FOR EACH ROW EXECUTE FUNCTION f()',
      'CREATE POLICY p ON t USING (true)',
      "ALTER TYPE e ADD VALUE 'x'",
      'DROP FUNCTION f',
    ])
      expect(mayStateSchema(sql), sql).toBe(false);
  });

  it('still reads what a migration states among functions and triggers', () => {
    const ops = readSqlSchema(`
      CREATE OR REPLACE FUNCTION touch() RETURNS trigger AS $$ BEGIN NEW.at = now(); RETURN NEW; END $$ LANGUAGE plpgsql;
      CREATE TABLE seats (id int PRIMARY KEY, code text);
      CREATE INDEX seats_at ON seats (code);
      CREATE /* keyed */ UNIQUE
        INDEX seats_code ON seats (code);
    `);
    expect(ops.map((o) => o.op)).toEqual(['create-table', 'column', 'primary-key', 'column', 'unique']);
  });
});

describe('loadSchema', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'sql-race-schema-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('discovers schema files in a tree, skips dependencies, and applies migrations before declarations', () => {
    mkdirSync(path.join(root, 'db/migrations'), { recursive: true });
    mkdirSync(path.join(root, 'node_modules/pkg'), { recursive: true });
    mkdirSync(path.join(root, 'prisma'), { recursive: true });
    writeFileSync(path.join(root, 'db/migrations/001_init.sql'), 'CREATE TABLE items (id int PRIMARY KEY, code text UNIQUE);');
    writeFileSync(path.join(root, 'db/migrations/002_drop.sql'), 'ALTER TABLE items DROP CONSTRAINT items_code_key;');
    writeFileSync(path.join(root, 'node_modules/pkg/schema.sql'), 'CREATE TABLE dependency_table (id int PRIMARY KEY);');
    writeFileSync(path.join(root, 'prisma/schema.prisma'), 'model Order { id Int @id\n ref String @unique\n @@map("orders") }');
    writeFileSync(path.join(root, 'app.ts'), 'export const x = 1;');
    const schema = loadSchema({ discover: [root] });
    expect(coveringKey(schema, 'items', ['code'])).toBeNull();
    expect(coveringKey(schema, 'orders', ['ref'])).not.toBeNull();
    expect(findTable(schema, 'dependency_table')).toBeNull();
    expect(schema.sources.map((f) => path.relative(root, f))).toEqual([
      'db/migrations/001_init.sql',
      'db/migrations/002_drop.sql',
      'prisma/schema.prisma',
    ]);
  });

  it("gives a Prisma schema folder's models the provider of the datasource another file of the folder declares", () => {
    mkdirSync(path.join(root, 'split/schema/billing'), { recursive: true });
    mkdirSync(path.join(root, 'other'), { recursive: true });
    writeFileSync(path.join(root, 'split/schema/schema.prisma'), 'datasource db {\n provider = "mysql"\n url = env("DB")\n}');
    writeFileSync(path.join(root, 'split/schema/billing/invoice.prisma'), 'model Invoice { id String @id\n number String @unique }');
    writeFileSync(path.join(root, 'other/audit.prisma'), 'model AuditEntry { id String @id }');
    const schema = loadSchema({ paths: [path.join(root, 'split'), path.join(root, 'other')] });
    expect(tableDatabase(schema, 'Invoice')).toBe('mysql');
    expect(tableDatabase(schema, 'AuditEntry')).toBeNull();
  });

  it('reads a field typed with a model or an enum of another file of a Prisma schema folder as a relation or a column', () => {
    mkdirSync(path.join(root, 'folder/schema'), { recursive: true });
    writeFileSync(
      path.join(root, 'folder/schema/schema.prisma'),
      'datasource db {\n provider = "postgresql"\n url = env("DB")\n}\nmodel User {\n id String @id\n projects ProjectUser[]\n plan Plan\n}',
    );
    writeFileSync(
      path.join(root, 'folder/schema/project.prisma'),
      'model ProjectUser {\n id String @id\n user User @relation(fields: [userId], references: [id])\n userId String\n}\nenum Plan {\n free\n pro\n}',
    );
    const schema = loadSchema({ paths: [path.join(root, 'folder')] });
    expect(findTable(schema, 'User')?.relations).toEqual({ projects: 'ProjectUser' });
    expect(findTable(schema, 'User')?.columns['plan']?.values).toEqual(['free', 'pro']);
    expect(findTable(schema, 'ProjectUser')?.relations).toEqual({ user: 'User' });
  });

  it('takes the ops of a file its caller already read instead of reading it again', () => {
    const file = path.join(root, 'db/migrations/001_init.sql');
    const told = readSchemaText('CREATE TABLE told (id int PRIMARY KEY);', file);
    const schema = loadSchema({ discover: [root] }, new Map([[file, told]]));
    expect(findTable(schema, 'told')).not.toBeNull();
    expect(findTable(schema, 'items')).toBeNull(); // what the file on disk creates was not read
    expect(findTable(schema, 'orders')).not.toBeNull();
  });

  it('reads a path given explicitly and ignores one that does not exist', () => {
    const schema = loadSchema({ paths: [path.join(root, 'prisma/schema.prisma'), path.join(root, 'missing.sql')] });
    expect(Object.keys(schema.tables)).toEqual(['orders']);
  });
});
