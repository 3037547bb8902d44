/**
 * Node callback APIs, read by every rule: pg's `client.query(text, values, (err, result) => ...)` and
 * `pool.connect((err, client, release) => ...)`, mysql2's `conn.query(sql, params, (err, results) => ...)`,
 * `pool.getConnection((err, conn) => ...)` and `conn.beginTransaction(cb)`; the promise wrappers around
 * them (`util.promisify(pool.query).bind(pool)`, `new Promise((resolve, reject) => conn.query(..., cb))`).
 * Statements issued in a callback follow the query whose callback it is; its result parameter is the
 * query's result.
 */
import checkThenAct from '../../rules/no-check-then-act.js';
import ignoredRowcount from '../../rules/no-ignored-rowcount.js';
import lockOutsideTransaction from '../../rules/no-lock-outside-transaction.js';
import lostUpdate from '../../rules/no-lost-update.js';
import { ruleTester } from '../helpers/rule-tester.js';

// Functions start on line 5.
const mysql = `
import mysql from 'mysql2';
const pool = mysql.createPool({ host: 'localhost', database: 'shop' });
`;
const pg = `
import { Pool } from 'pg';
const pool = new Pool();
`;

/** BEGIN, a read, a test and a write, each issued in the callback of the one before. */
const nestedBooking = (select: string): string => `${pg}
export function book(concertId: number, done: (error?: Error) => void) {
  pool.connect((err, client, release) => {
    if (err) return done(err);
    client.query('BEGIN', (err) => {
      if (err) return done(err);
      client.query('${select}', [concertId], (err, result) => {
        if (err) return done(err);
        if (result.rows[0].available_seats <= 0) {
          return client.query('ROLLBACK', () => { release(); done(new Error('sold out')); });
        }
        client.query('UPDATE concerts SET available_seats = available_seats - 1 WHERE id = $1', [concertId], (err) => {
          if (err) return done(err);
          client.query('COMMIT', (err) => { release(); done(err); });
        });
      });
    });
  });
}
`;

ruleTester.run('callbacks: no-ignored-rowcount', ignoredRowcount, {
  valid: [
    {
      name: 'mysql2: affectedRows tested in the callback, the promise rejected on 0 rows',
      code: `${mysql}
export function redeem(code: string, userId: number) {
  return new Promise<void>((resolve, reject) => {
    pool.query('UPDATE vouchers SET used = 1, user_id = ? WHERE code = ? AND used = 0', [userId, code], (err, result) => {
      if (err) return reject(err);
      if (result.affectedRows === 0) return reject(new Error('already used'));
      resolve();
    });
  });
}
`,
    },
    {
      name: 'pg: rowCount tested in the callback',
      code: `${pg}
export function claimJob(jobId: number, workerId: string, done: (error: Error | null, claimed?: boolean) => void) {
  pool.query("UPDATE jobs SET worker_id = $1 WHERE id = $2 AND worker_id IS NULL", [workerId, jobId], (err, result) => {
    if (err) return done(err);
    done(null, result.rowCount === 1);
  });
}
`,
    },
    {
      name: 'mysql2: the result resolved from a Promise wrapper and tested after await',
      code: `${mysql}
export async function redeem(code: string) {
  const result: any = await new Promise((resolve, reject) => {
    pool.query('UPDATE vouchers SET used = 1 WHERE code = ? AND used = 0', [code], (err, res) => {
      if (err) return reject(err);
      resolve(res);
    });
  });
  if (result.affectedRows === 0) throw new Error('already used');
}
`,
    },
    {
      name: 'pg: promisify(pool.query.bind(pool)), count tested',
      code: `${pg}
import { promisify } from 'util';
const query = promisify(pool.query.bind(pool));
export async function claimJob(jobId: number, workerId: string) {
  const result: any = await query("UPDATE jobs SET worker_id = $1 WHERE id = $2 AND worker_id IS NULL", [workerId, jobId]);
  return result.rowCount === 1;
}
`,
    },
  ],
  invalid: [
    {
      name: 'mysql2: the callback never reads the result',
      code: `${mysql}
export function redeem(code: string, userId: number, done: (error: Error | null) => void) {
  pool.query('UPDATE vouchers SET used = 1, user_id = ? WHERE code = ? AND used = 0', [userId, code], (err) => {
    if (err) return done(err);
    done(null);
  });
}
`,
      errors: [{ messageId: 'ignoredRowCount', line: 6, column: 3 }],
    },
    {
      name: 'mysql2: a Promise wrapper that resolves without the result',
      code: `${mysql}
export function redeem(code: string) {
  return new Promise<void>((resolve, reject) => {
    pool.query('UPDATE vouchers SET used = 1 WHERE code = ? AND used = 0', [code], (err) => {
      if (err) return reject(err);
      resolve();
    });
  });
}
`,
      errors: [{ messageId: 'ignoredRowCount', line: 7, column: 5 }],
    },
    {
      name: 'pg: util.promisify(pool.query).bind(pool), count ignored',
      code: `${pg}
import util from 'util';
const query = util.promisify(pool.query).bind(pool);
export async function claimJob(jobId: number, workerId: string) {
  await query("UPDATE jobs SET worker_id = $1 WHERE id = $2 AND worker_id IS NULL", [workerId, jobId]);
  return true;
}
`,
      errors: [{ messageId: 'ignoredRowCount', line: 8, column: 9 }],
    },
  ],
});

ruleTester.run('callbacks: no-check-then-act', checkThenAct, {
  valid: [
    {
      name: 'pg: BEGIN, SELECT ... FOR UPDATE, UPDATE, COMMIT through nested callbacks',
      code: nestedBooking('SELECT available_seats FROM concerts WHERE id = $1 FOR UPDATE'),
    },
    {
      name: 'mysql2: beginTransaction(cb), SELECT ... FOR UPDATE, UPDATE and commit(cb) in nested callbacks',
      code: `${mysql}
export function placeOrder(sku: string, done: (error?: Error) => void) {
  pool.getConnection((err, conn) => {
    if (err) return done(err);
    conn.beginTransaction((err) => {
      if (err) return done(err);
      conn.query('SELECT stock FROM products WHERE sku = ? FOR UPDATE', [sku], (err, rows: any) => {
        if (err) return conn.rollback(() => done(err));
        if (rows[0].stock < 1) return conn.rollback(() => done(new Error('out of stock')));
        conn.query('UPDATE products SET stock = stock - 1 WHERE sku = ?', [sku], (err) => {
          if (err) return conn.rollback(() => done(err));
          conn.commit((err) => { conn.release(); done(err ?? undefined); });
        });
      });
    });
  });
}
`,
    },
  ],
  invalid: [
    {
      name: 'pg: the read in a BEGIN callback is not locked; the UPDATE in its callback acts on it',
      code: nestedBooking('SELECT available_seats FROM concerts WHERE id = $1'),
      // The transaction begun in the outer callback is open here: FOR UPDATE is offered.
      errors: [
        {
          messageId: 'checkThenAct',
          line: 10,
          column: 7,
          suggestions: [
            { messageId: 'addForUpdate', output: nestedBooking('SELECT available_seats FROM concerts WHERE id = $1 FOR UPDATE') },
          ],
        },
      ],
    },
    {
      name: 'mysql2: the stock tested in the callback of an unlocked read, then decremented in a nested callback',
      code: `${mysql}
export function placeOrder(sku: string, done: (error?: Error) => void) {
  pool.query('SELECT stock FROM products WHERE sku = ?', [sku], (err, rows: any) => {
    if (err) return done(err);
    if (rows[0].stock < 1) return done(new Error('out of stock'));
    pool.query('UPDATE products SET stock = stock - 1 WHERE sku = ?', [sku], (err) => done(err ?? undefined));
  });
}
`,
      errors: [{ messageId: 'checkThenAct', line: 6, column: 3 }],
    },
    {
      name: 'pg: both statements through util.promisify(pool.query).bind(pool)',
      code: `${pg}
import util from 'util';
const query = util.promisify(pool.query).bind(pool);
export async function book(id: number) {
  const r: any = await query('SELECT available_seats FROM concerts WHERE id = $1', [id]);
  if (r.rows[0].available_seats > 0) await query('UPDATE concerts SET available_seats = available_seats - 1 WHERE id = $1', [id]);
}
`,
      errors: [{ messageId: 'checkThenAct', line: 8, column: 24 }],
    },
  ],
});

ruleTester.run('callbacks: no-lost-update', lostUpdate, {
  valid: [],
  invalid: [
    {
      name: 'pg: the balance read in one callback is written back as a value in the nested one',
      code: `${pg}
export function deposit(accountId: number, amount: number, done: (error?: Error) => void) {
  pool.query('SELECT balance FROM accounts WHERE id = $1', [accountId], (err, result) => {
    if (err) return done(err);
    const balance = result.rows[0].balance + amount;
    pool.query('UPDATE accounts SET balance = $1 WHERE id = $2', [balance, accountId], (err) => done(err ?? undefined));
  });
}
`,
      errors: [{ messageId: 'lostUpdate', line: 9, column: 5 }],
    },
  ],
});

ruleTester.run('callbacks: no-lock-outside-transaction', lockOutsideTransaction, {
  valid: [
    {
      name: 'pg: FOR UPDATE issued in the callback of BEGIN on a client from pool.connect(cb)',
      code: nestedBooking('SELECT available_seats FROM concerts WHERE id = $1 FOR UPDATE'),
    },
  ],
  invalid: [
    {
      name: 'pg: FOR UPDATE on a client from pool.connect(cb) that never began a transaction',
      code: `${pg}
export function peek(id: number, done: (error: Error | null, seats?: number) => void) {
  pool.connect((err, client, release) => {
    if (err) return done(err);
    client.query('SELECT available_seats FROM concerts WHERE id = $1 FOR UPDATE', [id], (err, result) => {
      release();
      done(err, result.rows[0].available_seats);
    });
  });
}
`,
      errors: [{ messageId: 'lockOutsideTransaction', line: 8, column: 5 }],
    },
  ],
});
