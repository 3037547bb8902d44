/** Tables declared for SQLite (drizzle's sqliteTable), read as a declared schema by test/rules/sqlite.test.ts. */
import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export const pages = sqliteTable('pages', {
  id: integer('id').primaryKey(),
  configuration: text('configuration', { mode: 'json' }),
});

export const members = sqliteTable('members', {
  userId: integer('user_id').notNull(),
  workspaceId: integer('workspace_id').notNull(),
  role: text('role').notNull(),
  status: text('status').notNull(),
});

export const products = sqliteTable('products', {
  id: integer('id').primaryKey(),
  stock: integer('stock').notNull(),
});
