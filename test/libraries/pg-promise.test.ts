/**
 * The six rules on pg-promise: `none/one/oneOrNone/many/any/result/query/multi` with `$1` and
 * `${name}` placeholders, `db.tx(async (t) => ...)` with its isolation mode, and `db.task`, written
 * the way pg-promise's documentation writes them.
 */
import checkThenAct from '../../rules/no-check-then-act.js';
import decoupledInsert from '../../rules/no-decoupled-insert.js';
import ignoredRowcount from '../../rules/no-ignored-rowcount.js';
import lockOutsideTransaction from '../../rules/no-lock-outside-transaction.js';
import lostUpdate from '../../rules/no-lost-update.js';
import transactionOnPool from '../../rules/no-transaction-on-pool.js';
import { ruleTester } from '../helpers/rule-tester.js';

// Lines 2-4 of every case: the database object, as pg-promise's README creates it.
const db = `
import pgPromise from 'pg-promise';
const pgp = pgPromise();
const db = pgp('postgres://localhost/app');
`;

// Lines 2-6: the same with the transaction modes of pgp.txMode.
const modes = `
import pgPromise from 'pg-promise';
const pgp = pgPromise();
const db = pgp('postgres://localhost/app');
const { TransactionMode, isolationLevel } = pgp.txMode;
`;

// A module that receives the database object, typed with pg-promise's own types (line 2).
const typed = `
import type { IDatabase, ITask } from 'pg-promise';
`;

ruleTester.run('pg-promise: no-check-then-act', checkThenAct, {
  valid: [
    {
      name: 'the read locks the row with FOR UPDATE inside db.tx',
      code: `${db}
export async function buyTicket(concertId: string) {
  await db.tx(async (t) => {
    const concert = await t.one('SELECT available_seats FROM concerts WHERE concert_id = $1 FOR UPDATE', [concertId]);
    if (concert.available_seats < 1) throw new Error('Sold out');
    await t.none('UPDATE concerts SET available_seats = available_seats - 1 WHERE concert_id = $1', [concertId]);
  });
}
`,
    },
    {
      name: 'the transaction is SERIALIZABLE through its TransactionMode',
      code: `${modes}
const mode = new TransactionMode({ tiLevel: isolationLevel.serializable });

export async function buyTicket(concertId: string) {
  await db.tx({ mode }, async (t) => {
    const concert = await t.one('SELECT available_seats FROM concerts WHERE concert_id = $1', [concertId]);
    if (concert.available_seats < 1) throw new Error('Sold out');
    await t.none('UPDATE concerts SET available_seats = available_seats - 1 WHERE concert_id = $1', [concertId]);
  });
}
`,
    },
    {
      name: 'the write re-tests the condition and db.result reports the rowCount',
      code: `${db}
export async function reserve(productId: number, quantity: number) {
  const product = await db.one('SELECT stock FROM products WHERE id = $1', productId);
  if (product.stock < quantity) return false;
  const result = await db.result('UPDATE products SET stock = stock - $1 WHERE id = $2 AND stock >= $1', [quantity, productId]);
  return result.rowCount === 1;
}
`,
    },
    {
      name: 'the INSERT after the check is ON CONFLICT DO NOTHING',
      code: `${db}
export async function book(roomId: number, night: string) {
  const existing = await db.oneOrNone('SELECT id FROM bookings WHERE room_id = \${roomId} AND night = \${night}', { roomId, night });
  if (existing) return false;
  const result = await db.result('INSERT INTO bookings (room_id, night) VALUES (\${roomId}, \${night}) ON CONFLICT DO NOTHING', { roomId, night });
  return result.rowCount === 1;
}
`,
    },
    {
      name: 'the read is only returned, nothing is written',
      code: `${db}
export async function seatsLeft(concertId: string) {
  const concert = await db.one('SELECT available_seats FROM concerts WHERE concert_id = $1', [concertId]);
  return concert.available_seats > 0;
}
`,
    },
  ],
  invalid: [
    {
      name: 'read in db.tx without a lock, tested, then written',
      code: `${db}
export async function buyTicket(concertId: string) {
  await db.tx(async (t) => {
    const concert = await t.one('SELECT available_seats FROM concerts WHERE concert_id = $1', [concertId]);
    if (concert.available_seats < 1) throw new Error('Sold out');
    await t.none('UPDATE concerts SET available_seats = available_seats - 1 WHERE concert_id = $1', [concertId]);
  });
}
`,
      errors: [
        {
          messageId: 'checkThenAct',
          line: 8,
          column: 27,
          suggestions: [
            {
              messageId: 'addForUpdate',
              output: `${db}
export async function buyTicket(concertId: string) {
  await db.tx(async (t) => {
    const concert = await t.one('SELECT available_seats FROM concerts WHERE concert_id = $1 FOR UPDATE', [concertId]);
    if (concert.available_seats < 1) throw new Error('Sold out');
    await t.none('UPDATE concerts SET available_seats = available_seats - 1 WHERE concert_id = $1', [concertId]);
  });
}
`,
            },
          ],
        },
      ],
    },
    {
      name: 'oneOrNone finds no booking with named parameters, so two requests both insert one',
      code: `${db}
export async function book(roomId: number, night: string) {
  const existing = await db.oneOrNone('SELECT id FROM bookings WHERE room_id = \${roomId} AND night = \${night}', { roomId, night });
  if (existing) return false;
  await db.none('INSERT INTO bookings (room_id, night) VALUES (\${roomId}, \${night})', { roomId, night });
  return true;
}
`,
      errors: [{ messageId: 'checkThenInsert', line: 7, column: 26 }],
    },
    {
      name: 'a db.task holds one connection but no transaction: read, test, write',
      code: `${db}
export async function reserve(productId: number, quantity: number) {
  await db.task(async (t) => {
    const product = await t.one('SELECT stock FROM products WHERE id = $1', productId);
    if (product.stock < quantity) throw new Error('Out of stock');
    await t.none('UPDATE products SET stock = stock - $1 WHERE id = $2', [quantity, productId]);
  });
}
`,
      errors: [
        {
          messageId: 'checkThenAct',
          line: 8,
          column: 27,
          suggestions: [],
        },
      ],
    },
  ],
});

ruleTester.run('pg-promise: no-decoupled-insert', decoupledInsert, {
  valid: [
    {
      name: 'the ticket is inserted from the UPDATE ... RETURNING in one statement',
      code: `${db}
export async function buyTicket(concertId: string, userId: string) {
  const result = await db.result(
    'WITH reserved AS (UPDATE concerts SET available_seats = available_seats - 1 WHERE concert_id = $1 AND available_seats > 0 RETURNING concert_id) ' +
      'INSERT INTO tickets (concert_id, user_id) SELECT concert_id, $2 FROM reserved',
    [concertId, userId],
  );
  return result.rowCount === 1;
}
`,
    },
    {
      name: 'db.result reports the rowCount, checked before the INSERT',
      code: `${db}
export async function buyTicket(concertId: string, userId: string) {
  return db.tx(async (t) => {
    const reserved = await t.result('UPDATE concerts SET available_seats = available_seats - 1 WHERE concert_id = $1 AND available_seats > 0', [concertId]);
    if (reserved.rowCount === 0) return false;
    await t.none('INSERT INTO tickets (concert_id, user_id) VALUES ($1, $2)', [concertId, userId]);
    return true;
  });
}
`,
    },
    {
      name: 'one() rejects when the UPDATE ... RETURNING took no seat',
      code: `${db}
export async function buyTicket(concertId: string, userId: string) {
  await db.tx(async (t) => {
    await t.one('UPDATE concerts SET available_seats = available_seats - 1 WHERE concert_id = $1 AND available_seats > 0 RETURNING concert_id', [concertId]);
    await t.none('INSERT INTO tickets (concert_id, user_id) VALUES ($1, $2)', [concertId, userId]);
  });
}
`,
    },
    {
      name: 'oneOrNone() of the UPDATE ... RETURNING is tested',
      code: `${db}
export async function buyTicket(concertId: string, userId: string) {
  return db.tx(async (t) => {
    const seat = await t.oneOrNone('UPDATE concerts SET available_seats = available_seats - 1 WHERE concert_id = $1 AND available_seats > 0 RETURNING concert_id', [concertId]);
    if (!seat) return false;
    await t.none('INSERT INTO tickets (concert_id, user_id) VALUES ($1, $2)', [concertId, userId]);
    return true;
  });
}
`,
    },
    {
      name: 'the UPDATE is keyed only, so it cannot miss because of a race',
      code: `${db}
export async function rename(concertId: string, name: string) {
  await db.tx(async (t) => {
    await t.none('UPDATE concerts SET name = $2 WHERE concert_id = $1', [concertId, name]);
    await t.none("INSERT INTO audit (concert_id, action) VALUES ($1, 'rename')", [concertId]);
  });
}
`,
    },
  ],
  invalid: [
    {
      name: 'guarded UPDATE with none() in db.tx, then an INSERT that runs anyway',
      code: `${db}
export async function buyTicket(concertId: string, userId: string) {
  await db.tx(async (t) => {
    await t.none('UPDATE concerts SET available_seats = available_seats - 1 WHERE concert_id = $1 AND available_seats > 0', [concertId]);
    await t.none('INSERT INTO tickets (concert_id, user_id) VALUES ($1, $2)', [concertId, userId]);
  });
}
`,
      errors: [{ messageId: 'decoupledWrite', line: 8, column: 11 }],
    },
    {
      name: 'a db.result that nobody reads, in a db.task, before the INSERT',
      code: `${db}
export async function buyTicket(concertId: string, userId: string) {
  await db.task(async (t) => {
    await t.result('UPDATE concerts SET available_seats = available_seats - 1 WHERE concert_id = \${concertId} AND available_seats > 0', { concertId });
    await t.none('INSERT INTO tickets (concert_id, user_id) VALUES (\${concertId}, \${userId})', { concertId, userId });
  });
}
`,
      errors: [{ messageId: 'decoupledWrite', line: 8, column: 11 }],
    },
    {
      name: 'a data-modifying CTE the INSERT does not read',
      code: `${db}
export async function buyTicket(concertId: string, userId: string) {
  await db.none(
    'WITH reserved AS (UPDATE concerts SET available_seats = available_seats - 1 WHERE concert_id = $1 AND available_seats > 0 RETURNING concert_id) ' +
      'INSERT INTO tickets (concert_id, user_id) VALUES ($1, $2)',
    [concertId, userId],
  );
}
`,
      errors: [{ messageId: 'decoupledCte', line: 7, column: 9 }],
    },
  ],
});

ruleTester.run('pg-promise: no-ignored-rowcount', ignoredRowcount, {
  valid: [
    {
      name: 'db.result reports the rowCount, which is compared',
      code: `${db}
export async function claimJob(jobId: number, workerId: string) {
  const result = await db.result("UPDATE jobs SET worker_id = $2 WHERE id = $1 AND status = 'pending'", [jobId, workerId]);
  return { claimed: result.rowCount === 1 };
}
`,
    },
    {
      name: 'one() of UPDATE ... RETURNING rejects when the job was taken',
      code: `${db}
export async function claimJob(jobId: number, workerId: string) {
  await db.one("UPDATE jobs SET worker_id = $2 WHERE id = $1 AND status = 'pending' RETURNING id", [jobId, workerId]);
  return { claimed: true };
}
`,
    },
    {
      name: 'oneOrNone() of UPDATE ... RETURNING is tested for null',
      code: `${db}
export async function claimJob(jobId: number, workerId: string) {
  const job = await db.oneOrNone("UPDATE jobs SET worker_id = \${workerId} WHERE id = \${jobId} AND status = 'pending' RETURNING id", { jobId, workerId });
  return { claimed: job !== null };
}
`,
    },
    {
      name: 'db.result with a callback that returns the rowCount',
      code: `${db}
export async function cancel(orderId: number) {
  return db.result("DELETE FROM orders WHERE id = $1 AND status = 'new'", [orderId], (r) => r.rowCount);
}
`,
    },
    {
      name: 'an UPDATE by key only has no guard to miss',
      code: `${db}
export async function rename(userId: number, name: string) {
  await db.none('UPDATE users SET name = $2 WHERE id = $1', [userId, name]);
  return { ok: true };
}
`,
    },
  ],
  invalid: [
    {
      name: 'none() of a guarded UPDATE',
      code: `${db}
export async function claimJob(jobId: number, workerId: string) {
  await db.none("UPDATE jobs SET worker_id = $2, status = 'running' WHERE id = $1 AND status = 'pending'", [jobId, workerId]);
  return { claimed: true };
}
`,
      errors: [{ messageId: 'ignoredRowCount', line: 7, column: 9 }],
    },
    {
      name: 'db.result of a guarded DELETE is dropped',
      code: `${db}
export async function cancel(orderId: number) {
  await db.result("DELETE FROM orders WHERE id = $1 AND status = 'new'", [orderId]);
  return 'cancelled';
}
`,
      errors: [{ messageId: 'ignoredRowCount', line: 7, column: 9 }],
    },
    {
      name: 'none() resolves to null, so returning its value checks nothing',
      code: `${db}
export async function withdraw(accountId: number, amount: number) {
  return db.tx(async (t) => {
    const done = await t.none('UPDATE accounts SET balance = balance - \${amount} WHERE id = \${accountId} AND balance >= \${amount}', { accountId, amount });
    return done;
  });
}
`,
      errors: [{ messageId: 'ignoredRowCount', line: 8, column: 24 }],
    },
  ],
});

ruleTester.run('pg-promise: no-lost-update', lostUpdate, {
  valid: [
    {
      name: 'the balance is changed relative to the stored value',
      code: `${db}
export async function deposit(accountId: number, amount: number) {
  await db.none('UPDATE accounts SET balance = balance + $1 WHERE id = $2', [amount, accountId]);
}
`,
    },
    {
      name: 'the row is locked with FOR UPDATE in db.tx',
      code: `${db}
export async function deposit(accountId: number, amount: number) {
  await db.tx(async (t) => {
    const { balance } = await t.one('SELECT balance FROM accounts WHERE id = $1 FOR UPDATE', [accountId]);
    await t.none('UPDATE accounts SET balance = $1 WHERE id = $2', [balance + amount, accountId]);
  });
}
`,
    },
    {
      name: 'the transaction mode is REPEATABLE READ',
      code: `${modes}
export async function deposit(accountId: number, amount: number) {
  const mode = new TransactionMode({ tiLevel: isolationLevel.repeatableRead });
  await db.tx({ mode }, async (t) => {
    const { balance } = await t.one('SELECT balance FROM accounts WHERE id = $1', [accountId]);
    await t.none('UPDATE accounts SET balance = $1 WHERE id = $2', [balance + amount, accountId]);
  });
}
`,
    },
    {
      name: 'the write checks the version it read',
      code: `${db}
export async function deposit(accountId: number, amount: number) {
  const account = await db.one('SELECT balance, version FROM accounts WHERE id = $1', [accountId]);
  const result = await db.result('UPDATE accounts SET balance = $1, version = version + 1 WHERE id = $2 AND version = $3', [account.balance + amount, accountId, account.version]);
  return result.rowCount === 1;
}
`,
    },
    {
      name: 'the value written does not come from the read',
      code: `${db}
export async function setBalance(accountId: number, balance: number) {
  await db.one('SELECT balance FROM accounts WHERE id = $1', [accountId]);
  await db.none('UPDATE accounts SET balance = $1 WHERE id = $2', [balance, accountId]);
}
`,
    },
  ],
  invalid: [
    {
      name: 'one() balance plus the deposit written back',
      code: `${db}
export async function deposit(accountId: number, amount: number) {
  const { balance } = await db.one('SELECT balance FROM accounts WHERE id = $1', [accountId]);
  await db.none('UPDATE accounts SET balance = $1 WHERE id = $2', [balance + amount, accountId]);
}
`,
      errors: [{ messageId: 'lostUpdate', line: 8, column: 9 }],
    },
    {
      name: 'inside db.tx at READ COMMITTED with named parameters the read still takes no lock',
      code: `${db}
export async function deposit(accountId: number, amount: number) {
  await db.tx(async (t) => {
    const account = await t.one('SELECT balance FROM accounts WHERE id = \${accountId}', { accountId });
    const newBalance = account.balance + amount;
    await t.none('UPDATE accounts SET balance = \${newBalance} WHERE id = \${accountId}', { newBalance, accountId });
  });
}
`,
      errors: [{ messageId: 'lostUpdate', line: 10, column: 11 }],
    },
    {
      name: 'any() rows read, changed in JavaScript, written back',
      code: `${db}
export async function addStock(productId: number, quantity: number) {
  const rows = await db.any('SELECT stock FROM products WHERE id = $1', productId);
  const stock = rows[0].stock + quantity;
  await db.none('UPDATE products SET stock = $1 WHERE id = $2', [stock, productId]);
}
`,
      errors: [{ messageId: 'lostUpdate', line: 9, column: 9 }],
    },
  ],
});

ruleTester.run('pg-promise: no-transaction-on-pool', transactionOnPool, {
  valid: [
    {
      name: 'every statement runs on the db.tx task',
      code: `${db}
export async function transfer(from: number, to: number, amount: number) {
  await db.tx(async (t) => {
    await t.none('UPDATE accounts SET balance = balance - $1 WHERE id = $2', [amount, from]);
    await t.none('UPDATE accounts SET balance = balance + $1 WHERE id = $2', [amount, to]);
  });
}
`,
    },
    {
      name: 'BEGIN and COMMIT on the one connection of a db.task',
      code: `${db}
export async function transfer(from: number, amount: number) {
  await db.task(async (t) => {
    await t.none('BEGIN');
    await t.none('UPDATE accounts SET balance = balance - $1 WHERE id = $2', [amount, from]);
    await t.none('COMMIT');
  });
}
`,
    },
    {
      name: 'BEGIN; ...; COMMIT sent as one text with db.multi',
      code: `${db}
export async function transfer(from: number, to: number, amount: number) {
  await db.multi('BEGIN; UPDATE accounts SET balance = balance - $1 WHERE id = $2; UPDATE accounts SET balance = balance + $1 WHERE id = $3; COMMIT', [amount, from, to]);
}
`,
    },
    {
      name: 'a query through db outside the transaction callback',
      code: `${db}
export async function audit(accountId: number) {
  await db.none('INSERT INTO audit (account_id) VALUES ($1)', [accountId]);
  await db.tx(async (t) => {
    await t.none('UPDATE accounts SET audited = true WHERE id = $1', [accountId]);
  });
}
`,
    },
    {
      name: 'a nested t.tx (savepoint) on the transaction',
      code: `${db}
export async function transfer(from: number, amount: number) {
  await db.tx('transfer', async (t) => {
    await t.none('UPDATE accounts SET balance = balance - $1 WHERE id = $2', [amount, from]);
    await t.tx(async (t2) => {
      await t2.none('INSERT INTO audit (account_id) VALUES ($1)', [from]);
    });
  });
}
`,
    },
  ],
  invalid: [
    {
      name: 'BEGIN sent through the database object',
      code: `${db}
export async function transfer(from: number, amount: number) {
  await db.none('BEGIN');
  await db.none('UPDATE accounts SET balance = balance - $1 WHERE id = $2', [amount, from]);
  await db.none('COMMIT');
}
`,
      errors: [{ messageId: 'transactionOnPoolApi', line: 7, column: 9 }],
    },
    {
      name: 'START TRANSACTION through a typed IDatabase',
      code: `${typed}
export async function transfer(db: IDatabase<{}>, from: number, amount: number) {
  await db.query('START TRANSACTION');
  await db.none('UPDATE accounts SET balance = balance - $1 WHERE id = $2', [amount, from]);
}
`,
      errors: [{ messageId: 'transactionOnPoolApi', line: 5, column: 9 }],
    },
    {
      name: 'the database object used inside db.tx instead of the transaction',
      code: `${db}
export async function transfer(from: number, to: number, amount: number) {
  await db.tx(async (t) => {
    await t.none('UPDATE accounts SET balance = balance - $1 WHERE id = $2', [amount, from]);
    await db.none('UPDATE accounts SET balance = balance + $1 WHERE id = $2', [amount, to]);
  });
}
`,
      errors: [{ messageId: 'queryOutsideTransaction', line: 9, column: 11 }],
    },
  ],
});

ruleTester.run('pg-promise: no-lock-outside-transaction', lockOutsideTransaction, {
  valid: [
    {
      name: 'FOR UPDATE inside db.tx',
      code: `${db}
export async function withdraw(accountId: number, amount: number) {
  await db.tx(async (t) => {
    const account = await t.one('SELECT balance FROM accounts WHERE id = $1 FOR UPDATE', [accountId]);
    if (account.balance < amount) throw new Error('Insufficient funds');
    await t.none('UPDATE accounts SET balance = balance - $1 WHERE id = $2', [amount, accountId]);
  });
}
`,
    },
    {
      name: 'FOR UPDATE on a task handed in by the caller, whose transaction state is the caller’s',
      code: `${typed}
export async function lockAccount(t: ITask<{}>, accountId: number) {
  return t.one('SELECT balance FROM accounts WHERE id = $1 FOR UPDATE', [accountId]);
}
`,
    },
    {
      name: 'a plain SELECT through the database object',
      code: `${db}
export async function balance(accountId: number) {
  return db.one('SELECT balance FROM accounts WHERE id = $1', [accountId]);
}
`,
    },
    {
      name: 'FOR UPDATE after BEGIN in a db.task',
      code: `${db}
export async function withdraw(accountId: number) {
  await db.task(async (t) => {
    await t.none('BEGIN');
    await t.one('SELECT balance FROM accounts WHERE id = $1 FOR UPDATE', [accountId]);
    await t.none('COMMIT');
  });
}
`,
    },
    {
      name: 'FOR UPDATE SKIP LOCKED inside db.tx with a tag',
      code: `${db}
export async function nextJob() {
  return db.tx('next-job', async (t) => {
    return t.oneOrNone("SELECT id FROM jobs WHERE status = 'pending' LIMIT 1 FOR UPDATE SKIP LOCKED");
  });
}
`,
    },
  ],
  invalid: [
    {
      name: 'FOR UPDATE through the database object ends with the statement',
      code: `${db}
export async function withdraw(accountId: number, amount: number) {
  const account = await db.one('SELECT balance FROM accounts WHERE id = $1 FOR UPDATE', [accountId]);
  if (account.balance < amount) throw new Error('Insufficient funds');
  await db.none('UPDATE accounts SET balance = balance - $1 WHERE id = $2', [amount, accountId]);
}
`,
      errors: [{ messageId: 'lockOutsideTransaction', line: 7, column: 25 }],
    },
    {
      name: 'FOR SHARE through the database object with oneOrNone',
      code: `${db}
export async function readAccount(accountId: number) {
  return db.oneOrNone('SELECT balance FROM accounts WHERE id = \${accountId} FOR SHARE', { accountId });
}
`,
      errors: [{ messageId: 'lockOutsideTransaction', line: 7, column: 10 }],
    },
    {
      name: 'FOR UPDATE SKIP LOCKED through a typed IDatabase',
      code: `${typed}
export async function nextJob(db: IDatabase<{}>) {
  const job = await db.oneOrNone("SELECT id FROM jobs WHERE status = 'pending' LIMIT 1 FOR UPDATE SKIP LOCKED");
  return job;
}
`,
      errors: [{ messageId: 'lockOutsideTransaction', line: 5, column: 21 }],
    },
  ],
});
