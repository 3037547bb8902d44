import rule from '../../rules/no-transaction-on-pool.js';
import { ruleTester } from '../helpers/rule-tester.js';
import { cteFix, insertOnConflict, seedAsOneText, skipLockedQueueClaim } from '../helpers/snippets.js';

ruleTester.run('no-transaction-on-pool', rule, {
  valid: [
    // One client from the pool carries the transaction.
    {
      name: 'BEGIN / COMMIT / ROLLBACK on a client taken with pool.connect()',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function transfer(from: number, to: number, amount: number) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('UPDATE account SET balance = balance - $1 WHERE account_id = $2', [amount, from]);
    await client.query('UPDATE account SET balance = balance + $1 WHERE account_id = $2', [amount, to]);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
}
`,
    },
    {
      name: 'the second seed: SELECT ... FOR UPDATE in a transaction on a client',
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
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
}
`,
    },
    {
      name: 'BEGIN ISOLATION LEVEL SERIALIZABLE on a client',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function buyTicket(concertId: string) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL SERIALIZABLE');
    await client.query('UPDATE concerts SET available_seats = available_seats - 1 WHERE concert_id = $1', [concertId]);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
}
`,
    },
    {
      name: 'BEGIN then SET TRANSACTION ISOLATION LEVEL SERIALIZABLE on a client',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function book(slotId: number, userId: number) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SET TRANSACTION ISOLATION LEVEL SERIALIZABLE');
    await client.query('INSERT INTO bookings (slot_id, user_id) VALUES ($1, $2)', [slotId, userId]);
    await client.query('COMMIT');
  } finally {
    client.release();
  }
}
`,
    },
    {
      name: 'a client handed in by the caller starts the transaction',
      code: `
import type { PoolClient } from 'pg';

export async function transfer(client: PoolClient, from: number, to: number, amount: number) {
  await client.query('BEGIN');
  await client.query('UPDATE account SET balance = balance - $1 WHERE account_id = $2', [amount, from]);
  await client.query('UPDATE account SET balance = balance + $1 WHERE account_id = $2', [amount, to]);
  await client.query('COMMIT');
}
`,
    },
    {
      name: 'a dedicated new Client()',
      code: `
import { Client } from 'pg';

export async function migrate() {
  const client = new Client();
  await client.connect();
  try {
    await client.query('BEGIN');
    await client.query('ALTER TABLE concerts ADD COLUMN sale_status text');
    await client.query('COMMIT');
  } finally {
    await client.end();
  }
}
`,
    },
    {
      name: 'client.query({ text: "BEGIN" }) on a client',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function archive(projectId: number) {
  const client = await pool.connect();
  try {
    await client.query({ text: 'BEGIN' });
    await client.query({ text: 'UPDATE projects SET archived = true WHERE project_id = $1', values: [projectId] });
    await client.query({ text: 'COMMIT' });
  } finally {
    client.release();
  }
}
`,
    },
    // A whole transaction in one text runs on one connection.
    {
      name: 'the seed script sent as ONE text through the pool',
      code: seedAsOneText,
    },
    {
      name: 'BEGIN; ... ROLLBACK; as one text through the pool',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function dryRunCleanup() {
  await pool.query('BEGIN; DELETE FROM sessions WHERE expires_at < now(); ROLLBACK;');
}
`,
    },
    // Single statements through the pool.
    {
      name: 'single-statement writes through the pool',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function deposit(accountId: number, amount: number) {
  await pool.query('UPDATE account SET balance = balance + $1 WHERE account_id = $2', [amount, accountId]);
  await pool.query('INSERT INTO ledger (account_id, amount) VALUES ($1, $2)', [accountId, amount]);
}
`,
    },
    {
      name: 'the CTE fix through the pool',
      code: cteFix,
    },
    {
      name: 'the FOR UPDATE SKIP LOCKED queue claim in one statement through the pool',
      code: skipLockedQueueClaim,
    },
    {
      name: 'INSERT ... ON CONFLICT through the pool',
      code: insertOnConflict,
    },
    {
      name: 'a lock outside a transaction is another rule’s finding',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function peek(accountId: number) {
  const { rows } = await pool.query('SELECT balance FROM account WHERE account_id = $1 FOR UPDATE', [accountId]);
  return rows[0];
}
`,
    },
    // Connections of unknown kind.
    {
      name: 'an imported connection whose name does not say pool',
      code: `
import { db } from './db';

export async function transfer(from: number, to: number, amount: number) {
  await db.query('BEGIN');
  await db.query('UPDATE account SET balance = balance - $1 WHERE account_id = $2', [amount, from]);
  await db.query('UPDATE account SET balance = balance + $1 WHERE account_id = $2', [amount, to]);
  await db.query('COMMIT');
}
`,
    },
    {
      name: 'an imported connection named pool: a name is no evidence of a pool',
      code: `
import { pool } from './db';

export async function closeAccount(accountId: number) {
  await pool.query('BEGIN');
  await pool.query('DELETE FROM accounts WHERE account_id = $1', [accountId]);
  await pool.query('COMMIT');
}
`,
    },
    {
      name: 'a client named pool, taken from a pool named db',
      code: `
import { Pool } from 'pg';
const db = new Pool();

export async function closeAccount(accountId: number) {
  const pool = await db.connect();
  try {
    await pool.query('BEGIN');
    await pool.query('DELETE FROM accounts WHERE account_id = $1', [accountId]);
    await pool.query('COMMIT');
  } finally {
    pool.release();
  }
}
`,
    },
    {
      name: 'a class member named pool that holds a client',
      code: `
import type { PoolClient } from 'pg';

export class AccountRepository {
  constructor(private readonly pool: PoolClient) {}

  async close(accountId: number) {
    await this.pool.query('BEGIN');
    await this.pool.query('DELETE FROM accounts WHERE account_id = $1', [accountId]);
    await this.pool.query('COMMIT');
  }
}
`,
    },
    {
      name: 'savepoints on a client',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function importRows(rows: { id: number; name: string }[]) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    for (const row of rows) {
      await client.query('SAVEPOINT row_import');
      try {
        await client.query('INSERT INTO customers (id, name) VALUES ($1, $2)', [row.id, row.name]);
      } catch {
        await client.query('ROLLBACK TO SAVEPOINT row_import');
      }
    }
    await client.query('COMMIT');
  } finally {
    client.release();
  }
}
`,
    },
  ],
  invalid: [
    // The seed: every statement may take another pooled connection.
    {
      name: 'the transfer seed: BEGIN, two UPDATEs and COMMIT through the pool',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function transfer(from: number, to: number, amount: number) {
  await pool.query('BEGIN');
  await pool.query('UPDATE account SET balance = balance - $1 WHERE account_id = $2', [amount, from]);
  await pool.query('UPDATE account SET balance = balance + $1 WHERE account_id = $2', [amount, to]);
  await pool.query('COMMIT');
}
`,
      errors: [{ messageId: 'transactionOnPool', line: 6, column: 9, data: { statement: 'BEGIN', pool: 'pool' } }],
    },
    {
      name: 'try/catch with ROLLBACK through the pool',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function transfer(from: number, to: number, amount: number) {
  try {
    await pool.query('BEGIN');
    await pool.query('UPDATE account SET balance = balance - $1 WHERE account_id = $2', [amount, from]);
    await pool.query('UPDATE account SET balance = balance + $1 WHERE account_id = $2', [amount, to]);
    await pool.query('COMMIT');
  } catch (error) {
    await pool.query('ROLLBACK');
    throw error;
  }
}
`,
      errors: [{ messageId: 'transactionOnPool', line: 7, column: 11, data: { statement: 'BEGIN', pool: 'pool' } }],
    },
    {
      name: 'BEGIN ISOLATION LEVEL SERIALIZABLE through the pool',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function buyTicket(concertId: string) {
  await pool.query('BEGIN ISOLATION LEVEL SERIALIZABLE');
  await pool.query('UPDATE concerts SET available_seats = available_seats - 1 WHERE concert_id = $1', [concertId]);
  await pool.query('COMMIT');
}
`,
      errors: [
        { messageId: 'transactionOnPool', line: 6, column: 9, data: { statement: 'BEGIN ISOLATION LEVEL SERIALIZABLE', pool: 'pool' } },
      ],
    },
    {
      name: 'START TRANSACTION through the pool',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function archive(projectId: number) {
  await pool.query('START TRANSACTION');
  await pool.query('UPDATE projects SET archived = true WHERE project_id = $1', [projectId]);
  await pool.query('DELETE FROM project_members WHERE project_id = $1', [projectId]);
  await pool.query('COMMIT');
}
`,
      errors: [{ messageId: 'transactionOnPool', line: 6, column: 9, data: { statement: 'START TRANSACTION', pool: 'pool' } }],
    },
    {
      name: 'a parameter typed Pool',
      code: `
import type { Pool } from 'pg';

export async function transfer(db: Pool, from: number, to: number, amount: number) {
  await db.query('BEGIN');
  await db.query('UPDATE account SET balance = balance - $1 WHERE account_id = $2', [amount, from]);
  await db.query('UPDATE account SET balance = balance + $1 WHERE account_id = $2', [amount, to]);
  await db.query('COMMIT');
}
`,
      errors: [{ messageId: 'transactionOnPool', line: 5, column: 9, data: { statement: 'BEGIN', pool: 'db' } }],
    },
    {
      name: 'new pg.Pool() through the default import',
      code: `
import pg from 'pg';
const db = new pg.Pool({ max: 20 });

export async function closeAccount(accountId: number) {
  await db.query('BEGIN');
  await db.query('DELETE FROM sessions WHERE account_id = $1', [accountId]);
  await db.query('DELETE FROM accounts WHERE account_id = $1', [accountId]);
  await db.query('COMMIT');
}
`,
      errors: [{ messageId: 'transactionOnPool', line: 6, column: 9, data: { statement: 'BEGIN', pool: 'db' } }],
    },
    {
      name: 'this.pool in a repository class',
      code: `
import { Pool } from 'pg';

export class AccountRepository {
  constructor(private readonly pool: Pool) {}

  async transfer(from: number, to: number, amount: number) {
    await this.pool.query('BEGIN');
    await this.pool.query('UPDATE account SET balance = balance - $1 WHERE account_id = $2', [amount, from]);
    await this.pool.query('UPDATE account SET balance = balance + $1 WHERE account_id = $2', [amount, to]);
    await this.pool.query('COMMIT');
  }
}
`,
      errors: [{ messageId: 'transactionOnPool', line: 8, column: 11, data: { statement: 'BEGIN', pool: 'this.pool' } }],
    },
    {
      name: 'this.db in a class, a field initialized with new Pool()',
      code: `
import { Pool } from 'pg';

export class AccountRepository {
  private readonly db = new Pool();

  async close(accountId: number) {
    await this.db.query('BEGIN');
    await this.db.query('DELETE FROM accounts WHERE account_id = $1', [accountId]);
    await this.db.query('COMMIT');
  }
}
`,
      errors: [{ messageId: 'transactionOnPool', line: 8, column: 11, data: { statement: 'BEGIN', pool: 'this.db' } }],
    },
    {
      name: 'BEGIN sent with the first statement, COMMIT in a later call',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function transfer(from: number, to: number, amount: number) {
  await pool.query(\`BEGIN; UPDATE account SET balance = balance - \${amount} WHERE account_id = \${from}\`);
  await pool.query(\`UPDATE account SET balance = balance + \${amount} WHERE account_id = \${to}; COMMIT\`);
}
`,
      errors: [{ messageId: 'transactionOnPool', line: 6, column: 9, data: { statement: 'BEGIN', pool: 'pool' } }],
    },
    {
      name: 'a module-level constant holding BEGIN',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

const BEGIN = 'BEGIN';
const COMMIT = 'COMMIT';

export async function renameAll(prefix: string) {
  await pool.query(BEGIN);
  await pool.query('UPDATE products SET name = $1 || name', [prefix]);
  await pool.query(COMMIT);
}
`,
      errors: [{ messageId: 'transactionOnPool', line: 9, column: 9, data: { statement: 'BEGIN', pool: 'pool' } }],
    },
    {
      name: 'pool.query({ text: "BEGIN" })',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function archive(projectId: number) {
  await pool.query({ text: 'BEGIN' });
  await pool.query({ text: 'UPDATE projects SET archived = true WHERE project_id = $1', values: [projectId] });
  await pool.query({ text: 'COMMIT' });
}
`,
      errors: [{ messageId: 'transactionOnPool', line: 6, column: 9, data: { statement: 'BEGIN', pool: 'pool' } }],
    },
    {
      name: 'two transactions through the pool in one function: both reported',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function rotate(oldKeyId: number, newKeyId: number) {
  await pool.query('BEGIN');
  await pool.query('UPDATE api_keys SET active = false WHERE api_key_id = $1', [oldKeyId]);
  await pool.query('COMMIT');
  await pool.query('BEGIN');
  await pool.query('UPDATE api_keys SET active = true WHERE api_key_id = $1', [newKeyId]);
  await pool.query('COMMIT');
}
`,
      errors: [
        { messageId: 'transactionOnPool', line: 6, column: 9, data: { statement: 'BEGIN', pool: 'pool' } },
        { messageId: 'transactionOnPool', line: 9, column: 9, data: { statement: 'BEGIN', pool: 'pool' } },
      ],
    },
    {
      name: 'lower-case begin through the pool',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function resetStats() {
  await pool.query('begin');
  await pool.query('delete from daily_stats');
  await pool.query('commit');
}
`,
      errors: [{ messageId: 'transactionOnPool', line: 6, column: 9, data: { statement: 'begin', pool: 'pool' } }],
    },
  ],
});
