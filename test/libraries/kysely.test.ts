/**
 * The six rules on kysely's raw SQL: ``sql`...`.execute(db)``, `db.executeQuery(CompiledQuery.raw(...))`,
 * `db.transaction().setIsolationLevel(...).execute(async (trx) => ...)`, `db.connection()` and the
 * controlled `db.startTransaction()`, written the way kysely's documentation writes them.
 */
import checkThenAct from '../../rules/no-check-then-act.js';
import decoupledInsert from '../../rules/no-decoupled-insert.js';
import ignoredRowcount from '../../rules/no-ignored-rowcount.js';
import lockOutsideTransaction from '../../rules/no-lock-outside-transaction.js';
import lostUpdate from '../../rules/no-lost-update.js';
import transactionOnPool from '../../rules/no-transaction-on-pool.js';
import { ruleTester } from '../helpers/rule-tester.js';

// Lines 2-4 of every case: the instance, as kysely's getting-started page creates it.
const db = `
import { CompiledQuery, Kysely, PostgresDialect, sql } from 'kysely';
import { Pool } from 'pg';
const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: new Pool({ database: 'app' }) }) });
`;

// A module that receives its instance or transaction, typed with kysely's own types (line 2).
const typed = `
import { sql, type Kysely, type Transaction } from 'kysely';
`;

const caseReadInDbTransactionWithoutALockTestedThe = `${db}
export async function buyTicket(concertId: string) {
  await db.transaction().execute(async (trx) => {
    const { rows } = await sql<{ available_seats: number }>\`SELECT available_seats FROM concerts WHERE concert_id = \${concertId}\`.execute(trx);
    if (rows[0].available_seats < 1) throw new Error('Sold out');
    await sql\`UPDATE concerts SET available_seats = available_seats - 1 WHERE concert_id = \${concertId}\`.execute(trx);
  });
}
`;

ruleTester.run('kysely: no-check-then-act', checkThenAct, {
  valid: [
    {
      name: 'the read locks the row with FOR UPDATE inside db.transaction()',
      code: `${db}
export async function buyTicket(concertId: string) {
  await db.transaction().execute(async (trx) => {
    const { rows } = await sql<{ available_seats: number }>\`SELECT available_seats FROM concerts WHERE concert_id = \${concertId} FOR UPDATE\`.execute(trx);
    if (rows[0].available_seats < 1) throw new Error('Sold out');
    await sql\`UPDATE concerts SET available_seats = available_seats - 1 WHERE concert_id = \${concertId}\`.execute(trx);
  });
}
`,
    },
    {
      name: 'the transaction is SERIALIZABLE through setIsolationLevel',
      code: `${db}
export async function buyTicket(concertId: string) {
  await db.transaction().setIsolationLevel('serializable').execute(async (trx) => {
    const { rows } = await sql<{ available_seats: number }>\`SELECT available_seats FROM concerts WHERE concert_id = \${concertId}\`.execute(trx);
    if (rows[0].available_seats < 1) throw new Error('Sold out');
    await sql\`UPDATE concerts SET available_seats = available_seats - 1 WHERE concert_id = \${concertId}\`.execute(trx);
  });
}
`,
    },
    {
      name: 'the write re-tests the condition and numAffectedRows is checked',
      code: `${db}
export async function reserve(productId: number, quantity: number) {
  const { rows } = await sql<{ stock: number }>\`SELECT stock FROM products WHERE id = \${productId}\`.execute(db);
  if (rows[0].stock < quantity) return false;
  const result = await sql\`UPDATE products SET stock = stock - \${quantity} WHERE id = \${productId} AND stock >= \${quantity}\`.execute(db);
  return result.numAffectedRows === 1n;
}
`,
    },
    {
      name: 'the INSERT after the check is ON CONFLICT DO NOTHING',
      code: `${db}
export async function book(roomId: number, night: string) {
  const { rows } = await sql\`SELECT id FROM bookings WHERE room_id = \${roomId} AND night = \${night}\`.execute(db);
  if (rows.length > 0) return false;
  const result = await sql\`INSERT INTO bookings (room_id, night) VALUES (\${roomId}, \${night}) ON CONFLICT DO NOTHING\`.execute(db);
  return result.numAffectedRows === 1n;
}
`,
    },
    {
      name: 'the read is only returned, nothing is written',
      code: `${db}
export async function seatsLeft(concertId: string) {
  const { rows } = await sql<{ available_seats: number }>\`SELECT available_seats FROM concerts WHERE concert_id = \${concertId}\`.execute(db);
  return rows[0].available_seats > 0;
}
`,
    },
  ],
  invalid: [
    {
      name: 'read in db.transaction() without a lock, tested, then written',
      code: caseReadInDbTransactionWithoutALockTestedThe,
      errors: [
        {
          messageId: 'checkThenAct',
          line: 8,
          column: 28,
          suggestions: [
            {
              messageId: 'addForUpdate',
              output: caseReadInDbTransactionWithoutALockTestedThe.replace(
                '${concertId}`.execute(trx);',
                '${concertId} FOR UPDATE`.execute(trx);',
              ),
            },
          ],
        },
      ],
    },
    {
      name: 'no booking found through db, so two requests both insert one',
      code: `${db}
export async function book(roomId: number, night: string) {
  const { rows } = await sql\`SELECT id FROM bookings WHERE room_id = \${roomId} AND night = \${night}\`.execute(db);
  if (rows.length > 0) return false;
  await sql\`INSERT INTO bookings (room_id, night) VALUES (\${roomId}, \${night})\`.execute(db);
  return true;
}
`,
      errors: [{ messageId: 'checkThenInsert', line: 7, column: 26 }],
    },
    {
      name: 'db.connection() holds one connection but no transaction: read, test, write',
      code: `${db}
export async function reserve(productId: number, quantity: number) {
  await db.connection().execute(async (conn) => {
    const { rows } = await sql<{ stock: number }>\`SELECT stock FROM products WHERE id = \${productId}\`.execute(conn);
    if (rows[0].stock < quantity) throw new Error('Out of stock');
    await sql\`UPDATE products SET stock = stock - \${quantity} WHERE id = \${productId}\`.execute(conn);
  });
}
`,
      errors: [{ messageId: 'checkThenAct', line: 8, column: 28 }],
    },
  ],
});

ruleTester.run('kysely: no-decoupled-insert', decoupledInsert, {
  valid: [
    {
      name: 'the ticket is inserted from the UPDATE ... RETURNING in one statement',
      code: `${db}
export async function buyTicket(concertId: string, userId: string) {
  const result = await sql\`
    WITH reserved AS (
      UPDATE concerts SET available_seats = available_seats - 1
       WHERE concert_id = \${concertId} AND available_seats > 0
      RETURNING concert_id
    )
    INSERT INTO tickets (concert_id, user_id) SELECT concert_id, \${userId} FROM reserved\`.execute(db);
  return result.numAffectedRows === 1n;
}
`,
    },
    {
      name: 'numAffectedRows of the UPDATE is checked before the INSERT',
      code: `${db}
export async function buyTicket(concertId: string, userId: string) {
  return db.transaction().execute(async (trx) => {
    const reserved = await sql\`UPDATE concerts SET available_seats = available_seats - 1 WHERE concert_id = \${concertId} AND available_seats > 0\`.execute(trx);
    if (reserved.numAffectedRows === 0n) return false;
    await sql\`INSERT INTO tickets (concert_id, user_id) VALUES (\${concertId}, \${userId})\`.execute(trx);
    return true;
  });
}
`,
    },
    {
      name: 'the rows of UPDATE ... RETURNING are tested',
      code: `${db}
export async function buyTicket(concertId: string, userId: string) {
  return db.transaction().execute(async (trx) => {
    const { rows } = await sql\`UPDATE concerts SET available_seats = available_seats - 1 WHERE concert_id = \${concertId} AND available_seats > 0 RETURNING concert_id\`.execute(trx);
    if (rows.length === 0) return false;
    await sql\`INSERT INTO tickets (concert_id, user_id) VALUES (\${concertId}, \${userId})\`.execute(trx);
    return true;
  });
}
`,
    },
    {
      name: 'CompiledQuery.raw through executeQuery, its numAffectedRows checked',
      code: `${db}
export async function buyTicket(concertId: string, userId: string) {
  const reserved = await db.executeQuery(CompiledQuery.raw('UPDATE concerts SET available_seats = available_seats - 1 WHERE concert_id = $1 AND available_seats > 0', [concertId]));
  if (reserved.numAffectedRows === 0n) return false;
  await db.executeQuery(CompiledQuery.raw('INSERT INTO tickets (concert_id, user_id) VALUES ($1, $2)', [concertId, userId]));
  return true;
}
`,
    },
    {
      name: 'the UPDATE is keyed only, so it cannot miss because of a race',
      code: `${db}
export async function rename(concertId: string, name: string) {
  await db.transaction().execute(async (trx) => {
    await sql\`UPDATE concerts SET name = \${name} WHERE concert_id = \${concertId}\`.execute(trx);
    await sql\`INSERT INTO audit (concert_id, action) VALUES (\${concertId}, 'rename')\`.execute(trx);
  });
}
`,
    },
  ],
  invalid: [
    {
      name: 'guarded UPDATE in db.transaction(), then an INSERT that runs anyway',
      code: `${db}
export async function buyTicket(concertId: string, userId: string) {
  await db.transaction().execute(async (trx) => {
    await sql\`UPDATE concerts SET available_seats = available_seats - 1 WHERE concert_id = \${concertId} AND available_seats > 0\`.execute(trx);
    await sql\`INSERT INTO tickets (concert_id, user_id) VALUES (\${concertId}, \${userId})\`.execute(trx);
  });
}
`,
      errors: [{ messageId: 'decoupledWrite', line: 8, column: 11 }],
    },
    {
      name: 'guarded UPDATE in a controlled transaction, then an INSERT',
      code: `${db}
export async function buyTicket(concertId: string, userId: string) {
  const trx = await db.startTransaction().execute();
  try {
    await sql\`UPDATE concerts SET available_seats = available_seats - 1 WHERE concert_id = \${concertId} AND available_seats > 0\`.execute(trx);
    await sql\`INSERT INTO tickets (concert_id, user_id) VALUES (\${concertId}, \${userId})\`.execute(trx);
    await trx.commit().execute();
  } catch (error) {
    await trx.rollback().execute();
    throw error;
  }
}
`,
      errors: [{ messageId: 'decoupledWrite', line: 9, column: 11 }],
    },
    {
      name: 'a data-modifying CTE the INSERT does not read',
      code: `${db}
export async function buyTicket(concertId: string, userId: string) {
  await sql\`
    WITH reserved AS (
      UPDATE concerts SET available_seats = available_seats - 1
       WHERE concert_id = \${concertId} AND available_seats > 0
      RETURNING concert_id
    )
    INSERT INTO tickets (concert_id, user_id) VALUES (\${concertId}, \${userId})\`.execute(db);
}
`,
      errors: [{ messageId: 'decoupledCte', line: 7, column: 9 }],
    },
  ],
});

ruleTester.run('kysely: no-ignored-rowcount', ignoredRowcount, {
  valid: [
    {
      name: 'numAffectedRows is compared',
      code: `${db}
export async function claimJob(jobId: number, workerId: string) {
  const result = await sql\`UPDATE jobs SET worker_id = \${workerId} WHERE id = \${jobId} AND status = 'pending'\`.execute(db);
  return { claimed: result.numAffectedRows === 1n };
}
`,
    },
    {
      name: 'the rows of UPDATE ... RETURNING are tested',
      code: `${db}
export async function claimJob(jobId: number, workerId: string) {
  const { rows } = await sql<{ id: number }>\`UPDATE jobs SET worker_id = \${workerId} WHERE id = \${jobId} AND status = 'pending' RETURNING id\`.execute(db);
  return { claimed: rows.length === 1 };
}
`,
    },
    {
      name: 'the result is returned to the caller',
      code: `${db}
export function cancel(orderId: number) {
  return sql\`DELETE FROM orders WHERE id = \${orderId} AND status = 'new'\`.execute(db);
}
`,
    },
    {
      name: 'a query built first and executed later, its numAffectedRows tested',
      code: `${db}
export async function claimJob(jobId: number, workerId: string) {
  const query = sql\`UPDATE jobs SET worker_id = \${workerId} WHERE id = \${jobId} AND status = 'pending'\`;
  const result = await query.execute(db);
  if (result.numAffectedRows === 0n) throw new Error('Taken');
}
`,
    },
    {
      name: 'an UPDATE by key only has no guard to miss',
      code: `${db}
export async function rename(userId: number, name: string) {
  await sql\`UPDATE users SET name = \${name} WHERE id = \${userId}\`.execute(db);
  return { ok: true };
}
`,
    },
  ],
  invalid: [
    {
      name: 'the result of a guarded UPDATE is dropped',
      code: `${db}
export async function claimJob(jobId: number, workerId: string) {
  await sql\`UPDATE jobs SET worker_id = \${workerId}, status = 'running' WHERE id = \${jobId} AND status = 'pending'\`.execute(db);
  return { claimed: true };
}
`,
      errors: [{ messageId: 'ignoredRowCount', line: 7, column: 9 }],
    },
    {
      name: 'a guarded DELETE in db.transaction() whose count is never read',
      code: `${db}
export async function cancel(orderId: number) {
  await db.transaction().execute(async (trx) => {
    await sql\`DELETE FROM orders WHERE id = \${orderId} AND status = 'new'\`.execute(trx);
  });
  return 'cancelled';
}
`,
      errors: [{ messageId: 'ignoredRowCount', line: 8, column: 11 }],
    },
    {
      name: 'CompiledQuery.raw of a guarded UPDATE through executeQuery, dropped',
      code: `${db}
export async function withdraw(accountId: number, amount: number) {
  await db.executeQuery(CompiledQuery.raw('UPDATE accounts SET balance = balance - $1 WHERE id = $2 AND balance >= $1', [amount, accountId]));
  return { ok: true };
}
`,
      errors: [{ messageId: 'ignoredRowCount', line: 7, column: 9 }],
    },
  ],
});

ruleTester.run('kysely: no-lost-update', lostUpdate, {
  valid: [
    {
      name: 'the balance is changed relative to the stored value',
      code: `${db}
export async function deposit(accountId: number, amount: number) {
  await sql\`UPDATE accounts SET balance = balance + \${amount} WHERE id = \${accountId}\`.execute(db);
}
`,
    },
    {
      name: 'the row is locked with FOR UPDATE in db.transaction()',
      code: `${db}
export async function deposit(accountId: number, amount: number) {
  await db.transaction().execute(async (trx) => {
    const { rows } = await sql<{ balance: number }>\`SELECT balance FROM accounts WHERE id = \${accountId} FOR UPDATE\`.execute(trx);
    await sql\`UPDATE accounts SET balance = \${rows[0].balance + amount} WHERE id = \${accountId}\`.execute(trx);
  });
}
`,
    },
    {
      name: 'the transaction is REPEATABLE READ',
      code: `${db}
export async function deposit(accountId: number, amount: number) {
  await db.transaction().setIsolationLevel('repeatable read').execute(async (trx) => {
    const { rows } = await sql<{ balance: number }>\`SELECT balance FROM accounts WHERE id = \${accountId}\`.execute(trx);
    await sql\`UPDATE accounts SET balance = \${rows[0].balance + amount} WHERE id = \${accountId}\`.execute(trx);
  });
}
`,
    },
    {
      name: 'the write checks the version it read',
      code: `${db}
export async function deposit(accountId: number, amount: number) {
  const { rows } = await sql<{ balance: number; version: number }>\`SELECT balance, version FROM accounts WHERE id = \${accountId}\`.execute(db);
  const [account] = rows;
  const result = await sql\`UPDATE accounts SET balance = \${account.balance + amount}, version = version + 1 WHERE id = \${accountId} AND version = \${account.version}\`.execute(db);
  return result.numAffectedRows === 1n;
}
`,
    },
    {
      name: 'the value written does not come from the read',
      code: `${db}
export async function setBalance(accountId: number, balance: number) {
  await sql\`SELECT balance FROM accounts WHERE id = \${accountId}\`.execute(db);
  await sql\`UPDATE accounts SET balance = \${balance} WHERE id = \${accountId}\`.execute(db);
}
`,
    },
  ],
  invalid: [
    {
      name: 'the balance read through db plus the deposit written back',
      code: `${db}
export async function deposit(accountId: number, amount: number) {
  const { rows } = await sql<{ balance: number }>\`SELECT balance FROM accounts WHERE id = \${accountId}\`.execute(db);
  const newBalance = rows[0].balance + amount;
  await sql\`UPDATE accounts SET balance = \${newBalance} WHERE id = \${accountId}\`.execute(db);
}
`,
      errors: [{ messageId: 'lostUpdate', line: 9, column: 9 }],
    },
    {
      name: 'inside db.transaction() at READ COMMITTED the read still takes no lock',
      code: `${db}
export async function deposit(accountId: number, amount: number) {
  await db.transaction().execute(async (trx) => {
    const { rows } = await sql<{ balance: number }>\`SELECT balance FROM accounts WHERE id = \${accountId}\`.execute(trx);
    await sql\`UPDATE accounts SET balance = \${rows[0].balance + amount} WHERE id = \${accountId}\`.execute(trx);
  });
}
`,
      errors: [{ messageId: 'lostUpdate', line: 9, column: 11 }],
    },
    {
      name: 'table and column written with sql.table and sql.ref, the value from the read',
      code: `${db}
export async function addStock(productId: number, quantity: number) {
  const { rows } = await sql<{ stock: number }>\`SELECT stock FROM \${sql.table('products')} WHERE id = \${productId}\`.execute(db);
  const stock = rows[0].stock + quantity;
  await sql\`UPDATE \${sql.table('products')} SET \${sql.ref('stock')} = \${stock} WHERE id = \${productId}\`.execute(db);
}
`,
      errors: [{ messageId: 'lostUpdate', line: 9, column: 9 }],
    },
  ],
});

ruleTester.run('kysely: no-transaction-on-pool', transactionOnPool, {
  valid: [
    {
      name: 'every statement runs on the db.transaction() trx',
      code: `${db}
export async function transfer(from: number, to: number, amount: number) {
  await db.transaction().execute(async (trx) => {
    await sql\`UPDATE accounts SET balance = balance - \${amount} WHERE id = \${from}\`.execute(trx);
    await sql\`UPDATE accounts SET balance = balance + \${amount} WHERE id = \${to}\`.execute(trx);
  });
}
`,
    },
    {
      name: 'BEGIN and COMMIT on the one connection of db.connection()',
      code: `${db}
export async function transfer(from: number, amount: number) {
  await db.connection().execute(async (conn) => {
    await sql\`BEGIN\`.execute(conn);
    await sql\`UPDATE accounts SET balance = balance - \${amount} WHERE id = \${from}\`.execute(conn);
    await sql\`COMMIT\`.execute(conn);
  });
}
`,
    },
    {
      name: 'a query through db outside the transaction callback',
      code: `${db}
export async function audit(accountId: number) {
  await sql\`INSERT INTO audit (account_id) VALUES (\${accountId})\`.execute(db);
  await db.transaction().execute(async (trx) => {
    await sql\`UPDATE accounts SET audited = true WHERE id = \${accountId}\`.execute(trx);
  });
}
`,
    },
    {
      name: 'a typed Transaction handed in by the caller',
      code: `${typed}
export async function transfer(trx: Transaction<Database>, from: number, amount: number) {
  await sql\`UPDATE accounts SET balance = balance - \${amount} WHERE id = \${from}\`.execute(trx);
  await sql\`INSERT INTO audit (account_id) VALUES (\${from})\`.execute(trx);
}
`,
    },
    {
      name: 'a controlled transaction committed with trx.commit().execute()',
      code: `${db}
export async function transfer(from: number, amount: number) {
  const trx = await db.startTransaction().execute();
  await sql\`UPDATE accounts SET balance = balance - \${amount} WHERE id = \${from}\`.execute(trx);
  await trx.commit().execute();
}
`,
    },
  ],
  invalid: [
    {
      name: 'BEGIN sent through the Kysely instance',
      code: `${db}
export async function transfer(from: number, amount: number) {
  await sql\`BEGIN\`.execute(db);
  await sql\`UPDATE accounts SET balance = balance - \${amount} WHERE id = \${from}\`.execute(db);
  await sql\`COMMIT\`.execute(db);
}
`,
      errors: [{ messageId: 'transactionOnPoolApi', line: 7, column: 9 }],
    },
    {
      name: 'START TRANSACTION through a typed Kysely',
      code: `${typed}
export async function transfer(db: Kysely<Database>, from: number, amount: number) {
  await sql\`START TRANSACTION\`.execute(db);
  await sql\`UPDATE accounts SET balance = balance - \${amount} WHERE id = \${from}\`.execute(db);
}
`,
      errors: [{ messageId: 'transactionOnPoolApi', line: 5, column: 9 }],
    },
    {
      name: 'the Kysely instance used inside db.transaction() instead of trx',
      code: `${db}
export async function transfer(from: number, to: number, amount: number) {
  await db.transaction().execute(async (trx) => {
    await sql\`UPDATE accounts SET balance = balance - \${amount} WHERE id = \${from}\`.execute(trx);
    await sql\`UPDATE accounts SET balance = balance + \${amount} WHERE id = \${to}\`.execute(db);
  });
}
`,
      errors: [{ messageId: 'queryOutsideTransaction', line: 9, column: 11 }],
    },
  ],
});

ruleTester.run('kysely: no-lock-outside-transaction', lockOutsideTransaction, {
  valid: [
    {
      name: 'FOR UPDATE inside db.transaction()',
      code: `${db}
export async function withdraw(accountId: number, amount: number) {
  await db.transaction().execute(async (trx) => {
    const { rows } = await sql<{ balance: number }>\`SELECT balance FROM accounts WHERE id = \${accountId} FOR UPDATE\`.execute(trx);
    if (rows[0].balance < amount) throw new Error('Insufficient funds');
    await sql\`UPDATE accounts SET balance = balance - \${amount} WHERE id = \${accountId}\`.execute(trx);
  });
}
`,
    },
    {
      name: 'FOR UPDATE on a typed Transaction',
      code: `${typed}
export function lockAccount(trx: Transaction<Database>, accountId: number) {
  return sql\`SELECT balance FROM accounts WHERE id = \${accountId} FOR UPDATE\`.execute(trx);
}
`,
    },
    {
      name: 'a plain SELECT through the Kysely instance',
      code: `${db}
export function balance(accountId: number) {
  return sql\`SELECT balance FROM accounts WHERE id = \${accountId}\`.execute(db);
}
`,
    },
    {
      name: 'FOR UPDATE in a controlled transaction',
      code: `${db}
export async function withdraw(accountId: number) {
  const trx = await db.startTransaction().execute();
  await sql\`SELECT balance FROM accounts WHERE id = \${accountId} FOR UPDATE\`.execute(trx);
  await trx.commit().execute();
}
`,
    },
    {
      name: 'FOR UPDATE after BEGIN on db.connection()',
      code: `${db}
export async function withdraw(accountId: number) {
  await db.connection().execute(async (conn) => {
    await sql\`BEGIN\`.execute(conn);
    await sql\`SELECT balance FROM accounts WHERE id = \${accountId} FOR UPDATE\`.execute(conn);
    await sql\`COMMIT\`.execute(conn);
  });
}
`,
    },
  ],
  invalid: [
    {
      name: 'FOR UPDATE through the Kysely instance ends with the statement',
      code: `${db}
export async function withdraw(accountId: number, amount: number) {
  const { rows } = await sql<{ balance: number }>\`SELECT balance FROM accounts WHERE id = \${accountId} FOR UPDATE\`.execute(db);
  if (rows[0].balance < amount) throw new Error('Insufficient funds');
  await sql\`UPDATE accounts SET balance = balance - \${amount} WHERE id = \${accountId}\`.execute(db);
}
`,
      errors: [{ messageId: 'lockOutsideTransaction', line: 7, column: 26 }],
    },
    {
      name: 'FOR SHARE through the Kysely instance, returned',
      code: `${db}
export function readAccount(accountId: number) {
  return sql\`SELECT balance FROM accounts WHERE id = \${accountId} FOR SHARE\`.execute(db);
}
`,
      errors: [{ messageId: 'lockOutsideTransaction', line: 7, column: 10 }],
    },
    {
      name: 'FOR UPDATE SKIP LOCKED through a typed Kysely',
      code: `${typed}
export async function nextJob(db: Kysely<Database>) {
  const { rows } = await sql\`SELECT id FROM jobs WHERE status = 'pending' LIMIT 1 FOR UPDATE SKIP LOCKED\`.execute(db);
  return rows[0];
}
`,
      errors: [{ messageId: 'lockOutsideTransaction', line: 5, column: 26 }],
    },
  ],
});
