/**
 * The six rules on drizzle raw SQL: ``db.execute(sql`...`)`` (holes are parameters; `sql.raw`,
 * nested ``sql`...` `` and schema tables are SQL text), `db.transaction(async (tx) => ...)` with
 * `{ isolationLevel: 'serializable' }`, written the way drizzle's documentation writes them.
 */
import checkThenAct from '../../rules/no-check-then-act.js';
import decoupledInsert from '../../rules/no-decoupled-insert.js';
import ignoredRowcount from '../../rules/no-ignored-rowcount.js';
import lockOutsideTransaction from '../../rules/no-lock-outside-transaction.js';
import lostUpdate from '../../rules/no-lost-update.js';
import transactionOnPool from '../../rules/no-transaction-on-pool.js';
import { withForUpdate } from '../helpers/for-update.js';
import { ruleTester } from '../helpers/rule-tester.js';

// Lines 2-4 of every case: the database, as drizzle's node-postgres docs create it.
const db = `
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
const db = drizzle(process.env.DATABASE_URL!);
`;

const seatCheck = `${db}
export async function buyTicket(concertId: string) {
  await db.transaction(async (tx) => {
    const result = await tx.execute(sql\`SELECT available_seats FROM concerts WHERE concert_id = \${concertId}\`);
    if (result.rows[0].available_seats < 1) throw new Error('Sold out');
    await tx.execute(sql\`UPDATE concerts SET available_seats = available_seats - 1 WHERE concert_id = \${concertId}\`);
  });
}
`;

const seatCheckWithTail = `${db}
export async function buyTicket(concertId: string) {
  await db.transaction(async (tx) => {
    const result = await tx.execute(sql\`SELECT available_seats FROM concerts WHERE concert_id = \${concertId} AND NOT cancelled\`);
    if (result.rows[0].available_seats < 1) throw new Error('Sold out');
    await tx.execute(sql\`UPDATE concerts SET available_seats = available_seats - 1 WHERE concert_id = \${concertId}\`);
  });
}
`;

const schemaTables = `
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import { integer, pgTable, serial } from 'drizzle-orm/pg-core';
const accounts = pgTable('accounts', { id: serial('id').primaryKey(), balance: integer('balance').notNull() });
const db = drizzle(process.env.DATABASE_URL!);
export async function withdraw(id: number, amount: number) {
  await db.transaction(async (tx) => {
    const result = await tx.execute(sql\`SELECT \${accounts.balance} FROM \${accounts} WHERE \${accounts.id} = \${id}\`);
    if (result.rows[0].balance < amount) throw new Error('Insufficient funds');
    await tx.execute(sql\`UPDATE \${accounts} SET balance = balance - \${amount} WHERE \${accounts.id} = \${id}\`);
  });
}
`;

ruleTester.run('drizzle: no-check-then-act', checkThenAct, {
  valid: [
    {
      name: 'the read locks the row with FOR UPDATE inside db.transaction',
      code: `${db}
export async function buyTicket(concertId: string) {
  await db.transaction(async (tx) => {
    const result = await tx.execute(sql\`SELECT available_seats FROM concerts WHERE concert_id = \${concertId} FOR UPDATE\`);
    if (result.rows[0].available_seats < 1) tx.rollback();
    await tx.execute(sql\`UPDATE concerts SET available_seats = available_seats - 1 WHERE concert_id = \${concertId}\`);
  });
}
`,
    },
    {
      name: 'the transaction is serializable',
      code: `${db}
export async function buyTicket(concertId: string) {
  await db.transaction(async (tx) => {
    const result = await tx.execute(sql\`SELECT available_seats FROM concerts WHERE concert_id = \${concertId}\`);
    if (result.rows[0].available_seats < 1) tx.rollback();
    await tx.execute(sql\`UPDATE concerts SET available_seats = available_seats - 1 WHERE concert_id = \${concertId}\`);
  }, { isolationLevel: 'serializable' });
}
`,
    },
    {
      name: 'the write re-tests the condition and its rowCount is checked',
      code: `${db}
export async function withdraw(id: number, amount: number) {
  const { rows } = await db.execute(sql\`SELECT balance FROM accounts WHERE id = \${id}\`);
  if (rows[0].balance < amount) return { ok: false };
  const { rowCount } = await db.execute(sql\`UPDATE accounts SET balance = balance - \${amount} WHERE id = \${id} AND balance >= \${amount}\`);
  return { ok: rowCount === 1 };
}
`,
    },
    {
      name: 'INSERT ... ON CONFLICT DO NOTHING behind the existence check',
      code: `${db}
export async function register(email: string) {
  const existing = await db.execute(sql\`SELECT 1 FROM users WHERE email = \${email}\`);
  if (existing.rows.length > 0) return { ok: false };
  const inserted = await db.execute(sql\`INSERT INTO users (email) VALUES (\${email}) ON CONFLICT (email) DO NOTHING\`);
  return { ok: inserted.rowCount === 1 };
}
`,
    },
    {
      // The builder's own statements are analysed in test/libraries/drizzle-builder.test.ts.
      name: 'a builder write that re-tests the seats and checks rowCount',
      code: `${db}
import { and, eq, gt } from 'drizzle-orm';
import { concerts } from './schema';
export async function buyTicket(concertId: string) {
  const [concert] = await db.select().from(concerts).where(eq(concerts.concertId, concertId));
  if (concert.availableSeats < 1) return;
  const result = await db.update(concerts).set({ availableSeats: sql\`\${concerts.availableSeats} - 1\` }).where(and(eq(concerts.concertId, concertId), gt(concerts.availableSeats, 0)));
  if (result.rowCount === 0) return;
}
`,
    },
  ],
  invalid: [
    {
      name: 'read, test, write inside db.transaction at READ COMMITTED',
      code: seatCheck,
      // A template that ends in a hole takes FOR UPDATE after it.
      errors: [
        {
          messageId: 'checkThenAct',
          line: 8,
          column: 26,
          suggestions: [{ messageId: 'addForUpdate', output: seatCheck.replace('${concertId}`);', '${concertId} FOR UPDATE`);') }],
        },
      ],
    },
    {
      name: 'schema tables and columns written in the template',
      code: schemaTables,
      errors: [
        {
          messageId: 'checkThenAct',
          line: 9,
          column: 26,
          suggestions: [{ messageId: 'addForUpdate', output: schemaTables.replace('= ${id}`);', '= ${id} FOR UPDATE`);') }],
        },
      ],
    },
    {
      name: 'a template with text after its last hole gets the FOR UPDATE suggestion',
      code: seatCheckWithTail,
      errors: [
        {
          messageId: 'checkThenAct',
          line: 8,
          column: 26,
          suggestions: [{ messageId: 'addForUpdate', output: withForUpdate(seatCheckWithTail, 'AND NOT cancelled') }],
        },
      ],
    },
    {
      name: 'read and write through the database object',
      code: `${db}
export async function markPaid(orderId: number) {
  const order = await db.execute(sql\`SELECT status FROM orders WHERE id = \${orderId}\`);
  if (order.rows[0].status !== 'pending') throw new Error('Not pending');
  await db.execute(sql\`UPDATE orders SET status = 'paid' WHERE id = \${orderId}\`);
}
`,
      errors: [{ messageId: 'checkThenAct', line: 7, column: 23 }],
    },
    {
      name: 'an existence check before an INSERT, the table spliced with sql.raw',
      code: `${db}
export async function register(email: string) {
  await db.transaction(async (tx) => {
    const existing = await tx.execute(sql\`SELECT 1 FROM \${sql.raw('users')} WHERE email = \${email}\`);
    if (existing.rows.length > 0) throw new Error('Taken');
    await tx.execute(sql\`INSERT INTO users (email) VALUES (\${email})\`);
  });
}
`,
      errors: [{ messageId: 'checkThenInsert', line: 8, column: 28 }],
    },
  ],
});

ruleTester.run('drizzle: no-decoupled-insert', decoupledInsert, {
  valid: [
    {
      name: "the seeds' fix: INSERT ... SELECT from the UPDATE's RETURNING",
      code: `${db}
export async function buyTicket(concertId: string, userId: string) {
  const { rowCount } = await db.execute(sql\`
    WITH reserved AS (
      UPDATE concerts SET available_seats = available_seats - 1
       WHERE concert_id = \${concertId} AND available_seats > 0
      RETURNING concert_id
    )
    INSERT INTO tickets (concert_id, user_id) SELECT concert_id, \${userId} FROM reserved\`);
  return { ok: rowCount === 1 };
}
`,
    },
    {
      name: 'rowCount checked before the INSERT, rolling back otherwise',
      code: `${db}
export async function buyTicket(concertId: string, userId: string) {
  await db.transaction(async (tx) => {
    const { rowCount } = await tx.execute(sql\`UPDATE concerts SET available_seats = available_seats - 1 WHERE concert_id = \${concertId} AND available_seats > 0\`);
    if (rowCount === 0) tx.rollback();
    await tx.execute(sql\`INSERT INTO tickets (concert_id, user_id) VALUES (\${concertId}, \${userId})\`);
  });
}
`,
    },
    {
      name: 'RETURNING rows tested before the INSERT',
      code: `${db}
export async function buyTicket(concertId: string, userId: string) {
  await db.transaction(async (tx) => {
    const reserved = await tx.execute(sql\`UPDATE concerts SET available_seats = available_seats - 1 WHERE concert_id = \${concertId} AND available_seats > 0 RETURNING concert_id\`);
    if (reserved.rows.length === 0) throw new Error('Sold out');
    await tx.execute(sql\`INSERT INTO tickets (concert_id, user_id) VALUES (\${concertId}, \${userId})\`);
  });
}
`,
    },
    {
      name: 'an UPDATE by key alone before an INSERT',
      code: `${db}
export async function logVisit(pageId: number) {
  await db.transaction(async (tx) => {
    await tx.execute(sql\`UPDATE pages SET visits = visits + 1 WHERE id = \${pageId}\`);
    await tx.execute(sql\`INSERT INTO visits (page_id) VALUES (\${pageId})\`);
  });
}
`,
    },
    {
      name: 'the rowCount is returned from the transaction and the INSERT runs in a later call',
      code: `${db}
export async function reserve(concertId: string) {
  return db.transaction(async (tx) => {
    const result = await tx.execute(sql\`UPDATE concerts SET available_seats = available_seats - 1 WHERE concert_id = \${concertId} AND available_seats > 0\`);
    return result.rowCount === 1;
  });
}
`,
    },
  ],
  invalid: [
    {
      name: "the seeds' broken purchase inside db.transaction",
      code: `${db}
export async function buyTicket(concertId: string, userId: string) {
  await db.transaction(async (tx) => {
    await tx.execute(sql\`UPDATE concerts SET available_seats = available_seats - 1 WHERE concert_id = \${concertId} AND available_seats > 0\`);
    await tx.execute(sql\`INSERT INTO tickets (concert_id, user_id) VALUES (\${concertId}, \${userId})\`);
  });
}
`,
      errors: [{ messageId: 'decoupledWrite', line: 8, column: 11 }],
    },
    {
      name: 'a statement built in a const, run through the database object',
      code: `${db}
export async function buyTicket(concertId: string, userId: string) {
  const reserve = sql\`UPDATE concerts SET available_seats = available_seats - 1 WHERE concert_id = \${concertId} AND available_seats > 0\`;
  await db.execute(reserve);
  await db.execute(sql\`INSERT INTO tickets (concert_id, user_id) VALUES (\${concertId}, \${userId})\`);
}
`,
      errors: [{ messageId: 'decoupledWrite', line: 8, column: 9 }],
    },
    {
      name: 'a data-modifying CTE the INSERT does not read',
      code: `${db}
export async function buyTicket(concertId: string, userId: string) {
  await db.execute(sql\`
    WITH reserved AS (
      UPDATE concerts SET available_seats = available_seats - 1
       WHERE concert_id = \${concertId} AND available_seats > 0
    )
    INSERT INTO tickets (concert_id, user_id) VALUES (\${concertId}, \${userId})\`);
}
`,
      errors: [{ messageId: 'decoupledCte', line: 7, column: 9 }],
    },
  ],
});

ruleTester.run('drizzle: no-ignored-rowcount', ignoredRowcount, {
  valid: [
    {
      name: 'rowCount is tested',
      code: `${db}
export async function withdraw(id: number, amount: number) {
  const result = await db.execute(sql\`UPDATE accounts SET balance = balance - \${amount} WHERE id = \${id} AND balance >= \${amount}\`);
  if (result.rowCount === 0) throw new Error('Insufficient funds');
}
`,
    },
    {
      name: 'the result is returned',
      code: `${db}
export function withdraw(id: number, amount: number) {
  return db.execute(sql\`UPDATE accounts SET balance = balance - \${amount} WHERE id = \${id} AND balance >= \${amount}\`);
}
`,
    },
    {
      name: 'mysql2: the affectedRows of the first element is tested',
      code: `
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/mysql2';
const db = drizzle(process.env.DATABASE_URL!);
export async function withdraw(id: number, amount: number) {
  const [header] = await db.execute(sql\`UPDATE accounts SET balance = balance - \${amount} WHERE id = \${id} AND balance >= \${amount}\`);
  return header.affectedRows === 1;
}
`,
    },
    {
      name: 'an UPDATE by key alone',
      code: `${db}
export async function rename(id: number, name: string) {
  await db.execute(sql\`UPDATE users SET name = \${name} WHERE id = \${id}\`);
}
`,
    },
    {
      name: 'the count is tested inside the transaction',
      code: `${db}
export async function cancel(orderId: number) {
  await db.transaction(async (tx) => {
    const { rowCount } = await tx.execute(sql\`DELETE FROM orders WHERE id = \${orderId} AND status = 'pending'\`);
    if (!rowCount) tx.rollback();
  });
}
`,
    },
  ],
  invalid: [
    {
      name: 'a guarded UPDATE whose result is dropped',
      code: `${db}
export async function withdraw(id: number, amount: number) {
  await db.execute(sql\`UPDATE accounts SET balance = balance - \${amount} WHERE id = \${id} AND balance >= \${amount}\`);
  return { ok: true };
}
`,
      errors: [{ messageId: 'ignoredRowCount', line: 7, column: 9 }],
    },
    {
      name: 'a guarded DELETE inside db.transaction',
      code: `${db}
export async function cancel(orderId: number) {
  await db.transaction(async (tx) => {
    await tx.execute(sql\`DELETE FROM orders WHERE id = \${orderId} AND status = 'pending'\`);
  });
}
`,
      errors: [{ messageId: 'ignoredRowCount', line: 8, column: 11 }],
    },
    {
      name: 'mysql2: the guard with a MySQL-only function, result dropped',
      code: `
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/mysql2';
const db = drizzle(process.env.DATABASE_URL!);
export async function claim(couponId: number, userId: number) {
  await db.execute(sql\`UPDATE coupons SET user_id = \${userId}, claimed_at = NOW() WHERE id = \${couponId} AND user_id IS NULL\`);
}
`,
      errors: [{ messageId: 'ignoredRowCount', line: 6, column: 9 }],
    },
  ],
});

ruleTester.run('drizzle: no-lost-update', lostUpdate, {
  valid: [
    {
      name: 'relative UPDATE',
      code: `${db}
export async function deposit(id: number, amount: number) {
  await db.execute(sql\`UPDATE accounts SET balance = balance + \${amount} WHERE id = \${id}\`);
}
`,
    },
    {
      name: 'FOR UPDATE inside db.transaction',
      code: `${db}
export async function deposit(id: number, amount: number) {
  await db.transaction(async (tx) => {
    const { rows } = await tx.execute(sql\`SELECT balance FROM accounts WHERE id = \${id} FOR UPDATE\`);
    await tx.execute(sql\`UPDATE accounts SET balance = \${rows[0].balance + amount} WHERE id = \${id}\`);
  });
}
`,
    },
    {
      name: 'a version check in the WHERE',
      code: `${db}
export async function deposit(id: number, amount: number) {
  const { rows: [account] } = await db.execute(sql\`SELECT balance, version FROM accounts WHERE id = \${id}\`);
  const result = await db.execute(sql\`UPDATE accounts SET balance = \${account.balance + amount}, version = version + 1 WHERE id = \${id} AND version = \${account.version}\`);
  return result.rowCount === 1;
}
`,
    },
    {
      name: 'serializable transaction',
      code: `${db}
export async function deposit(id: number, amount: number) {
  await db.transaction(async (tx) => {
    const { rows } = await tx.execute(sql\`SELECT balance FROM accounts WHERE id = \${id}\`);
    await tx.execute(sql\`UPDATE accounts SET balance = \${rows[0].balance + amount} WHERE id = \${id}\`);
  }, { isolationLevel: 'serializable' });
}
`,
    },
    {
      name: 'repeatable read transaction',
      code: `${db}
export async function deposit(id: number, amount: number) {
  await db.transaction(async (tx) => {
    const { rows } = await tx.execute(sql\`SELECT balance FROM accounts WHERE id = \${id}\`);
    await tx.execute(sql\`UPDATE accounts SET balance = \${rows[0].balance + amount} WHERE id = \${id}\`);
  }, { isolationLevel: 'repeatable read', accessMode: 'read write' });
}
`,
    },
  ],
  invalid: [
    {
      name: 'read, add in JavaScript, write back',
      code: `${db}
export async function deposit(id: number, amount: number) {
  const { rows } = await db.execute(sql\`SELECT balance FROM accounts WHERE id = \${id}\`);
  const balance = rows[0].balance + amount;
  await db.execute(sql\`UPDATE accounts SET balance = \${balance} WHERE id = \${id}\`);
}
`,
      errors: [{ messageId: 'lostUpdate', line: 9, column: 9 }],
    },
    {
      name: 'inside db.transaction at READ COMMITTED',
      code: `${db}
export async function deposit(id: number, amount: number) {
  await db.transaction(async (tx) => {
    const result = await tx.execute(sql\`SELECT balance FROM accounts WHERE id = \${id}\`);
    await tx.execute(sql\`UPDATE accounts SET balance = \${result.rows[0].balance + amount} WHERE id = \${id}\`);
  });
}
`,
      errors: [{ messageId: 'lostUpdate', line: 9, column: 11 }],
    },
    {
      name: 'a parameter typed NodePgDatabase',
      code: `
import { sql } from 'drizzle-orm';
import type { NodePgDatabase } from 'drizzle-orm/node-postgres';
export async function addPoints(db: NodePgDatabase, userId: number, points: number) {
  const [user] = (await db.execute(sql\`SELECT points FROM users WHERE id = \${userId}\`)).rows;
  await db.execute(sql\`UPDATE users SET points = \${user.points + points} WHERE id = \${userId}\`);
}
`,
      errors: [{ messageId: 'lostUpdate', line: 6, column: 9 }],
    },
  ],
});

ruleTester.run('drizzle: no-transaction-on-pool', transactionOnPool, {
  valid: [
    {
      name: 'every query on tx',
      code: `${db}
export async function transfer(from: number, to: number, amount: number) {
  await db.transaction(async (tx) => {
    await tx.execute(sql\`UPDATE accounts SET balance = balance - \${amount} WHERE id = \${from}\`);
    await tx.execute(sql\`UPDATE accounts SET balance = balance + \${amount} WHERE id = \${to}\`);
  });
}
`,
    },
    {
      name: 'a nested transaction (savepoint) on tx',
      code: `${db}
export async function transfer(from: number, to: number, amount: number) {
  await db.transaction(async (tx) => {
    await tx.execute(sql\`UPDATE accounts SET balance = balance - \${amount} WHERE id = \${from}\`);
    await tx.transaction(async (tx2) => {
      await tx2.execute(sql\`UPDATE accounts SET balance = balance + \${amount} WHERE id = \${to}\`);
    });
  });
}
`,
    },
    {
      name: 'BEGIN and COMMIT in one statement text',
      code: `${db}
export async function touch(id: number) {
  await db.execute(sql.raw('BEGIN; UPDATE accounts SET touched_at = now() WHERE id = 1; COMMIT'));
}
`,
    },
    {
      name: 'a query after the callback may use the database object',
      code: `${db}
export async function transfer(from: number, amount: number) {
  await db.transaction(async (tx) => {
    await tx.execute(sql\`UPDATE accounts SET balance = balance - \${amount} WHERE id = \${from}\`);
  });
  await db.execute(sql\`INSERT INTO audit_log (event) VALUES ('transfer')\`);
}
`,
    },
    {
      name: 'a parameter typed PgTransaction',
      code: `
import { sql } from 'drizzle-orm';
import type { PgTransaction } from 'drizzle-orm/pg-core';
export async function debit(tx: PgTransaction<any, any, any>, id: number, amount: number) {
  await tx.execute(sql\`UPDATE accounts SET balance = balance - \${amount} WHERE id = \${id}\`);
}
`,
    },
  ],
  invalid: [
    {
      name: 'BEGIN through the database object',
      code: `${db}
export async function transfer(from: number, to: number, amount: number) {
  await db.execute(sql\`BEGIN\`);
  await db.execute(sql\`UPDATE accounts SET balance = balance - \${amount} WHERE id = \${from}\`);
  await db.execute(sql\`COMMIT\`);
}
`,
      errors: [{ messageId: 'transactionOnPoolApi', line: 7, column: 9 }],
    },
    {
      name: 'BEGIN ISOLATION LEVEL SERIALIZABLE with sql.raw',
      code: `${db}
export async function transfer(from: number, amount: number) {
  await db.execute(sql.raw('BEGIN ISOLATION LEVEL SERIALIZABLE'));
  await db.execute(sql\`UPDATE accounts SET balance = balance - \${amount} WHERE id = \${from}\`);
}
`,
      errors: [{ messageId: 'transactionOnPoolApi', line: 7, column: 9 }],
    },
    {
      name: 'a query through db inside db.transaction',
      code: `${db}
export async function transfer(from: number, to: number, amount: number) {
  await db.transaction(async (tx) => {
    await tx.execute(sql\`UPDATE accounts SET balance = balance - \${amount} WHERE id = \${from}\`);
    await db.execute(sql\`UPDATE accounts SET balance = balance + \${amount} WHERE id = \${to}\`);
  });
}
`,
      errors: [{ messageId: 'queryOutsideTransaction', line: 9, column: 11 }],
    },
  ],
});

ruleTester.run('drizzle: no-lock-outside-transaction', lockOutsideTransaction, {
  valid: [
    {
      name: 'FOR UPDATE inside db.transaction',
      code: `${db}
export async function lock(id: number) {
  await db.transaction(async (tx) => {
    await tx.execute(sql\`SELECT balance FROM accounts WHERE id = \${id} FOR UPDATE\`);
  });
}
`,
    },
    {
      name: 'FOR UPDATE in a nested transaction',
      code: `${db}
export async function lock(id: number) {
  await db.transaction(async (tx) => {
    await tx.transaction(async (savepoint) => {
      await savepoint.execute(sql\`SELECT balance FROM accounts WHERE id = \${id} FOR UPDATE\`);
    });
  });
}
`,
    },
    {
      name: 'FOR SHARE in a serializable transaction',
      code: `${db}
export async function lock(id: number) {
  await db.transaction(async (tx) => {
    await tx.execute(sql\`SELECT 1 FROM accounts WHERE id = \${id} FOR SHARE\`);
  }, { isolationLevel: 'serializable' });
}
`,
    },
    {
      name: 'a parameter typed PgTransaction',
      code: `
import { sql } from 'drizzle-orm';
import type { PgTransaction } from 'drizzle-orm/pg-core';
export async function lock(tx: PgTransaction<any, any, any>, id: number) {
  return tx.execute(sql\`SELECT balance FROM accounts WHERE id = \${id} FOR UPDATE\`);
}
`,
    },
    {
      name: 'FOR UPDATE inside a one-statement text with BEGIN and COMMIT',
      code: `${db}
export async function lock() {
  await db.execute(sql.raw('BEGIN; SELECT balance FROM accounts WHERE id = 1 FOR UPDATE; COMMIT'));
}
`,
    },
  ],
  invalid: [
    {
      name: 'FOR UPDATE through the database object',
      code: `${db}
export async function lock(id: number) {
  const { rows } = await db.execute(sql\`SELECT balance FROM accounts WHERE id = \${id} FOR UPDATE\`);
  return rows[0];
}
`,
      errors: [{ messageId: 'lockOutsideTransaction', line: 7, column: 26 }],
    },
    {
      name: 'FOR UPDATE through db inside the transaction callback',
      code: `${db}
export async function lock(id: number) {
  await db.transaction(async (tx) => {
    await db.execute(sql\`SELECT balance FROM accounts WHERE id = \${id} FOR UPDATE\`);
    await tx.execute(sql\`UPDATE accounts SET touched_at = now() WHERE id = \${id}\`);
  });
}
`,
      errors: [{ messageId: 'lockOutsideTransaction', line: 8, column: 11 }],
    },
    {
      name: 'FOR NO KEY UPDATE written with sql.raw',
      code: `${db}
export async function lock() {
  return db.execute(sql.raw('SELECT 1 FROM accounts WHERE id = 1 FOR NO KEY UPDATE'));
}
`,
      errors: [{ messageId: 'lockOutsideTransaction', line: 7, column: 10 }],
    },
  ],
});
