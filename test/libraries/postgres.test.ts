/**
 * The six rules on postgres.js: ``sql`...` `` tagged templates (and fragments inside them),
 * `sql.unsafe(text, values)`, `sql.begin(async (sql) => ...)` with its isolation string,
 * `sql.savepoint`, `sql.reserve()`, and `result.count`, written the way postgres.js's README writes them.
 */
import checkThenAct from '../../rules/no-check-then-act.js';
import decoupledInsert from '../../rules/no-decoupled-insert.js';
import ignoredRowcount from '../../rules/no-ignored-rowcount.js';
import lockOutsideTransaction from '../../rules/no-lock-outside-transaction.js';
import lostUpdate from '../../rules/no-lost-update.js';
import transactionOnPool from '../../rules/no-transaction-on-pool.js';
import { withForUpdate } from '../helpers/for-update.js';
import { ruleTester } from '../helpers/rule-tester.js';

// Lines 2-3 of every case: the pool, as postgres.js's README creates it. Functions start on line 5.
const db = `
import postgres from 'postgres';
const sql = postgres(process.env.DATABASE_URL!);
`;

const seatCheckInBegin = `${db}
export async function buyTicket(concertId: string, userId: string) {
  return sql.begin(async (sql) => {
    const [concert] = await sql\`SELECT available_seats FROM concerts WHERE concert_id = \${concertId} LIMIT 1\`;
    if (concert.available_seats < 1) throw new Error('Sold out');
    await sql\`UPDATE concerts SET available_seats = available_seats - 1 WHERE concert_id = \${concertId}\`;
    await sql\`INSERT INTO tickets (concert_id, user_id) VALUES (\${concertId}, \${userId})\`;
  });
}
`;

const reservedCheck = `${db}
export async function withdraw(accountId: number, amount: number) {
  const reserved = await sql.reserve();
  try {
    await reserved\`BEGIN\`;
    const [account] = await reserved\`SELECT balance FROM accounts WHERE id = \${accountId} LIMIT 1\`;
    if (account.balance < amount) throw new Error('Insufficient funds');
    await reserved\`UPDATE accounts SET balance = balance - \${amount} WHERE id = \${accountId}\`;
    await reserved\`COMMIT\`;
  } finally {
    reserved.release();
  }
}
`;

const couponUnsafe = `${db}
export async function claim(code: string) {
  await sql.begin(async (tx) => {
    const rows = await tx.unsafe('SELECT used FROM coupons WHERE code = $1', [code]);
    if (rows.length === 0 || rows[0].used) throw new Error('Invalid coupon');
    await tx.unsafe('UPDATE coupons SET used = true WHERE code = $1', [code]);
  });
}
`;

ruleTester.run('postgres.js: no-check-then-act', checkThenAct, {
  valid: [
    {
      name: 'the read locks the row with FOR UPDATE inside sql.begin',
      code: `${db}
export async function buyTicket(concertId: string) {
  return sql.begin(async (sql) => {
    const [concert] = await sql\`SELECT available_seats FROM concerts WHERE concert_id = \${concertId} FOR UPDATE\`;
    if (concert.available_seats < 1) throw new Error('Sold out');
    await sql\`UPDATE concerts SET available_seats = available_seats - 1 WHERE concert_id = \${concertId}\`;
  });
}
`,
    },
    {
      name: "sql.begin('isolation level serializable', ...)",
      code: `${db}
export async function buyTicket(concertId: string) {
  return sql.begin('isolation level serializable', async (sql) => {
    const [concert] = await sql\`SELECT available_seats FROM concerts WHERE concert_id = \${concertId}\`;
    if (concert.available_seats < 1) throw new Error('Sold out');
    await sql\`UPDATE concerts SET available_seats = available_seats - 1 WHERE concert_id = \${concertId}\`;
  });
}
`,
    },
    {
      name: 'the lock comes from a nested fragment spliced into the read',
      code: `${db}
export async function placeOrder(sku: string, userId: string) {
  return sql.begin(async (sql) => {
    const [product] = await sql\`SELECT stock FROM products WHERE sku = \${sku} \${sql\`FOR UPDATE\`}\`;
    if (product.stock < 1) return { ok: false };
    await sql\`UPDATE products SET stock = stock - 1 WHERE sku = \${sku}\`;
    return { ok: true };
  });
}
`,
    },
    {
      name: 'the conditional write: the guard is in the UPDATE and result.count is checked',
      code: `${db}
export async function placeOrder(sku: string) {
  const [product] = await sql\`SELECT stock FROM products WHERE sku = \${sku}\`;
  if (product.stock < 1) return { ok: false };
  const taken = await sql\`UPDATE products SET stock = stock - 1 WHERE sku = \${sku} AND stock > 0\`;
  return { ok: taken.count === 1 };
}
`,
    },
    {
      name: 'the insert helper sql(user, ...) with ON CONFLICT DO NOTHING',
      code: `${db}
export async function register(user: { email: string; name: string }) {
  const [existing] = await sql\`SELECT id FROM users WHERE email = \${user.email}\`;
  if (existing) return existing;
  await sql\`INSERT INTO users \${sql(user, 'email', 'name')} ON CONFLICT (email) DO NOTHING\`;
  return null;
}
`,
    },
    {
      name: 'a savepoint inherits the serializable isolation of its sql.begin',
      code: `${db}
export async function buyTicket(concertId: string) {
  return sql.begin('isolation level serializable', async (sql) => {
    await sql.savepoint(async (sql) => {
      const [concert] = await sql\`SELECT available_seats FROM concerts WHERE concert_id = \${concertId}\`;
      if (concert.available_seats < 1) throw new Error('Sold out');
      await sql\`UPDATE concerts SET available_seats = available_seats - 1 WHERE concert_id = \${concertId}\`;
    });
  });
}
`,
    },
  ],
  invalid: [
    {
      name: 'read, test, write inside sql.begin at READ COMMITTED',
      code: seatCheckInBegin,
      errors: [
        {
          messageId: 'checkThenAct',
          line: 7,
          column: 29,
          suggestions: [{ messageId: 'addForUpdate', output: withForUpdate(seatCheckInBegin, 'LIMIT 1') }],
        },
      ],
    },
    {
      name: 'read and write each through the pool',
      code: `${db}
export async function markPaid(orderId: number) {
  const [order] = await sql\`SELECT status FROM orders WHERE id = \${orderId}\`;
  if (order.status !== 'pending') throw new Error('Not pending');
  await sql\`UPDATE orders SET status = 'paid' WHERE id = \${orderId}\`;
}
`,
      errors: [{ messageId: 'checkThenAct', line: 6, column: 25 }],
    },
    {
      name: 'an existence check before an INSERT',
      code: `${db}
export async function register(email: string) {
  const [existing] = await sql\`SELECT id FROM users WHERE email = \${email}\`;
  if (existing) throw new Error('Taken');
  await sql\`INSERT INTO users (email) VALUES (\${email})\`;
}
`,
      errors: [{ messageId: 'checkThenInsert', line: 6, column: 28 }],
    },
    {
      name: 'BEGIN on a reserved connection, the read without a lock',
      code: reservedCheck,
      errors: [
        {
          messageId: 'checkThenAct',
          line: 9,
          column: 29,
          suggestions: [{ messageId: 'addForUpdate', output: withForUpdate(reservedCheck, 'LIMIT 1') }],
        },
      ],
    },
    {
      name: 'sql.unsafe with $1 inside sql.begin, tested with .length',
      code: couponUnsafe,
      errors: [
        {
          messageId: 'checkThenAct',
          line: 7,
          column: 24,
          suggestions: [{ messageId: 'addForUpdate', output: withForUpdate(couponUnsafe, 'FROM coupons WHERE code = $1') }],
        },
      ],
    },
  ],
});

ruleTester.run('postgres.js: no-decoupled-insert', decoupledInsert, {
  valid: [
    {
      name: 'result.count is checked before the INSERT',
      code: `${db}
export async function buyTicket(concertId: string, userId: string) {
  return sql.begin(async (tx) => {
    const reserved = await tx\`UPDATE concerts SET available_seats = available_seats - 1 WHERE concert_id = \${concertId} AND available_seats > 0\`;
    if (reserved.count === 0) return { ok: false };
    await tx\`INSERT INTO tickets (concert_id, user_id) VALUES (\${concertId}, \${userId})\`;
    return { ok: true };
  });
}
`,
    },
    {
      name: 'the INSERT selects from the data-modifying CTE',
      code: `${db}
export async function buyTicket(concertId: string, userId: string) {
  const sold = await sql\`
    WITH reserved AS (
      UPDATE concerts SET available_seats = available_seats - 1
       WHERE concert_id = \${concertId} AND available_seats > 0
      RETURNING concert_id
    )
    INSERT INTO tickets (concert_id, user_id)
    SELECT concert_id, \${userId} FROM reserved\`;
  return { ok: sold.count === 1 };
}
`,
    },
    {
      name: 'RETURNING row destructured and tested',
      code: `${db}
export async function buyTicket(concertId: string, userId: string) {
  const [seat] = await sql\`UPDATE concerts SET available_seats = available_seats - 1 WHERE concert_id = \${concertId} AND available_seats > 0 RETURNING concert_id\`;
  if (!seat) return { ok: false };
  await sql\`INSERT INTO tickets (concert_id, user_id) VALUES (\${concertId}, \${userId})\`;
  return { ok: true };
}
`,
    },
    {
      name: 'the count read in .then',
      code: `${db}
export async function buyTicket(concertId: string, userId: string) {
  const ok = await sql\`UPDATE concerts SET available_seats = available_seats - 1 WHERE concert_id = \${concertId} AND available_seats > 0\`.then((result) => result.count === 1);
  if (!ok) return { ok: false };
  await sql\`INSERT INTO tickets (concert_id, user_id) VALUES (\${concertId}, \${userId})\`;
  return { ok: true };
}
`,
    },
    {
      name: 'an UPDATE by key only is not guarded',
      code: `${db}
export async function rename(userId: number, name: string) {
  await sql\`UPDATE users SET name = \${name} WHERE id = \${userId}\`;
  await sql\`INSERT INTO audit_log (user_id, action) VALUES (\${userId}, 'rename')\`;
}
`,
    },
  ],
  invalid: [
    {
      name: "the seeds' broken purchase inside sql.begin",
      code: `${db}
export async function buyTicket(concertId: string, userId: string) {
  await sql.begin(async (sql) => {
    await sql\`UPDATE concerts SET available_seats = available_seats - 1 WHERE concert_id = \${concertId} AND available_seats > 0\`;
    await sql\`INSERT INTO tickets (concert_id, user_id) VALUES (\${concertId}, \${userId})\`;
  });
  return { ok: true };
}
`,
      errors: [{ messageId: 'decoupledWrite', line: 7, column: 11 }],
    },
    {
      name: 'both statements through the pool',
      code: `${db}
export async function buyTicket(concertId: string, userId: string) {
  await sql\`UPDATE concerts SET available_seats = available_seats - 1 WHERE concert_id = \${concertId} AND available_seats > 0\`;
  await sql\`INSERT INTO tickets (concert_id, user_id) VALUES (\${concertId}, \${userId})\`;
}
`,
      errors: [{ messageId: 'decoupledWrite', line: 6, column: 9 }],
    },
    {
      name: 'inside a savepoint',
      code: `${db}
export async function buyTicket(concertId: string, userId: string) {
  await sql.begin(async (sql) => {
    await sql.savepoint(async (sp) => {
      await sp\`DELETE FROM holds WHERE concert_id = \${concertId} AND user_id = \${userId} AND expires_at > now()\`;
      await sp\`INSERT INTO tickets (concert_id, user_id) VALUES (\${concertId}, \${userId})\`;
    });
  });
}
`,
      errors: [{ messageId: 'decoupledWrite', line: 8, column: 13 }],
    },
    {
      name: 'sql.unsafe with positional parameters',
      code: `${db}
export async function buyTicket(concertId: string, userId: string) {
  await sql.unsafe('UPDATE concerts SET available_seats = available_seats - 1 WHERE concert_id = $1 AND available_seats > 0', [concertId]);
  await sql.unsafe('INSERT INTO tickets (concert_id, user_id) VALUES ($1, $2)', [concertId, userId]);
}
`,
      errors: [{ messageId: 'decoupledWrite', line: 6, column: 9 }],
    },
    {
      name: 'a CTE whose UPDATE the INSERT does not read',
      code: `${db}
export async function buyTicket(concertId: string, userId: string) {
  await sql\`
    WITH reserved AS (
      UPDATE concerts SET available_seats = available_seats - 1
       WHERE concert_id = \${concertId} AND available_seats > 0
      RETURNING concert_id
    )
    INSERT INTO tickets (concert_id, user_id) VALUES (\${concertId}, \${userId})\`;
}
`,
      errors: [{ messageId: 'decoupledCte', line: 6, column: 9 }],
    },
  ],
});

ruleTester.run('postgres.js: no-ignored-rowcount', ignoredRowcount, {
  valid: [
    {
      name: 'result.count is tested',
      code: `${db}
export async function holdSeat(seatId: number, userId: number) {
  const result = await sql\`UPDATE seats SET held_by = \${userId} WHERE id = \${seatId} AND held_by IS NULL\`;
  if (result.count === 0) throw new Error('Seat taken');
}
`,
    },
    {
      name: 'the query is returned to the caller',
      code: `${db}
export function holdSeat(seatId: number, userId: number) {
  return sql\`UPDATE seats SET held_by = \${userId} WHERE id = \${seatId} AND held_by IS NULL\`;
}
`,
    },
    {
      name: 'count destructured and returned',
      code: `${db}
export async function holdSeat(seatId: number, userId: number) {
  const { count } = await sql\`UPDATE seats SET held_by = \${userId} WHERE id = \${seatId} AND held_by IS NULL\`;
  return count === 1;
}
`,
    },
    {
      name: 'RETURNING row from .values() tested',
      code: `${db}
export async function holdSeat(seatId: number, userId: number) {
  const [row] = await sql\`UPDATE seats SET held_by = \${userId} WHERE id = \${seatId} AND held_by IS NULL RETURNING id\`.values();
  if (!row) throw new Error('Seat taken');
}
`,
    },
    {
      name: 'a guarded fragment spliced into a checked UPDATE',
      code: `${db}
export async function holdSeat(seatId: number, userId: number) {
  const free = sql\`WHERE id = \${seatId} AND held_by IS NULL\`;
  const result = await sql\`UPDATE seats SET held_by = \${userId} \${free}\`;
  if (result.count === 0) throw new Error('Seat taken');
}
`,
    },
    {
      name: 'an UPDATE by primary key only',
      code: `${db}
export async function touch(userId: number) {
  await sql\`UPDATE users SET last_seen = now() WHERE id = \${userId}\`;
}
`,
    },
  ],
  invalid: [
    {
      name: 'a guarded UPDATE whose count is never read',
      code: `${db}
export async function holdSeat(seatId: number, userId: number) {
  await sql\`UPDATE seats SET held_by = \${userId} WHERE id = \${seatId} AND held_by IS NULL\`;
  return { ok: true };
}
`,
      errors: [{ messageId: 'ignoredRowCount', line: 6, column: 9 }],
    },
    {
      name: 'a guarded DELETE on the transaction',
      code: `${db}
export async function cancel(cartId: number) {
  await sql.begin(async (tx) => {
    await tx\`DELETE FROM carts WHERE id = \${cartId} AND status = 'open'\`;
  });
}
`,
      errors: [{ messageId: 'ignoredRowCount', line: 7, column: 11 }],
    },
    {
      name: 'the guard comes from a fragment variable',
      code: `${db}
export async function holdSeat(seatId: number, userId: number) {
  const free = sql\`WHERE id = \${seatId} AND held_by IS NULL\`;
  await sql\`UPDATE seats SET held_by = \${userId} \${free}\`;
}
`,
      errors: [{ messageId: 'ignoredRowCount', line: 7, column: 9 }],
    },
    {
      name: 'sql.unsafe, result assigned but never read',
      code: `${db}
export async function expire(holdId: number) {
  const result = await sql.unsafe('UPDATE holds SET status = $1 WHERE id = $2 AND status = $3', ['expired', holdId, 'active']);
  console.info('expired hold', holdId);
}
`,
      errors: [{ messageId: 'ignoredRowCount', line: 6, column: 24 }],
    },
  ],
});

ruleTester.run('postgres.js: no-lost-update', lostUpdate, {
  valid: [
    {
      name: 'a relative UPDATE',
      code: `${db}
export async function deposit(accountId: number, amount: number) {
  await sql\`UPDATE accounts SET balance = balance + \${amount} WHERE account_id = \${accountId}\`;
}
`,
    },
    {
      name: 'the read locks the row inside sql.begin',
      code: `${db}
export async function deposit(accountId: number, amount: number) {
  await sql.begin(async (sql) => {
    const [account] = await sql\`SELECT balance FROM accounts WHERE account_id = \${accountId} FOR UPDATE\`;
    await sql\`UPDATE accounts SET balance = \${account.balance + amount} WHERE account_id = \${accountId}\`;
  });
}
`,
    },
    {
      name: "sql.begin('isolation level repeatable read', ...)",
      code: `${db}
export async function deposit(accountId: number, amount: number) {
  await sql.begin('isolation level repeatable read', async (sql) => {
    const [account] = await sql\`SELECT balance FROM accounts WHERE account_id = \${accountId}\`;
    await sql\`UPDATE accounts SET balance = \${account.balance + amount} WHERE account_id = \${accountId}\`;
  });
}
`,
    },
    {
      name: 'a version check in the WHERE',
      code: `${db}
export async function deposit(accountId: number, amount: number) {
  const [account] = await sql\`SELECT balance, version FROM accounts WHERE account_id = \${accountId}\`;
  const result = await sql\`UPDATE accounts SET balance = \${account.balance + amount}, version = version + 1 WHERE account_id = \${accountId} AND version = \${account.version}\`;
  return result.count === 1;
}
`,
    },
    {
      name: 'a transaction-level advisory lock serializes the callback',
      code: `${db}
export async function deposit(accountId: number, amount: number) {
  await sql.begin(async (sql) => {
    await sql\`SELECT pg_advisory_xact_lock(\${accountId})\`;
    const [account] = await sql\`SELECT balance FROM accounts WHERE account_id = \${accountId}\`;
    await sql\`UPDATE accounts SET balance = \${account.balance + amount} WHERE account_id = \${accountId}\`;
  });
}
`,
    },
  ],
  invalid: [
    {
      name: 'read through the pool, total computed in JavaScript, written back',
      code: `${db}
export async function deposit(accountId: number, amount: number) {
  const [account] = await sql\`SELECT balance FROM accounts WHERE account_id = \${accountId}\`;
  const balance = (account?.balance ?? 0) + amount;
  await sql\`UPDATE accounts SET balance = \${balance} WHERE account_id = \${accountId}\`;
  return balance;
}
`,
      errors: [{ messageId: 'lostUpdate', line: 8, column: 9 }],
    },
    {
      name: 'inside sql.begin at READ COMMITTED',
      code: `${db}
export async function deposit(accountId: number, amount: number) {
  await sql.begin(async (sql) => {
    const [account] = await sql\`SELECT balance FROM accounts WHERE account_id = \${accountId}\`;
    await sql\`UPDATE accounts SET balance = \${account.balance + amount} WHERE account_id = \${accountId}\`;
  });
}
`,
      errors: [{ messageId: 'lostUpdate', line: 8, column: 11 }],
    },
    {
      name: 'the row written back through the sql(row, column) helper',
      code: `${db}
export async function deposit(accountId: number, amount: number) {
  const [account] = await sql\`SELECT account_id, balance FROM accounts WHERE account_id = \${accountId}\`;
  account.balance += amount;
  await sql\`UPDATE accounts SET \${sql(account, 'balance')} WHERE account_id = \${accountId}\`;
}
`,
      errors: [{ messageId: 'lostUpdate', line: 8, column: 9 }],
    },
    {
      name: 'sql.unsafe with $1 for the new value',
      code: `${db}
export async function deposit(accountId: number, amount: number) {
  const rows = await sql.unsafe('SELECT balance FROM accounts WHERE account_id = $1', [accountId]);
  const next = rows[0].balance + amount;
  await sql.unsafe('UPDATE accounts SET balance = $1 WHERE account_id = $2', [next, accountId]);
}
`,
      errors: [{ messageId: 'lostUpdate', line: 8, column: 9 }],
    },
  ],
});

ruleTester.run('postgres.js: no-transaction-on-pool', transactionOnPool, {
  valid: [
    {
      name: 'sql.begin with the callback parameter named sql, as the README writes it',
      code: `${db}
export async function transfer(from: number, to: number, amount: number) {
  await sql.begin(async (sql) => {
    await sql\`UPDATE accounts SET balance = balance - \${amount} WHERE id = \${from}\`;
    await sql\`UPDATE accounts SET balance = balance + \${amount} WHERE id = \${to}\`;
  });
}
`,
    },
    {
      name: 'BEGIN and COMMIT on a reserved connection',
      code: `${db}
export async function transfer(from: number, to: number, amount: number) {
  const reserved = await sql.reserve();
  try {
    await reserved\`BEGIN\`;
    await reserved\`UPDATE accounts SET balance = balance - \${amount} WHERE id = \${from}\`;
    await reserved\`UPDATE accounts SET balance = balance + \${amount} WHERE id = \${to}\`;
    await reserved\`COMMIT\`;
  } finally {
    reserved.release();
  }
}
`,
    },
    {
      name: 'the callback returns an array of queries on the transaction',
      code: `${db}
export async function transfer(from: number, to: number, amount: number) {
  await sql.begin((sql) => [
    sql\`UPDATE accounts SET balance = balance - \${amount} WHERE id = \${from}\`,
    sql\`UPDATE accounts SET balance = balance + \${amount} WHERE id = \${to}\`,
  ]);
}
`,
    },
    {
      name: 'a pool query after the transaction has finished',
      code: `${db}
export async function transfer(from: number, to: number, amount: number) {
  await sql.begin(async (tx) => {
    await tx\`UPDATE accounts SET balance = balance - \${amount} WHERE id = \${from}\`;
    await tx\`UPDATE accounts SET balance = balance + \${amount} WHERE id = \${to}\`;
  });
  await sql\`INSERT INTO audit_log (action) VALUES ('transfer')\`;
}
`,
    },
    {
      name: 'BEGIN; ...; COMMIT sent as one simple-protocol text',
      code: `${db}
export async function reset(id: number) {
  await sql.unsafe('BEGIN; DELETE FROM holds WHERE seat_id = 1; UPDATE seats SET held_by = NULL WHERE id = 1; COMMIT');
}
`,
    },
    {
      name: 'BEGIN on a parameter typed ReservedSql',
      code: `
import type { ReservedSql } from 'postgres';
export async function transfer(reserved: ReservedSql, from: number, amount: number) {
  await reserved\`BEGIN\`;
  await reserved\`UPDATE accounts SET balance = balance - \${amount} WHERE id = \${from}\`;
  await reserved\`COMMIT\`;
}
`,
    },
  ],
  invalid: [
    {
      name: 'BEGIN through the pool',
      code: `${db}
export async function transfer(from: number, to: number, amount: number) {
  await sql\`BEGIN\`;
  await sql\`UPDATE accounts SET balance = balance - \${amount} WHERE id = \${from}\`;
  await sql\`UPDATE accounts SET balance = balance + \${amount} WHERE id = \${to}\`;
  await sql\`COMMIT\`;
}
`,
      errors: [{ messageId: 'transactionOnPoolApi', line: 6, column: 9 }],
    },
    {
      name: 'BEGIN ISOLATION LEVEL SERIALIZABLE through sql.unsafe on the pool',
      code: `${db}
export async function transfer(from: number, amount: number) {
  await sql.unsafe('BEGIN ISOLATION LEVEL SERIALIZABLE');
  await sql\`UPDATE accounts SET balance = balance - \${amount} WHERE id = \${from}\`;
  await sql.unsafe('COMMIT');
}
`,
      errors: [{ messageId: 'transactionOnPoolApi', line: 6, column: 9 }],
    },
    {
      name: 'the pool used inside the sql.begin callback',
      code: `${db}
export async function buyTicket(concertId: string, userId: string) {
  await sql.begin(async (tx) => {
    await tx\`UPDATE concerts SET available_seats = available_seats - 1 WHERE concert_id = \${concertId}\`;
    await sql\`INSERT INTO tickets (concert_id, user_id) VALUES (\${concertId}, \${userId})\`;
  });
}
`,
      errors: [{ messageId: 'queryOutsideTransaction', line: 8, column: 11 }],
    },
    {
      name: 'the pool used inside a savepoint callback',
      code: `${db}
export async function buyTicket(concertId: string, userId: string) {
  await sql.begin(async (tx) => {
    await tx.savepoint(async (sp) => {
      await sp\`UPDATE concerts SET available_seats = available_seats - 1 WHERE concert_id = \${concertId}\`;
      await sql\`INSERT INTO tickets (concert_id, user_id) VALUES (\${concertId}, \${userId})\`;
    });
  });
}
`,
      errors: [{ messageId: 'queryOutsideTransaction', line: 9, column: 13 }],
    },
  ],
});

ruleTester.run('postgres.js: no-lock-outside-transaction', lockOutsideTransaction, {
  valid: [
    {
      name: 'FOR UPDATE inside sql.begin',
      code: `${db}
export async function takeJob(jobId: number) {
  return sql.begin(async (sql) => {
    const [job] = await sql\`SELECT * FROM jobs WHERE id = \${jobId} FOR UPDATE\`;
    await sql\`UPDATE jobs SET status = 'running' WHERE id = \${job.id}\`;
  });
}
`,
    },
    {
      name: 'FOR UPDATE inside a savepoint',
      code: `${db}
export async function takeJob(jobId: number) {
  return sql.begin(async (sql) => {
    await sql.savepoint(async (sp) => {
      const [job] = await sp\`SELECT * FROM jobs WHERE id = \${jobId} FOR UPDATE\`;
      await sp\`UPDATE jobs SET status = 'running' WHERE id = \${job.id}\`;
    });
  });
}
`,
    },
    {
      name: 'FOR UPDATE after BEGIN on a reserved connection',
      code: `${db}
export async function takeJob(jobId: number) {
  const reserved = await sql.reserve();
  await reserved\`BEGIN\`;
  const [job] = await reserved\`SELECT * FROM jobs WHERE id = \${jobId} FOR UPDATE\`;
  await reserved\`UPDATE jobs SET status = 'running' WHERE id = \${job.id}\`;
  await reserved\`COMMIT\`;
  reserved.release();
}
`,
    },
    {
      name: 'a parameter typed TransactionSql',
      code: `
import type { TransactionSql } from 'postgres';
export async function lockJob(tx: TransactionSql, jobId: number) {
  const [job] = await tx\`SELECT * FROM jobs WHERE id = \${jobId} FOR UPDATE SKIP LOCKED\`;
  return job;
}
`,
    },
    {
      name: 'a lock fragment kept in a variable, used inside sql.begin',
      code: `${db}
const lock = sql\`FOR UPDATE SKIP LOCKED\`;
export async function takeJob() {
  return sql.begin(async (sql) => {
    const [job] = await sql\`SELECT * FROM jobs WHERE status = 'queued' LIMIT 1 \${lock}\`;
    return job;
  });
}
`,
    },
  ],
  invalid: [
    {
      name: 'FOR UPDATE through the pool',
      code: `${db}
export async function takeJob(jobId: number) {
  const [job] = await sql\`SELECT * FROM jobs WHERE id = \${jobId} FOR UPDATE\`;
  return job;
}
`,
      errors: [{ messageId: 'lockOutsideTransaction', line: 6, column: 23 }],
    },
    {
      name: 'FOR SHARE through sql.unsafe on the pool',
      code: `${db}
export async function readJob(jobId: number) {
  return sql.unsafe('SELECT * FROM jobs WHERE id = $1 FOR SHARE', [jobId]);
}
`,
      errors: [{ messageId: 'lockOutsideTransaction', line: 6, column: 10 }],
    },
    {
      name: 'the lock comes from a nested fragment, on the pool',
      code: `${db}
export async function nextJob() {
  const [job] = await sql\`SELECT * FROM jobs WHERE status = 'queued' LIMIT 1 \${sql\`FOR UPDATE SKIP LOCKED\`}\`;
  return job;
}
`,
      errors: [{ messageId: 'lockOutsideTransaction', line: 6, column: 23 }],
    },
    {
      name: 'a reserved connection without BEGIN',
      code: `${db}
export async function takeJob(jobId: number) {
  const reserved = await sql.reserve();
  const [job] = await reserved\`SELECT * FROM jobs WHERE id = \${jobId} FOR UPDATE\`;
  reserved.release();
  return job;
}
`,
      errors: [{ messageId: 'lockOutsideTransaction', line: 7, column: 23 }],
    },
  ],
});
