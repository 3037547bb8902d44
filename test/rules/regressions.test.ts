/**
 * Cases the analysis once got wrong, kept so they stay right: protection must hold from the read to
 * the write, PostgreSQL ignores SET TRANSACTION outside a transaction, only self-conflicting LOCK TABLE
 * modes serialize, a `.then(() => ...)` drops the result, and a consumed CTE's guard re-checks.
 */
import checkThenAct from '../../rules/no-check-then-act.js';
import ignoredRowcount from '../../rules/no-ignored-rowcount.js';
import lockOutsideTransaction from '../../rules/no-lock-outside-transaction.js';
import lostUpdate from '../../rules/no-lost-update.js';
import transactionOnPool from '../../rules/no-transaction-on-pool.js';
import { ruleTester } from '../helpers/rule-tester.js';

const header = "import { Pool } from 'pg';\nconst pool = new Pool();\n";

const buyWith = (prelude: string, afterRead = '') => `${header}
export async function buyTicket(concertId: string) {
  const client = await pool.connect();
  try {
${prelude}
    const { rows } = await client.query('SELECT available_seats FROM concerts WHERE concert_id = $1', [concertId]);
${afterRead}
    if (rows[0].available_seats < 1) throw new Error('Sold out');
    await client.query('UPDATE concerts SET available_seats = available_seats - 1 WHERE concert_id = $1', [concertId]);
    await client.query('COMMIT');
  } finally {
    client.release();
  }
}`;

const forUpdate = (code: string) =>
  code.replace("WHERE concert_id = $1', [concertId]);\n", "WHERE concert_id = $1 FOR UPDATE', [concertId]);\n");

ruleTester.run('no-check-then-act', checkThenAct, {
  valid: [
    {
      name: 'a read before the CTE-coupled write: the CTE re-checks the column the read returned',
      code: `${header}
export async function buyTicket(userId: string, concertId: string, seat: string) {
  const { rows } = await pool.query('SELECT available_seats FROM concerts WHERE concert_id = $1', [concertId]);
  if (rows[0].available_seats < 1) throw new Error('Sold out');
  const { rowCount } = await pool.query(
    \`WITH reserved AS (
       UPDATE concerts SET available_seats = available_seats - 1
       WHERE concert_id = $2 AND available_seats > 0 RETURNING concert_id
     )
     INSERT INTO tickets (user_id, concert_id, seat_number) SELECT $1, concert_id, $3 FROM reserved\`,
    [userId, concertId, seat],
  );
  return rowCount === 1;
}`,
    },
    {
      name: 'SET SESSION CHARACTERISTICS applies to the transactions begun after it',
      code: buyWith(
        "    await client.query('SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL SERIALIZABLE');\n    await client.query('BEGIN');",
      ),
    },
    {
      name: 'LOCK TABLE in EXCLUSIVE mode serializes the transactions',
      code: buyWith("    await client.query('BEGIN');\n    await client.query('LOCK TABLE concerts IN EXCLUSIVE MODE');"),
    },
  ],
  invalid: [
    {
      name: 'the row lock ends with the COMMIT before the write',
      code: buyWith("    await client.query('BEGIN');", "    await client.query('COMMIT');").replace(
        "concert_id = $1', [concertId]);\n",
        "concert_id = $1 FOR UPDATE', [concertId]);\n",
      ),
      errors: [{ messageId: 'checkThenAct', line: 8, column: 28, suggestions: [] }],
    },
    {
      name: 'the session advisory lock is released before the write',
      code: buyWith(
        "    await client.query('SELECT pg_advisory_lock(hashtext($1))', [concertId]);",
        "    await client.query('SELECT pg_advisory_unlock(hashtext($1))', [concertId]);",
      ),
      errors: [{ messageId: 'checkThenAct', line: 8, column: 28 }],
    },
    {
      name: 'SET TRANSACTION before BEGIN is ignored by PostgreSQL: the transaction is READ COMMITTED',
      code: buyWith("    await client.query('SET TRANSACTION ISOLATION LEVEL SERIALIZABLE');\n    await client.query('BEGIN');"),
      errors: [
        {
          messageId: 'checkThenAct',
          line: 9,
          column: 28,
          suggestions: [
            {
              messageId: 'addForUpdate',
              output: forUpdate(
                buyWith("    await client.query('SET TRANSACTION ISOLATION LEVEL SERIALIZABLE');\n    await client.query('BEGIN');"),
              ),
            },
          ],
        },
      ],
    },
    {
      name: 'INSERT ... WHERE NOT EXISTS after the check races the same way: both see no row',
      code: `${header}
export async function book(slotId: number, userId: number) {
  const existing = await pool.query('SELECT 1 FROM bookings WHERE slot_id = $1', [slotId]);
  if (existing.rowCount !== 0) throw new Error('Slot taken');
  await pool.query('INSERT INTO bookings (slot_id, user_id) SELECT $1, $2 WHERE NOT EXISTS (SELECT 1 FROM bookings WHERE slot_id = $1)', [slotId, userId]);
}`,
      errors: [{ messageId: 'checkThenInsert', line: 5, column: 26, suggestions: [] }],
    },
    {
      name: 'LOCK TABLE in ACCESS SHARE mode does not conflict with itself',
      code: buyWith("    await client.query('BEGIN');\n    await client.query('LOCK TABLE concerts IN ACCESS SHARE MODE');"),
      errors: [
        {
          messageId: 'checkThenAct',
          line: 9,
          column: 28,
          suggestions: [
            {
              messageId: 'addForUpdate',
              output: forUpdate(
                buyWith("    await client.query('BEGIN');\n    await client.query('LOCK TABLE concerts IN ACCESS SHARE MODE');"),
              ),
            },
          ],
        },
      ],
    },
  ],
});

ruleTester.run('no-lost-update', lostUpdate, {
  valid: [],
  invalid: [
    {
      name: 'the row lock ends with the COMMIT before the write-back',
      code: `${header}
export async function deposit(accountId: number, amount: number) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const { rows } = await client.query('SELECT balance FROM account WHERE account_id = $1 FOR UPDATE', [accountId]);
    await client.query('COMMIT');
    await client.query('BEGIN');
    await client.query('UPDATE account SET balance = $1 WHERE account_id = $2', [rows[0].balance + amount, accountId]);
    await client.query('COMMIT');
  } finally {
    client.release();
  }
}`,
      errors: [{ messageId: 'lostUpdate', line: 11, column: 11 }],
    },
  ],
});

ruleTester.run('no-ignored-rowcount', ignoredRowcount, {
  valid: [],
  invalid: [
    {
      name: 'a .then(() => ...) callback drops the result',
      code: `${header}
export function claimJob(jobId: number, workerId: string) {
  return pool
    .query("UPDATE jobs SET worker_id = $1, status = 'running' WHERE id = $2 AND status = 'pending'", [workerId, jobId])
    .then(() => ({ claimed: true }));
}`,
      errors: [{ messageId: 'ignoredRowCount', line: 5, column: 10 }],
    },
  ],
});

ruleTester.run('no-lock-outside-transaction', lockOutsideTransaction, {
  valid: [
    {
      name: 'a row lock inside the transaction callback of pg-promise',
      code: `import pgPromise from 'pg-promise';
const db = pgPromise()('postgres://localhost/app');
export function claim(id: number) {
  return db.tx(async (t) => t.one('SELECT * FROM jobs WHERE id = $1 FOR UPDATE', [id]));
}`,
    },
  ],
  invalid: [
    {
      name: 'a connection the library lends to a task callback starts outside any transaction',
      code: `import pgPromise from 'pg-promise';
const db = pgPromise()('postgres://localhost/app');
export function claim(id: number) {
  return db.task(async (t) => t.one('SELECT * FROM jobs WHERE id = $1 FOR UPDATE', [id]));
}`,
      errors: [{ messageId: 'lockOutsideTransaction', line: 4, column: 31 }],
    },
  ],
});

ruleTester.run('no-transaction-on-pool', transactionOnPool, {
  valid: [],
  invalid: [
    {
      name: "the message names the library's own transaction API, not pool.connect()",
      code: `import knex from 'knex';
const db = knex({ client: 'pg' });
export async function pay(id: number) {
  await db.raw('BEGIN');
  await db.raw('UPDATE invoices SET paid = true WHERE id = ?', [id]);
  await db.raw('COMMIT');
}`,
      errors: [
        {
          messageId: 'transactionOnPoolApi',
          line: 4,
          column: 9,
          data: { statement: 'BEGIN', pool: 'db', api: '`knex.transaction(async (trx) => ...)` and send every statement through `trx`' },
        },
      ],
    },
  ],
});
