/** The same tables declared for PostgreSQL (drizzle's pgTable), read as a declared schema by test/rules/sqlite.test.ts. */
import { integer, jsonb, pgTable, text } from 'drizzle-orm/pg-core';

export const pages = pgTable('pages', {
  id: integer('id').primaryKey(),
  configuration: jsonb('configuration'),
});

export const members = pgTable('members', {
  userId: integer('user_id').notNull(),
  workspaceId: integer('workspace_id').notNull(),
  role: text('role').notNull(),
  status: text('status').notNull(),
});

export const products = pgTable('products', {
  id: integer('id').primaryKey(),
  stock: integer('stock').notNull(),
});
