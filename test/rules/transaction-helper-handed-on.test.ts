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

/**
 * A module with `preamble`, a helper `withTx(fn)` that returns `begin` (the library's transaction over
 * `fn`), and a caller whose callback runs `first` on the transaction's connection (`param`) and `second`.
 */
function handedOn(preamble: string, begin: string, param: string, first: string, second: string): string {
  return `${preamble}
export function withTx<T>(fn: (${param}: unknown) => Promise<T>) {
  return ${begin};
}
export async function transfer(from: number, to: number, amount: number) {
  await withTx(async (${param}) => {
    await ${first};
    await ${second};
  });
}
`;
}

/** The second statement of `handedOn`'s callback, reported where it stands. */
function outsideAt(code: string, statement: string) {
  return [
    {
      messageId: 'queryOutsideTransaction' as const,
      line: code.split('\n').findIndex((l) => l.includes(`await ${statement};`)) + 1,
      column: 11,
    },
  ];
}

/** For each library: its module, its transaction over `fn`, the callback's parameter, and a statement on a connection. */
const libraries: { name: string; preamble: string; begin: string; param: string; statement: (on: string, sign: string) => string }[] = [
  {
    name: 'knex',
    preamble: knex,
    begin: 'db.transaction(fn)',
    param: 'trx',
    statement: (on, sign) =>
      `${on}.raw('UPDATE accounts SET balance = balance ${sign} ? WHERE id = ?', [amount, ${sign === '-' ? 'from' : 'to'}])`,
  },
  {
    name: 'prisma',
    preamble: prisma,
    begin: 'prisma.$transaction(fn)',
    param: 'tx',
    statement: (on, sign) =>
      `${on}.$executeRaw\`UPDATE accounts SET balance = balance ${sign} \${amount} WHERE id = \${${sign === '-' ? 'from' : 'to'}}\``,
  },
  {
    name: 'postgres',
    preamble: postgres,
    begin: 'sql.begin(fn)',
    param: 'tx',
    statement: (on, sign) =>
      `${on}\`UPDATE accounts SET balance = balance ${sign} \${amount} WHERE id = \${${sign === '-' ? 'from' : 'to'}}\``,
  },
  {
    name: 'sequelize',
    preamble: sequelize,
    begin: 'sequelize.transaction(fn)',
    param: 't',
    statement: (on, sign) =>
      `sequelize.query('UPDATE accounts SET balance = balance ${sign} ? WHERE id = ?', { replacements: [amount, ${sign === '-' ? 'from' : 'to'}]${on === 't' ? ', transaction: t' : ''} })`,
  },
  {
    name: 'typeorm',
    preamble: typeorm,
    begin: 'dataSource.transaction(fn)',
    param: 'manager',
    statement: (on, sign) =>
      `${on}.query('UPDATE accounts SET balance = balance ${sign} $1 WHERE id = $2', [amount, ${sign === '-' ? 'from' : 'to'}])`,
  },
  {
    name: 'kysely',
    preamble: kysely,
    begin: 'db.transaction().execute(fn)',
    param: 'trx',
    statement: (on, sign) =>
      `sql\`UPDATE accounts SET balance = balance ${sign} \${amount} WHERE id = \${${sign === '-' ? 'from' : 'to'}}\`.execute(${on})`,
  },
  {
    name: 'pg-promise',
    preamble: pgPromise,
    begin: 'db.tx(fn)',
    param: 't',
    statement: (on, sign) =>
      `${on}.none('UPDATE accounts SET balance = balance ${sign} $1 WHERE id = $2', [amount, ${sign === '-' ? 'from' : 'to'}])`,
  },
  {
    name: 'slonik',
    preamble: slonik,
    begin: 'pool.transaction(fn)',
    param: 'tx',
    statement: (on, sign) =>
      `${on}.query(sql.unsafe\`UPDATE accounts SET balance = balance ${sign} \${amount} WHERE id = \${${sign === '-' ? 'from' : 'to'}}\`)`,
  },
];
/** The pool each library's statement goes through when it is not the transaction's. */
const POOL: Record<string, string> = {
  knex: 'db',
  prisma: 'prisma',
  postgres: 'sql',
  sequelize: 'sequelize',
  typeorm: 'dataSource',
  kysely: 'db',
  'pg-promise': 'db',
  slonik: 'pool',
};

const outsideCases = libraries.map(({ name, preamble, begin, param, statement }) => {
  const second = statement(POOL[name]!, '+');
  const code = handedOn(preamble, begin, param, statement(param, '-'), second);
  return { name: `${name}: the helper returns ${begin}`, code, errors: outsideAt(code, second) };
});

ruleTester.run('transaction helper handed on: no-transaction-on-pool', transactionOnPool, {
  valid: [
    ...libraries.map(({ name, preamble, begin, param, statement }) => ({
      name: `${name}: every statement of the callback on the helper's transaction`,
      code: handedOn(preamble, begin, param, statement(param, '-'), statement(param, '+')),
    })),
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
    ...outsideCases,
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
  ],
});
