/**
 * The six rules on mysql (mysqljs) as Express apps write it with bluebird's `promisifyAll` over the
 * library (`Promise.promisifyAll(require('mysql/lib/Connection').prototype)` and the same for Pool,
 * done once in a setup module): `pool.queryAsync` / `conn.queryAsync` with `?` placeholders and MySQL
 * syntax (backticks, `LIMIT a, b`, `ON DUPLICATE KEY UPDATE`, `INSERT IGNORE`, `LOCK IN SHARE MODE`),
 * `pool.getConnectionAsync()` with `beginTransactionAsync` / `commitAsync` / `rollbackAsync`, and
 * `const result = await conn.queryAsync(...)` with `result.affectedRows`. The callback forms of the
 * library's README are the same calls with the result handed to a callback.
 */
import checkThenAct from '../../rules/no-check-then-act.js';
import decoupledInsert from '../../rules/no-decoupled-insert.js';
import ignoredRowcount from '../../rules/no-ignored-rowcount.js';
import lockOutsideTransaction from '../../rules/no-lock-outside-transaction.js';
import lostUpdate from '../../rules/no-lost-update.js';
import transactionOnPool from '../../rules/no-transaction-on-pool.js';
import { withForUpdate } from '../helpers/for-update.js';
import { ruleTester } from '../helpers/rule-tester.js';

// Lines 2-3 of every case: the pool, as mysql's README creates it. Functions start on line 5.
const db = `
import mysql from 'mysql';
const pool = mysql.createPool({ host: 'localhost', user: 'root', database: 'shop' });
`;

const stockCheckOnConnection = `${db}
export async function placeOrder(sku: string, userId: number) {
  const conn = await pool.getConnectionAsync();
  try {
    await conn.beginTransactionAsync();
    const rows = await conn.queryAsync('SELECT stock FROM \`products\` WHERE sku = ?', [sku]);
    if (rows[0].stock < 1) throw new Error('Out of stock');
    await conn.queryAsync('UPDATE \`products\` SET stock = stock - 1 WHERE sku = ?', [sku]);
    await conn.queryAsync('INSERT INTO orders (sku, user_id) VALUES (?, ?)', [sku, userId]);
    await conn.commitAsync();
  } catch (error) {
    await conn.rollbackAsync();
    throw error;
  } finally {
    conn.release();
  }
}
`;

ruleTester.run('mysql: no-check-then-act', checkThenAct, {
  valid: [
    {
      name: 'SELECT ... FOR UPDATE after beginTransaction',
      code: `${db}
export async function placeOrder(sku: string) {
  const conn = await pool.getConnectionAsync();
  await conn.beginTransactionAsync();
  const rows = await conn.queryAsync('SELECT stock FROM products WHERE sku = ? FOR UPDATE', [sku]);
  if (rows[0].stock < 1) throw new Error('Out of stock');
  await conn.queryAsync('UPDATE products SET stock = stock - 1 WHERE sku = ?', [sku]);
  await conn.commitAsync();
  conn.release();
}
`,
    },
    {
      name: 'SET TRANSACTION ISOLATION LEVEL SERIALIZABLE before START TRANSACTION',
      code: `${db}
export async function placeOrder(sku: string) {
  const conn = await pool.getConnectionAsync();
  await conn.queryAsync('SET TRANSACTION ISOLATION LEVEL SERIALIZABLE');
  await conn.queryAsync('START TRANSACTION');
  const rows = await conn.queryAsync('SELECT stock FROM products WHERE sku = ?', [sku]);
  if (rows[0].stock < 1) throw new Error('Out of stock');
  await conn.queryAsync('UPDATE products SET stock = stock - 1 WHERE sku = ?', [sku]);
  await conn.queryAsync('COMMIT');
  conn.release();
}
`,
    },
    {
      name: 'SET TRANSACTION ISOLATION LEVEL SERIALIZABLE before beginTransaction()',
      code: `${db}
export async function placeOrder(sku: string) {
  const conn = await pool.getConnectionAsync();
  await conn.queryAsync('SET TRANSACTION ISOLATION LEVEL SERIALIZABLE');
  await conn.beginTransactionAsync();
  const rows = await conn.queryAsync('SELECT stock FROM products WHERE sku = ?', [sku]);
  if (rows[0].stock < 1) throw new Error('Out of stock');
  await conn.queryAsync('UPDATE products SET stock = stock - 1 WHERE sku = ?', [sku]);
  await conn.commitAsync();
  conn.release();
}
`,
    },
    {
      name: 'the conditional write checks affectedRows',
      code: `${db}
export async function placeOrder(sku: string) {
  const rows = await pool.queryAsync('SELECT stock FROM products WHERE sku = ?', [sku]);
  if (rows[0].stock < 1) return false;
  const result = await pool.queryAsync('UPDATE products SET stock = stock - 1 WHERE sku = ? AND stock > 0', [sku]);
  return result.affectedRows === 1;
}
`,
    },
    {
      name: 'an existence check before INSERT ... ON DUPLICATE KEY UPDATE',
      code: `${db}
export async function register(email: string, name: string) {
  const rows = await pool.queryAsync('SELECT id FROM \`users\` WHERE email = ?', [email]);
  if (rows.length > 0) return rows[0].id;
  await pool.queryAsync('INSERT INTO \`users\` (email, name) VALUES (?, ?) ON DUPLICATE KEY UPDATE name = VALUES(name)', [email, name]);
  return null;
}
`,
    },
    {
      name: 'an existence check before INSERT IGNORE',
      code: `${db}
export async function register(email: string) {
  const rows = await pool.queryAsync('SELECT id FROM users WHERE email = ?', [email]);
  if (rows.length > 0) return rows[0].id;
  await pool.queryAsync('INSERT IGNORE INTO users (email) VALUES (?)', [email]);
  return null;
}
`,
    },
  ],
  invalid: [
    {
      name: 'read, test, write after beginTransaction at REPEATABLE READ without a lock',
      code: stockCheckOnConnection,
      errors: [
        {
          messageId: 'checkThenAct',
          line: 9,
          column: 24,
          suggestions: [{ messageId: 'addForUpdate', output: withForUpdate(stockCheckOnConnection, 'FROM `products` WHERE sku = ?') }],
        },
      ],
    },
    {
      name: 'read and write each through the pool',
      code: `${db}
export async function markPaid(orderId: number) {
  const rows = await pool.queryAsync('SELECT status FROM orders WHERE id = ?', [orderId]);
  if (rows[0].status !== 'pending') throw new Error('Not pending');
  await pool.queryAsync("UPDATE orders SET status = 'paid' WHERE id = ?", [orderId]);
}
`,
      errors: [{ messageId: 'checkThenAct', line: 6, column: 22 }],
    },
    {
      name: 'an existence check before a plain INSERT',
      code: `${db}
export async function register(email: string) {
  const rows = await pool.queryAsync('SELECT id FROM \`users\` WHERE \`email\` = ? LIMIT 0, 1', [email]);
  if (rows.length > 0) throw new Error('Taken');
  await pool.queryAsync('INSERT INTO \`users\` (\`email\`) VALUES (?)', [email]);
}
`,
      errors: [{ messageId: 'checkThenInsert', line: 6, column: 22 }],
    },
    {
      name: 'the { sql, values } options form',
      code: `${db}
export async function markPaid(orderId: number) {
  const rows = await pool.queryAsync({ sql: 'SELECT status FROM orders WHERE id = ?', values: [orderId] });
  if (rows[0].status !== 'pending') throw new Error('Not pending');
  await pool.queryAsync({ sql: "UPDATE orders SET status = 'paid' WHERE id = ?", values: [orderId] });
}
`,
      errors: [{ messageId: 'checkThenAct', line: 6, column: 22 }],
    },
  ],
});

ruleTester.run('mysql: no-decoupled-insert', decoupledInsert, {
  valid: [
    {
      name: 'affectedRows is checked before the INSERT',
      code: `${db}
export async function buyTicket(concertId: number, userId: number) {
  const conn = await pool.getConnectionAsync();
  await conn.beginTransactionAsync();
  const result = await conn.queryAsync('UPDATE concerts SET available_seats = available_seats - 1 WHERE concert_id = ? AND available_seats > 0', [concertId]);
  if (result.affectedRows === 0) {
    await conn.rollbackAsync();
    return false;
  }
  await conn.queryAsync('INSERT INTO tickets (concert_id, user_id) VALUES (?, ?)', [concertId, userId]);
  await conn.commitAsync();
  return true;
}
`,
    },
    {
      name: 'affectedRows destructured and asserted',
      code: `${db}
import assert from 'node:assert';
export async function buyTicket(concertId: number, userId: number) {
  const { affectedRows } = await pool.queryAsync('UPDATE concerts SET available_seats = available_seats - 1 WHERE concert_id = ? AND available_seats > 0', [concertId]);
  assert(affectedRows === 1, 'Sold out');
  await pool.queryAsync('INSERT INTO tickets (concert_id, user_id) VALUES (?, ?)', [concertId, userId]);
}
`,
    },
    {
      name: 'an UPDATE by key only',
      code: `${db}
export async function rename(userId: number, name: string) {
  await pool.queryAsync('UPDATE users SET name = ? WHERE id = ?', [name, userId]);
  await pool.queryAsync('INSERT INTO audit_log (user_id, action) VALUES (?, ?)', [userId, 'rename']);
}
`,
    },
    {
      name: 'the result handed to the caller through .then',
      code: `${db}
export async function buyTicket(concertId: number, userId: number) {
  const sold = await pool.queryAsync('UPDATE concerts SET available_seats = available_seats - 1 WHERE concert_id = ? AND available_seats > 0', [concertId]).then((result) => result.affectedRows > 0);
  if (!sold) return false;
  await pool.queryAsync('INSERT INTO tickets (concert_id, user_id) VALUES (?, ?)', [concertId, userId]);
  return true;
}
`,
    },
    {
      name: 'the guarded UPDATE returns its result and nothing is written after it',
      code: `${db}
export async function buyTicket(concertId: number, userId: number) {
  const result = await pool.queryAsync('UPDATE concerts SET available_seats = available_seats - 1 WHERE concert_id = ? AND available_seats > 0', [concertId]);
  return result;
}
`,
    },
  ],
  invalid: [
    {
      name: "the seeds' broken purchase on a connection",
      code: `${db}
export async function buyTicket(concertId: number, userId: number) {
  const conn = await pool.getConnectionAsync();
  await conn.beginTransactionAsync();
  await conn.queryAsync('UPDATE concerts SET available_seats = available_seats - 1 WHERE concert_id = ? AND available_seats > 0', [concertId]);
  await conn.queryAsync('INSERT INTO tickets (concert_id, user_id) VALUES (?, ?)', [concertId, userId]);
  await conn.commitAsync();
  conn.release();
}
`,
      errors: [{ messageId: 'decoupledWrite', line: 8, column: 9 }],
    },
    {
      name: 'through the pool, with backtick identifiers',
      code: `${db}
export async function buyTicket(concertId: number, userId: number) {
  await pool.queryAsync('UPDATE \`concerts\` SET \`available_seats\` = \`available_seats\` - 1 WHERE \`concert_id\` = ? AND \`available_seats\` > 0', [concertId]);
  await pool.queryAsync('INSERT INTO \`tickets\` (\`concert_id\`, \`user_id\`) VALUES (?, ?)', [concertId, userId]);
}
`,
      errors: [{ messageId: 'decoupledWrite', line: 6, column: 9 }],
    },
    {
      name: 'the result destructured but affectedRows never read',
      code: `${db}
export async function claimCoupon(code: string, userId: number) {
  const result = await pool.queryAsync('UPDATE coupons SET used = TRUE WHERE code = ? AND used = FALSE', [code]);
  await pool.queryAsync('INSERT INTO redemptions (code, user_id) VALUES (?, ?) ON DUPLICATE KEY UPDATE user_id = VALUES(user_id)', [code, userId]);
}
`,
      errors: [{ messageId: 'decoupledWrite', line: 6, column: 24 }],
    },
    {
      name: 'a guarded DELETE, then an INSERT',
      code: `${db}
export async function convertHold(holdId: number, userId: number) {
  await pool.queryAsync('DELETE FROM holds WHERE id = ? AND expires_at > NOW()', [holdId]);
  await pool.queryAsync('INSERT INTO bookings (hold_id, user_id) VALUES (?, ?)', [holdId, userId]);
}
`,
      errors: [{ messageId: 'decoupledWrite', line: 6, column: 9 }],
    },
  ],
});

ruleTester.run('mysql: no-ignored-rowcount', ignoredRowcount, {
  valid: [
    {
      name: 'result.affectedRows is tested',
      code: `${db}
export async function holdSeat(seatId: number, userId: number) {
  const result = await pool.queryAsync('UPDATE seats SET held_by = ? WHERE id = ? AND held_by IS NULL', [userId, seatId]);
  if (result.affectedRows === 0) throw new Error('Seat taken');
}
`,
    },
    {
      name: 'the result is returned',
      code: `${db}
export async function holdSeat(seatId: number, userId: number) {
  const result = await pool.queryAsync('UPDATE seats SET held_by = ? WHERE id = ? AND held_by IS NULL', [userId, seatId]);
  return result.affectedRows === 1;
}
`,
    },
    {
      name: 'the promise is returned',
      code: `${db}
export function holdSeat(seatId: number, userId: number) {
  return pool.queryAsync('UPDATE seats SET held_by = ? WHERE id = ? AND held_by IS NULL', [userId, seatId]);
}
`,
    },
    {
      name: 'an UPDATE by key only',
      code: `${db}
export async function touch(userId: number) {
  await pool.queryAsync('UPDATE users SET last_seen = NOW() WHERE id = ?', [userId]);
}
`,
    },
    {
      name: 'the affected count handed to a logger',
      code: `${db}
export async function expire(holdId: number) {
  const result = await pool.queryAsync("UPDATE holds SET status = 'expired' WHERE id = ? AND status = 'active'", [holdId]);
  console.info('expired', result.affectedRows);
}
`,
    },
  ],
  invalid: [
    {
      name: 'a guarded UPDATE whose affectedRows is never read',
      code: `${db}
export async function holdSeat(seatId: number, userId: number) {
  await pool.queryAsync('UPDATE seats SET held_by = ? WHERE id = ? AND held_by IS NULL', [userId, seatId]);
  return { ok: true };
}
`,
      errors: [{ messageId: 'ignoredRowCount', line: 6, column: 9 }],
    },
    {
      name: 'a guarded DELETE with ORDER BY and LIMIT on a connection',
      code: `${db}
export async function popJob(queue: string) {
  const conn = await pool.getConnectionAsync();
  await conn.queryAsync("DELETE FROM jobs WHERE queue = ? AND status = 'done' ORDER BY id LIMIT 100", [queue]);
  conn.release();
}
`,
      errors: [{ messageId: 'ignoredRowCount', line: 7, column: 9 }],
    },
    {
      name: 'the result destructured and dropped',
      code: `${db}
export async function redeem(code: string) {
  const result = await pool.queryAsync("UPDATE \`coupons\` SET \`status\` = 'used' WHERE \`code\` = ? AND \`status\` = 'active'", [code]);
  return { ok: true };
}
`,
      errors: [{ messageId: 'ignoredRowCount', line: 6, column: 24 }],
    },
  ],
});

ruleTester.run('mysql: no-lost-update', lostUpdate, {
  valid: [
    {
      name: 'a relative UPDATE',
      code: `${db}
export async function deposit(accountId: number, amount: number) {
  await pool.queryAsync('UPDATE accounts SET balance = balance + ? WHERE account_id = ?', [amount, accountId]);
}
`,
    },
    {
      name: 'FOR UPDATE after beginTransaction',
      code: `${db}
export async function deposit(accountId: number, amount: number) {
  const conn = await pool.getConnectionAsync();
  await conn.beginTransactionAsync();
  const rows = await conn.queryAsync('SELECT balance FROM accounts WHERE account_id = ? FOR UPDATE', [accountId]);
  await conn.queryAsync('UPDATE accounts SET balance = ? WHERE account_id = ?', [rows[0].balance + amount, accountId]);
  await conn.commitAsync();
  conn.release();
}
`,
    },
    {
      name: 'LOCK IN SHARE MODE is still a row lock for the write-back',
      code: `${db}
export async function deposit(accountId: number, amount: number) {
  const conn = await pool.getConnectionAsync();
  await conn.beginTransactionAsync();
  const rows = await conn.queryAsync('SELECT balance FROM accounts WHERE account_id = ? LOCK IN SHARE MODE', [accountId]);
  await conn.queryAsync('UPDATE accounts SET balance = ? WHERE account_id = ?', [rows[0].balance + amount, accountId]);
  await conn.commitAsync();
  conn.release();
}
`,
    },
    {
      name: 'a version check in the WHERE',
      code: `${db}
export async function deposit(accountId: number, amount: number) {
  const rows = await pool.queryAsync('SELECT balance, version FROM accounts WHERE account_id = ?', [accountId]);
  const result = await pool.queryAsync('UPDATE accounts SET balance = ?, version = version + 1 WHERE account_id = ? AND version = ?', [rows[0].balance + amount, accountId, rows[0].version]);
  return result.affectedRows === 1;
}
`,
    },
    {
      name: 'SERIALIZABLE set before beginTransaction',
      code: `${db}
export async function deposit(accountId: number, amount: number) {
  const conn = await pool.getConnectionAsync();
  await conn.queryAsync('SET TRANSACTION ISOLATION LEVEL SERIALIZABLE');
  await conn.beginTransactionAsync();
  const rows = await conn.queryAsync('SELECT balance FROM accounts WHERE account_id = ?', [accountId]);
  await conn.queryAsync('UPDATE accounts SET balance = ? WHERE account_id = ?', [rows[0].balance + amount, accountId]);
  await conn.commitAsync();
  conn.release();
}
`,
    },
  ],
  invalid: [
    {
      name: 'read through the pool, total computed in JavaScript, written back',
      code: `${db}
export async function deposit(accountId: number, amount: number) {
  const rows = await pool.queryAsync('SELECT balance FROM accounts WHERE account_id = ?', [accountId]);
  const balance = rows[0].balance + amount;
  await pool.queryAsync('UPDATE accounts SET balance = ? WHERE account_id = ?', [balance, accountId]);
  return balance;
}
`,
      errors: [{ messageId: 'lostUpdate', line: 8, column: 9 }],
    },
    {
      name: 'inside beginTransaction without a lock',
      code: `${db}
export async function deposit(accountId: number, amount: number) {
  const conn = await pool.getConnectionAsync();
  await conn.beginTransactionAsync();
  const [[account]] = await conn.queryAsync('SELECT balance FROM \`accounts\` WHERE account_id = ?', [accountId]);
  await conn.queryAsync('UPDATE \`accounts\` SET balance = ? WHERE account_id = ?', [account.balance + amount, accountId]);
  await conn.commitAsync();
  conn.release();
}
`,
      errors: [{ messageId: 'lostUpdate', line: 9, column: 9 }],
    },
    {
      name: 'a row of a paged read written back',
      code: `${db}
export async function bumpScores(offset: number, bonus: number) {
  const rows = await pool.queryAsync('SELECT id, score FROM players ORDER BY id LIMIT ?, 10', [offset]);
  for (const player of rows) {
    await pool.queryAsync('UPDATE players SET score = ? WHERE id = ?', [player.score + bonus, player.id]);
  }
}
`,
      errors: [{ messageId: 'lostUpdate', line: 8, column: 11 }],
    },
  ],
});

ruleTester.run('mysql: no-transaction-on-pool', transactionOnPool, {
  valid: [
    {
      name: 'beginTransaction on a connection from getConnection',
      code: `${db}
export async function transfer(from: number, to: number, amount: number) {
  const conn = await pool.getConnectionAsync();
  try {
    await conn.beginTransactionAsync();
    await conn.queryAsync('UPDATE accounts SET balance = balance - ? WHERE id = ?', [amount, from]);
    await conn.queryAsync('UPDATE accounts SET balance = balance + ? WHERE id = ?', [amount, to]);
    await conn.commitAsync();
  } catch (error) {
    await conn.rollbackAsync();
    throw error;
  } finally {
    conn.release();
  }
}
`,
    },
    {
      name: 'START TRANSACTION as text on a connection',
      code: `${db}
export async function transfer(from: number, to: number, amount: number) {
  const conn = await pool.getConnectionAsync();
  await conn.queryAsync('START TRANSACTION');
  await conn.queryAsync('UPDATE accounts SET balance = balance - ? WHERE id = ?', [amount, from]);
  await conn.queryAsync('UPDATE accounts SET balance = balance + ? WHERE id = ?', [amount, to]);
  await conn.queryAsync('COMMIT');
  conn.release();
}
`,
    },
    {
      name: 'a single connection from mysql.createConnection',
      code: `
import mysql from 'mysql';
export async function transfer(from: number, to: number, amount: number) {
  const connection = mysql.createConnection({ host: 'localhost', user: 'root', database: 'shop' });
  await connection.queryAsync('START TRANSACTION');
  await connection.queryAsync('UPDATE accounts SET balance = balance - ? WHERE id = ?', [amount, from]);
  await connection.queryAsync('COMMIT');
  await connection.end();
}
`,
    },
    {
      name: 'a parameter typed PoolConnection',
      code: `
import type { PoolConnection } from 'mysql';
export async function transfer(conn: PoolConnection, from: number, amount: number) {
  await conn.queryAsync('START TRANSACTION');
  await conn.queryAsync('UPDATE accounts SET balance = balance - ? WHERE id = ?', [amount, from]);
  await conn.queryAsync('COMMIT');
}
`,
    },
    {
      name: 'single statements on the pool',
      code: `${db}
export async function deposit(accountId: number, amount: number) {
  await pool.queryAsync('UPDATE accounts SET balance = balance + ? WHERE id = ?', [amount, accountId]);
  await pool.queryAsync('INSERT INTO audit_log (account_id, amount) VALUES (?, ?)', [accountId, amount]);
}
`,
    },
  ],
  invalid: [
    {
      name: 'START TRANSACTION through the pool',
      code: `${db}
export async function transfer(from: number, to: number, amount: number) {
  await pool.queryAsync('START TRANSACTION');
  await pool.queryAsync('UPDATE accounts SET balance = balance - ? WHERE id = ?', [amount, from]);
  await pool.queryAsync('UPDATE accounts SET balance = balance + ? WHERE id = ?', [amount, to]);
  await pool.queryAsync('COMMIT');
}
`,
      errors: [{ messageId: 'transactionOnPoolApi', line: 6, column: 9 }],
    },
    {
      name: 'BEGIN through the pool',
      code: `${db}
export async function transfer(from: number, amount: number) {
  await pool.queryAsync('BEGIN');
  await pool.queryAsync('UPDATE accounts SET balance = balance - ? WHERE id = ?', [amount, from]);
  await pool.queryAsync('COMMIT');
}
`,
      errors: [{ messageId: 'transactionOnPoolApi', line: 6, column: 9 }],
    },
    {
      name: 'START TRANSACTION on a parameter typed Pool',
      code: `
import type { Pool } from 'mysql';
export async function transfer(db: Pool, from: number, amount: number) {
  await db.queryAsync('START TRANSACTION');
  await db.queryAsync('UPDATE accounts SET balance = balance - ? WHERE id = ?', [amount, from]);
  await db.queryAsync('COMMIT');
}
`,
      errors: [{ messageId: 'transactionOnPoolApi', line: 4, column: 9 }],
    },
  ],
});

ruleTester.run('mysql: no-lock-outside-transaction', lockOutsideTransaction, {
  valid: [
    {
      name: 'FOR UPDATE after beginTransaction',
      code: `${db}
export async function takeJob(jobId: number) {
  const conn = await pool.getConnectionAsync();
  await conn.beginTransactionAsync();
  const rows = await conn.queryAsync('SELECT * FROM jobs WHERE id = ? FOR UPDATE', [jobId]);
  await conn.commitAsync();
  conn.release();
  return rows[0];
}
`,
    },
    {
      name: 'FOR UPDATE SKIP LOCKED after START TRANSACTION',
      code: `${db}
export async function nextJob() {
  const conn = await pool.getConnectionAsync();
  await conn.queryAsync('START TRANSACTION');
  const rows = await conn.queryAsync("SELECT * FROM jobs WHERE status = 'queued' LIMIT 1 FOR UPDATE SKIP LOCKED");
  await conn.queryAsync('COMMIT');
  conn.release();
  return rows[0];
}
`,
    },
    {
      name: 'LOCK IN SHARE MODE inside a transaction',
      code: `${db}
export async function readJob(jobId: number) {
  const conn = await pool.getConnectionAsync();
  await conn.beginTransactionAsync();
  const rows = await conn.queryAsync('SELECT * FROM jobs WHERE id = ? LOCK IN SHARE MODE', [jobId]);
  await conn.commitAsync();
  conn.release();
  return rows[0];
}
`,
    },
    {
      name: 'a connection handed in without a type: its state is the caller’s',
      code: `${db}
export async function lockJob(conn: any, jobId: number) {
  const rows = await conn.queryAsync('SELECT * FROM jobs WHERE id = ? FOR UPDATE', [jobId]);
  return rows[0];
}
`,
    },
    {
      name: 'a plain read on the pool',
      code: `${db}
export async function readJob(jobId: number) {
  const rows = await pool.queryAsync('SELECT * FROM jobs WHERE id = ?', [jobId]);
  return rows[0];
}
`,
    },
  ],
  invalid: [
    {
      name: 'FOR UPDATE through the pool',
      code: `${db}
export async function takeJob(jobId: number) {
  const rows = await pool.queryAsync('SELECT * FROM jobs WHERE id = ? FOR UPDATE', [jobId]);
  return rows[0];
}
`,
      errors: [{ messageId: 'lockOutsideTransaction', line: 6, column: 22 }],
    },
    {
      name: 'LOCK IN SHARE MODE through the pool',
      code: `${db}
export async function readJob(jobId: number) {
  const rows = await pool.queryAsync('SELECT * FROM \`jobs\` WHERE \`id\` = ? LOCK IN SHARE MODE', [jobId]);
  return rows[0];
}
`,
      errors: [{ messageId: 'lockOutsideTransaction', line: 6, column: 22 }],
    },
    {
      name: 'FOR UPDATE on a connection before beginTransaction',
      code: `${db}
export async function takeJob(jobId: number) {
  const conn = await pool.getConnectionAsync();
  const rows = await conn.queryAsync('SELECT * FROM jobs WHERE id = ? FOR UPDATE', [jobId]);
  await conn.beginTransactionAsync();
  await conn.queryAsync("UPDATE jobs SET status = 'running' WHERE id = ?", [jobId]);
  await conn.commitAsync();
  conn.release();
  return rows[0];
}
`,
      errors: [{ messageId: 'lockOutsideTransaction', line: 7, column: 22 }],
    },
    {
      name: 'FOR UPDATE after commit',
      code: `${db}
export async function takeJob(jobId: number) {
  const conn = await pool.getConnectionAsync();
  await conn.beginTransactionAsync();
  await conn.queryAsync("UPDATE jobs SET status = 'seen' WHERE id = ?", [jobId]);
  await conn.commitAsync();
  const rows = await conn.queryAsync('SELECT * FROM jobs WHERE id = ? FOR UPDATE', [jobId]);
  conn.release();
  return rows[0];
}
`,
      errors: [{ messageId: 'lockOutsideTransaction', line: 10, column: 22 }],
    },
  ],
});
