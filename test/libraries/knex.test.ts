/**
 * The six rules on knex raw queries: `knex.raw(text, bindings)` with `?`, `??` and `:name`
 * bindings, `knex.transaction(async (trx) => ...)`, `const trx = await knex.transaction()` with
 * `trx.commit()`, and `.transacting(trx)`, written the way knex's documentation writes them.
 */
import checkThenAct from '../../rules/no-check-then-act.js';
import decoupledInsert from '../../rules/no-decoupled-insert.js';
import ignoredRowcount from '../../rules/no-ignored-rowcount.js';
import lockOutsideTransaction from '../../rules/no-lock-outside-transaction.js';
import lostUpdate from '../../rules/no-lost-update.js';
import transactionOnPool from '../../rules/no-transaction-on-pool.js';
import { withForUpdate } from '../helpers/for-update.js';
import { ruleTester } from '../helpers/rule-tester.js';

// Lines 2-3 of every case: the instance, as knex's TypeScript docs create it.
const db = `
import { knex } from 'knex';
const db = knex({ client: 'pg', connection: process.env.PG_CONNECTION_STRING });
`;

const seatCheckInTransaction = `${db}
export async function buyTicket(concertId: string, userId: string) {
  await db.transaction(async (trx) => {
    const result = await trx.raw('SELECT available_seats FROM concerts WHERE concert_id = ?', [concertId]);
    if (result.rows[0].available_seats < 1) throw new Error('Sold out');
    await trx.raw('UPDATE concerts SET available_seats = available_seats - 1 WHERE concert_id = ?', [concertId]);
    await trx.raw('INSERT INTO tickets (concert_id, user_id) VALUES (?, ?)', [concertId, userId]);
  });
}
`;

const withdrawWithTrxObject = `${db}
export async function withdraw(accountId: number, amount: number) {
  const trx = await db.transaction();
  try {
    const { rows } = await trx.raw('SELECT balance FROM accounts WHERE id = :accountId', { accountId });
    if (rows[0].balance < amount) throw new Error('Insufficient funds');
    await trx.raw('UPDATE accounts SET balance = balance - :amount WHERE id = :accountId', { amount, accountId });
    await trx.commit();
  } catch (error) {
    await trx.rollback();
    throw error;
  }
}
`;

ruleTester.run('knex: no-check-then-act', checkThenAct, {
  valid: [
    {
      name: 'the read locks the row with FOR UPDATE inside knex.transaction',
      code: `${db}
export async function buyTicket(concertId: string) {
  await db.transaction(async (trx) => {
    const result = await trx.raw('SELECT available_seats FROM concerts WHERE concert_id = ? FOR UPDATE', [concertId]);
    if (result.rows[0].available_seats < 1) throw new Error('Sold out');
    await trx.raw('UPDATE concerts SET available_seats = available_seats - 1 WHERE concert_id = ?', [concertId]);
  });
}
`,
    },
    {
      name: 'the transaction runs with { isolationLevel: "serializable" }',
      code: `${db}
export async function buyTicket(concertId: string) {
  await db.transaction(async (trx) => {
    const result = await trx.raw('SELECT available_seats FROM concerts WHERE concert_id = ?', [concertId]);
    if (result.rows[0].available_seats < 1) throw new Error('Sold out');
    await trx.raw('UPDATE concerts SET available_seats = available_seats - 1 WHERE concert_id = ?', [concertId]);
  }, { isolationLevel: 'serializable' });
}
`,
    },
    {
      name: 'a transaction object opened with knex.transaction({ isolationLevel: "serializable" })',
      code: `${db}
export async function withdraw(accountId: number, amount: number) {
  const trx = await db.transaction({ isolationLevel: 'serializable' });
  const { rows } = await trx.raw('SELECT balance FROM accounts WHERE id = ?', [accountId]);
  if (rows[0].balance < amount) throw new Error('Insufficient funds');
  await trx.raw('UPDATE accounts SET balance = balance - ? WHERE id = ?', [amount, accountId]);
  await trx.commit();
}
`,
    },
    {
      name: 'the write re-tests the condition and its rowCount is checked',
      code: `${db}
export async function withdraw(accountId: number, amount: number) {
  const { rows } = await db.raw('SELECT balance FROM accounts WHERE id = ?', [accountId]);
  if (rows[0].balance < amount) throw new Error('Insufficient funds');
  const { rowCount } = await db.raw('UPDATE accounts SET balance = balance - ? WHERE id = ? AND balance >= ?', [amount, accountId, amount]);
  if (rowCount === 0) throw new Error('Insufficient funds');
}
`,
    },
    {
      name: 'the existence check is backed by INSERT ... ON CONFLICT DO NOTHING',
      code: `${db}
export async function register(email: string) {
  const existing = await db.raw('SELECT 1 FROM users WHERE email = ?', [email]);
  if (existing.rows.length > 0) return { ok: false };
  const inserted = await db.raw('INSERT INTO users (email) VALUES (?) ON CONFLICT (email) DO NOTHING', [email]);
  return { ok: inserted.rowCount === 1 };
}
`,
    },
    {
      // The builder statement around it is analysed (test/libraries/knex-builder.test.ts).
      name: 'knex.raw used as a fragment of a builder query is not a query of its own',
      code: `${db}
export async function buyTicket(concertId: string) {
  const taken = await db('concerts').where({ concert_id: concertId }).andWhere('available_seats', '>', 0).update({ available_seats: db.raw('available_seats - 1') });
  if (taken === 0) throw new Error('Sold out');
}
`,
    },
  ],
  invalid: [
    {
      name: 'read, test, write inside knex.transaction at READ COMMITTED',
      code: seatCheckInTransaction,
      errors: [
        {
          messageId: 'checkThenAct',
          line: 7,
          column: 26,
          suggestions: [{ messageId: 'addForUpdate', output: withForUpdate(seatCheckInTransaction, 'FROM concerts WHERE concert_id = ?') }],
        },
      ],
    },
    {
      name: 'named bindings on a transaction object from await knex.transaction()',
      code: withdrawWithTrxObject,
      errors: [
        {
          messageId: 'checkThenAct',
          line: 8,
          column: 28,
          suggestions: [{ messageId: 'addForUpdate', output: withForUpdate(withdrawWithTrxObject, 'FROM accounts WHERE id = :accountId') }],
        },
      ],
    },
    {
      name: 'read and write each through the instance (the pool)',
      code: `${db}
export async function markPaid(orderId: number) {
  const order = await db.raw('SELECT status FROM orders WHERE id = ?', [orderId]);
  if (order.rows[0].status !== 'pending') throw new Error('Not pending');
  await db.raw("UPDATE orders SET status = 'paid' WHERE id = ?", [orderId]);
}
`,
      errors: [{ messageId: 'checkThenAct', line: 6, column: 23 }],
    },
    {
      name: 'an existence check before an INSERT, the table bound with ??',
      code: `${db}
export async function register(email: string) {
  await db.transaction(async (trx) => {
    const existing = await trx.raw('SELECT 1 FROM ?? WHERE ?? = ?', ['public.users', 'email', email]);
    if (existing.rows.length > 0) throw new Error('Taken');
    await trx.raw('INSERT INTO users (email) VALUES (?)', [email]);
  });
}
`,
      errors: [{ messageId: 'checkThenInsert', line: 7, column: 28 }],
    },
  ],
});

ruleTester.run('knex: no-decoupled-insert', decoupledInsert, {
  valid: [
    {
      name: "the seeds' fix: one statement, the INSERT selects from the UPDATE's RETURNING",
      code: `${db}
export async function buyTicket(concertId: string, userId: string) {
  const { rowCount } = await db.raw(
    \`WITH reserved AS (
       UPDATE concerts SET available_seats = available_seats - 1
        WHERE concert_id = :concertId AND available_seats > 0
       RETURNING concert_id
     )
     INSERT INTO tickets (concert_id, user_id) SELECT concert_id, :userId FROM reserved\`,
    { concertId, userId },
  );
  return { ok: rowCount === 1 };
}
`,
    },
    {
      name: 'rowCount is checked before the INSERT',
      code: `${db}
export async function buyTicket(concertId: string, userId: string) {
  return db.transaction(async (trx) => {
    const { rowCount } = await trx.raw('UPDATE concerts SET available_seats = available_seats - 1 WHERE concert_id = ? AND available_seats > 0', [concertId]);
    if (rowCount === 0) return { ok: false };
    await trx.raw('INSERT INTO tickets (concert_id, user_id) VALUES (?, ?)', [concertId, userId]);
    return { ok: true };
  });
}
`,
    },
    {
      name: 'the RETURNING rows are tested before the INSERT',
      code: `${db}
export async function buyTicket(concertId: string, userId: string) {
  await db.transaction(async (trx) => {
    const reserved = await trx.raw('UPDATE concerts SET available_seats = available_seats - 1 WHERE concert_id = ? AND available_seats > 0 RETURNING concert_id', [concertId]);
    if (reserved.rows.length === 0) throw new Error('Sold out');
    await trx.raw('INSERT INTO tickets (concert_id, user_id) VALUES (?, ?)', [concertId, userId]);
  });
}
`,
    },
    {
      name: 'the count is read in .then() before the INSERT',
      code: `${db}
export async function buyTicket(concertId: string, userId: string) {
  await db.transaction(async (trx) => {
    await trx
      .raw('UPDATE concerts SET available_seats = available_seats - 1 WHERE concert_id = ? AND available_seats > 0', [concertId])
      .then((result) => {
        if (result.rowCount !== 1) throw new Error('Sold out');
      });
    await trx.raw('INSERT INTO tickets (concert_id, user_id) VALUES (?, ?)', [concertId, userId]);
  });
}
`,
    },
    {
      name: 'an UPDATE by key alone always matches, so the INSERT after it is not decoupled',
      code: `${db}
export async function logVisit(pageId: number) {
  await db.transaction(async (trx) => {
    await trx.raw('UPDATE pages SET visits = visits + 1 WHERE id = ?', [pageId]);
    await trx.raw('INSERT INTO visits (page_id) VALUES (?)', [pageId]);
  });
}
`,
    },
  ],
  invalid: [
    {
      name: "the seeds' broken purchase inside knex.transaction",
      code: `${db}
export async function buyTicket(concertId: string, userId: string) {
  await db.transaction(async (trx) => {
    await trx.raw('UPDATE concerts SET available_seats = available_seats - 1 WHERE concert_id = ? AND available_seats > 0', [concertId]);
    await trx.raw('INSERT INTO tickets (concert_id, user_id) VALUES (?, ?)', [concertId, userId]);
  });
  return { ok: true };
}
`,
      errors: [{ messageId: 'decoupledWrite', line: 7, column: 11 }],
    },
    {
      name: 'queries run on the transaction with .transacting(trx)',
      code: `${db}
export async function buyTicket(concertId: string, userId: string) {
  const trx = await db.transaction();
  await db.raw('UPDATE concerts SET available_seats = available_seats - 1 WHERE concert_id = ? AND available_seats > 0', [concertId]).transacting(trx);
  await db.raw('INSERT INTO tickets (concert_id, user_id) VALUES (?, ?)', [concertId, userId]).transacting(trx);
  await trx.commit();
}
`,
      errors: [{ messageId: 'decoupledWrite', line: 7, column: 9 }],
    },
    {
      name: 'a data-modifying CTE the INSERT does not read',
      code: `${db}
export async function buyTicket(concertId: string, userId: string) {
  await db.raw(
    \`WITH reserved AS (
       UPDATE concerts SET available_seats = available_seats - 1
        WHERE concert_id = :concertId AND available_seats > 0
       RETURNING concert_id
     )
     INSERT INTO tickets (concert_id, user_id) VALUES (:concertId, :userId)\`,
    { concertId, userId },
  );
}
`,
      errors: [{ messageId: 'decoupledCte', line: 6, column: 9 }],
    },
    {
      name: 'the DELETE of a hold is not checked before the booking is inserted',
      code: `${db}
export async function confirm(holdId: number, userId: number) {
  await db.transaction(async (trx) => {
    await trx.raw('DELETE FROM holds WHERE id = ? AND expires_at > now()', [holdId]);
    await trx.raw('INSERT INTO bookings (hold_id, user_id) VALUES (?, ?)', [holdId, userId]);
  });
}
`,
      errors: [{ messageId: 'decoupledWrite', line: 7, column: 11 }],
    },
  ],
});

ruleTester.run('knex: no-ignored-rowcount', ignoredRowcount, {
  valid: [
    {
      name: 'rowCount is tested',
      code: `${db}
export async function withdraw(accountId: number, amount: number) {
  const result = await db.raw('UPDATE accounts SET balance = balance - ? WHERE id = ? AND balance >= ?', [amount, accountId, amount]);
  return { ok: result.rowCount === 1 };
}
`,
    },
    {
      name: 'the result is returned to the caller',
      code: `${db}
export function withdraw(accountId: number, amount: number) {
  return db.raw('UPDATE accounts SET balance = balance - ? WHERE id = ? AND balance >= ?', [amount, accountId, amount]);
}
`,
    },
    {
      name: 'mysql2 through knex: the affectedRows of the first element is tested',
      code: `
import { knex } from 'knex';
const db = knex({ client: 'mysql2', connection: process.env.MYSQL_URL });
export async function withdraw(accountId: number, amount: number) {
  const [result] = await db.raw('UPDATE accounts SET balance = balance - ? WHERE id = ? AND balance >= ?', [amount, accountId, amount]);
  if (result.affectedRows === 0) throw new Error('Insufficient funds');
}
`,
    },
    {
      name: 'an UPDATE by key alone has no guard to lose',
      code: `${db}
export async function rename(userId: number, name: string) {
  await db.raw('UPDATE users SET name = ? WHERE id = ?', [name, userId]);
}
`,
    },
    {
      name: 'the count is checked inside knex.transaction with .then()',
      code: `${db}
export async function cancel(orderId: number) {
  await db.transaction((trx) =>
    trx.raw("UPDATE orders SET status = 'cancelled' WHERE id = ? AND status = 'pending'", [orderId]).then((result) => {
      if (result.rowCount === 0) throw new Error('Too late');
    }),
  );
}
`,
    },
  ],
  invalid: [
    {
      name: 'a guarded UPDATE through the instance whose rowCount is never read',
      code: `${db}
export async function withdraw(accountId: number, amount: number) {
  await db.raw('UPDATE accounts SET balance = balance - ? WHERE id = ? AND balance >= ?', [amount, accountId, amount]);
  return { ok: true };
}
`,
      errors: [{ messageId: 'ignoredRowCount', line: 6, column: 9 }],
    },
    {
      name: 'a guarded DELETE inside knex.transaction',
      code: `${db}
export async function cancel(orderId: number) {
  await db.transaction(async (trx) => {
    await trx.raw("DELETE FROM orders WHERE id = ? AND status = 'pending'", [orderId]);
  });
}
`,
      errors: [{ messageId: 'ignoredRowCount', line: 7, column: 11 }],
    },
    {
      name: 'mysql2 through knex (created with require) with a named binding',
      code: `
const db = require('knex')({ client: 'mysql2', connection: process.env.MYSQL_URL });
export async function claim(couponId: number, userId: number) {
  await db.raw('UPDATE coupons SET user_id = :userId WHERE id = :couponId AND user_id IS NULL', { userId, couponId });
}
`,
      errors: [{ messageId: 'ignoredRowCount', line: 4, column: 9 }],
    },
    {
      name: 'a guarded UPDATE on a transaction object, its result never read',
      code: `${db}
export async function claim(couponId: number, userId: number) {
  const trx = await db.transaction();
  await trx.raw('UPDATE coupons SET user_id = ? WHERE id = ? AND user_id IS NULL', [userId, couponId]);
  await trx.commit();
}
`,
      errors: [{ messageId: 'ignoredRowCount', line: 7, column: 9 }],
    },
  ],
});

ruleTester.run('knex: no-lost-update', lostUpdate, {
  valid: [
    {
      name: 'the UPDATE is relative to the stored value',
      code: `${db}
export async function deposit(accountId: number, amount: number) {
  await db.raw('UPDATE accounts SET balance = balance + ? WHERE id = ?', [amount, accountId]);
}
`,
    },
    {
      name: 'the read locks the row inside knex.transaction',
      code: `${db}
export async function deposit(accountId: number, amount: number) {
  await db.transaction(async (trx) => {
    const { rows } = await trx.raw('SELECT balance FROM accounts WHERE id = ? FOR UPDATE', [accountId]);
    await trx.raw('UPDATE accounts SET balance = ? WHERE id = ?', [rows[0].balance + amount, accountId]);
  });
}
`,
    },
    {
      name: 'a version check in the WHERE, with the count checked',
      code: `${db}
export async function deposit(accountId: number, amount: number) {
  const { rows } = await db.raw('SELECT balance, version FROM accounts WHERE id = ?', [accountId]);
  const result = await db.raw('UPDATE accounts SET balance = :balance, version = version + 1 WHERE id = :accountId AND version = :version', {
    balance: rows[0].balance + amount,
    accountId,
    version: rows[0].version,
  });
  return { ok: result.rowCount === 1 };
}
`,
    },
    {
      name: 'the transaction is serializable',
      code: `${db}
export async function deposit(accountId: number, amount: number) {
  await db.transaction(async (trx) => {
    const { rows } = await trx.raw('SELECT balance FROM accounts WHERE id = ?', [accountId]);
    await trx.raw('UPDATE accounts SET balance = ? WHERE id = ?', [rows[0].balance + amount, accountId]);
  }, { isolationLevel: 'serializable' });
}
`,
    },
    {
      name: 'the transaction is repeatable read, which detects the concurrent update',
      code: `${db}
export async function deposit(accountId: number, amount: number) {
  const trx = await db.transaction({ isolationLevel: 'repeatable read' });
  const { rows } = await trx.raw('SELECT balance FROM accounts WHERE id = ?', [accountId]);
  await trx.raw('UPDATE accounts SET balance = ? WHERE id = ?', [rows[0].balance + amount, accountId]);
  await trx.commit();
}
`,
    },
  ],
  invalid: [
    {
      name: 'read through the instance, added in JavaScript, written back',
      code: `${db}
export async function deposit(accountId: number, amount: number) {
  const { rows } = await db.raw('SELECT balance FROM accounts WHERE id = ?', [accountId]);
  const balance = rows[0].balance + amount;
  await db.raw('UPDATE accounts SET balance = ? WHERE id = ?', [balance, accountId]);
}
`,
      errors: [{ messageId: 'lostUpdate', line: 8, column: 9 }],
    },
    {
      name: 'inside knex.transaction at READ COMMITTED, with named bindings',
      code: `${db}
export async function deposit(accountId: number, amount: number) {
  await db.transaction(async (trx) => {
    const result = await trx.raw('SELECT balance FROM accounts WHERE id = :accountId', { accountId });
    const balance = result.rows[0].balance + amount;
    await trx.raw('UPDATE accounts SET balance = :balance WHERE id = :accountId', { balance, accountId });
  });
}
`,
      errors: [{ messageId: 'lostUpdate', line: 9, column: 11 }],
    },
    {
      name: 'a typed Knex.Transaction parameter and .transacting(trx)',
      code: `
import { knex, type Knex } from 'knex';
export async function addPoints(trx: Knex.Transaction, userId: number, points: number) {
  const [user] = (await trx.raw('SELECT points FROM users WHERE id = ?', [userId])).rows;
  const total = user.points + points;
  await knex.raw('UPDATE users SET points = ? WHERE id = ?', [total, userId]).transacting(trx);
}
`,
      errors: [{ messageId: 'lostUpdate', line: 6, column: 9 }],
    },
  ],
});

ruleTester.run('knex: no-transaction-on-pool', transactionOnPool, {
  valid: [
    {
      name: 'knex.transaction with every query on trx',
      code: `${db}
export async function transfer(from: number, to: number, amount: number) {
  await db.transaction(async (trx) => {
    await trx.raw('UPDATE accounts SET balance = balance - ? WHERE id = ?', [amount, from]);
    await trx.raw('UPDATE accounts SET balance = balance + ? WHERE id = ?', [amount, to]);
  });
}
`,
    },
    {
      name: 'queries sent with .transacting(trx) inside the callback',
      code: `${db}
export async function transfer(from: number, to: number, amount: number) {
  await db.transaction(async (trx) => {
    await db.raw('UPDATE accounts SET balance = balance - ? WHERE id = ?', [amount, from]).transacting(trx);
    await db.raw('UPDATE accounts SET balance = balance + ? WHERE id = ?', [amount, to]).transacting(trx);
  });
}
`,
    },
    {
      name: 'a transaction object with commit and rollback',
      code: `${db}
export async function transfer(from: number, to: number, amount: number) {
  const trx = await db.transaction();
  try {
    await trx.raw('UPDATE accounts SET balance = balance - ? WHERE id = ?', [amount, from]);
    await trx.raw('UPDATE accounts SET balance = balance + ? WHERE id = ?', [amount, to]);
    await trx.commit();
  } catch (error) {
    await trx.rollback(error);
  }
}
`,
    },
    {
      name: 'BEGIN and COMMIT sent in one raw call run on one connection',
      code: `${db}
export async function transfer(from: number, to: number, amount: number) {
  await db.raw(
    'BEGIN; UPDATE accounts SET balance = balance - :amount WHERE id = :from; UPDATE accounts SET balance = balance + :amount WHERE id = :to; COMMIT',
    { amount, from, to },
  );
}
`,
    },
    {
      name: 'a query outside the transaction callback may use the instance',
      code: `${db}
export async function transfer(from: number, to: number, amount: number) {
  await db.transaction(async (trx) => {
    await trx.raw('UPDATE accounts SET balance = balance - ? WHERE id = ?', [amount, from]);
    await trx.raw('UPDATE accounts SET balance = balance + ? WHERE id = ?', [amount, to]);
  });
  await db.raw('INSERT INTO audit_log (event) VALUES (?)', ['transfer']);
}
`,
    },
    {
      name: 'a raw statement the instance only turns into text (toQuery) runs nowhere',
      code: `${db}
function resetText(id: number) {
  return db.raw('UPDATE accounts SET balance = 0 WHERE id = ?', [id]).toQuery();
}
export async function reset(id: number, run: (text: string) => Promise<void>) {
  await db.transaction(async (trx) => {
    await trx.raw('UPDATE audit_log SET seen = true WHERE account_id = ?', [id]);
    await run(db.raw('UPDATE accounts SET balance = 0 WHERE id = ?', [id]).toQuery());
    await run(resetText(id));
  });
}
`,
    },
  ],
  invalid: [
    {
      name: 'BEGIN through the instance',
      code: `${db}
export async function transfer(from: number, to: number, amount: number) {
  await db.raw('BEGIN');
  await db.raw('UPDATE accounts SET balance = balance - ? WHERE id = ?', [amount, from]);
  await db.raw('UPDATE accounts SET balance = balance + ? WHERE id = ?', [amount, to]);
  await db.raw('COMMIT');
}
`,
      errors: [{ messageId: 'transactionOnPoolApi', line: 6, column: 9 }],
    },
    {
      name: 'BEGIN ISOLATION LEVEL SERIALIZABLE through a parameter typed Knex',
      code: `
import type { Knex } from 'knex';
export async function transfer(db: Knex, from: number, to: number, amount: number) {
  await db.raw('BEGIN ISOLATION LEVEL SERIALIZABLE');
  await db.raw('UPDATE accounts SET balance = balance - ? WHERE id = ?', [amount, from]);
  await db.raw('COMMIT');
}
`,
      errors: [{ messageId: 'transactionOnPoolApi', line: 4, column: 9 }],
    },
    {
      name: 'a query through the instance inside knex.transaction',
      code: `${db}
export async function transfer(from: number, to: number, amount: number) {
  await db.transaction(async (trx) => {
    await trx.raw('UPDATE accounts SET balance = balance - ? WHERE id = ?', [amount, from]);
    await db.raw('UPDATE accounts SET balance = balance + ? WHERE id = ?', [amount, to]);
  });
}
`,
      errors: [{ messageId: 'queryOutsideTransaction', line: 8, column: 11 }],
    },
    {
      name: 'a read through the instance inside knex.transaction does not see its writes',
      code: `${db}
export async function transfer(from: number, amount: number) {
  await db.transaction(async (trx) => {
    await trx.raw('UPDATE accounts SET balance = balance - ? WHERE id = ?', [amount, from]);
    const { rows } = await db.raw('SELECT balance FROM accounts WHERE id = ?', [from]);
    if (rows[0].balance < 0) throw new Error('Overdrawn');
  });
}
`,
      errors: [{ messageId: 'queryOutsideTransaction', line: 8, column: 28 }],
    },
  ],
});

ruleTester.run('knex: no-lock-outside-transaction', lockOutsideTransaction, {
  valid: [
    {
      name: 'FOR UPDATE inside knex.transaction',
      code: `${db}
export async function withdraw(accountId: number, amount: number) {
  await db.transaction(async (trx) => {
    const { rows } = await trx.raw('SELECT balance FROM accounts WHERE id = ? FOR UPDATE', [accountId]);
    if (rows[0].balance < amount) throw new Error('Insufficient funds');
    await trx.raw('UPDATE accounts SET balance = balance - ? WHERE id = ?', [amount, accountId]);
  });
}
`,
    },
    {
      name: 'FOR UPDATE sent with .transacting(trx)',
      code: `${db}
export async function withdraw(accountId: number) {
  await db.transaction(async (trx) => {
    await db.raw('SELECT balance FROM accounts WHERE id = ? FOR UPDATE', [accountId]).transacting(trx);
  });
}
`,
    },
    {
      name: 'FOR UPDATE on a transaction object before commit',
      code: `${db}
export async function withdraw(accountId: number) {
  const trx = await db.transaction();
  const { rows } = await trx.raw('SELECT balance FROM accounts WHERE id = ? FOR UPDATE', [accountId]);
  await trx.commit();
  return rows[0];
}
`,
    },
    {
      name: "a parameter typed Knex.Transaction is inside its caller's transaction",
      code: `
import type { Knex } from 'knex';
export async function lockAccount(trx: Knex.Transaction, accountId: number) {
  return trx.raw('SELECT balance FROM accounts WHERE id = ? FOR UPDATE', [accountId]);
}
`,
    },
    {
      name: 'FOR NO KEY UPDATE inside a serializable knex.transaction',
      code: `${db}
export async function withdraw(accountId: number) {
  await db.transaction(async (trx) => {
    await trx.raw('SELECT 1 FROM accounts WHERE id = ? FOR NO KEY UPDATE', [accountId]);
  }, { isolationLevel: 'serializable' });
}
`,
    },
  ],
  invalid: [
    {
      name: 'FOR UPDATE through the instance (the pool)',
      code: `${db}
export async function withdraw(accountId: number) {
  const { rows } = await db.raw('SELECT balance FROM accounts WHERE id = ? FOR UPDATE', [accountId]);
  return rows[0];
}
`,
      errors: [{ messageId: 'lockOutsideTransaction', line: 6, column: 26 }],
    },
    {
      name: 'FOR UPDATE after trx.commit()',
      code: `${db}
export async function withdraw(accountId: number) {
  const trx = await db.transaction();
  await trx.raw('UPDATE accounts SET touched_at = now() WHERE id = ?', [accountId]);
  await trx.commit();
  await trx.raw('SELECT balance FROM accounts WHERE id = ? FOR UPDATE', [accountId]);
}
`,
      errors: [{ messageId: 'lockOutsideTransaction', line: 9, column: 9 }],
    },
    {
      name: 'FOR SHARE through an instance created with require',
      code: `
const knex = require('knex')({ client: 'pg', connection: process.env.PG_CONNECTION_STRING });
export async function readBalance(accountId: number) {
  return knex.raw('SELECT balance FROM accounts WHERE id = ? FOR SHARE', [accountId]);
}
`,
      errors: [{ messageId: 'lockOutsideTransaction', line: 4, column: 10 }],
    },
  ],
});
