/**
 * Messages advise what works with the library and database in use (src/checks/advice.ts): MySQL has
 * no RETURNING, no data-modifying CTE and no ON CONFLICT; each library names its own count, writes
 * its own placeholders and opens transactions its own way. Each case lints real code through ESLint
 * and compares the whole message.
 */
import { describe, expect, it } from 'vitest';
import { lintWithEslint } from '../helpers/lint.js';

function messagesOf(code: string, ruleId: string): string[] {
  return lintWithEslint(code)
    .filter((m) => m.ruleId === `sql-race/${ruleId}`)
    .map((m) => m.message);
}

const mysql2 = `
import mysql from 'mysql2/promise';
const pool = mysql.createPool({ host: 'localhost', database: 'shop' });
`;
const knexMysql = `
import { knex } from 'knex';
const db = knex({ client: 'mysql2', connection: process.env.MYSQL_URL });
`;
const knexPg = `
import { knex } from 'knex';
const db = knex({ client: 'pg', connection: process.env.PG_CONNECTION_STRING });
`;
const pg = `
import { Pool } from 'pg';
const pool = new Pool();
`;
const postgresJs = `
import postgres from 'postgres';
const sql = postgres();
`;

describe('messages advise per library and database', () => {
  it('no-ignored-rowcount on mysql2: the count to check, no RETURNING', () => {
    const code = `${mysql2}
export async function claim(jobId: number, workerId: number) {
  await pool.execute("UPDATE jobs SET worker_id = ?, status = 'running' WHERE id = ? AND status = 'pending'", [workerId, jobId]);
  return { claimed: true };
}
`;
    expect(messagesOf(code, 'no-ignored-rowcount')).toEqual([
      "The UPDATE of `jobs` is guarded by `status = 'pending'` and matches no row when a concurrent request got there first, but its affected count is never read: the caller is told it succeeded either way. Check `result.affectedRows` (from `const [result] = await conn.execute(...)`) before reporting success.",
    ]);
  });

  it('no-ignored-rowcount on node-postgres: rowCount, or RETURNING', () => {
    const code = `${pg}
export async function claim(jobId: number, workerId: number) {
  await pool.query("UPDATE jobs SET worker_id = $1, status = 'running' WHERE id = $2 AND status = 'pending'", [workerId, jobId]);
  return { claimed: true };
}
`;
    expect(messagesOf(code, 'no-ignored-rowcount')).toEqual([
      "The UPDATE of `jobs` is guarded by `status = 'pending'` and matches no row when a concurrent request got there first, but its affected count is never read: the caller is told it succeeded either way. Check `result.rowCount` (or add RETURNING and test the row) before reporting success.",
    ]);
  });

  it('no-decoupled-insert on knex with mysql2: no data-modifying CTE, a lock instead', () => {
    const code = `${knexMysql}
export async function buy(concertId: number, userId: number) {
  await db.raw('UPDATE concerts SET seats = seats - 1 WHERE id = ? AND seats > 0', [concertId]);
  await db.raw('INSERT INTO tickets (concert_id, user_id) VALUES (?, ?)', [concertId, userId]);
}
`;
    expect(messagesOf(code, 'no-decoupled-insert')).toEqual([
      'The UPDATE of `concerts` on line 6 is guarded by `seats > 0` and may match no row, but its affected count is not checked before the INSERT of `tickets` on line 7, which runs either way. Check `result[0].affectedRows` and stop when it is 0, or lock the row first (`SELECT ... FOR UPDATE` in the transaction) and test it before both writes.',
    ]);
  });

  it('no-decoupled-insert on node-postgres: one statement through RETURNING', () => {
    const code = `${pg}
export async function buy(concertId: number, userId: number) {
  await pool.query('UPDATE concerts SET seats = seats - 1 WHERE id = $1 AND seats > 0', [concertId]);
  await pool.query('INSERT INTO tickets (concert_id, user_id) VALUES ($1, $2)', [concertId, userId]);
}
`;
    expect(messagesOf(code, 'no-decoupled-insert')).toEqual([
      'The UPDATE of `concerts` on line 6 is guarded by `seats > 0` and may match no row, but its affected count is not checked before the INSERT of `tickets` on line 7, which runs either way. Check `result.rowCount` and stop when it is 0, or couple them in one statement (`WITH changed AS (UPDATE ... RETURNING ...) INSERT ... SELECT ... FROM changed`).',
    ]);
  });

  it('no-check-then-act before an INSERT on mysql2: ON DUPLICATE KEY and the deadlock to retry on', () => {
    const code = `${mysql2}
export async function register(email: string) {
  const [rows] = await pool.query('SELECT id FROM users WHERE email = ?', [email]);
  if (rows.length > 0) throw new Error('taken');
  await pool.execute('INSERT INTO users (email) VALUES (?)', [email]);
}
`;
    expect(messagesOf(code, 'no-check-then-act')).toEqual([
      'The check of `users` on line 6 (tested on line 7) does not stop a concurrent request from inserting the same row before the INSERT on line 8: both see nothing and both insert. Enforce it with a unique constraint and `INSERT ... ON DUPLICATE KEY UPDATE`, or run the transaction as SERIALIZABLE and retry on a deadlock (ER_LOCK_DEADLOCK, error 1213).',
    ]);
  });

  it('no-lost-update writes the placeholder of the library: ? for knex on PostgreSQL too', () => {
    const code = `${knexPg}
export async function deposit(accountId: number, amount: number) {
  const { rows } = await db.raw('SELECT balance FROM accounts WHERE id = ?', [accountId]);
  await db.raw('UPDATE accounts SET balance = ? WHERE id = ?', [rows[0].balance + amount, accountId]);
}
`;
    expect(messagesOf(code, 'no-lost-update')).toEqual([
      '`accounts.balance` is read on line 6 without a lock, changed in JavaScript, and written back as an absolute value on line 7: an update committed in between is lost. Write it relative to the stored value (`SET balance = balance + ?`), lock the row with `SELECT ... FOR UPDATE` in the transaction, or add a version check to the WHERE and check `result.rowCount`.',
    ]);
  });

  it('no-lost-update writes the placeholder of the library: ${} in a postgres.js tagged template', () => {
    const code = `${postgresJs}
export async function deposit(accountId: number, amount: number) {
  const [account] = await sql\`SELECT balance FROM accounts WHERE id = \${accountId}\`;
  await sql\`UPDATE accounts SET balance = \${account.balance + amount} WHERE id = \${accountId}\`;
}
`;
    expect(messagesOf(code, 'no-lost-update')).toEqual([
      '`accounts.balance` is read on line 6 without a lock, changed in JavaScript, and written back as an absolute value on line 7: an update committed in between is lost. Write it relative to the stored value (`SET balance = balance + ${value}`), lock the row with `SELECT ... FOR UPDATE` in the transaction, or add a version check to the WHERE and check `result.count`.',
    ]);
  });

  it('no-lost-update writes the placeholder of the library: $1 for node-postgres', () => {
    const code = `${pg}
export async function deposit(accountId: number, amount: number) {
  const { rows } = await pool.query('SELECT balance FROM accounts WHERE id = $1', [accountId]);
  await pool.query('UPDATE accounts SET balance = $1 WHERE id = $2', [rows[0].balance + amount, accountId]);
}
`;
    expect(messagesOf(code, 'no-lost-update')[0]).toContain('(`SET balance = balance + $1`)');
  });

  it("no-lock-outside-transaction names the library's transaction API", () => {
    const code = `${knexPg}
export async function take(id: number) {
  const { rows } = await db.raw('SELECT * FROM seats WHERE id = ? FOR UPDATE', [id]);
  return rows[0];
}
`;
    expect(messagesOf(code, 'no-lock-outside-transaction')).toEqual([
      '`FOR UPDATE` on `seats` runs outside a transaction (it is sent through the pool `db`): the lock is released as soon as the statement ends, before anything acts on what was read. Run it, and what acts on what it reads, in one transaction: use `knex.transaction(async (trx) => ...)` and send every statement through `trx`.',
    ]);
  });

  it('a count named as a phrase reads as one ("check the affected count", not "check its the")', () => {
    const code = `
import { Sequelize } from 'sequelize';
const sequelize = new Sequelize('postgres://localhost/shop');
export async function buy(sku: string) {
  const [rows] = await sequelize.query('SELECT stock FROM products WHERE sku = ?', { replacements: [sku] });
  if (rows[0].stock < 1) throw new Error('sold out');
  await sequelize.query('UPDATE products SET stock = stock - 1 WHERE sku = ?', { replacements: [sku] });
}
`;
    const [message] = messagesOf(code, 'no-check-then-act');
    expect(message).toContain('and check the affected count (`metadata.rowCount`, or `affectedCount` with `QueryTypes.UPDATE`).');
  });
});
