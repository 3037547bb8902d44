import rule from '../../rules/no-lock-outside-transaction.js';
import { pgAdvice } from '../helpers/advice.js';
import { ruleTester } from '../helpers/rule-tester.js';
import { cteFix, forUpdateFix, skipLockedQueueClaim } from '../helpers/snippets.js';

const throughPool = ' (it is sent through the pool `pool`)';

ruleTester.run('no-lock-outside-transaction', rule, {
  valid: [
    // Locks taken after BEGIN on the same client.
    {
      name: 'the FOR UPDATE fix: after BEGIN on a client from the pool',
      code: forUpdateFix,
    },
    {
      name: 'the second seed verbatim in a transaction',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function withdraw(amount: number) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const { rows } = await client.query('SELECT balance FROM account WHERE account_id = 7 FOR UPDATE');
    if (rows[0].balance < amount) throw new Error('Insufficient funds');
    await client.query('UPDATE account SET balance = balance - $1 WHERE account_id = 7', [amount]);
    await client.query('COMMIT');
  } finally {
    client.release();
  }
}
`,
    },
    {
      name: 'FOR SHARE and FOR NO KEY UPDATE in a transaction',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function addLine(orderId: number, productId: number) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const product = await client.query('SELECT price FROM products WHERE product_id = $1 FOR SHARE', [productId]);
    await client.query('SELECT total FROM orders WHERE order_id = $1 FOR NO KEY UPDATE', [orderId]);
    await client.query('UPDATE orders SET total = total + $2 WHERE order_id = $1', [orderId, product.rows[0].price]);
    await client.query('COMMIT');
  } finally {
    client.release();
  }
}
`,
    },
    {
      name: 'BEGIN ISOLATION LEVEL SERIALIZABLE then FOR UPDATE',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function buyTicket(concertId: string) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL SERIALIZABLE');
    const { rows } = await client.query('SELECT available_seats FROM concerts WHERE concert_id = $1 FOR UPDATE', [concertId]);
    if (rows[0].available_seats < 1) throw new Error('Sold out');
    await client.query('UPDATE concerts SET available_seats = available_seats - 1 WHERE concert_id = $1', [concertId]);
    await client.query('COMMIT');
  } finally {
    client.release();
  }
}
`,
    },
    {
      name: 'START TRANSACTION then a template literal lock',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function hold(seatId: number, userId: number) {
  const client = await pool.connect();
  try {
    await client.query('START TRANSACTION');
    const { rows } = await client.query(\`SELECT held_by FROM seats WHERE seat_id = \${seatId} FOR UPDATE NOWAIT\`);
    if (rows[0].held_by !== null) throw new Error('Seat is held');
    await client.query(\`UPDATE seats SET held_by = \${userId} WHERE seat_id = \${seatId}\`);
    await client.query('COMMIT');
  } finally {
    client.release();
  }
}
`,
    },
    {
      name: 'the two-statement SKIP LOCKED queue claim in a transaction',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function claimNextJob(workerId: string) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const { rows } = await client.query("SELECT id FROM jobs WHERE status = 'pending' ORDER BY id FOR UPDATE SKIP LOCKED LIMIT 1");
    if (rows.length === 0) {
      await client.query('ROLLBACK');
      return null;
    }
    await client.query("UPDATE jobs SET status = 'running', worker_id = $2 WHERE id = $1", [rows[0].id, workerId]);
    await client.query('COMMIT');
    return rows[0].id;
  } finally {
    client.release();
  }
}
`,
    },
    {
      name: 'a second transaction on the same client after COMMIT',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function settle(fromId: number, toId: number) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT 1 FROM account WHERE account_id = $1 FOR UPDATE', [fromId]);
    await client.query('COMMIT');
    await client.query('BEGIN');
    await client.query('SELECT 1 FROM account WHERE account_id = $1 FOR UPDATE', [toId]);
    await client.query('COMMIT');
  } finally {
    client.release();
  }
}
`,
    },
    {
      name: 'config object query after BEGIN',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function lockOrder(orderId: number) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query({ text: 'SELECT status FROM orders WHERE id = $1 FOR UPDATE', values: [orderId] });
    await client.query("UPDATE orders SET status = 'processing' WHERE id = $1", [orderId]);
    await client.query('COMMIT');
  } finally {
    client.release();
  }
}
`,
    },
    // One text holding the whole transaction.
    {
      name: 'BEGIN; SELECT ... FOR UPDATE; UPDATE; COMMIT as one text through the pool',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function resetCounter(counterId: number) {
  await pool.query(\`
    BEGIN;
    SELECT value FROM counters WHERE counter_id = 1 FOR UPDATE;
    UPDATE counters SET value = 0 WHERE counter_id = 1;
    COMMIT;
  \`);
}
`,
    },
    // The caller owns the transaction state.
    {
      name: 'a client: PoolClient parameter',
      code: `
import type { PoolClient } from 'pg';

export async function lockAccount(client: PoolClient, accountId: number) {
  const { rows } = await client.query('SELECT balance FROM account WHERE account_id = $1 FOR UPDATE', [accountId]);
  return rows[0].balance as number;
}
`,
    },
    {
      name: 'a client: Client parameter',
      code: `
import type { Client } from 'pg';

export async function lockSeat(client: Client, seatId: number) {
  await client.query('SELECT 1 FROM seats WHERE seat_id = $1 FOR UPDATE', [seatId]);
}
`,
    },
    {
      name: 'a connection of unknown kind',
      code: `
import { db } from './db';

export async function lockAccount(accountId: number) {
  return db.query('SELECT balance FROM account WHERE account_id = $1 FOR UPDATE', [accountId]);
}
`,
    },
    // Nothing that takes a row lock.
    {
      name: 'the single-statement SKIP LOCKED queue claim through the pool',
      code: skipLockedQueueClaim,
    },
    {
      name: 'a plain SELECT through the pool',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function balance(accountId: number) {
  const { rows } = await pool.query('SELECT balance FROM account WHERE account_id = $1', [accountId]);
  return rows[0].balance;
}
`,
    },
    {
      name: 'an advisory lock is not a row lock',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function withLock(key: number) {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [key]);
    await client.query('UPDATE counters SET value = value + 1 WHERE counter_id = $1', [key]);
    await client.query('SELECT pg_advisory_unlock($1)', [key]);
  } finally {
    client.release();
  }
}
`,
    },
    {
      name: 'the client is handed to a helper that may send BEGIN (startTransaction): its state is unknown after',
      code: `
import { Pool, PoolClient } from 'pg';
import { startTransaction } from './db-helpers';
const pool = new Pool();

export async function withdraw(accountId: number, amount: number) {
  const client: PoolClient = await pool.connect();
  try {
    await startTransaction(client);
    const { rows } = await client.query('SELECT balance FROM account WHERE account_id = $1 FOR UPDATE', [accountId]);
    if (rows[0].balance < amount) throw new Error('Insufficient funds');
    await client.query('UPDATE account SET balance = balance - $1 WHERE account_id = $2', [amount, accountId]);
    await client.query('COMMIT');
  } finally {
    client.release();
  }
}
`,
    },
    {
      name: 'the CTE fix through the pool',
      code: cteFix,
    },
  ],
  invalid: [
    {
      name: 'a client handed to a helper only after the lock: the lock still runs outside a transaction',
      code: `
import { Pool } from 'pg';
import { audit } from './audit';
const pool = new Pool();

export async function readBalance(accountId: number) {
  const client = await pool.connect();
  try {
    const { rows } = await client.query('SELECT balance FROM account WHERE account_id = $1 FOR UPDATE', [accountId]);
    await audit(client, accountId);
    return rows[0].balance;
  } finally {
    client.release();
  }
}
`,
      errors: [
        {
          messageId: 'lockOutsideTransaction',
          line: 9,
          column: 28,
          data: { strength: 'UPDATE', table: 'account', where: '', ...pgAdvice },
        },
      ],
    },
    // Through the pool: no transaction can be open.
    {
      name: 'the lock seed: FOR UPDATE through the pool, then the UPDATE',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function withdraw(accountId: number, amount: number) {
  const { rows } = await pool.query('SELECT balance FROM account WHERE account_id = $1 FOR UPDATE', [accountId]);
  if (rows[0].balance < amount) throw new Error('Insufficient funds');
  await pool.query('UPDATE account SET balance = balance - $1 WHERE account_id = $2', [amount, accountId]);
}
`,
      errors: [
        {
          messageId: 'lockOutsideTransaction',
          line: 6,
          column: 26,
          data: { strength: 'UPDATE', table: 'account', where: throughPool, ...pgAdvice },
        },
      ],
    },
    {
      name: 'the second seed verbatim through the pool',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function readBalance() {
  const { rows } = await pool.query('SELECT balance FROM account WHERE account_id = 7 FOR UPDATE');
  return rows[0].balance;
}
`,
      errors: [
        {
          messageId: 'lockOutsideTransaction',
          line: 6,
          column: 26,
          data: { strength: 'UPDATE', table: 'account', where: throughPool, ...pgAdvice },
        },
      ],
    },
    {
      name: 'FOR SHARE through the pool',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function price(productId: number) {
  const result = await pool.query('SELECT price FROM products WHERE product_id = $1 FOR SHARE', [productId]);
  return result.rows[0].price;
}
`,
      errors: [
        {
          messageId: 'lockOutsideTransaction',
          line: 6,
          column: 24,
          data: { strength: 'SHARE', table: 'products', where: throughPool, ...pgAdvice },
        },
      ],
    },
    {
      name: 'FOR NO KEY UPDATE through the pool in a template literal',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function loadOrder(orderId: number) {
  const { rows } = await pool.query(\`SELECT * FROM orders WHERE order_id = \${orderId} FOR NO KEY UPDATE\`);
  return rows[0];
}
`,
      errors: [
        {
          messageId: 'lockOutsideTransaction',
          line: 6,
          column: 26,
          data: { strength: 'NO KEY UPDATE', table: 'orders', where: throughPool, ...pgAdvice },
        },
      ],
    },
    {
      name: 'FOR KEY SHARE through pool.query({ text, values })',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function owner(projectId: number) {
  const { rows } = await pool.query({ text: 'SELECT owner_id FROM projects WHERE project_id = $1 FOR KEY SHARE', values: [projectId] });
  return rows[0]?.owner_id;
}
`,
      errors: [
        {
          messageId: 'lockOutsideTransaction',
          line: 6,
          column: 26,
          data: { strength: 'KEY SHARE', table: 'projects', where: throughPool, ...pgAdvice },
        },
      ],
    },
    {
      name: 'the two-statement SKIP LOCKED queue claim through the pool',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function claimNextJob(workerId: string) {
  const { rows } = await pool.query("SELECT id FROM jobs WHERE status = 'pending' ORDER BY id FOR UPDATE SKIP LOCKED LIMIT 1");
  if (rows.length === 0) return null;
  await pool.query("UPDATE jobs SET status = 'running', worker_id = $2 WHERE id = $1", [rows[0].id, workerId]);
  return rows[0].id;
}
`,
      errors: [
        {
          messageId: 'lockOutsideTransaction',
          line: 6,
          column: 26,
          data: { strength: 'UPDATE', table: 'jobs', where: throughPool, ...pgAdvice },
        },
      ],
    },
    {
      name: 'BEGIN through the pool does not open a transaction for the next pool query',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function withdraw(accountId: number, amount: number) {
  await pool.query('BEGIN');
  const { rows } = await pool.query('SELECT balance FROM account WHERE account_id = $1 FOR UPDATE', [accountId]);
  await pool.query('UPDATE account SET balance = $1 WHERE account_id = $2', [rows[0].balance - amount, accountId]);
  await pool.query('COMMIT');
}
`,
      errors: [
        {
          messageId: 'lockOutsideTransaction',
          line: 7,
          column: 26,
          data: { strength: 'UPDATE', table: 'account', where: throughPool, ...pgAdvice },
        },
      ],
    },
    {
      name: 'a module-level SQL constant through a pool parameter',
      code: `
import type { Pool } from 'pg';

const LOCK_ACCOUNT = 'SELECT balance FROM account WHERE account_id = $1 FOR UPDATE';

export async function withdraw(db: Pool, accountId: number, amount: number) {
  const { rows } = await db.query(LOCK_ACCOUNT, [accountId]);
  if (rows[0].balance < amount) throw new Error('Insufficient funds');
  await db.query('UPDATE account SET balance = balance - $1 WHERE account_id = $2', [amount, accountId]);
}
`,
      errors: [
        {
          messageId: 'lockOutsideTransaction',
          line: 7,
          column: 26,
          data: { strength: 'UPDATE', table: 'account', where: ' (it is sent through the pool `db`)', ...pgAdvice },
        },
      ],
    },
    // On a client connected here, before BEGIN or after COMMIT / ROLLBACK.
    {
      name: 'on a client from pool.connect() before BEGIN',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function withdraw(accountId: number, amount: number) {
  const client = await pool.connect();
  try {
    const { rows } = await client.query('SELECT balance FROM account WHERE account_id = $1 FOR UPDATE', [accountId]);
    if (rows[0].balance < amount) throw new Error('Insufficient funds');
    await client.query('BEGIN');
    await client.query('UPDATE account SET balance = balance - $1 WHERE account_id = $2', [amount, accountId]);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
}
`,
      errors: [
        {
          messageId: 'lockOutsideTransaction',
          line: 8,
          column: 28,
          data: { strength: 'UPDATE', table: 'account', where: '', ...pgAdvice },
        },
      ],
    },
    {
      name: 'on a client after COMMIT',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function transferThenAudit(accountId: number, amount: number) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('UPDATE account SET balance = balance - $1 WHERE account_id = $2', [amount, accountId]);
    await client.query('COMMIT');
    const { rows } = await client.query('SELECT balance FROM account WHERE account_id = $1 FOR UPDATE', [accountId]);
    return rows[0].balance;
  } finally {
    client.release();
  }
}
`,
      errors: [
        {
          messageId: 'lockOutsideTransaction',
          line: 11,
          column: 28,
          data: { strength: 'UPDATE', table: 'account', where: '', ...pgAdvice },
        },
      ],
    },
    {
      name: 'on a client after ROLLBACK',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function retryReservation(seatId: number) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('DELETE FROM holds WHERE seat_id = $1', [seatId]);
    await client.query('ROLLBACK');
    await client.query('SELECT * FROM seats WHERE seat_id = $1 FOR UPDATE', [seatId]);
  } finally {
    client.release();
  }
}
`,
      errors: [
        { messageId: 'lockOutsideTransaction', line: 11, column: 11, data: { strength: 'UPDATE', table: 'seats', where: '', ...pgAdvice } },
      ],
    },
    {
      name: 'on a dedicated new Client() without BEGIN',
      code: `
import { Client } from 'pg';

export async function lockAndRead(accountId: number) {
  const client = new Client();
  await client.connect();
  try {
    const { rows } = await client.query('SELECT balance FROM account WHERE account_id = $1 FOR UPDATE', [accountId]);
    return rows[0].balance;
  } finally {
    await client.end();
  }
}
`,
      errors: [
        {
          messageId: 'lockOutsideTransaction',
          line: 8,
          column: 28,
          data: { strength: 'UPDATE', table: 'account', where: '', ...pgAdvice },
        },
      ],
    },
    {
      name: 'locks taken one by one in a loop through the pool',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function lockAll(accountIds: number[]) {
  for (const accountId of accountIds) {
    await pool.query('SELECT 1 FROM account WHERE account_id = $1 FOR UPDATE', [accountId]);
  }
}
`,
      errors: [
        {
          messageId: 'lockOutsideTransaction',
          line: 7,
          column: 11,
          data: { strength: 'UPDATE', table: 'account', where: throughPool, ...pgAdvice },
        },
      ],
    },
  ],
});
