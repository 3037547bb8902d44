/**
 * A client imported from a module of the project (`import { sql } from './db'` for postgres.js,
 * `import db from '../db'` for pg): the module that creates it imports the library, so this file is
 * read with that library's adapter, as if it imported the library itself. One case per library family,
 * each a check-then-act whose message names the library's own count.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeText, defaultProject } from '../../src/analyze.js';
import { project } from '../cli/cli-process.js';

interface Case {
  library: string;
  db: string;
  route: string;
  rule: string;
  messageId: string;
  /** What the message asks to check, as the library reports it ('' when it says nothing of a count). */
  count: string;
}

const CASES: Case[] = [
  {
    library: 'pg',
    db: `import { Pool } from 'pg';
const db = new Pool();
export default db;
`,
    route: `import db from '../lib/db';
export async function buy(id: number) {
  const { rows } = await db.query('SELECT stock FROM products WHERE id = $1', [id]);
  if (rows[0].stock < 1) throw new Error('sold out');
  await db.query('UPDATE products SET stock = stock - 1 WHERE id = $1', [id]);
}
`,
    rule: 'no-check-then-act',
    messageId: 'checkThenAct',
    count: '`result.rowCount`',
  },
  {
    library: 'postgres',
    db: `import postgres from 'postgres';
export const sql = postgres(process.env.DATABASE_URL!);
`,
    route: `import { sql } from '../lib/db';
export async function buy(id: number) {
  const [product] = await sql\`SELECT stock FROM products WHERE id = \${id}\`;
  if (product.stock < 1) throw new Error('sold out');
  await sql\`UPDATE products SET stock = stock - 1 WHERE id = \${id}\`;
}
`,
    rule: 'no-check-then-act',
    messageId: 'checkThenAct',
    count: '`result.count`',
  },
  {
    library: 'pg-promise',
    db: `import pgPromise from 'pg-promise';
const pgp = pgPromise();
export const db = pgp('postgres://localhost/shop');
`,
    route: `import { db } from '../lib/db';
export async function buy(id: number) {
  const product = await db.one('SELECT stock FROM products WHERE id = $1', [id]);
  if (product.stock < 1) throw new Error('sold out');
  await db.none('UPDATE products SET stock = stock - 1 WHERE id = $1', [id]);
}
`,
    rule: 'no-check-then-act',
    messageId: 'checkThenAct',
    count: '`result.rowCount`',
  },
  {
    library: 'slonik',
    db: `import { createPool } from 'slonik';
export const pool = await createPool('postgres://localhost/shop');
`,
    route: `import { sql } from 'slonik';
import { pool } from '../lib/db';
export async function buy(id: number) {
  const stock = await pool.oneFirst(sql.unsafe\`SELECT stock FROM products WHERE id = \${id}\`);
  if (stock < 1) throw new Error('sold out');
  await pool.query(sql.unsafe\`UPDATE products SET stock = stock - 1 WHERE id = \${id}\`);
}
`,
    rule: 'no-check-then-act',
    messageId: 'checkThenAct',
    count: '`result.rowCount`',
  },
  {
    library: 'mysql',
    db: `import mysql from 'mysql';
const pool = mysql.createPool({ host: 'localhost' });
export default pool;
`,
    route: `import pool from '../lib/db';
export function buy(id: number, done: (e?: Error) => void) {
  pool.query('SELECT stock FROM products WHERE id = ?', [id], (err, results) => {
    if (err) return done(err);
    if (results[0].stock < 1) return done(new Error('sold out'));
    pool.query('UPDATE products SET stock = stock - 1 WHERE id = ?', [id], (err) => done(err ?? undefined));
  });
}
`,
    rule: 'no-check-then-act',
    messageId: 'checkThenAct',
    count: '`results.affectedRows`',
  },
  {
    library: 'mysql2',
    db: `import mysql from 'mysql2/promise';
export const pool = mysql.createPool({ host: 'localhost' });
`,
    route: `import { pool } from '../lib/db';
export async function buy(id: number) {
  const [rows]: any = await pool.query('SELECT stock FROM products WHERE id = ?', [id]);
  if (rows[0].stock < 1) throw new Error('sold out');
  await pool.query('UPDATE products SET stock = stock - 1 WHERE id = ?', [id]);
}
`,
    rule: 'no-check-then-act',
    messageId: 'checkThenAct',
    count: '`result.affectedRows`',
  },
  {
    library: 'typeorm',
    db: `import { DataSource } from 'typeorm';
export const dataSource = new DataSource({ type: 'postgres' });
`,
    route: `import { dataSource } from '../lib/db';
export async function buy(id: number) {
  const rows = await dataSource.query('SELECT stock FROM products WHERE id = $1', [id]);
  if (rows[0].stock < 1) throw new Error('sold out');
  await dataSource.query('UPDATE products SET stock = stock - 1 WHERE id = $1', [id]);
}
`,
    rule: 'no-check-then-act',
    messageId: 'checkThenAct',
    count: '',
  },
  {
    library: 'prisma',
    db: `import { PrismaClient } from '@prisma/client';
export const prisma = new PrismaClient();
`,
    route: `import { prisma } from '../lib/db';
export async function buy(id: number) {
  const [product] = await prisma.$queryRaw<any[]>\`SELECT stock FROM products WHERE id = \${id}\`;
  if (product.stock < 1) throw new Error('sold out');
  await prisma.$executeRaw\`UPDATE products SET stock = stock - 1 WHERE id = \${id}\`;
}
`,
    rule: 'no-check-then-act',
    messageId: 'checkThenAct',
    count: '',
  },
  {
    library: 'knex',
    db: `import knex from 'knex';
export const db = knex({ client: 'pg' });
`,
    route: `import { db } from '../lib/db';
export async function buy(id: number) {
  const product = await db('products').where({ id }).first();
  if (product.stock < 1) throw new Error('sold out');
  await db('products').where({ id }).update({ stock: product.stock - 1 });
}
`,
    rule: 'no-lost-update',
    messageId: 'lostUpdate',
    count: '',
  },
  {
    library: 'kysely',
    db: `import { Kysely, PostgresDialect } from 'kysely';
export const db = new Kysely<any>({ dialect: new PostgresDialect({} as any) });
`,
    route: `import { db } from '../lib/db';
export async function buy(id: number) {
  const product = await db.selectFrom('products').select('stock').where('id', '=', id).executeTakeFirstOrThrow();
  if (product.stock < 1) throw new Error('sold out');
  await db.updateTable('products').set({ stock: product.stock - 1 }).where('id', '=', id).execute();
}
`,
    rule: 'no-lost-update',
    messageId: 'lostUpdate',
    count: '',
  },
  {
    library: 'drizzle',
    db: `import { drizzle } from 'drizzle-orm/node-postgres';
import { pgTable, integer } from 'drizzle-orm/pg-core';
export const db = drizzle(process.env.DATABASE_URL!);
export const products = pgTable('products', { id: integer('id').primaryKey(), stock: integer('stock').notNull() });
`,
    route: `import { eq } from 'drizzle-orm';
import { db, products } from '../lib/db';
export async function buy(id: number) {
  const [product] = await db.select().from(products).where(eq(products.id, id));
  if (product.stock < 1) throw new Error('sold out');
  await db.update(products).set({ stock: product.stock - 1 }).where(eq(products.id, id));
}
`,
    rule: 'no-lost-update',
    messageId: 'lostUpdate',
    count: '',
  },
  {
    library: 'sequelize',
    db: `import { Sequelize } from 'sequelize';
export const sequelize = new Sequelize('postgres://localhost/shop');
`,
    route: `import { QueryTypes } from 'sequelize';
import { sequelize } from '../lib/db';
export async function buy(id: number) {
  const rows: any[] = await sequelize.query('SELECT stock FROM products WHERE id = :id', { replacements: { id }, type: QueryTypes.SELECT });
  if (rows[0].stock < 1) throw new Error('sold out');
  await sequelize.query('UPDATE products SET stock = stock - 1 WHERE id = :id', { replacements: { id } });
}
`,
    rule: 'no-check-then-act',
    messageId: 'checkThenAct',
    count: '',
  },
];

describe('a client imported from a module of the project', () => {
  for (const c of CASES) {
    it(`${c.library}: the route that imports it is read with the library's adapter`, () => {
      const root = project({ 'lib/db.ts': c.db, 'routes/buy.ts': c.route });
      const file = path.join(root, 'routes/buy.ts');
      const result = analyzeText(c.route, file, { project: defaultProject() });
      expect(result.fatal).toBeNull();
      expect(result.findings.map((f) => [f.ruleId, f.messageId])).toEqual([[c.rule, c.messageId]]);
      if (c.count !== '') expect(result.findings[0]?.message).toContain(`check ${c.count}`);
    });
  }
});
