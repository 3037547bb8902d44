/**
 * mysql (mysqljs) as its README writes it, with callbacks: `connection.query(sql, values, (err,
 * results) => ...)`, `pool.getConnection((err, conn) => ...)`, `conn.beginTransaction(cb)`,
 * `conn.commit(cb)` and `conn.rollback(cb)`. Statements issued in a callback follow the query whose
 * callback it is, the callback's `results` is the query's result, and a connection handed to a
 * callback is one connection.
 */
import checkThenAct from '../../rules/no-check-then-act.js';
import ignoredRowcount from '../../rules/no-ignored-rowcount.js';
import lockOutsideTransaction from '../../rules/no-lock-outside-transaction.js';
import lostUpdate from '../../rules/no-lost-update.js';
import transactionOnPool from '../../rules/no-transaction-on-pool.js';
import { ruleTester } from '../helpers/rule-tester.js';

const CALLBACK_COUNT =
  "`results.affectedRows` (the callback's `(err, results)`; rows matched, `changedRows` misses a row already holding the values)";

// Lines 2-3 of every case: the pool, as mysql's README creates it. Functions start on line 5.
const db = `
import mysql from 'mysql';
const pool = mysql.createPool({ host: 'localhost', user: 'root', database: 'shop' });
`;

/** getConnection(cb), beginTransaction(cb), a read, a test and a write, each in the callback of the one before. */
const nestedOrder = (select: string, begin = true): string => `${db}
export function placeOrder(sku: string, done: (error?: Error) => void) {
  pool.getConnection((err, conn) => {
    if (err) return done(err);
    ${begin ? 'conn.beginTransaction' : 'conn.ping'}((err) => {
      if (err) return done(err);
      conn.query('${select}', [sku], (err, rows) => {
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
`;

ruleTester.run('mysql callbacks: no-ignored-rowcount', ignoredRowcount, {
  valid: [
    {
      name: 'affectedRows tested in the callback, the promise rejected on 0 rows',
      code: `${db}
export function redeem(code: string, userId: number) {
  return new Promise<void>((resolve, reject) => {
    pool.query('UPDATE vouchers SET used = 1, user_id = ? WHERE code = ? AND used = 0', [userId, code], (err, results) => {
      if (err) return reject(err);
      if (results.affectedRows === 0) return reject(new Error('already used'));
      resolve();
    });
  });
}
`,
    },
    {
      name: 'affectedRows tested in the callback of a query on a connection from getConnection(cb)',
      code: `${db}
export function claimJob(jobId: number, worker: string, done: (error: Error | null, claimed?: boolean) => void) {
  pool.getConnection((err, conn) => {
    if (err) return done(err);
    conn.query('UPDATE jobs SET worker = ? WHERE id = ? AND worker IS NULL', [worker, jobId], (err, results) => {
      conn.release();
      if (err) return done(err);
      done(null, results.affectedRows === 1);
    });
  });
}
`,
    },
  ],
  invalid: [
    {
      name: 'the callback never reads the results',
      code: `${db}
export function redeem(code: string, userId: number, done: (error: Error | null) => void) {
  pool.query('UPDATE vouchers SET used = 1, user_id = ? WHERE code = ? AND used = 0', [userId, code], (err) => {
    if (err) return done(err);
    done(null);
  });
}
`,
      // The count is mysql's, named as the callback receives it (not pg's `rowCount`).
      errors: [
        {
          messageId: 'ignoredRowCount',
          line: 6,
          column: 3,
          data: { kind: 'UPDATE', table: 'vouchers', guard: 'used = 0', countHint: CALLBACK_COUNT, rowBack: '' },
        },
      ],
    },
  ],
});

ruleTester.run('mysql callbacks: no-check-then-act', checkThenAct, {
  valid: [
    {
      name: 'getConnection(cb), beginTransaction(cb), SELECT ... FOR UPDATE, UPDATE and commit(cb) in nested callbacks',
      code: nestedOrder('SELECT stock FROM products WHERE sku = ? FOR UPDATE'),
    },
  ],
  invalid: [
    {
      name: 'the stock tested in the callback of an unlocked read on the pool, then decremented in a nested callback',
      code: `${db}
export function placeOrder(sku: string, done: (error?: Error) => void) {
  pool.query('SELECT stock FROM products WHERE sku = ?', [sku], (err, results) => {
    if (err) return done(err);
    if (results[0].stock < 1) return done(new Error('out of stock'));
    pool.query('UPDATE products SET stock = stock - 1 WHERE sku = ?', [sku], (err) => done(err ?? undefined));
  });
}
`,
      errors: [{ messageId: 'checkThenAct', line: 6, column: 3 }],
    },
    {
      name: 'inside beginTransaction(cb) on a connection from getConnection(cb), the read is not locked',
      code: nestedOrder('SELECT stock FROM products WHERE sku = ?'),
      errors: [{ messageId: 'checkThenAct', line: 10, column: 7 }],
    },
  ],
});

ruleTester.run('mysql callbacks: no-lost-update', lostUpdate, {
  valid: [],
  invalid: [
    {
      name: 'the balance read in one callback is written back as a value in the nested one',
      code: `${db}
export function deposit(accountId: number, amount: number, done: (error?: Error) => void) {
  pool.query('SELECT balance FROM accounts WHERE id = ?', [accountId], (err, results) => {
    if (err) return done(err);
    const balance = results[0].balance + amount;
    pool.query('UPDATE accounts SET balance = ? WHERE id = ?', [balance, accountId], (err) => done(err ?? undefined));
  });
}
`,
      errors: [{ messageId: 'lostUpdate', line: 9, column: 5 }],
    },
  ],
});

ruleTester.run('mysql callbacks: no-lock-outside-transaction', lockOutsideTransaction, {
  valid: [
    {
      name: 'FOR UPDATE issued in the callback of beginTransaction on a connection from getConnection(cb)',
      code: nestedOrder('SELECT stock FROM products WHERE sku = ? FOR UPDATE'),
    },
  ],
  invalid: [
    {
      name: 'FOR UPDATE on a connection from getConnection(cb) that never began a transaction',
      code: nestedOrder('SELECT stock FROM products WHERE sku = ? FOR UPDATE', false),
      errors: [{ messageId: 'lockOutsideTransaction', line: 10, column: 7 }],
    },
  ],
});

ruleTester.run('mysql callbacks: no-transaction-on-pool', transactionOnPool, {
  valid: [
    {
      name: 'START TRANSACTION and its statements on a connection from getConnection(cb)',
      code: `${db}
export function transfer(from: number, to: number, amount: number, done: (error?: Error) => void) {
  pool.getConnection((err, conn) => {
    if (err) return done(err);
    conn.query('START TRANSACTION', (err) => {
      if (err) return done(err);
      conn.query('UPDATE accounts SET balance = balance - ? WHERE id = ?', [amount, from], (err) => {
        if (err) return done(err);
        conn.query('UPDATE accounts SET balance = balance + ? WHERE id = ?', [amount, to], (err) => {
          if (err) return done(err);
          conn.query('COMMIT', (err) => { conn.release(); done(err ?? undefined); });
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
      name: 'START TRANSACTION through the pool, the statements in its callbacks',
      code: `${db}
export function transfer(from: number, to: number, amount: number, done: (error?: Error) => void) {
  pool.query('START TRANSACTION', (err) => {
    if (err) return done(err);
    pool.query('UPDATE accounts SET balance = balance - ? WHERE id = ?', [amount, from], (err) => {
      if (err) return done(err);
      pool.query('UPDATE accounts SET balance = balance + ? WHERE id = ?', [amount, to], (err) => {
        if (err) return done(err);
        pool.query('COMMIT', (err) => done(err ?? undefined));
      });
    });
  });
}
`,
      errors: [{ messageId: 'transactionOnPoolApi', line: 6, column: 3 }],
    },
  ],
});
