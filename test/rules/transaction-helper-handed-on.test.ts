/**
 * A transaction helper recognised from its body, whatever the library: a function that hands its own
 * callback parameter to the library's transaction method, whole (`return db.transaction(fn)`) or
 * called with the library's transaction (`db.transaction((tx) => fn(tx))`), runs a caller's callback
 * in that transaction, though it runs no statement of its own. A statement the callback sends through
 * the pool instead is outside it.
 */
import transactionOnPool from '../../rules/no-transaction-on-pool.js';
import { ruleTester } from '../helpers/rule-tester.js';

const knex = `
import { knex } from 'knex';
const db = knex({ client: 'pg', connection: process.env.PG_CONNECTION_STRING });
`;
const drizzle = `
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
const db = drizzle(process.env.DATABASE_URL!);
`;
const prisma = `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
`;
const sequelize = `
import { Sequelize } from 'sequelize';
const sequelize = new Sequelize('postgres://user:pass@example.com:5432/shop');
`;
const typeorm = `
import { DataSource } from 'typeorm';
const dataSource = new DataSource({ type: 'postgres', url: process.env.DATABASE_URL });
`;
const kysely = `
import { Kysely, PostgresDialect, sql } from 'kysely';
import { Pool } from 'pg';
const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: new Pool({ database: 'app' }) }) });
`;
const pgPromise = `
import pgPromise from 'pg-promise';
const pgp = pgPromise();
const db = pgp('postgres://localhost/app');
`;
const slonik = `
import { createPool, sql } from 'slonik';
const pool = await createPool('postgres://localhost/app');
`;
const postgres = `
import postgres from 'postgres';
const sql = postgres(process.env.DATABASE_URL!);
`;

ruleTester.run('transaction helper handed on: no-transaction-on-pool', transactionOnPool, {
  valid: [
    {
      name: 'knex: every statement of the callback on the helper transaction',
      code: `${knex}
export function withTx<T>(fn: (trx: unknown) => Promise<T>) {
  return db.transaction(fn);
}
export async function transfer(from: number, to: number, amount: number) {
  await withTx(async (trx) => {
    await trx.raw('UPDATE accounts SET balance = balance - ? WHERE id = ?', [amount, from]);
    await trx.raw('UPDATE accounts SET balance = balance + ? WHERE id = ?', [amount, to]);
  });
}
`,
    },
    {
      name: 'knex: a transaction begun by hand with options the function is given is no helper',
      code: `${knex}
export async function begin(config: object) {
  const trx = await db.transaction(config);
  return trx;
}
export async function transfer(from: number, to: number, amount: number) {
  await begin(async (trx) => {
    await trx.raw('UPDATE accounts SET balance = balance - ? WHERE id = ?', [amount, from]);
    await db.raw('UPDATE accounts SET balance = balance + ? WHERE id = ?', [amount, to]);
  });
}
`,
    },
  ],
  invalid: [
    {
      name: 'knex: the helper returns db.transaction(fn)',
      code: `${knex}
export function withTx<T>(fn: (trx: unknown) => Promise<T>) {
  return db.transaction(fn);
}
export async function transfer(from: number, to: number, amount: number) {
  await withTx(async (trx) => {
    await trx.raw('UPDATE accounts SET balance = balance - ? WHERE id = ?', [amount, from]);
    await db.raw('UPDATE accounts SET balance = balance + ? WHERE id = ?', [amount, to]);
  });
}
`,
      errors: [{ messageId: 'queryOutsideTransaction', line: 11, column: 11 }],
    },
    {
      name: 'knex: an arrow function const hands its parameter on',
      code: `${knex}
export const inTx = (fn: (trx: unknown) => Promise<void>) => db.transaction(fn);
export async function transfer(from: number, to: number, amount: number) {
  await inTx(async (trx) => {
    await trx.raw('UPDATE accounts SET balance = balance - ? WHERE id = ?', [amount, from]);
    await db.raw('UPDATE accounts SET balance = balance + ? WHERE id = ?', [amount, to]);
  });
}
`,
      errors: [{ messageId: 'queryOutsideTransaction', line: 9, column: 11 }],
    },
    {
      name: 'drizzle: the helper calls its parameter with the transaction, or with a transaction it is given',
      code: `${drizzle}
export async function withTransaction<T>(ctx: { db: unknown; inTransaction: boolean }, fn: (tx: unknown) => Promise<T>) {
  if (ctx.inTransaction) return fn(ctx.db);
  return db.transaction((tx) => fn(tx));
}
export async function transfer(ctx: { db: unknown; inTransaction: boolean }, from: number, to: number, amount: number) {
  await withTransaction(ctx, async (tx) => {
    await tx.execute(sql\`UPDATE accounts SET balance = balance - \${amount} WHERE id = \${from}\`);
    await db.execute(sql\`UPDATE accounts SET balance = balance + \${amount} WHERE id = \${to}\`);
  });
}
`,
      errors: [{ messageId: 'queryOutsideTransaction', line: 13, column: 11 }],
    },
    {
      name: 'prisma: the helper returns prisma.$transaction(fn)',
      code: `${prisma}
export function withTx<T>(fn: (tx: unknown) => Promise<T>) {
  return prisma.$transaction(fn);
}
export async function transfer(from: number, to: number, amount: number) {
  await withTx(async (tx) => {
    await tx.$executeRaw\`UPDATE accounts SET balance = balance - \${amount} WHERE id = \${from}\`;
    await prisma.$executeRaw\`UPDATE accounts SET balance = balance + \${amount} WHERE id = \${to}\`;
  });
}
`,
      errors: [{ messageId: 'queryOutsideTransaction', line: 11, column: 11 }],
    },
    {
      name: 'sequelize: the helper returns sequelize.transaction(fn)',
      code: `${sequelize}
export function withTx<T>(fn: (t: unknown) => Promise<T>) {
  return sequelize.transaction(fn);
}
export async function transfer(from: number, to: number, amount: number) {
  await withTx(async (t) => {
    await sequelize.query('UPDATE accounts SET balance = balance - ? WHERE id = ?', { replacements: [amount, from], transaction: t });
    await sequelize.query('UPDATE accounts SET balance = balance + ? WHERE id = ?', { replacements: [amount, to] });
  });
}
`,
      errors: [{ messageId: 'queryOutsideTransaction', line: 11, column: 11 }],
    },
    {
      name: 'typeorm: the helper returns dataSource.transaction(fn)',
      code: `${typeorm}
export function withTx<T>(fn: (manager: unknown) => Promise<T>) {
  return dataSource.transaction(fn);
}
export async function transfer(from: number, to: number, amount: number) {
  await withTx(async (manager) => {
    await manager.query('UPDATE accounts SET balance = balance - $1 WHERE id = $2', [amount, from]);
    await dataSource.query('UPDATE accounts SET balance = balance + $1 WHERE id = $2', [amount, to]);
  });
}
`,
      errors: [{ messageId: 'queryOutsideTransaction', line: 11, column: 11 }],
    },
    {
      name: 'kysely: the helper returns db.transaction().execute(fn)',
      code: `${kysely}
export function withTx<T>(fn: (trx: unknown) => Promise<T>) {
  return db.transaction().execute(fn);
}
export async function transfer(from: number, to: number, amount: number) {
  await withTx(async (trx) => {
    await sql\`UPDATE accounts SET balance = balance - \${amount} WHERE id = \${from}\`.execute(trx);
    await sql\`UPDATE accounts SET balance = balance + \${amount} WHERE id = \${to}\`.execute(db);
  });
}
`,
      errors: [{ messageId: 'queryOutsideTransaction', line: 12, column: 11 }],
    },
    {
      name: 'pg-promise: the helper returns db.tx(fn)',
      code: `${pgPromise}
export function withTx<T>(fn: (t: unknown) => Promise<T>) {
  return db.tx(fn);
}
export async function transfer(from: number, to: number, amount: number) {
  await withTx(async (t) => {
    await t.none('UPDATE accounts SET balance = balance - $1 WHERE id = $2', [amount, from]);
    await db.none('UPDATE accounts SET balance = balance + $1 WHERE id = $2', [amount, to]);
  });
}
`,
      errors: [{ messageId: 'queryOutsideTransaction', line: 12, column: 11 }],
    },
    {
      name: 'slonik: the helper returns pool.transaction(fn)',
      code: `${slonik}
export function withTx<T>(fn: (tx: unknown) => Promise<T>) {
  return pool.transaction(fn);
}
export async function transfer(from: number, to: number, amount: number) {
  await withTx(async (tx) => {
    await tx.query(sql.unsafe\`UPDATE accounts SET balance = balance - \${amount} WHERE id = \${from}\`);
    await pool.query(sql.unsafe\`UPDATE accounts SET balance = balance + \${amount} WHERE id = \${to}\`);
  });
}
`,
      errors: [{ messageId: 'queryOutsideTransaction', line: 11, column: 11 }],
    },
    {
      name: 'postgres: the helper returns sql.begin(fn)',
      code: `${postgres}
export function withTx<T>(fn: (tx: unknown) => Promise<T>) {
  return sql.begin(fn);
}
export async function transfer(from: number, to: number, amount: number) {
  await withTx(async (tx) => {
    await tx\`UPDATE accounts SET balance = balance - \${amount} WHERE id = \${from}\`;
    await sql\`UPDATE accounts SET balance = balance + \${amount} WHERE id = \${to}\`;
  });
}
`,
      errors: [{ messageId: 'queryOutsideTransaction', line: 11, column: 11 }],
    },
  ],
});
