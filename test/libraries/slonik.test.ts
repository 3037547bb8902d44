/**
 * The six rules on slonik: queries built with `sql.unsafe` and `sql.typeAlias(...)` run through
 * `query/one/oneFirst/maybeOne/many/any`, `pool.transaction(async (tx) => ...)`, `pool.connect(...)`,
 * written the way slonik's README writes them.
 */
import checkThenAct from '../../rules/no-check-then-act.js';
import decoupledInsert from '../../rules/no-decoupled-insert.js';
import ignoredRowcount from '../../rules/no-ignored-rowcount.js';
import lockOutsideTransaction from '../../rules/no-lock-outside-transaction.js';
import lostUpdate from '../../rules/no-lost-update.js';
import transactionOnPool from '../../rules/no-transaction-on-pool.js';
import { ruleTester } from '../helpers/rule-tester.js';

// Lines 2-3 of every case: the pool, as slonik's README creates it.
const pool = `
import { createPool, sql } from 'slonik';
const pool = await createPool('postgres://localhost/app');
`;

// A module that receives its connection, typed with slonik's own types (line 2).
const typed = `
import { sql, type DatabasePool, type DatabaseTransactionConnection } from 'slonik';
`;

const caseReadInPoolTransactionWithoutALockTestedT = `${pool}
export async function buyTicket(concertId: string) {
  await pool.transaction(async (tx) => {
    const concert = await tx.one(sql.unsafe\`SELECT available_seats FROM concerts WHERE concert_id = \${concertId}\`);
    if (concert.available_seats < 1) throw new Error('Sold out');
    await tx.query(sql.unsafe\`UPDATE concerts SET available_seats = available_seats - 1 WHERE concert_id = \${concertId}\`);
  });
}
`;

ruleTester.run('slonik: no-check-then-act', checkThenAct, {
  valid: [
    {
      name: 'the read locks the row with FOR UPDATE inside pool.transaction',
      code: `${pool}
export async function buyTicket(concertId: string) {
  await pool.transaction(async (tx) => {
    const concert = await tx.one(sql.unsafe\`SELECT available_seats FROM concerts WHERE concert_id = \${concertId} FOR UPDATE\`);
    if (concert.available_seats < 1) throw new Error('Sold out');
    await tx.query(sql.unsafe\`UPDATE concerts SET available_seats = available_seats - 1 WHERE concert_id = \${concertId}\`);
  });
}
`,
    },
    {
      name: 'the write re-tests the condition and its rowCount is checked',
      code: `${pool}
export async function reserve(productId: number, quantity: number) {
  const product = await pool.one(sql.unsafe\`SELECT stock FROM products WHERE id = \${productId}\`);
  if (product.stock < quantity) return false;
  const result = await pool.query(sql.unsafe\`UPDATE products SET stock = stock - \${quantity} WHERE id = \${productId} AND stock >= \${quantity}\`);
  return result.rowCount === 1;
}
`,
    },
    {
      name: 'the transaction is SERIALIZABLE (SET TRANSACTION inside pool.transaction)',
      code: `${pool}
export async function buyTicket(concertId: string) {
  await pool.transaction(async (tx) => {
    await tx.query(sql.unsafe\`SET TRANSACTION ISOLATION LEVEL SERIALIZABLE\`);
    const concert = await tx.one(sql.unsafe\`SELECT available_seats FROM concerts WHERE concert_id = \${concertId}\`);
    if (concert.available_seats < 1) throw new Error('Sold out');
    await tx.query(sql.unsafe\`UPDATE concerts SET available_seats = available_seats - 1 WHERE concert_id = \${concertId}\`);
  });
}
`,
    },
    {
      name: 'the INSERT after the check is ON CONFLICT DO NOTHING',
      code: `${pool}
export async function book(roomId: number, night: string) {
  const existing = await pool.maybeOne(sql.typeAlias('id')\`SELECT id FROM bookings WHERE room_id = \${roomId} AND night = \${night}\`);
  if (existing) return false;
  const inserted = await pool.query(sql.unsafe\`INSERT INTO bookings (room_id, night) VALUES (\${roomId}, \${night}) ON CONFLICT DO NOTHING\`);
  return inserted.rowCount === 1;
}
`,
    },
    {
      name: 'a typed transaction connection reads with FOR UPDATE',
      code: `${typed}
export async function withdraw(tx: DatabaseTransactionConnection, accountId: number, amount: number) {
  const account = await tx.one(sql.unsafe\`SELECT balance FROM accounts WHERE id = \${accountId} FOR UPDATE\`);
  if (account.balance < amount) throw new Error('Insufficient funds');
  await tx.query(sql.unsafe\`UPDATE accounts SET balance = balance - \${amount} WHERE id = \${accountId}\`);
}
`,
    },
    {
      name: 'the read is only returned, nothing is written',
      code: `${pool}
export async function seatsLeft(concertId: string) {
  const seats = await pool.oneFirst(sql.typeAlias('seats')\`SELECT available_seats FROM concerts WHERE concert_id = \${concertId}\`);
  return seats > 0;
}
`,
    },
  ],
  invalid: [
    {
      name: 'read in pool.transaction without a lock, tested, then written',
      code: caseReadInPoolTransactionWithoutALockTestedT,
      errors: [
        {
          messageId: 'checkThenAct',
          line: 7,
          column: 27,
          suggestions: [
            {
              messageId: 'addForUpdate',
              output: caseReadInPoolTransactionWithoutALockTestedT.replace('${concertId}`);', '${concertId} FOR UPDATE`);'),
            },
          ],
        },
      ],
    },
    {
      name: 'maybeOne finds no booking, so two requests both insert one',
      code: `${pool}
export async function book(roomId: number, night: string) {
  const existing = await pool.maybeOne(sql.typeAlias('id')\`SELECT id FROM bookings WHERE room_id = \${roomId} AND night = \${night}\`);
  if (existing) return false;
  await pool.query(sql.unsafe\`INSERT INTO bookings (room_id, night) VALUES (\${roomId}, \${night})\`);
  return true;
}
`,
      errors: [{ messageId: 'checkThenInsert', line: 6, column: 26 }],
    },
    {
      name: 'query rows read through the pool, tested, then the stock written',
      code: `${pool}
export async function reserve(productId: number, quantity: number) {
  const { rows } = await pool.query(sql.unsafe\`SELECT stock FROM products WHERE id = \${productId}\`);
  if (rows[0].stock < quantity) throw new Error('Out of stock');
  await pool.query(sql.unsafe\`UPDATE products SET stock = stock - \${quantity} WHERE id = \${productId}\`);
}
`,
      errors: [{ messageId: 'checkThenAct', line: 6, column: 26 }],
    },
  ],
});

ruleTester.run('slonik: no-decoupled-insert', decoupledInsert, {
  valid: [
    {
      name: 'the ticket is inserted from the UPDATE ... RETURNING in one statement',
      code: `${pool}
export async function buyTicket(concertId: string, userId: string) {
  const result = await pool.query(sql.unsafe\`
    WITH reserved AS (
      UPDATE concerts SET available_seats = available_seats - 1
       WHERE concert_id = \${concertId} AND available_seats > 0
      RETURNING concert_id
    )
    INSERT INTO tickets (concert_id, user_id) SELECT concert_id, \${userId} FROM reserved\`);
  return result.rowCount === 1;
}
`,
    },
    {
      name: 'the UPDATE rowCount is checked before the INSERT',
      code: `${pool}
export async function buyTicket(concertId: string, userId: string) {
  return pool.transaction(async (tx) => {
    const reserved = await tx.query(sql.unsafe\`UPDATE concerts SET available_seats = available_seats - 1 WHERE concert_id = \${concertId} AND available_seats > 0\`);
    if (reserved.rowCount === 0) return false;
    await tx.query(sql.unsafe\`INSERT INTO tickets (concert_id, user_id) VALUES (\${concertId}, \${userId})\`);
    return true;
  });
}
`,
    },
    {
      name: 'one() rejects with NotFoundError when the UPDATE ... RETURNING took no seat',
      code: `${pool}
export async function buyTicket(concertId: string, userId: string) {
  await pool.transaction(async (tx) => {
    await tx.one(sql.typeAlias('id')\`UPDATE concerts SET available_seats = available_seats - 1 WHERE concert_id = \${concertId} AND available_seats > 0 RETURNING concert_id\`);
    await tx.query(sql.unsafe\`INSERT INTO tickets (concert_id, user_id) VALUES (\${concertId}, \${userId})\`);
  });
}
`,
    },
    {
      name: 'maybeOne() of the UPDATE ... RETURNING is tested',
      code: `${pool}
export async function buyTicket(concertId: string, userId: string) {
  return pool.transaction(async (tx) => {
    const seat = await tx.maybeOne(sql.typeAlias('id')\`UPDATE concerts SET available_seats = available_seats - 1 WHERE concert_id = \${concertId} AND available_seats > 0 RETURNING concert_id\`);
    if (seat === null) return false;
    await tx.query(sql.unsafe\`INSERT INTO tickets (concert_id, user_id) VALUES (\${concertId}, \${userId})\`);
    return true;
  });
}
`,
    },
    {
      name: 'the UPDATE is keyed only, so it cannot miss because of a race',
      code: `${pool}
export async function rename(concertId: string, name: string) {
  await pool.transaction(async (tx) => {
    await tx.query(sql.unsafe\`UPDATE concerts SET name = \${name} WHERE concert_id = \${concertId}\`);
    await tx.query(sql.unsafe\`INSERT INTO audit (concert_id, action) VALUES (\${concertId}, 'rename')\`);
  });
}
`,
    },
  ],
  invalid: [
    {
      name: 'guarded UPDATE in pool.transaction, then an INSERT that runs anyway',
      code: `${pool}
export async function buyTicket(concertId: string, userId: string) {
  await pool.transaction(async (tx) => {
    await tx.query(sql.unsafe\`UPDATE concerts SET available_seats = available_seats - 1 WHERE concert_id = \${concertId} AND available_seats > 0\`);
    await tx.query(sql.unsafe\`INSERT INTO tickets (concert_id, user_id) VALUES (\${concertId}, \${userId})\`);
  });
}
`,
      errors: [{ messageId: 'decoupledWrite', line: 7, column: 11 }],
    },
    {
      name: 'guarded UPDATE on a connection lent by pool.connect, then an INSERT',
      code: `${pool}
export async function buyTicket(concertId: string, userId: string) {
  await pool.connect(async (connection) => {
    await connection.query(sql.unsafe\`UPDATE concerts SET available_seats = available_seats - 1 WHERE concert_id = \${concertId} AND available_seats > 0\`);
    await connection.query(sql.unsafe\`INSERT INTO tickets (concert_id, user_id) VALUES (\${concertId}, \${userId})\`);
  });
}
`,
      errors: [{ messageId: 'decoupledWrite', line: 7, column: 11 }],
    },
    {
      name: 'a data-modifying CTE the INSERT does not read',
      code: `${pool}
export async function buyTicket(concertId: string, userId: string) {
  await pool.query(sql.unsafe\`
    WITH reserved AS (
      UPDATE concerts SET available_seats = available_seats - 1
       WHERE concert_id = \${concertId} AND available_seats > 0
      RETURNING concert_id
    )
    INSERT INTO tickets (concert_id, user_id) VALUES (\${concertId}, \${userId})\`);
}
`,
      errors: [{ messageId: 'decoupledCte', line: 6, column: 9 }],
    },
  ],
});

ruleTester.run('slonik: no-ignored-rowcount', ignoredRowcount, {
  valid: [
    {
      name: 'the rowCount of query() is compared',
      code: `${pool}
export async function claimJob(jobId: number, workerId: string) {
  const result = await pool.query(sql.unsafe\`UPDATE jobs SET worker_id = \${workerId} WHERE id = \${jobId} AND status = 'pending'\`);
  return { claimed: result.rowCount === 1 };
}
`,
    },
    {
      name: 'one() of UPDATE ... RETURNING rejects when the job was taken',
      code: `${pool}
export async function claimJob(jobId: number, workerId: string) {
  await pool.one(sql.typeAlias('id')\`UPDATE jobs SET worker_id = \${workerId} WHERE id = \${jobId} AND status = 'pending' RETURNING id\`);
  return { claimed: true };
}
`,
    },
    {
      name: 'maybeOne() of UPDATE ... RETURNING is tested for null',
      code: `${pool}
export async function claimJob(jobId: number, workerId: string) {
  const job = await pool.maybeOne(sql.typeAlias('id')\`UPDATE jobs SET worker_id = \${workerId} WHERE id = \${jobId} AND status = 'pending' RETURNING id\`);
  return { claimed: job !== null };
}
`,
    },
    {
      name: 'the rows any() returns are handed to the caller',
      code: `${pool}
export async function expire(cutoff: string) {
  return pool.any(sql.typeAlias('id')\`DELETE FROM sessions WHERE id = \${cutoff} AND expires_at < now() RETURNING id\`);
}
`,
    },
    {
      name: 'an UPDATE by key only has no guard to miss',
      code: `${pool}
export async function rename(userId: number, name: string) {
  await pool.query(sql.unsafe\`UPDATE users SET name = \${name} WHERE id = \${userId}\`);
  return { ok: true };
}
`,
    },
  ],
  invalid: [
    {
      name: 'query() result of a guarded UPDATE is dropped',
      code: `${pool}
export async function claimJob(jobId: number, workerId: string) {
  await pool.query(sql.unsafe\`UPDATE jobs SET worker_id = \${workerId}, status = 'running' WHERE id = \${jobId} AND status = 'pending'\`);
  return { claimed: true };
}
`,
      errors: [{ messageId: 'ignoredRowCount', line: 6, column: 9 }],
    },
    {
      name: 'any() of a guarded DELETE is dropped',
      code: `${pool}
export async function cancel(orderId: number) {
  await pool.any(sql.typeAlias('id')\`DELETE FROM orders WHERE id = \${orderId} AND status = 'new' RETURNING id\`);
  return 'cancelled';
}
`,
      errors: [{ messageId: 'ignoredRowCount', line: 6, column: 9 }],
    },
    {
      name: 'a guarded UPDATE in pool.transaction whose count is never read',
      code: `${pool}
export async function withdraw(accountId: number, amount: number) {
  await pool.transaction(async (tx) => {
    await tx.query(sql.unsafe\`UPDATE accounts SET balance = balance - \${amount} WHERE id = \${accountId} AND balance >= \${amount}\`);
  });
  return { ok: true };
}
`,
      errors: [{ messageId: 'ignoredRowCount', line: 7, column: 11 }],
    },
  ],
});

ruleTester.run('slonik: no-lost-update', lostUpdate, {
  valid: [
    {
      name: 'the balance is changed relative to the stored value',
      code: `${pool}
export async function deposit(accountId: number, amount: number) {
  await pool.query(sql.unsafe\`UPDATE accounts SET balance = balance + \${amount} WHERE id = \${accountId}\`);
}
`,
    },
    {
      name: 'the row is locked with FOR UPDATE in pool.transaction',
      code: `${pool}
export async function deposit(accountId: number, amount: number) {
  await pool.transaction(async (tx) => {
    const balance = await tx.oneFirst(sql.typeAlias('balance')\`SELECT balance FROM accounts WHERE id = \${accountId} FOR UPDATE\`);
    await tx.query(sql.unsafe\`UPDATE accounts SET balance = \${balance + amount} WHERE id = \${accountId}\`);
  });
}
`,
    },
    {
      name: 'the transaction is REPEATABLE READ',
      code: `${pool}
export async function deposit(accountId: number, amount: number) {
  await pool.transaction(async (tx) => {
    await tx.query(sql.unsafe\`SET TRANSACTION ISOLATION LEVEL REPEATABLE READ\`);
    const balance = await tx.oneFirst(sql.typeAlias('balance')\`SELECT balance FROM accounts WHERE id = \${accountId}\`);
    await tx.query(sql.unsafe\`UPDATE accounts SET balance = \${balance + amount} WHERE id = \${accountId}\`);
  });
}
`,
    },
    {
      name: 'the write checks the version it read',
      code: `${pool}
export async function deposit(accountId: number, amount: number) {
  const account = await pool.one(sql.unsafe\`SELECT balance, version FROM accounts WHERE id = \${accountId}\`);
  const result = await pool.query(sql.unsafe\`UPDATE accounts SET balance = \${account.balance + amount}, version = version + 1 WHERE id = \${accountId} AND version = \${account.version}\`);
  return result.rowCount === 1;
}
`,
    },
    {
      name: 'the value written does not come from the read',
      code: `${pool}
export async function setBalance(accountId: number, balance: number) {
  await pool.one(sql.unsafe\`SELECT balance FROM accounts WHERE id = \${accountId}\`);
  await pool.query(sql.unsafe\`UPDATE accounts SET balance = \${balance} WHERE id = \${accountId}\`);
}
`,
    },
  ],
  invalid: [
    {
      name: 'oneFirst() balance plus the deposit written back',
      code: `${pool}
export async function deposit(accountId: number, amount: number) {
  const balance = await pool.oneFirst(sql.typeAlias('balance')\`SELECT balance FROM accounts WHERE id = \${accountId}\`);
  await pool.query(sql.unsafe\`UPDATE accounts SET balance = \${balance + amount} WHERE id = \${accountId}\`);
}
`,
      errors: [{ messageId: 'lostUpdate', line: 7, column: 9 }],
    },
    {
      name: 'inside pool.transaction at READ COMMITTED the read still takes no lock',
      code: `${pool}
export async function deposit(accountId: number, amount: number) {
  await pool.transaction(async (tx) => {
    const account = await tx.one(sql.unsafe\`SELECT balance FROM accounts WHERE id = \${accountId}\`);
    const newBalance = account.balance + amount;
    await tx.query(sql.unsafe\`UPDATE accounts SET balance = \${newBalance} WHERE id = \${accountId}\`);
  });
}
`,
      errors: [{ messageId: 'lostUpdate', line: 9, column: 11 }],
    },
    {
      name: 'query() rows read, changed in JavaScript, written back',
      code: `${pool}
export async function addStock(productId: number, quantity: number) {
  const { rows } = await pool.query(sql.unsafe\`SELECT stock FROM products WHERE id = \${productId}\`);
  const stock = rows[0].stock + quantity;
  await pool.query(sql.unsafe\`UPDATE products SET stock = \${stock} WHERE id = \${productId}\`);
}
`,
      errors: [{ messageId: 'lostUpdate', line: 8, column: 9 }],
    },
  ],
});

ruleTester.run('slonik: no-transaction-on-pool', transactionOnPool, {
  valid: [
    {
      name: 'every statement runs on the pool.transaction connection',
      code: `${pool}
export async function transfer(from: number, to: number, amount: number) {
  await pool.transaction(async (tx) => {
    await tx.query(sql.unsafe\`UPDATE accounts SET balance = balance - \${amount} WHERE id = \${from}\`);
    await tx.query(sql.unsafe\`UPDATE accounts SET balance = balance + \${amount} WHERE id = \${to}\`);
  });
}
`,
    },
    {
      name: 'BEGIN and COMMIT on the one connection pool.connect lends',
      code: `${pool}
export async function transfer(from: number, to: number, amount: number) {
  await pool.connect(async (connection) => {
    await connection.query(sql.unsafe\`BEGIN\`);
    await connection.query(sql.unsafe\`UPDATE accounts SET balance = balance - \${amount} WHERE id = \${from}\`);
    await connection.query(sql.unsafe\`COMMIT\`);
  });
}
`,
    },
    {
      name: 'a pool query outside any transaction callback',
      code: `${pool}
export async function audit(accountId: number) {
  await pool.query(sql.unsafe\`INSERT INTO audit (account_id) VALUES (\${accountId})\`);
  await pool.transaction(async (tx) => {
    await tx.query(sql.unsafe\`UPDATE accounts SET audited = true WHERE id = \${accountId}\`);
  });
}
`,
    },
    {
      name: 'a nested transaction (savepoint) on the transaction connection',
      code: `${pool}
export async function transfer(from: number, amount: number) {
  await pool.transaction(async (tx) => {
    await tx.query(sql.unsafe\`UPDATE accounts SET balance = balance - \${amount} WHERE id = \${from}\`);
    await tx.transaction(async (nested) => {
      await nested.query(sql.unsafe\`INSERT INTO audit (account_id) VALUES (\${from})\`);
    });
  });
}
`,
    },
    {
      name: 'a typed transaction connection is used throughout',
      code: `${typed}
export async function transfer(tx: DatabaseTransactionConnection, from: number, amount: number) {
  await tx.query(sql.unsafe\`UPDATE accounts SET balance = balance - \${amount} WHERE id = \${from}\`);
  await tx.query(sql.unsafe\`INSERT INTO audit (account_id) VALUES (\${from})\`);
}
`,
    },
  ],
  invalid: [
    {
      name: 'BEGIN sent through the pool',
      code: `${pool}
export async function transfer(from: number, amount: number) {
  await pool.query(sql.unsafe\`BEGIN\`);
  await pool.query(sql.unsafe\`UPDATE accounts SET balance = balance - \${amount} WHERE id = \${from}\`);
  await pool.query(sql.unsafe\`COMMIT\`);
}
`,
      errors: [{ messageId: 'transactionOnPoolApi', line: 6, column: 9 }],
    },
    {
      name: 'START TRANSACTION through a typed DatabasePool',
      code: `${typed}
export async function transfer(pool: DatabasePool, from: number, amount: number) {
  await pool.query(sql.unsafe\`START TRANSACTION\`);
  await pool.query(sql.unsafe\`UPDATE accounts SET balance = balance - \${amount} WHERE id = \${from}\`);
}
`,
      errors: [{ messageId: 'transactionOnPoolApi', line: 5, column: 9 }],
    },
    {
      name: 'the pool used inside pool.transaction instead of the transaction connection',
      code: `${pool}
export async function transfer(from: number, to: number, amount: number) {
  await pool.transaction(async (tx) => {
    await tx.query(sql.unsafe\`UPDATE accounts SET balance = balance - \${amount} WHERE id = \${from}\`);
    await pool.query(sql.unsafe\`UPDATE accounts SET balance = balance + \${amount} WHERE id = \${to}\`);
  });
}
`,
      errors: [{ messageId: 'queryOutsideTransaction', line: 8, column: 11 }],
    },
  ],
});

ruleTester.run('slonik: no-lock-outside-transaction', lockOutsideTransaction, {
  valid: [
    {
      name: 'FOR UPDATE inside pool.transaction',
      code: `${pool}
export async function withdraw(accountId: number, amount: number) {
  await pool.transaction(async (tx) => {
    const account = await tx.one(sql.unsafe\`SELECT balance FROM accounts WHERE id = \${accountId} FOR UPDATE\`);
    if (account.balance < amount) throw new Error('Insufficient funds');
    await tx.query(sql.unsafe\`UPDATE accounts SET balance = balance - \${amount} WHERE id = \${accountId}\`);
  });
}
`,
    },
    {
      name: 'FOR UPDATE on a typed transaction connection',
      code: `${typed}
export async function lockAccount(tx: DatabaseTransactionConnection, accountId: number) {
  return tx.one(sql.unsafe\`SELECT balance FROM accounts WHERE id = \${accountId} FOR UPDATE\`);
}
`,
    },
    {
      name: 'a plain SELECT through the pool',
      code: `${pool}
export async function balance(accountId: number) {
  return pool.oneFirst(sql.typeAlias('balance')\`SELECT balance FROM accounts WHERE id = \${accountId}\`);
}
`,
    },
    {
      name: 'FOR UPDATE SKIP LOCKED inside a nested transaction',
      code: `${pool}
export async function nextJob() {
  return pool.transaction(async (tx) => {
    return tx.transaction(async (nested) => {
      return nested.maybeOne(sql.unsafe\`SELECT id FROM jobs WHERE status = 'pending' LIMIT 1 FOR UPDATE SKIP LOCKED\`);
    });
  });
}
`,
    },
    {
      name: 'FOR UPDATE after BEGIN on the connection pool.connect lends',
      code: `${pool}
export async function withdraw(accountId: number) {
  await pool.connect(async (connection) => {
    await connection.query(sql.unsafe\`BEGIN\`);
    await connection.one(sql.unsafe\`SELECT balance FROM accounts WHERE id = \${accountId} FOR UPDATE\`);
    await connection.query(sql.unsafe\`COMMIT\`);
  });
}
`,
    },
  ],
  invalid: [
    {
      name: 'FOR UPDATE through the pool ends with the statement',
      code: `${pool}
export async function withdraw(accountId: number, amount: number) {
  const account = await pool.one(sql.unsafe\`SELECT balance FROM accounts WHERE id = \${accountId} FOR UPDATE\`);
  if (account.balance < amount) throw new Error('Insufficient funds');
  await pool.query(sql.unsafe\`UPDATE accounts SET balance = balance - \${amount} WHERE id = \${accountId}\`);
}
`,
      errors: [{ messageId: 'lockOutsideTransaction', line: 6, column: 25 }],
    },
    {
      name: 'FOR SHARE through the pool with maybeOne',
      code: `${pool}
export async function readAccount(accountId: number) {
  return pool.maybeOne(sql.typeAlias('account')\`SELECT balance FROM accounts WHERE id = \${accountId} FOR SHARE\`);
}
`,
      errors: [{ messageId: 'lockOutsideTransaction', line: 6, column: 10 }],
    },
    {
      name: 'FOR UPDATE SKIP LOCKED through a typed DatabasePool',
      code: `${typed}
export async function nextJob(pool: DatabasePool) {
  const job = await pool.maybeOne(sql.unsafe\`SELECT id FROM jobs WHERE status = 'pending' LIMIT 1 FOR UPDATE SKIP LOCKED\`);
  return job;
}
`,
      errors: [{ messageId: 'lockOutsideTransaction', line: 5, column: 21 }],
    },
  ],
});
