/**
 * The six rules on TypeORM raw queries: `dataSource.query`, `manager.query`, `queryRunner.query`
 * with `$1` (PostgreSQL) or `?` (MySQL), `queryRunner.startTransaction('SERIALIZABLE')` /
 * `commitTransaction` / `rollbackTransaction`, and `dataSource.transaction(async (manager) => ...)`,
 * written the way TypeORM's documentation writes them.
 */
import checkThenAct from '../../rules/no-check-then-act.js';
import decoupledInsert from '../../rules/no-decoupled-insert.js';
import ignoredRowcount from '../../rules/no-ignored-rowcount.js';
import lockOutsideTransaction from '../../rules/no-lock-outside-transaction.js';
import lostUpdate from '../../rules/no-lost-update.js';
import transactionOnPool from '../../rules/no-transaction-on-pool.js';
import { withForUpdate } from '../helpers/for-update.js';
import { ruleTester } from '../helpers/rule-tester.js';

// Lines 2-3 of every case: the data source, as TypeORM's docs create it. Functions start on line 5.
const db = `
import { DataSource } from 'typeorm';
const dataSource = new DataSource({ type: 'postgres', url: process.env.DATABASE_URL });
`;

const queryRunnerCheck = `${db}
export async function placeOrder(sku: string, userId: number) {
  const queryRunner = dataSource.createQueryRunner();
  await queryRunner.connect();
  await queryRunner.startTransaction();
  try {
    const [product] = await queryRunner.query('SELECT stock FROM products WHERE sku = $1', [sku]);
    if (product.stock < 1) throw new Error('Out of stock');
    await queryRunner.query('UPDATE products SET stock = stock - 1 WHERE sku = $1', [sku]);
    await queryRunner.query('INSERT INTO orders (sku, user_id) VALUES ($1, $2)', [sku, userId]);
    await queryRunner.commitTransaction();
  } catch (err) {
    await queryRunner.rollbackTransaction();
    throw err;
  } finally {
    await queryRunner.release();
  }
}
`;

const managerCheck = `${db}
export async function markPaid(orderId: number) {
  await dataSource.transaction(async (manager) => {
    const [order] = await manager.query('SELECT status FROM orders WHERE id = $1', [orderId]);
    if (order.status !== 'pending') throw new Error('Not pending');
    await manager.query("UPDATE orders SET status = 'paid' WHERE id = $1", [orderId]);
  });
}
`;

ruleTester.run('TypeORM: no-check-then-act', checkThenAct, {
  valid: [
    {
      name: 'FOR UPDATE on the query runner after startTransaction',
      code: withForUpdate(queryRunnerCheck, 'FROM products WHERE sku = $1'),
    },
    {
      name: "queryRunner.startTransaction('SERIALIZABLE')",
      code: queryRunnerCheck.replace('startTransaction()', "startTransaction('SERIALIZABLE')"),
    },
    {
      name: "dataSource.manager.transaction('SERIALIZABLE', ...)",
      code: managerCheck.replace('dataSource.transaction(async', "dataSource.manager.transaction('SERIALIZABLE', async"),
    },
    {
      name: 'FOR UPDATE inside dataSource.transaction',
      code: withForUpdate(managerCheck, 'FROM orders WHERE id = $1'),
    },
    {
      name: 'the conditional write checks the affected count',
      code: `${db}
export async function placeOrder(sku: string) {
  const [product] = await dataSource.query('SELECT stock FROM products WHERE sku = $1', [sku]);
  if (product.stock < 1) return false;
  const [, affected] = await dataSource.query('UPDATE products SET stock = stock - 1 WHERE sku = $1 AND stock > 0', [sku]);
  return affected === 1;
}
`,
    },
  ],
  invalid: [
    {
      name: 'read, test, write on a query runner at READ COMMITTED',
      code: queryRunnerCheck,
      errors: [
        {
          messageId: 'checkThenAct',
          line: 10,
          column: 29,
          suggestions: [{ messageId: 'addForUpdate', output: withForUpdate(queryRunnerCheck, 'FROM products WHERE sku = $1') }],
        },
      ],
    },
    {
      name: 'read, test, write inside dataSource.transaction',
      code: managerCheck,
      errors: [
        {
          messageId: 'checkThenAct',
          line: 7,
          column: 27,
          suggestions: [{ messageId: 'addForUpdate', output: withForUpdate(managerCheck, 'FROM orders WHERE id = $1') }],
        },
      ],
    },
    {
      name: 'an existence check before an INSERT through dataSource.query',
      code: `${db}
export async function register(email: string) {
  const existing = await dataSource.query('SELECT id FROM users WHERE email = $1', [email]);
  if (existing.length > 0) throw new Error('Taken');
  await dataSource.query('INSERT INTO users (email) VALUES ($1)', [email]);
}
`,
      errors: [{ messageId: 'checkThenInsert', line: 6, column: 26 }],
    },
    {
      name: 'MySQL placeholders through dataSource.manager',
      code: `${db}
export async function markPaid(orderId: number) {
  const [order] = await dataSource.manager.query('SELECT status FROM \`orders\` WHERE id = ?', [orderId]);
  if (order.status !== 'pending') throw new Error('Not pending');
  await dataSource.manager.query("UPDATE \`orders\` SET status = 'paid' WHERE id = ?", [orderId]);
}
`,
      errors: [{ messageId: 'checkThenAct', line: 6, column: 25 }],
    },
  ],
});

ruleTester.run('TypeORM: no-decoupled-insert', decoupledInsert, {
  valid: [
    {
      name: 'the affected count from [rows, affected] is checked',
      code: `${db}
export async function buyTicket(concertId: number, userId: number) {
  await dataSource.transaction(async (manager) => {
    const [, affected] = await manager.query('UPDATE concerts SET available_seats = available_seats - 1 WHERE concert_id = $1 AND available_seats > 0', [concertId]);
    if (affected === 0) throw new Error('Sold out');
    await manager.query('INSERT INTO tickets (concert_id, user_id) VALUES ($1, $2)', [concertId, userId]);
  });
}
`,
    },
    {
      name: 'RETURNING rows tested',
      code: `${db}
export async function buyTicket(concertId: number, userId: number) {
  const [rows] = await dataSource.query('UPDATE concerts SET available_seats = available_seats - 1 WHERE concert_id = $1 AND available_seats > 0 RETURNING concert_id', [concertId]);
  if (rows.length === 0) return false;
  await dataSource.query('INSERT INTO tickets (concert_id, user_id) VALUES ($1, $2)', [concertId, userId]);
  return true;
}
`,
    },
    {
      name: 'the data-modifying CTE feeds the INSERT',
      code: `${db}
export async function buyTicket(concertId: number, userId: number) {
  return dataSource.query(\`
    WITH reserved AS (
      UPDATE concerts SET available_seats = available_seats - 1 WHERE concert_id = $1 AND available_seats > 0 RETURNING concert_id
    )
    INSERT INTO tickets (concert_id, user_id) SELECT concert_id, $2 FROM reserved\`, [concertId, userId]);
}
`,
    },
    {
      name: 'MySQL affectedRows checked on a query runner',
      code: `${db}
export async function buyTicket(concertId: number, userId: number) {
  const queryRunner = dataSource.createQueryRunner();
  await queryRunner.connect();
  await queryRunner.startTransaction();
  const result = await queryRunner.query('UPDATE concerts SET available_seats = available_seats - 1 WHERE concert_id = ? AND available_seats > 0', [concertId]);
  if (result.affectedRows === 0) {
    await queryRunner.rollbackTransaction();
    return false;
  }
  await queryRunner.query('INSERT INTO tickets (concert_id, user_id) VALUES (?, ?)', [concertId, userId]);
  await queryRunner.commitTransaction();
  return true;
}
`,
    },
    {
      name: 'an UPDATE by key only',
      code: `${db}
export async function rename(userId: number, name: string) {
  await dataSource.query('UPDATE users SET name = $1 WHERE id = $2', [name, userId]);
  await dataSource.query('INSERT INTO audit_log (user_id, action) VALUES ($1, $2)', [userId, 'rename']);
}
`,
    },
  ],
  invalid: [
    {
      name: "the seeds' broken purchase inside dataSource.transaction",
      code: `${db}
export async function buyTicket(concertId: number, userId: number) {
  await dataSource.transaction(async (manager) => {
    await manager.query('UPDATE concerts SET available_seats = available_seats - 1 WHERE concert_id = $1 AND available_seats > 0', [concertId]);
    await manager.query('INSERT INTO tickets (concert_id, user_id) VALUES ($1, $2)', [concertId, userId]);
  });
}
`,
      errors: [{ messageId: 'decoupledWrite', line: 7, column: 11 }],
    },
    {
      name: 'on a query runner between startTransaction and commitTransaction',
      code: `${db}
export async function buyTicket(concertId: number, userId: number) {
  const queryRunner = dataSource.createQueryRunner();
  await queryRunner.connect();
  await queryRunner.startTransaction();
  await queryRunner.query('UPDATE concerts SET available_seats = available_seats - 1 WHERE concert_id = $1 AND available_seats > 0', [concertId]);
  await queryRunner.query('INSERT INTO tickets (concert_id, user_id) VALUES ($1, $2)', [concertId, userId]);
  await queryRunner.commitTransaction();
  await queryRunner.release();
}
`,
      errors: [{ messageId: 'decoupledWrite', line: 9, column: 9 }],
    },
    {
      name: 'through queryRunner.manager',
      code: `${db}
export async function buyTicket(concertId: number, userId: number) {
  const queryRunner = dataSource.createQueryRunner();
  await queryRunner.startTransaction();
  await queryRunner.manager.query('DELETE FROM holds WHERE concert_id = $1 AND user_id = $2 AND expires_at > now()', [concertId, userId]);
  await queryRunner.manager.query('INSERT INTO tickets (concert_id, user_id) VALUES ($1, $2)', [concertId, userId]);
  await queryRunner.commitTransaction();
}
`,
      errors: [{ messageId: 'decoupledWrite', line: 8, column: 9 }],
    },
  ],
});

ruleTester.run('TypeORM: no-ignored-rowcount', ignoredRowcount, {
  valid: [
    {
      name: 'the affected count is tested',
      code: `${db}
export async function holdSeat(seatId: number, userId: number) {
  const [, affected] = await dataSource.query('UPDATE seats SET held_by = $1 WHERE id = $2 AND held_by IS NULL', [userId, seatId]);
  if (affected === 0) throw new Error('Seat taken');
}
`,
    },
    {
      name: 'the result is returned',
      code: `${db}
export async function holdSeat(seatId: number, userId: number) {
  return dataSource.query('UPDATE seats SET held_by = $1 WHERE id = $2 AND held_by IS NULL', [userId, seatId]);
}
`,
    },
    {
      name: 'MySQL affectedRows tested',
      code: `${db}
export async function holdSeat(seatId: number, userId: number) {
  const result = await dataSource.manager.query('UPDATE seats SET held_by = ? WHERE id = ? AND held_by IS NULL', [userId, seatId]);
  return result.affectedRows === 1;
}
`,
    },
    {
      name: 'an UPDATE by key only',
      code: `${db}
export async function touch(userId: number) {
  await dataSource.query('UPDATE users SET last_seen = now() WHERE id = $1', [userId]);
}
`,
    },
    {
      name: 'RETURNING rows handed to the caller through the manager',
      code: `${db}
export async function holdSeat(seatId: number, userId: number) {
  return dataSource.transaction(async (manager) => {
    const [rows] = await manager.query('UPDATE seats SET held_by = $1 WHERE id = $2 AND held_by IS NULL RETURNING id', [userId, seatId]);
    return rows;
  });
}
`,
    },
  ],
  invalid: [
    {
      name: 'a guarded UPDATE through dataSource.query, count never read',
      code: `${db}
export async function holdSeat(seatId: number, userId: number) {
  await dataSource.query('UPDATE seats SET held_by = $1 WHERE id = $2 AND held_by IS NULL', [userId, seatId]);
  return { ok: true };
}
`,
      errors: [{ messageId: 'ignoredRowCount', line: 6, column: 9 }],
    },
    {
      name: 'a guarded DELETE inside the transaction callback',
      code: `${db}
export async function cancel(cartId: number) {
  await dataSource.transaction(async (manager) => {
    await manager.query("DELETE FROM carts WHERE id = $1 AND status = 'open'", [cartId]);
  });
}
`,
      errors: [{ messageId: 'ignoredRowCount', line: 7, column: 11 }],
    },
    {
      name: 'only the rows are destructured, the count is dropped',
      code: `${db}
export async function expire(holdId: number) {
  const [rows] = await dataSource.query("UPDATE holds SET status = 'expired' WHERE id = $1 AND status = 'active'", [holdId]);
  return { ok: true };
}
`,
      errors: [{ messageId: 'ignoredRowCount', line: 6, column: 24 }],
    },
  ],
});

ruleTester.run('TypeORM: no-lost-update', lostUpdate, {
  valid: [
    {
      name: 'a relative UPDATE',
      code: `${db}
export async function deposit(accountId: number, amount: number) {
  await dataSource.query('UPDATE accounts SET balance = balance + $1 WHERE account_id = $2', [amount, accountId]);
}
`,
    },
    {
      name: 'FOR UPDATE inside dataSource.transaction',
      code: `${db}
export async function deposit(accountId: number, amount: number) {
  await dataSource.transaction(async (manager) => {
    const [account] = await manager.query('SELECT balance FROM accounts WHERE account_id = $1 FOR UPDATE', [accountId]);
    await manager.query('UPDATE accounts SET balance = $1 WHERE account_id = $2', [account.balance + amount, accountId]);
  });
}
`,
    },
    {
      name: "manager.transaction('REPEATABLE READ', ...)",
      code: `${db}
export async function deposit(accountId: number, amount: number) {
  await dataSource.manager.transaction('REPEATABLE READ', async (manager) => {
    const [account] = await manager.query('SELECT balance FROM accounts WHERE account_id = $1', [accountId]);
    await manager.query('UPDATE accounts SET balance = $1 WHERE account_id = $2', [account.balance + amount, accountId]);
  });
}
`,
    },
    {
      name: "startTransaction('SERIALIZABLE') on a query runner",
      code: `${db}
export async function deposit(accountId: number, amount: number) {
  const queryRunner = dataSource.createQueryRunner();
  await queryRunner.startTransaction('SERIALIZABLE');
  const [account] = await queryRunner.query('SELECT balance FROM accounts WHERE account_id = $1', [accountId]);
  await queryRunner.query('UPDATE accounts SET balance = $1 WHERE account_id = $2', [account.balance + amount, accountId]);
  await queryRunner.commitTransaction();
}
`,
    },
    {
      name: 'a version check in the WHERE',
      code: `${db}
export async function deposit(accountId: number, amount: number) {
  const [account] = await dataSource.query('SELECT balance, version FROM accounts WHERE account_id = $1', [accountId]);
  const [, affected] = await dataSource.query('UPDATE accounts SET balance = $1, version = version + 1 WHERE account_id = $2 AND version = $3', [account.balance + amount, accountId, account.version]);
  return affected === 1;
}
`,
    },
  ],
  invalid: [
    {
      name: 'read and written back through the data source',
      code: `${db}
export async function deposit(accountId: number, amount: number) {
  const [account] = await dataSource.query('SELECT balance FROM accounts WHERE account_id = $1', [accountId]);
  const balance = account.balance + amount;
  await dataSource.query('UPDATE accounts SET balance = $1 WHERE account_id = $2', [balance, accountId]);
}
`,
      errors: [{ messageId: 'lostUpdate', line: 8, column: 9 }],
    },
    {
      name: 'inside dataSource.transaction at READ COMMITTED',
      code: `${db}
export async function deposit(accountId: number, amount: number) {
  await dataSource.transaction(async (manager) => {
    const [account] = await manager.query('SELECT balance FROM accounts WHERE account_id = $1', [accountId]);
    await manager.query('UPDATE accounts SET balance = $1 WHERE account_id = $2', [account.balance + amount, accountId]);
  });
}
`,
      errors: [{ messageId: 'lostUpdate', line: 8, column: 11 }],
    },
    {
      name: 'on a query runner with MySQL placeholders',
      code: `${db}
export async function deposit(accountId: number, amount: number) {
  const queryRunner = dataSource.createQueryRunner();
  await queryRunner.startTransaction();
  const [account] = await queryRunner.query('SELECT balance FROM \`accounts\` WHERE account_id = ?', [accountId]);
  await queryRunner.query('UPDATE \`accounts\` SET balance = ? WHERE account_id = ?', [account.balance + amount, accountId]);
  await queryRunner.commitTransaction();
}
`,
      errors: [{ messageId: 'lostUpdate', line: 9, column: 9 }],
    },
  ],
});

ruleTester.run('TypeORM: no-transaction-on-pool', transactionOnPool, {
  valid: [
    {
      name: 'every query on the transaction manager',
      code: `${db}
export async function transfer(from: number, to: number, amount: number) {
  await dataSource.transaction(async (manager) => {
    await manager.query('UPDATE accounts SET balance = balance - $1 WHERE id = $2', [amount, from]);
    await manager.query('UPDATE accounts SET balance = balance + $1 WHERE id = $2', [amount, to]);
  });
}
`,
    },
    {
      name: 'startTransaction on a query runner',
      code: `${db}
export async function transfer(from: number, to: number, amount: number) {
  const queryRunner = dataSource.createQueryRunner();
  await queryRunner.connect();
  await queryRunner.startTransaction();
  await queryRunner.query('UPDATE accounts SET balance = balance - $1 WHERE id = $2', [amount, from]);
  await queryRunner.query('UPDATE accounts SET balance = balance + $1 WHERE id = $2', [amount, to]);
  await queryRunner.commitTransaction();
  await queryRunner.release();
}
`,
    },
    {
      name: 'BEGIN as text on a query runner',
      code: `${db}
export async function transfer(from: number, amount: number) {
  const queryRunner = dataSource.createQueryRunner();
  await queryRunner.query('BEGIN');
  await queryRunner.query('UPDATE accounts SET balance = balance - $1 WHERE id = $2', [amount, from]);
  await queryRunner.query('COMMIT');
}
`,
    },
    {
      name: 'a data source query after the transaction',
      code: `${db}
export async function transfer(from: number, amount: number) {
  await dataSource.transaction(async (manager) => {
    await manager.query('UPDATE accounts SET balance = balance - $1 WHERE id = $2', [amount, from]);
  });
  await dataSource.query("INSERT INTO audit_log (action) VALUES ('transfer')");
}
`,
    },
    {
      name: 'a parameter typed QueryRunner',
      code: `
import type { QueryRunner } from 'typeorm';
export async function transfer(queryRunner: QueryRunner, from: number, amount: number) {
  await queryRunner.query('BEGIN');
  await queryRunner.query('UPDATE accounts SET balance = balance - $1 WHERE id = $2', [amount, from]);
  await queryRunner.query('COMMIT');
}
`,
    },
  ],
  invalid: [
    {
      name: 'BEGIN through the data source',
      code: `${db}
export async function transfer(from: number, amount: number) {
  await dataSource.query('BEGIN');
  await dataSource.query('UPDATE accounts SET balance = balance - $1 WHERE id = $2', [amount, from]);
  await dataSource.query('COMMIT');
}
`,
      errors: [{ messageId: 'transactionOnPoolApi', line: 6, column: 9 }],
    },
    {
      name: 'START TRANSACTION through dataSource.manager',
      code: `${db}
export async function transfer(from: number, amount: number) {
  await dataSource.manager.query('START TRANSACTION');
  await dataSource.manager.query('UPDATE accounts SET balance = balance - $1 WHERE id = $2', [amount, from]);
  await dataSource.manager.query('COMMIT');
}
`,
      errors: [{ messageId: 'transactionOnPoolApi', line: 6, column: 9 }],
    },
    {
      name: 'the data source used inside dataSource.transaction',
      code: `${db}
export async function buyTicket(concertId: number, userId: number) {
  await dataSource.transaction(async (manager) => {
    await manager.query('UPDATE concerts SET available_seats = available_seats - 1 WHERE concert_id = $1', [concertId]);
    await dataSource.query('INSERT INTO tickets (concert_id, user_id) VALUES ($1, $2)', [concertId, userId]);
  });
}
`,
      errors: [{ messageId: 'queryOutsideTransaction', line: 8, column: 11 }],
    },
  ],
});

ruleTester.run('TypeORM: no-lock-outside-transaction', lockOutsideTransaction, {
  valid: [
    {
      name: 'FOR UPDATE inside dataSource.transaction',
      code: `${db}
export async function takeJob(jobId: number) {
  return dataSource.transaction(async (manager) => {
    const [job] = await manager.query('SELECT * FROM jobs WHERE id = $1 FOR UPDATE', [jobId]);
    return job;
  });
}
`,
    },
    {
      name: 'FOR UPDATE after startTransaction',
      code: `${db}
export async function takeJob(jobId: number) {
  const queryRunner = dataSource.createQueryRunner();
  await queryRunner.startTransaction();
  const [job] = await queryRunner.query('SELECT * FROM jobs WHERE id = $1 FOR UPDATE', [jobId]);
  await queryRunner.commitTransaction();
  return job;
}
`,
    },
    {
      name: 'FOR UPDATE through queryRunner.manager after startTransaction',
      code: `${db}
export async function takeJob(jobId: number) {
  const queryRunner = dataSource.createQueryRunner();
  await queryRunner.startTransaction();
  const [job] = await queryRunner.manager.query('SELECT * FROM jobs WHERE id = $1 FOR UPDATE', [jobId]);
  await queryRunner.commitTransaction();
  return job;
}
`,
    },
    {
      name: 'an EntityManager handed in: its state is the caller’s',
      code: `
import type { EntityManager } from 'typeorm';
export async function lockJob(manager: EntityManager, jobId: number) {
  const [job] = await manager.query('SELECT * FROM jobs WHERE id = $1 FOR UPDATE', [jobId]);
  return job;
}
`,
    },
    {
      name: 'a plain read on the data source',
      code: `${db}
export async function readJob(jobId: number) {
  const [job] = await dataSource.query('SELECT * FROM jobs WHERE id = $1', [jobId]);
  return job;
}
`,
    },
  ],
  invalid: [
    {
      name: 'FOR UPDATE through the data source',
      code: `${db}
export async function takeJob(jobId: number) {
  const [job] = await dataSource.query('SELECT * FROM jobs WHERE id = $1 FOR UPDATE', [jobId]);
  return job;
}
`,
      errors: [{ messageId: 'lockOutsideTransaction', line: 6, column: 23 }],
    },
    {
      name: 'FOR UPDATE on a query runner before startTransaction',
      code: `${db}
export async function takeJob(jobId: number) {
  const queryRunner = dataSource.createQueryRunner();
  await queryRunner.connect();
  const [job] = await queryRunner.query('SELECT * FROM jobs WHERE id = $1 FOR UPDATE', [jobId]);
  await queryRunner.release();
  return job;
}
`,
      errors: [{ messageId: 'lockOutsideTransaction', line: 8, column: 23 }],
    },
    {
      name: 'FOR SHARE after commitTransaction',
      code: `${db}
export async function takeJob(jobId: number) {
  const queryRunner = dataSource.createQueryRunner();
  await queryRunner.startTransaction();
  await queryRunner.query("UPDATE jobs SET status = 'seen' WHERE id = $1", [jobId]);
  await queryRunner.commitTransaction();
  const [job] = await queryRunner.query('SELECT * FROM jobs WHERE id = $1 FOR SHARE', [jobId]);
  return job;
}
`,
      errors: [{ messageId: 'lockOutsideTransaction', line: 10, column: 23 }],
    },
  ],
});
