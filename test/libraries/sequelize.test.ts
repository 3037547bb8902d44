/**
 * The six rules on Sequelize raw queries: `sequelize.query(text, { replacements, bind, transaction,
 * type })`, managed `sequelize.transaction(async (t) => ...)` with `{ isolationLevel }`, unmanaged
 * `const t = await sequelize.transaction()` with `t.commit()` / `t.rollback()`, and the
 * `[results, metadata]` result, written the way Sequelize's documentation writes them.
 */
import checkThenAct from '../../rules/no-check-then-act.js';
import decoupledInsert from '../../rules/no-decoupled-insert.js';
import ignoredRowcount from '../../rules/no-ignored-rowcount.js';
import lockOutsideTransaction from '../../rules/no-lock-outside-transaction.js';
import lostUpdate from '../../rules/no-lost-update.js';
import transactionOnPool from '../../rules/no-transaction-on-pool.js';
import { withForUpdate } from '../helpers/for-update.js';
import { ruleTester } from '../helpers/rule-tester.js';

// Lines 2-3 of every case: the instance, as Sequelize's docs create it. Functions start on line 5.
const db = `
import { QueryTypes, Sequelize, Transaction } from 'sequelize';
const sequelize = new Sequelize('postgres://user:pass@example.com:5432/shop');
`;

const managedCheck = `${db}
export async function placeOrder(sku: string, userId: number) {
  await sequelize.transaction(async (t) => {
    const [product] = await sequelize.query('SELECT stock FROM products WHERE sku = ?', { replacements: [sku], type: QueryTypes.SELECT, transaction: t });
    if (product.stock < 1) throw new Error('Out of stock');
    await sequelize.query('UPDATE products SET stock = stock - 1 WHERE sku = ?', { replacements: [sku], transaction: t });
    await sequelize.query('INSERT INTO orders (sku, user_id) VALUES (?, ?)', { replacements: [sku, userId], transaction: t });
  });
}
`;

const unmanagedCheck = `${db}
export async function withdraw(accountId: number, amount: number) {
  const t = await sequelize.transaction();
  try {
    const [accounts] = await sequelize.query('SELECT balance FROM accounts WHERE id = :accountId', { replacements: { accountId }, transaction: t });
    if (accounts[0].balance < amount) throw new Error('Insufficient funds');
    await sequelize.query('UPDATE accounts SET balance = balance - :amount WHERE id = :accountId', { replacements: { amount, accountId }, transaction: t });
    await t.commit();
  } catch (error) {
    await t.rollback();
    throw error;
  }
}
`;

ruleTester.run('Sequelize: no-check-then-act', checkThenAct, {
  valid: [
    {
      name: 'FOR UPDATE in the managed transaction',
      code: withForUpdate(managedCheck, 'FROM products WHERE sku = ?'),
    },
    {
      name: 'the managed transaction runs SERIALIZABLE',
      code: managedCheck.replace(
        'sequelize.transaction(async',
        'sequelize.transaction({ isolationLevel: Transaction.ISOLATION_LEVELS.SERIALIZABLE }, async',
      ),
    },
    {
      name: 'an unmanaged transaction opened SERIALIZABLE',
      code: unmanagedCheck.replace(
        'sequelize.transaction()',
        'sequelize.transaction({ isolationLevel: Transaction.ISOLATION_LEVELS.SERIALIZABLE })',
      ),
    },
    {
      name: 'FOR UPDATE in the unmanaged transaction',
      code: withForUpdate(unmanagedCheck, 'FROM accounts WHERE id = :accountId'),
    },
    {
      name: 'the conditional write checks metadata.rowCount',
      code: `${db}
export async function placeOrder(sku: string) {
  const [product] = await sequelize.query('SELECT stock FROM products WHERE sku = $1', { bind: [sku], type: QueryTypes.SELECT });
  if (product.stock < 1) return false;
  const [, metadata] = await sequelize.query('UPDATE products SET stock = stock - 1 WHERE sku = $1 AND stock > 0', { bind: [sku] });
  return metadata.rowCount === 1;
}
`,
    },
  ],
  invalid: [
    {
      name: 'read, test, write in a managed transaction at READ COMMITTED',
      code: managedCheck,
      errors: [
        {
          messageId: 'checkThenAct',
          line: 7,
          column: 29,
          suggestions: [{ messageId: 'addForUpdate', output: withForUpdate(managedCheck, 'FROM products WHERE sku = ?') }],
        },
      ],
    },
    {
      name: 'named replacements in an unmanaged transaction',
      code: unmanagedCheck,
      errors: [
        {
          messageId: 'checkThenAct',
          line: 8,
          column: 30,
          suggestions: [{ messageId: 'addForUpdate', output: withForUpdate(unmanagedCheck, 'FROM accounts WHERE id = :accountId') }],
        },
      ],
    },
    {
      name: 'an existence check before an INSERT, with $name binds',
      code: `${db}
export async function register(email: string) {
  const users = await sequelize.query('SELECT id FROM users WHERE email = $email', { bind: { email }, type: QueryTypes.SELECT });
  if (users.length > 0) throw new Error('Taken');
  await sequelize.query('INSERT INTO users (email) VALUES ($email)', { bind: { email }, type: QueryTypes.INSERT });
}
`,
      errors: [{ messageId: 'checkThenInsert', line: 6, column: 23 }],
    },
    {
      name: 'inside the callback, but the queries do not pass { transaction: t }',
      code: `${db}
export async function markPaid(orderId: number) {
  await sequelize.transaction(async () => {
    const [order] = await sequelize.query('SELECT status FROM orders WHERE id = ?', { replacements: [orderId], type: QueryTypes.SELECT });
    if (order.status !== 'pending') throw new Error('Not pending');
    await sequelize.query("UPDATE orders SET status = 'paid' WHERE id = ?", { replacements: [orderId] });
  });
}
`,
      errors: [{ messageId: 'checkThenAct', line: 7, column: 27 }],
    },
  ],
});

ruleTester.run('Sequelize: no-decoupled-insert', decoupledInsert, {
  valid: [
    {
      name: 'the affectedCount of QueryTypes.UPDATE is checked',
      code: `${db}
export async function buyTicket(concertId: number, userId: number) {
  await sequelize.transaction(async (t) => {
    const [, affectedCount] = await sequelize.query('UPDATE concerts SET available_seats = available_seats - 1 WHERE concert_id = ? AND available_seats > 0', { replacements: [concertId], type: QueryTypes.UPDATE, transaction: t });
    if (affectedCount === 0) throw new Error('Sold out');
    await sequelize.query('INSERT INTO tickets (concert_id, user_id) VALUES (?, ?)', { replacements: [concertId, userId], transaction: t });
  });
}
`,
    },
    {
      name: 'metadata.rowCount is checked',
      code: `${db}
export async function buyTicket(concertId: number, userId: number) {
  const [, metadata] = await sequelize.query('UPDATE concerts SET available_seats = available_seats - 1 WHERE concert_id = $1 AND available_seats > 0', { bind: [concertId] });
  if (metadata.rowCount === 0) return false;
  await sequelize.query('INSERT INTO tickets (concert_id, user_id) VALUES ($1, $2)', { bind: [concertId, userId] });
  return true;
}
`,
    },
    {
      name: 'RETURNING rows tested',
      code: `${db}
export async function buyTicket(concertId: number, userId: number) {
  const [rows] = await sequelize.query('UPDATE concerts SET available_seats = available_seats - 1 WHERE concert_id = :concertId AND available_seats > 0 RETURNING concert_id', { replacements: { concertId } });
  if (rows.length === 0) return false;
  await sequelize.query('INSERT INTO tickets (concert_id, user_id) VALUES (:concertId, :userId)', { replacements: { concertId, userId } });
  return true;
}
`,
    },
    {
      name: 'the data-modifying CTE feeds the INSERT',
      code: `${db}
export async function buyTicket(concertId: number, userId: number) {
  return sequelize.query(
    'WITH reserved AS (UPDATE concerts SET available_seats = available_seats - 1 WHERE concert_id = :concertId AND available_seats > 0 RETURNING concert_id) INSERT INTO tickets (concert_id, user_id) SELECT concert_id, :userId FROM reserved',
    { replacements: { concertId, userId } },
  );
}
`,
    },
    {
      name: 'an UPDATE by key only',
      code: `${db}
export async function rename(userId: number, name: string) {
  await sequelize.query('UPDATE users SET name = ? WHERE id = ?', { replacements: [name, userId] });
  await sequelize.query('INSERT INTO audit_log (user_id, action) VALUES (?, ?)', { replacements: [userId, 'rename'] });
}
`,
    },
  ],
  invalid: [
    {
      name: "the seeds' broken purchase in a managed transaction",
      code: `${db}
export async function buyTicket(concertId: number, userId: number) {
  await sequelize.transaction(async (t) => {
    await sequelize.query('UPDATE concerts SET available_seats = available_seats - 1 WHERE concert_id = ? AND available_seats > 0', { replacements: [concertId], transaction: t });
    await sequelize.query('INSERT INTO tickets (concert_id, user_id) VALUES (?, ?)', { replacements: [concertId, userId], transaction: t });
  });
}
`,
      errors: [{ messageId: 'decoupledWrite', line: 7, column: 11 }],
    },
    {
      name: 'QueryTypes.UPDATE result dropped',
      code: `${db}
export async function buyTicket(concertId: number, userId: number) {
  await sequelize.query('UPDATE concerts SET available_seats = available_seats - 1 WHERE concert_id = $1 AND available_seats > 0', { bind: [concertId], type: QueryTypes.UPDATE });
  await sequelize.query('INSERT INTO tickets (concert_id, user_id) VALUES ($1, $2)', { bind: [concertId, userId], type: QueryTypes.INSERT });
}
`,
      errors: [{ messageId: 'decoupledWrite', line: 6, column: 9 }],
    },
    {
      name: 'in an unmanaged transaction',
      code: `${db}
export async function convertHold(holdId: number, userId: number) {
  const t = await sequelize.transaction();
  await sequelize.query('DELETE FROM holds WHERE id = :holdId AND expires_at > now()', { replacements: { holdId }, transaction: t });
  await sequelize.query('INSERT INTO bookings (hold_id, user_id) VALUES (:holdId, :userId)', { replacements: { holdId, userId }, transaction: t });
  await t.commit();
}
`,
      errors: [{ messageId: 'decoupledWrite', line: 7, column: 9 }],
    },
  ],
});

ruleTester.run('Sequelize: no-ignored-rowcount', ignoredRowcount, {
  valid: [
    {
      name: 'affectedCount tested',
      code: `${db}
export async function holdSeat(seatId: number, userId: number) {
  const [, affectedCount] = await sequelize.query('UPDATE seats SET held_by = ? WHERE id = ? AND held_by IS NULL', { replacements: [userId, seatId], type: QueryTypes.UPDATE });
  if (affectedCount === 0) throw new Error('Seat taken');
}
`,
    },
    {
      name: 'the promise returned',
      code: `${db}
export function holdSeat(seatId: number, userId: number) {
  return sequelize.query('UPDATE seats SET held_by = ? WHERE id = ? AND held_by IS NULL', { replacements: [userId, seatId] });
}
`,
    },
    {
      name: 'metadata.rowCount returned',
      code: `${db}
export async function holdSeat(seatId: number, userId: number) {
  const [, metadata] = await sequelize.query('UPDATE seats SET held_by = $1 WHERE id = $2 AND held_by IS NULL', { bind: [userId, seatId] });
  return metadata.rowCount === 1;
}
`,
    },
    {
      name: 'an UPDATE by key only',
      code: `${db}
export async function touch(userId: number) {
  await sequelize.query('UPDATE users SET last_seen = now() WHERE id = ?', { replacements: [userId] });
}
`,
    },
    {
      name: 'the count read in .then',
      code: `${db}
export async function holdSeat(seatId: number, userId: number) {
  const held = await sequelize.query('UPDATE seats SET held_by = ? WHERE id = ? AND held_by IS NULL', { replacements: [userId, seatId], type: QueryTypes.UPDATE }).then(([, count]) => count === 1);
  if (!held) throw new Error('Seat taken');
}
`,
    },
  ],
  invalid: [
    {
      name: 'a guarded UPDATE whose result is never read',
      code: `${db}
export async function holdSeat(seatId: number, userId: number) {
  await sequelize.query('UPDATE seats SET held_by = ? WHERE id = ? AND held_by IS NULL', { replacements: [userId, seatId] });
  return { ok: true };
}
`,
      errors: [{ messageId: 'ignoredRowCount', line: 6, column: 9 }],
    },
    {
      name: 'a guarded DELETE in a managed transaction',
      code: `${db}
export async function cancel(cartId: number) {
  await sequelize.transaction(async (t) => {
    await sequelize.query("DELETE FROM carts WHERE id = :cartId AND status = 'open'", { replacements: { cartId }, transaction: t });
  });
}
`,
      errors: [{ messageId: 'ignoredRowCount', line: 7, column: 11 }],
    },
    {
      name: 'only the results destructured, metadata dropped',
      code: `${db}
export async function expire(holdId: number) {
  const [results] = await sequelize.query("UPDATE holds SET status = 'expired' WHERE id = $1 AND status = 'active'", { bind: [holdId] });
  return { ok: true };
}
`,
      errors: [{ messageId: 'ignoredRowCount', line: 6, column: 27 }],
    },
  ],
});

ruleTester.run('Sequelize: no-lost-update', lostUpdate, {
  valid: [
    {
      name: 'a relative UPDATE',
      code: `${db}
export async function deposit(accountId: number, amount: number) {
  await sequelize.query('UPDATE accounts SET balance = balance + ? WHERE account_id = ?', { replacements: [amount, accountId] });
}
`,
    },
    {
      name: 'FOR UPDATE in the managed transaction',
      code: `${db}
export async function deposit(accountId: number, amount: number) {
  await sequelize.transaction(async (t) => {
    const [account] = await sequelize.query('SELECT balance FROM accounts WHERE account_id = ? FOR UPDATE', { replacements: [accountId], type: QueryTypes.SELECT, transaction: t });
    await sequelize.query('UPDATE accounts SET balance = ? WHERE account_id = ?', { replacements: [account.balance + amount, accountId], transaction: t });
  });
}
`,
    },
    {
      name: 'REPEATABLE READ isolation',
      code: `${db}
export async function deposit(accountId: number, amount: number) {
  await sequelize.transaction({ isolationLevel: Transaction.ISOLATION_LEVELS.REPEATABLE_READ }, async (t) => {
    const [account] = await sequelize.query('SELECT balance FROM accounts WHERE account_id = ?', { replacements: [accountId], type: QueryTypes.SELECT, transaction: t });
    await sequelize.query('UPDATE accounts SET balance = ? WHERE account_id = ?', { replacements: [account.balance + amount, accountId], transaction: t });
  });
}
`,
    },
    {
      name: 'a version check in the WHERE',
      code: `${db}
export async function deposit(accountId: number, amount: number) {
  const [account] = await sequelize.query('SELECT balance, version FROM accounts WHERE account_id = :accountId', { replacements: { accountId }, type: QueryTypes.SELECT });
  const [, affectedCount] = await sequelize.query('UPDATE accounts SET balance = :balance, version = version + 1 WHERE account_id = :accountId AND version = :version', {
    replacements: { balance: account.balance + amount, accountId, version: account.version },
    type: QueryTypes.UPDATE,
  });
  return affectedCount === 1;
}
`,
    },
    {
      name: 'SERIALIZABLE in an unmanaged transaction',
      code: `${db}
export async function deposit(accountId: number, amount: number) {
  const t = await sequelize.transaction({ isolationLevel: Transaction.ISOLATION_LEVELS.SERIALIZABLE });
  const [account] = await sequelize.query('SELECT balance FROM accounts WHERE account_id = ?', { replacements: [accountId], type: QueryTypes.SELECT, transaction: t });
  await sequelize.query('UPDATE accounts SET balance = ? WHERE account_id = ?', { replacements: [account.balance + amount, accountId], transaction: t });
  await t.commit();
}
`,
    },
  ],
  invalid: [
    {
      name: 'read and written back on the pool',
      code: `${db}
export async function deposit(accountId: number, amount: number) {
  const [account] = await sequelize.query('SELECT balance FROM accounts WHERE account_id = ?', { replacements: [accountId], type: QueryTypes.SELECT });
  const balance = account.balance + amount;
  await sequelize.query('UPDATE accounts SET balance = ? WHERE account_id = ?', { replacements: [balance, accountId] });
}
`,
      errors: [{ messageId: 'lostUpdate', line: 8, column: 9 }],
    },
    {
      name: 'named replacements in a managed transaction at READ COMMITTED',
      code: `${db}
export async function deposit(accountId: number, amount: number) {
  await sequelize.transaction(async (t) => {
    const [account] = await sequelize.query('SELECT balance FROM accounts WHERE account_id = :accountId', { replacements: { accountId }, type: QueryTypes.SELECT, transaction: t });
    await sequelize.query('UPDATE accounts SET balance = :balance WHERE account_id = :accountId', { replacements: { balance: account.balance + amount, accountId }, transaction: t });
  });
}
`,
      errors: [{ messageId: 'lostUpdate', line: 8, column: 11 }],
    },
    {
      name: 'bind parameters, on a MySQL instance with backticks',
      code: `
import { QueryTypes, Sequelize } from 'sequelize';
const sequelize = new Sequelize('shop', 'root', 'secret', { host: 'localhost', dialect: 'mysql' });

export async function deposit(accountId: number, amount: number) {
  const [account] = await sequelize.query('SELECT balance FROM \`accounts\` WHERE account_id = ?', { replacements: [accountId], type: QueryTypes.SELECT });
  await sequelize.query('UPDATE \`accounts\` SET balance = ? WHERE account_id = ?', { replacements: [account.balance + amount, accountId] });
}
`,
      errors: [{ messageId: 'lostUpdate', line: 7, column: 9 }],
    },
  ],
});

ruleTester.run('Sequelize: no-transaction-on-pool', transactionOnPool, {
  valid: [
    {
      name: 'a locking pool read inside the callback is reported once, by no-lock-outside-transaction',
      code: `${db}
export async function buyTicket(concertId: number) {
  await sequelize.transaction(async (t) => {
    const [rows] = await sequelize.query('SELECT available_seats FROM concerts WHERE concert_id = ? FOR UPDATE', { replacements: [concertId] });
  });
}
`,
    },
    {
      name: 'every query passes { transaction: t }',
      code: `${db}
export async function transfer(from: number, to: number, amount: number) {
  await sequelize.transaction(async (t) => {
    await sequelize.query('UPDATE accounts SET balance = balance - ? WHERE id = ?', { replacements: [amount, from], transaction: t });
    await sequelize.query('UPDATE accounts SET balance = balance + ? WHERE id = ?', { replacements: [amount, to], transaction: t });
  });
}
`,
    },
    {
      name: 'the shorthand { transaction } in a function callback',
      code: `${db}
export async function transfer(from: number, to: number, amount: number) {
  await sequelize.transaction(async function (transaction) {
    await sequelize.query('UPDATE accounts SET balance = balance - ? WHERE id = ?', { replacements: [amount, from], transaction });
    await sequelize.query('UPDATE accounts SET balance = balance + ? WHERE id = ?', { replacements: [amount, to], transaction });
  });
}
`,
    },
    {
      name: 'an unmanaged transaction',
      code: `${db}
export async function transfer(from: number, to: number, amount: number) {
  const t = await sequelize.transaction();
  try {
    await sequelize.query('UPDATE accounts SET balance = balance - ? WHERE id = ?', { replacements: [amount, from], transaction: t });
    await sequelize.query('UPDATE accounts SET balance = balance + ? WHERE id = ?', { replacements: [amount, to], transaction: t });
    await t.commit();
  } catch (error) {
    await t.rollback();
    throw error;
  }
}
`,
    },
    {
      name: 'a pool query after the transaction',
      code: `${db}
export async function transfer(from: number, amount: number) {
  await sequelize.transaction(async (t) => {
    await sequelize.query('UPDATE accounts SET balance = balance - ? WHERE id = ?', { replacements: [amount, from], transaction: t });
  });
  await sequelize.query("INSERT INTO audit_log (action) VALUES ('transfer')");
}
`,
    },
    {
      name: 'a pool read inside the callback of a table the transaction has not written: it sees the same rows',
      code: `${db}
export async function buyTicket(concertId: number, userId: number) {
  await sequelize.transaction(async (t) => {
    const [host] = await sequelize.query('SELECT name FROM hosts WHERE id = 1');
    await sequelize.query('UPDATE concerts SET available_seats = available_seats - 1 WHERE concert_id = ?', { replacements: [concertId], transaction: t });
  });
}
`,
    },
    {
      name: 'a helper taking the transaction typed Transaction',
      code: `${db}
async function debit(t: Transaction, from: number, amount: number) {
  await sequelize.query('UPDATE accounts SET balance = balance - ? WHERE id = ?', { replacements: [amount, from], transaction: t });
}
`,
    },
  ],
  invalid: [
    {
      name: 'BEGIN through the instance',
      code: `${db}
export async function transfer(from: number, amount: number) {
  await sequelize.query('BEGIN');
  await sequelize.query('UPDATE accounts SET balance = balance - ? WHERE id = ?', { replacements: [amount, from] });
  await sequelize.query('COMMIT');
}
`,
      errors: [{ messageId: 'transactionOnPoolApi', line: 6, column: 9 }],
    },
    {
      name: 'a pool read inside the callback of a table the transaction wrote: it does not see the change',
      code: `${db}
export async function buyTicket(concertId: number, userId: number) {
  await sequelize.transaction(async (t) => {
    await sequelize.query('UPDATE concerts SET available_seats = available_seats - 1 WHERE concert_id = ?', { replacements: [concertId], transaction: t });
    const [rows] = await sequelize.query('SELECT available_seats FROM concerts WHERE concert_id = ?', { replacements: [concertId] });
  });
}
`,
      errors: [{ messageId: 'queryOutsideTransaction', line: 8, column: 26 }],
    },
    {
      name: 'a query inside the callback without { transaction: t }',
      code: `${db}
export async function buyTicket(concertId: number, userId: number) {
  await sequelize.transaction(async (t) => {
    await sequelize.query('UPDATE concerts SET available_seats = available_seats - 1 WHERE concert_id = ?', { replacements: [concertId], transaction: t });
    await sequelize.query('INSERT INTO tickets (concert_id, user_id) VALUES (?, ?)', { replacements: [concertId, userId] });
  });
}
`,
      errors: [{ messageId: 'queryOutsideTransaction', line: 8, column: 11 }],
    },
    {
      name: 'START TRANSACTION through the instance, with QueryTypes.RAW',
      code: `${db}
export async function transfer(from: number, amount: number) {
  await sequelize.query('START TRANSACTION', { type: QueryTypes.RAW });
  await sequelize.query('UPDATE accounts SET balance = balance - $1 WHERE id = $2', { bind: [amount, from] });
  await sequelize.query('COMMIT', { type: QueryTypes.RAW });
}
`,
      errors: [{ messageId: 'transactionOnPoolApi', line: 6, column: 9 }],
    },
  ],
});

ruleTester.run('Sequelize: no-lock-outside-transaction', lockOutsideTransaction, {
  valid: [
    {
      name: 'FOR UPDATE with { transaction: t }',
      code: `${db}
export async function takeJob(jobId: number) {
  return sequelize.transaction(async (t) => {
    const [job] = await sequelize.query('SELECT * FROM jobs WHERE id = ? FOR UPDATE', { replacements: [jobId], type: QueryTypes.SELECT, transaction: t });
    return job;
  });
}
`,
    },
    {
      name: 'FOR UPDATE in an unmanaged transaction',
      code: `${db}
export async function takeJob(jobId: number) {
  const t = await sequelize.transaction();
  const [job] = await sequelize.query('SELECT * FROM jobs WHERE id = ? FOR UPDATE', { replacements: [jobId], type: QueryTypes.SELECT, transaction: t });
  await t.commit();
  return job;
}
`,
    },
    {
      name: 'a transaction passed in, typed Transaction',
      code: `${db}
export async function lockJob(t: Transaction, jobId: number) {
  const [job] = await sequelize.query('SELECT * FROM jobs WHERE id = ? FOR UPDATE SKIP LOCKED', { replacements: [jobId], type: QueryTypes.SELECT, transaction: t });
  return job;
}
`,
    },
    {
      name: 'a plain read on the pool',
      code: `${db}
export async function readJob(jobId: number) {
  const [job] = await sequelize.query('SELECT * FROM jobs WHERE id = ?', { replacements: [jobId], type: QueryTypes.SELECT });
  return job;
}
`,
    },
    {
      name: 'FOR SHARE with the shorthand { transaction }',
      code: `${db}
export async function readJob(jobId: number) {
  return sequelize.transaction(async (transaction) => {
    const [job] = await sequelize.query('SELECT * FROM jobs WHERE id = ? FOR SHARE', { replacements: [jobId], type: QueryTypes.SELECT, transaction });
    return job;
  });
}
`,
    },
  ],
  invalid: [
    {
      name: 'a locking pool read inside a transaction callback, without { transaction: t }',
      code: `${db}
export async function buyTicket(concertId: number) {
  await sequelize.transaction(async (t) => {
    const [rows] = await sequelize.query('SELECT available_seats FROM concerts WHERE concert_id = ? FOR UPDATE', { replacements: [concertId] });
  });
}
`,
      errors: [{ messageId: 'lockOutsideTransaction', line: 7, column: 26 }],
    },
    {
      name: 'FOR UPDATE on the pool',
      code: `${db}
export async function takeJob(jobId: number) {
  const [job] = await sequelize.query('SELECT * FROM jobs WHERE id = ? FOR UPDATE', { replacements: [jobId], type: QueryTypes.SELECT });
  return job;
}
`,
      errors: [{ messageId: 'lockOutsideTransaction', line: 6, column: 23 }],
    },
    {
      name: 'FOR UPDATE inside the callback without { transaction: t }',
      code: `${db}
export async function takeJob(jobId: number) {
  return sequelize.transaction(async (t) => {
    const [job] = await sequelize.query('SELECT * FROM jobs WHERE id = ? FOR UPDATE', { replacements: [jobId], type: QueryTypes.SELECT });
    await sequelize.query("UPDATE jobs SET status = 'running' WHERE id = ?", { replacements: [job.id], transaction: t });
  });
}
`,
      errors: [{ messageId: 'lockOutsideTransaction', line: 7, column: 25 }],
    },
    {
      name: 'FOR UPDATE after the unmanaged transaction committed',
      code: `${db}
export async function takeJob(jobId: number) {
  const t = await sequelize.transaction();
  await sequelize.query("UPDATE jobs SET status = 'seen' WHERE id = ?", { replacements: [jobId], transaction: t });
  await t.commit();
  const [job] = await sequelize.query('SELECT * FROM jobs WHERE id = ? FOR UPDATE', { replacements: [jobId], type: QueryTypes.SELECT, transaction: t });
  return job;
}
`,
      errors: [{ messageId: 'lockOutsideTransaction', line: 9, column: 23 }],
    },
  ],
});
