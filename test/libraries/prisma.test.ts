/**
 * The six rules on Prisma raw queries: ``$queryRaw`...` ``, ``$executeRaw`...` `` (returns the
 * affected count), `$queryRawUnsafe` / `$executeRawUnsafe` with `$1`, `Prisma.sql` fragments, the
 * interactive `$transaction(async (tx) => ...)` with its isolation option, and the array form,
 * written the way Prisma's documentation writes them.
 */
import checkThenAct from '../../rules/no-check-then-act.js';
import decoupledInsert from '../../rules/no-decoupled-insert.js';
import ignoredRowcount from '../../rules/no-ignored-rowcount.js';
import lockOutsideTransaction from '../../rules/no-lock-outside-transaction.js';
import lostUpdate from '../../rules/no-lost-update.js';
import transactionOnPool from '../../rules/no-transaction-on-pool.js';
import { withForUpdate } from '../helpers/for-update.js';
import { ruleTester } from '../helpers/rule-tester.js';

// Lines 2-3 of every case: the client, as Prisma's docs create it.
const client = `
import { Prisma, PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
`;

const seatCheck = `${client}
export async function buyTicket(concertId: string) {
  await prisma.$transaction(async (tx) => {
    const [concert] = await tx.$queryRaw<{ available_seats: number }[]>\`SELECT available_seats FROM concerts WHERE concert_id = \${concertId} AND NOT cancelled\`;
    if (concert.available_seats < 1) throw new Error('Sold out');
    await tx.$executeRaw\`UPDATE concerts SET available_seats = available_seats - 1 WHERE concert_id = \${concertId}\`;
  });
}
`;

ruleTester.run('prisma: no-check-then-act', checkThenAct, {
  valid: [
    {
      name: 'FOR UPDATE inside the interactive transaction',
      code: `${client}
export async function buyTicket(concertId: string) {
  await prisma.$transaction(async (tx) => {
    const [concert] = await tx.$queryRaw<{ available_seats: number }[]>\`SELECT available_seats FROM concerts WHERE concert_id = \${concertId} FOR UPDATE\`;
    if (concert.available_seats < 1) throw new Error('Sold out');
    await tx.$executeRaw\`UPDATE concerts SET available_seats = available_seats - 1 WHERE concert_id = \${concertId}\`;
  });
}
`,
    },
    {
      name: 'isolationLevel: Prisma.TransactionIsolationLevel.Serializable',
      code: `${client}
export async function buyTicket(concertId: string) {
  await prisma.$transaction(
    async (tx) => {
      const [concert] = await tx.$queryRaw<{ available_seats: number }[]>\`SELECT available_seats FROM concerts WHERE concert_id = \${concertId}\`;
      if (concert.available_seats < 1) throw new Error('Sold out');
      await tx.$executeRaw\`UPDATE concerts SET available_seats = available_seats - 1 WHERE concert_id = \${concertId}\`;
    },
    { isolationLevel: Prisma.TransactionIsolationLevel.Serializable },
  );
}
`,
    },
    {
      name: "isolationLevel: 'Serializable' as a string",
      code: `${client}
export async function withdraw(id: number, amount: number) {
  await prisma.$transaction(async (tx) => {
    const [account] = await tx.$queryRaw<{ balance: number }[]>\`SELECT balance FROM accounts WHERE id = \${id}\`;
    if (account.balance < amount) throw new Error('Insufficient funds');
    await tx.$executeRaw\`UPDATE accounts SET balance = balance - \${amount} WHERE id = \${id}\`;
  }, { isolationLevel: 'Serializable', maxWait: 5000, timeout: 10000 });
}
`,
    },
    {
      name: 'the write re-tests the condition and the returned count is checked',
      code: `${client}
export async function withdraw(id: number, amount: number) {
  const [account] = await prisma.$queryRaw<{ balance: number }[]>\`SELECT balance FROM accounts WHERE id = \${id}\`;
  if (account.balance < amount) return false;
  const count = await prisma.$executeRaw\`UPDATE accounts SET balance = balance - \${amount} WHERE id = \${id} AND balance >= \${amount}\`;
  return count === 1;
}
`,
    },
    {
      name: 'INSERT ... ON CONFLICT DO NOTHING behind the existence check',
      code: `${client}
export async function register(email: string) {
  const existing = await prisma.$queryRaw<unknown[]>\`SELECT 1 FROM users WHERE email = \${email}\`;
  if (existing.length > 0) return false;
  const inserted = await prisma.$executeRaw\`INSERT INTO users (email) VALUES (\${email}) ON CONFLICT (email) DO NOTHING\`;
  return inserted === 1;
}
`,
    },
  ],
  invalid: [
    {
      name: 'the model API: a stale check before an unguarded decrement',
      code: `${client}
export async function buyTicket(concertId: string) {
  const concert = await prisma.concert.findUniqueOrThrow({ where: { concertId } });
  if (concert.availableSeats < 1) throw new Error('Sold out');
  await prisma.concert.update({ where: { concertId }, data: { availableSeats: { decrement: 1 } } });
}
`,
      errors: [{ messageId: 'checkThenActModel', line: 6, column: 25 }],
    },
    {
      name: 'read, test, write inside $transaction at READ COMMITTED',
      code: seatCheck,
      errors: [
        {
          messageId: 'checkThenAct',
          line: 7,
          column: 29,
          suggestions: [{ messageId: 'addForUpdate', output: withForUpdate(seatCheck, 'AND NOT cancelled') }],
        },
      ],
    },
    {
      name: '$queryRawUnsafe and $executeRawUnsafe on the client',
      code: `${client}
export async function markPaid(orderId: number) {
  const [order] = await prisma.$queryRawUnsafe<{ status: string }[]>('SELECT status FROM orders WHERE id = $1', orderId);
  if (order.status !== 'pending') throw new Error('Not pending');
  await prisma.$executeRawUnsafe("UPDATE orders SET status = 'paid' WHERE id = $1", orderId);
}
`,
      errors: [{ messageId: 'checkThenAct', line: 6, column: 25 }],
    },
    {
      name: 'an existence check before an INSERT, built with Prisma.sql',
      code: `${client}
export async function register(email: string) {
  const query = Prisma.sql\`SELECT 1 FROM users WHERE email = \${email}\`;
  const existing = await prisma.$queryRaw<unknown[]>(query);
  if (existing.length > 0) throw new Error('Taken');
  await prisma.$executeRaw\`INSERT INTO users (email) VALUES (\${email})\`;
}
`,
      errors: [{ messageId: 'checkThenInsert', line: 7, column: 26 }],
    },
  ],
});

ruleTester.run('prisma: no-decoupled-insert', decoupledInsert, {
  valid: [
    {
      name: "the seeds' fix in one $executeRaw",
      code: `${client}
export async function buyTicket(concertId: string, userId: string) {
  const count = await prisma.$executeRaw\`
    WITH reserved AS (
      UPDATE concerts SET available_seats = available_seats - 1
       WHERE concert_id = \${concertId} AND available_seats > 0
      RETURNING concert_id
    )
    INSERT INTO tickets (concert_id, user_id) SELECT concert_id, \${userId} FROM reserved\`;
  return { ok: count === 1 };
}
`,
    },
    {
      name: 'the number $executeRaw returns is checked before the INSERT',
      code: `${client}
export async function buyTicket(concertId: string, userId: string) {
  await prisma.$transaction(async (tx) => {
    const reserved = await tx.$executeRaw\`UPDATE concerts SET available_seats = available_seats - 1 WHERE concert_id = \${concertId} AND available_seats > 0\`;
    if (reserved !== 1) throw new Error('Sold out');
    await tx.$executeRaw\`INSERT INTO tickets (concert_id, user_id) VALUES (\${concertId}, \${userId})\`;
  });
}
`,
    },
    {
      name: 'RETURNING rows from $queryRaw tested before the INSERT',
      code: `${client}
export async function buyTicket(concertId: string, userId: string) {
  await prisma.$transaction(async (tx) => {
    const rows = await tx.$queryRaw<unknown[]>\`UPDATE concerts SET available_seats = available_seats - 1 WHERE concert_id = \${concertId} AND available_seats > 0 RETURNING concert_id\`;
    if (rows.length === 0) throw new Error('Sold out');
    await tx.$executeRaw\`INSERT INTO tickets (concert_id, user_id) VALUES (\${concertId}, \${userId})\`;
  });
}
`,
    },
    {
      name: 'an UPDATE by key alone in the array form',
      code: `${client}
export async function logVisit(pageId: number) {
  await prisma.$transaction([
    prisma.$executeRaw\`UPDATE pages SET visits = visits + 1 WHERE id = \${pageId}\`,
    prisma.$executeRaw\`INSERT INTO visits (page_id) VALUES (\${pageId})\`,
  ]);
}
`,
    },
    {
      name: 'the count of the last query of the array form is read afterwards',
      code: `${client}
export async function cancel(orderId: number) {
  const [, cancelled] = await prisma.$transaction([
    prisma.$executeRaw\`INSERT INTO audit_log (event) VALUES ('cancel')\`,
    prisma.$executeRaw\`UPDATE orders SET status = 'cancelled' WHERE id = \${orderId} AND status = 'pending'\`,
  ]);
  return cancelled === 1;
}
`,
    },
  ],
  invalid: [
    {
      name: "the seeds' broken purchase in an interactive transaction",
      code: `${client}
export async function buyTicket(concertId: string, userId: string) {
  await prisma.$transaction(async (tx) => {
    await tx.$executeRaw\`UPDATE concerts SET available_seats = available_seats - 1 WHERE concert_id = \${concertId} AND available_seats > 0\`;
    await tx.$executeRaw\`INSERT INTO tickets (concert_id, user_id) VALUES (\${concertId}, \${userId})\`;
  });
}
`,
      errors: [{ messageId: 'decoupledWrite', line: 7, column: 11 }],
    },
    {
      name: 'the array form: no count can be tested before the INSERT runs',
      code: `${client}
export async function buyTicket(concertId: string, userId: string) {
  const [reserved] = await prisma.$transaction([
    prisma.$executeRaw\`UPDATE concerts SET available_seats = available_seats - 1 WHERE concert_id = \${concertId} AND available_seats > 0\`,
    prisma.$executeRaw\`INSERT INTO tickets (concert_id, user_id) VALUES (\${concertId}, \${userId})\`,
  ]);
  return { ok: reserved === 1 };
}
`,
      errors: [{ messageId: 'decoupledWrite', line: 7, column: 5 }],
    },
    {
      name: '$executeRawUnsafe with a data-modifying CTE the INSERT does not read',
      code: `${client}
export async function buyTicket(concertId: string, userId: string) {
  await prisma.$executeRawUnsafe(
    \`WITH reserved AS (
       UPDATE concerts SET available_seats = available_seats - 1 WHERE concert_id = $1 AND available_seats > 0
     )
     INSERT INTO tickets (concert_id, user_id) VALUES ($1, $2)\`,
    concertId,
    userId,
  );
}
`,
      errors: [{ messageId: 'decoupledCte', line: 6, column: 9 }],
    },
  ],
});

ruleTester.run('prisma: no-ignored-rowcount', ignoredRowcount, {
  valid: [
    {
      name: 'the number $executeRaw returns is tested',
      code: `${client}
export async function withdraw(id: number, amount: number) {
  const count = await prisma.$executeRaw\`UPDATE accounts SET balance = balance - \${amount} WHERE id = \${id} AND balance >= \${amount}\`;
  if (count === 0) throw new Error('Insufficient funds');
}
`,
    },
    {
      name: 'the count is returned',
      code: `${client}
export function withdraw(id: number, amount: number) {
  return prisma.$executeRaw\`UPDATE accounts SET balance = balance - \${amount} WHERE id = \${id} AND balance >= \${amount}\`;
}
`,
    },
    {
      name: '$executeRawUnsafe count tested',
      code: `${client}
export async function claim(couponId: number, userId: number) {
  const claimed = await prisma.$executeRawUnsafe('UPDATE coupons SET user_id = $1 WHERE id = $2 AND user_id IS NULL', userId, couponId);
  return claimed > 0;
}
`,
    },
    {
      name: 'an UPDATE by key alone',
      code: `${client}
export async function rename(id: number, name: string) {
  await prisma.$executeRaw\`UPDATE users SET name = \${name} WHERE id = \${id}\`;
}
`,
    },
    {
      name: 'a parameter typed Prisma.TransactionClient returns its count',
      code: `${client}
export async function cancel(tx: Prisma.TransactionClient, orderId: number) {
  const cancelled = await tx.$executeRaw\`DELETE FROM orders WHERE id = \${orderId} AND status = 'pending'\`;
  return cancelled === 1;
}
`,
    },
  ],
  invalid: [
    {
      name: 'the count of a guarded UPDATE is dropped',
      code: `${client}
export async function withdraw(id: number, amount: number) {
  await prisma.$executeRaw\`UPDATE accounts SET balance = balance - \${amount} WHERE id = \${id} AND balance >= \${amount}\`;
  return { ok: true };
}
`,
      errors: [{ messageId: 'ignoredRowCount', line: 6, column: 9 }],
    },
    {
      name: 'a guarded DELETE in an interactive transaction',
      code: `${client}
export async function cancel(orderId: number) {
  await prisma.$transaction(async (tx) => {
    await tx.$executeRaw\`DELETE FROM orders WHERE id = \${orderId} AND status = 'pending'\`;
  });
}
`,
      errors: [{ messageId: 'ignoredRowCount', line: 7, column: 11 }],
    },
    {
      name: '$executeRaw called with Prisma.sql and a Prisma.raw column',
      code: `${client}
export async function claim(couponId: number, userId: number) {
  await prisma.$executeRaw(Prisma.sql\`UPDATE coupons SET \${Prisma.raw('user_id')} = \${userId} WHERE id = \${couponId} AND user_id IS NULL\`);
}
`,
      errors: [{ messageId: 'ignoredRowCount', line: 6, column: 9 }],
    },
  ],
});

ruleTester.run('prisma: no-lost-update', lostUpdate, {
  valid: [
    {
      name: 'relative UPDATE',
      code: `${client}
export async function deposit(id: number, amount: number) {
  await prisma.$executeRaw\`UPDATE accounts SET balance = balance + \${amount} WHERE id = \${id}\`;
}
`,
    },
    {
      name: 'FOR UPDATE in the interactive transaction',
      code: `${client}
export async function deposit(id: number, amount: number) {
  await prisma.$transaction(async (tx) => {
    const [account] = await tx.$queryRaw<{ balance: number }[]>\`SELECT balance FROM accounts WHERE id = \${id} FOR UPDATE\`;
    await tx.$executeRaw\`UPDATE accounts SET balance = \${account.balance + amount} WHERE id = \${id}\`;
  });
}
`,
    },
    {
      name: 'a version check in the WHERE',
      code: `${client}
export async function deposit(id: number, amount: number) {
  const [account] = await prisma.$queryRaw<{ balance: number; version: number }[]>\`SELECT balance, version FROM accounts WHERE id = \${id}\`;
  const count = await prisma.$executeRaw\`UPDATE accounts SET balance = \${account.balance + amount}, version = version + 1 WHERE id = \${id} AND version = \${account.version}\`;
  return count === 1;
}
`,
    },
    {
      name: 'Serializable interactive transaction',
      code: `${client}
export async function deposit(id: number, amount: number) {
  await prisma.$transaction(async (tx) => {
    const [account] = await tx.$queryRaw<{ balance: number }[]>\`SELECT balance FROM accounts WHERE id = \${id}\`;
    await tx.$executeRaw\`UPDATE accounts SET balance = \${account.balance + amount} WHERE id = \${id}\`;
  }, { isolationLevel: Prisma.TransactionIsolationLevel.Serializable });
}
`,
    },
    {
      name: 'RepeatableRead interactive transaction',
      code: `${client}
export async function deposit(id: number, amount: number) {
  await prisma.$transaction(async (tx) => {
    const [account] = await tx.$queryRaw<{ balance: number }[]>\`SELECT balance FROM accounts WHERE id = \${id}\`;
    await tx.$executeRaw\`UPDATE accounts SET balance = \${account.balance + amount} WHERE id = \${id}\`;
  }, { isolationLevel: Prisma.TransactionIsolationLevel.RepeatableRead });
}
`,
    },
  ],
  invalid: [
    {
      name: 'read, add in JavaScript, write back',
      code: `${client}
export async function deposit(id: number, amount: number) {
  const [account] = await prisma.$queryRaw<{ balance: number }[]>\`SELECT balance FROM accounts WHERE id = \${id}\`;
  const balance = account.balance + amount;
  await prisma.$executeRaw\`UPDATE accounts SET balance = \${balance} WHERE id = \${id}\`;
}
`,
      errors: [{ messageId: 'lostUpdate', line: 8, column: 9 }],
    },
    {
      name: 'inside the interactive transaction at READ COMMITTED',
      code: `${client}
export async function deposit(id: number, amount: number) {
  await prisma.$transaction(async (tx) => {
    const [account] = await tx.$queryRaw<{ balance: number }[]>\`SELECT balance FROM accounts WHERE id = \${id}\`;
    await tx.$executeRaw\`UPDATE accounts SET balance = \${account.balance + amount} WHERE id = \${id}\`;
  });
}
`,
      errors: [{ messageId: 'lostUpdate', line: 8, column: 11 }],
    },
    {
      name: '$executeRawUnsafe with the new value as a positional argument',
      code: `${client}
export async function deposit(id: number, amount: number) {
  const rows = await prisma.$queryRawUnsafe<{ balance: number }[]>('SELECT balance FROM accounts WHERE id = $1', id);
  await prisma.$executeRawUnsafe('UPDATE accounts SET balance = $1 WHERE id = $2', rows[0].balance + amount, id);
}
`,
      errors: [{ messageId: 'lostUpdate', line: 7, column: 9 }],
    },
  ],
});

ruleTester.run('prisma: no-transaction-on-pool', transactionOnPool, {
  valid: [
    {
      name: 'every query on tx',
      code: `${client}
export async function transfer(from: number, to: number, amount: number) {
  await prisma.$transaction(async (tx) => {
    await tx.$executeRaw\`UPDATE accounts SET balance = balance - \${amount} WHERE id = \${from}\`;
    await tx.$executeRaw\`UPDATE accounts SET balance = balance + \${amount} WHERE id = \${to}\`;
  });
}
`,
    },
    {
      name: 'the array form runs its queries in one transaction',
      code: `${client}
export async function transfer(from: number, to: number, amount: number) {
  await prisma.$transaction([
    prisma.$executeRaw\`UPDATE accounts SET balance = balance - \${amount} WHERE id = \${from}\`,
    prisma.$executeRaw\`UPDATE accounts SET balance = balance + \${amount} WHERE id = \${to}\`,
  ]);
}
`,
    },
    {
      name: 'a parameter typed Prisma.TransactionClient',
      code: `${client}
export async function debit(tx: Prisma.TransactionClient, id: number, amount: number) {
  await tx.$executeRaw\`UPDATE accounts SET balance = balance - \${amount} WHERE id = \${id}\`;
}
`,
    },
    {
      name: 'a query after the callback may use the client',
      code: `${client}
export async function transfer(from: number, amount: number) {
  await prisma.$transaction(async (tx) => {
    await tx.$executeRaw\`UPDATE accounts SET balance = balance - \${amount} WHERE id = \${from}\`;
  });
  await prisma.$executeRaw\`INSERT INTO audit_log (event) VALUES ('transfer')\`;
}
`,
    },
    {
      name: 'an extended client used through tx',
      code: `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient().$extends({});
export async function transfer(from: number, amount: number) {
  await prisma.$transaction(async (tx) => {
    await tx.$executeRaw\`UPDATE accounts SET balance = balance - \${amount} WHERE id = \${from}\`;
  });
}
`,
    },
  ],
  invalid: [
    {
      name: 'BEGIN through the client',
      code: `${client}
export async function transfer(from: number, amount: number) {
  await prisma.$executeRaw\`BEGIN\`;
  await prisma.$executeRaw\`UPDATE accounts SET balance = balance - \${amount} WHERE id = \${from}\`;
  await prisma.$executeRaw\`COMMIT\`;
}
`,
      errors: [{ messageId: 'transactionOnPoolApi', line: 6, column: 9 }],
    },
    {
      name: 'START TRANSACTION through $executeRawUnsafe',
      code: `${client}
export async function transfer(from: number, amount: number) {
  await prisma.$executeRawUnsafe('START TRANSACTION ISOLATION LEVEL SERIALIZABLE');
  await prisma.$executeRawUnsafe('UPDATE accounts SET balance = balance - $1 WHERE id = $2', amount, from);
}
`,
      errors: [{ messageId: 'transactionOnPoolApi', line: 6, column: 9 }],
    },
    {
      name: 'a query through prisma inside $transaction',
      code: `${client}
export async function transfer(from: number, to: number, amount: number) {
  await prisma.$transaction(async (tx) => {
    await tx.$executeRaw\`UPDATE accounts SET balance = balance - \${amount} WHERE id = \${from}\`;
    await prisma.$executeRaw\`UPDATE accounts SET balance = balance + \${amount} WHERE id = \${to}\`;
  });
}
`,
      errors: [{ messageId: 'queryOutsideTransaction', line: 8, column: 11 }],
    },
  ],
});

ruleTester.run('prisma: no-lock-outside-transaction', lockOutsideTransaction, {
  valid: [
    {
      name: 'FOR UPDATE in the interactive transaction',
      code: `${client}
export async function lock(id: number) {
  await prisma.$transaction(async (tx) => {
    await tx.$queryRaw\`SELECT balance FROM accounts WHERE id = \${id} FOR UPDATE\`;
  });
}
`,
    },
    {
      name: 'FOR UPDATE as the first query of the array form, which is one transaction',
      code: `${client}
export async function withdraw(id: number, amount: number) {
  await prisma.$transaction([
    prisma.$queryRaw\`SELECT balance FROM accounts WHERE id = \${id} FOR UPDATE\`,
    prisma.$executeRaw\`UPDATE accounts SET balance = balance - \${amount} WHERE id = \${id}\`,
  ]);
}
`,
    },
    {
      name: 'a parameter typed Prisma.TransactionClient',
      code: `${client}
export function lock(tx: Prisma.TransactionClient, id: number) {
  return tx.$queryRaw\`SELECT balance FROM accounts WHERE id = \${id} FOR UPDATE\`;
}
`,
    },
    {
      name: 'FOR SHARE in a Serializable transaction through $queryRawUnsafe',
      code: `${client}
export async function lock(id: number) {
  await prisma.$transaction(async (tx) => {
    await tx.$queryRawUnsafe('SELECT 1 FROM accounts WHERE id = $1 FOR SHARE', id);
  }, { isolationLevel: 'Serializable' });
}
`,
    },
    {
      name: 'a plain SELECT through the client',
      code: `${client}
export function balance(id: number) {
  return prisma.$queryRaw\`SELECT balance FROM accounts WHERE id = \${id}\`;
}
`,
    },
  ],
  invalid: [
    {
      name: 'FOR UPDATE through the client',
      code: `${client}
export async function lock(id: number) {
  const [account] = await prisma.$queryRaw<{ balance: number }[]>\`SELECT balance FROM accounts WHERE id = \${id} FOR UPDATE\`;
  return account;
}
`,
      errors: [{ messageId: 'lockOutsideTransaction', line: 6, column: 27 }],
    },
    {
      name: 'FOR UPDATE through prisma inside $transaction',
      code: `${client}
export async function lock(id: number) {
  await prisma.$transaction(async (tx) => {
    await prisma.$queryRaw\`SELECT balance FROM accounts WHERE id = \${id} FOR UPDATE\`;
    await tx.$executeRaw\`UPDATE accounts SET touched_at = now() WHERE id = \${id}\`;
  });
}
`,
      errors: [{ messageId: 'lockOutsideTransaction', line: 7, column: 11 }],
    },
    {
      name: 'FOR UPDATE through $queryRawUnsafe on the client',
      code: `${client}
export function lock(id: number) {
  return prisma.$queryRawUnsafe('SELECT balance FROM accounts WHERE id = $1 FOR UPDATE', id);
}
`,
      errors: [{ messageId: 'lockOutsideTransaction', line: 6, column: 10 }],
    },
  ],
});
