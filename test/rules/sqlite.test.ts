/**
 * SQLite, as the declared schema tells it (drizzle's `sqliteTable`, a Prisma datasource with
 * `provider = "sqlite"`) or the code that makes the database object (kysely's `SqliteDialect`): one writer at a time, so a read and a write in one transaction cannot
 * interleave with another writer (the stale one fails with SQLITE_BUSY). Two statements outside a
 * transaction still race, and the same code on PostgreSQL tables is reported as before.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { analyzeText } from '../../src/analyze.js';
import { loadSchema } from '../../src/schema/index.js';
import checkThenAct from '../../rules/no-check-then-act.js';
import lostUpdate from '../../rules/no-lost-update.js';
import { ruleTester } from '../helpers/rule-tester.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const withSchema = (file: string) => ({ 'sql-race': { schema: [path.join(here, 'schema', file)], schemaDiscovery: false } });
const sqlite = withSchema('sqlite-tables.ts');
const postgres = withSchema('pg-tables.ts');

// The database object comes from the project's own module: its driver is not in sight, the tables' declarations are.
const db = `
import { and, eq, sql } from 'drizzle-orm';
import { db } from './db';
import { members, pages, products } from './schema';
`;

/**
 * A member removed by a caller whose membership is active: the caller's status is read and tested, then
 * the member deleted. (A test of the caller's role alone is who may act, which no-check-then-act leaves.)
 */
const removeMember = (body: (statements: string) => string) => `${db}
export async function removeMember(workspaceId: number, callerId: number, userId: number) {
${body(`    const caller = await tx.query.members.findFirst({ where: and(eq(members.userId, callerId), eq(members.workspaceId, workspaceId)) });
    if (!caller || caller.status !== 'active') throw new Error('Not allowed');
    await tx.delete(members).where(and(eq(members.userId, userId), eq(members.workspaceId, workspaceId)));`)}
}
`;
const inTransaction = (statements: string) => `  await db.transaction(async (tx) => {\n${statements}\n  });`;
const autocommit = (statements: string) => `  {\n    const tx = db;\n${statements}\n  }`;

/** The page's JSON configuration read, merged in JavaScript and written back. */
const mergeConfiguration = (body: (statements: string) => string) => `${db}
export async function updateConfiguration(id: number, patch: Record<string, unknown>) {
${body(`    const [page] = await tx.select().from(pages).where(eq(pages.id, id));
    if (!page) throw new Error('Not found');
    await tx.update(pages).set({ configuration: { ...(page.configuration as object), ...patch } }).where(eq(pages.id, id));`)}
}
`;

/** Prisma: the product read and tested, then its stock written back. */
const prismaOrder = (transaction: boolean) => `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
export async function order(id: number) {
  ${transaction ? 'await prisma.$transaction(async (tx) => {' : 'const tx = prisma; {'}
    const product = await tx.product.findUnique({ where: { id } });
    if (!product || product.stock < 1) throw new Error('Sold out');
    await tx.product.update({ where: { id }, data: { stock: { decrement: 1 } } });
  }${transaction ? ');' : ''}
}
`;

/** kysely, its dialect given where the instance is made: no schema needed. */
const kyselyOrder = (dialect: string, transaction: boolean) => `
import { Kysely, ${dialect} } from 'kysely';
import Database from 'better-sqlite3';
const db = new Kysely<any>({ dialect: new ${dialect}({ database: new Database('shop.db') }) });
export async function placeOrder(productId: string) {
  ${transaction ? 'await db.transaction().execute(async (trx) => {' : '{ const trx = db;'}
    const product = await trx.selectFrom('products').select('stock').where('id', '=', productId).executeTakeFirstOrThrow();
    if (product.stock < 1) throw new Error('Sold out');
    await trx.updateTable('products').set((eb) => ({ stock: eb('stock', '-', 1) })).where('id', '=', productId).execute();
  }${transaction ? ');' : ''}
}
`;

ruleTester.run('no-check-then-act on SQLite', checkThenAct, {
  valid: [
    { name: 'a kysely transaction on new Kysely({ dialect: new SqliteDialect(...) })', code: kyselyOrder('SqliteDialect', true) },
    { name: 'a transaction on sqliteTable tables: the stale writer fails', code: removeMember(inTransaction), settings: sqlite },
    {
      name: 'a Prisma interactive transaction on a sqlite datasource',
      code: prismaOrder(true),
      settings: withSchema('sqlite.prisma'),
    },
  ],
  invalid: [
    {
      name: 'kysely on SqliteDialect outside a transaction',
      code: kyselyOrder('SqliteDialect', false),
      errors: [{ messageId: 'checkThenActModel', line: 7, column: 27 }],
    },
    {
      name: 'the same kysely transaction on PostgresDialect',
      code: kyselyOrder('PostgresDialect', true),
      errors: [{ messageId: 'checkThenActModel', line: 7, column: 27 }],
    },
    {
      name: 'two autocommit statements on SQLite still interleave',
      code: removeMember(autocommit),
      settings: sqlite,
      errors: [{ messageId: 'checkThenActModel', line: 9, column: 26 }],
    },
    {
      name: 'the same transaction on pgTable tables (READ COMMITTED) is reported',
      code: removeMember(inTransaction),
      settings: postgres,
      errors: [{ messageId: 'checkThenActModel', line: 8, column: 26 }],
    },
    {
      name: 'the same Prisma transaction on a postgresql datasource is reported',
      code: prismaOrder(true),
      settings: withSchema('postgres.prisma'),
      errors: [{ messageId: 'checkThenActModel', line: 6, column: 27 }],
    },
  ],
});

ruleTester.run('no-lost-update on SQLite', lostUpdate, {
  valid: [
    {
      name: 'read, merged in JavaScript and written back in a transaction on SQLite',
      code: mergeConfiguration(inTransaction),
      settings: sqlite,
    },
  ],
  invalid: [
    {
      name: 'read and written back as two autocommit statements on SQLite',
      code: mergeConfiguration(autocommit),
      settings: sqlite,
      errors: [{ messageId: 'lostUpdate', line: 11, column: 11 }],
    },
    {
      name: 'the same transaction on PostgreSQL tables',
      code: mergeConfiguration(inTransaction),
      settings: postgres,
      errors: [{ messageId: 'lostUpdate', line: 10, column: 11 }],
    },
  ],
});

describe('the fix a SQLite finding offers', () => {
  // SQLite has no row lock: `.for('update')` is PostgreSQL's and MySQL's. One transaction is the fix there.
  const messages = (code: string, file: string) =>
    analyzeText(code, '/nonexistent/members.ts', {
      project: false,
      schema: loadSchema({ paths: [path.join(here, 'schema', file)] }),
    }).findings.map((f) => f.message);

  it('is one transaction on SQLite, a row lock on PostgreSQL', () => {
    for (const code of [removeMember(autocommit), mergeConfiguration(autocommit)]) {
      const [onSqlite] = messages(code, 'sqlite-tables.ts');
      expect(onSqlite).toContain(
        'or run the read and the write in one transaction, which SQLite serializes (the stale writer fails with SQLITE_BUSY; retry it): use `db.transaction(async (tx) => ...)`',
      );
      expect(onSqlite).not.toContain(".for('update')");
      const [onPostgres] = messages(code, 'pg-tables.ts');
      expect(onPostgres).toContain(".for('update')");
      expect(onPostgres).not.toContain('SQLite');
    }
  });
});
