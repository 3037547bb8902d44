import rule from '../../rules/no-check-then-act.js';
import { pgAdvice } from '../helpers/advice.js';
import { withForUpdate } from '../helpers/for-update.js';
import { ruleTester } from '../helpers/rule-tester.js';
import { absoluteWriteBack, skipLockedQueueClaim } from '../helpers/snippets.js';

// The first seed's scenario: the seat count is read, tested in JavaScript, then decremented.
/** A count reset only while above zero; each case adds another writer of the column. */
const RESET_WHILE_ABOVE_ZERO = `
import { Pool } from 'pg';
const pool = new Pool();

export async function delivered(webhookId: string) {
  const { rows } = await pool.query('SELECT consecutive_failures FROM webhooks WHERE id = $1', [webhookId]);
  if (rows[0].consecutive_failures > 0) {
    await pool.query('UPDATE webhooks SET consecutive_failures = 0 WHERE id = $1', [webhookId]);
  }
}
`;

const seedCheckThenAct = `
import { Pool } from 'pg';
const pool = new Pool();

export async function buyTicket(userId: string, concertId: string) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const { rows } = await client.query('SELECT available_seats FROM concerts WHERE concert_id = $1', [concertId]);
    if (rows[0].available_seats < 1) {
      throw new Error('Sold out');
    }
    await client.query('UPDATE concerts SET available_seats = available_seats - 1 WHERE concert_id = $1', [concertId]);
    await client.query('INSERT INTO tickets (user_id, concert_id) VALUES ($1, $2)', [userId, concertId]);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
}
`;

const withdrawInTransaction = `
import { Pool } from 'pg';
const pool = new Pool();

export async function withdraw(accountId: number, amount: number) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const r = await client.query('SELECT balance FROM account WHERE account_id = $1', [accountId]);
    if (r.rows[0].balance < amount) throw new Error('Insufficient funds');
    await client.query('UPDATE account SET balance = balance - $1 WHERE account_id = $2', [amount, accountId]);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
}
`;

const repeatableRead = `
import { Pool } from 'pg';
const pool = new Pool();

export async function withdraw(accountId: number, amount: number) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
    const { rows } = await client.query('SELECT balance FROM account WHERE account_id = $1', [accountId]);
    if (rows[0].balance < amount) throw new Error('Insufficient funds');
    await client.query('UPDATE account SET balance = balance - $1 WHERE account_id = $2', [amount, accountId]);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
}
`;

const templateLiteralRead = `
import { Pool } from 'pg';
const pool = new Pool();

export async function reserveStock(productId: number, quantity: number) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const { rows } = await client.query(\`SELECT stock FROM products WHERE product_id = \${productId} AND NOT discontinued\`);
    if (rows[0].stock < quantity) {
      throw new Error('Out of stock');
    }
    await client.query(\`UPDATE products SET stock = stock - \${quantity} WHERE product_id = \${productId}\`);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
}
`;

const configObjectRead = `
import { Pool } from 'pg';
const pool = new Pool();

export async function markPaid(orderId: number) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const { rows: [order] } = await client.query({ text: 'SELECT status FROM orders WHERE id = $1', values: [orderId] });
    if (order.status !== 'pending') {
      throw new Error(\`Order \${orderId} is \${order.status}\`);
    }
    await client.query({ text: "UPDATE orders SET status = 'paid' WHERE id = $1", values: [orderId] });
    await client.query('COMMIT');
  } finally {
    client.release();
  }
}
`;

const writeInsideTest = `
import { Pool } from 'pg';
const pool = new Pool();

export async function assignDriver(rideId: number, driverId: number) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await client.query(
      \`SELECT available
         FROM drivers
        WHERE driver_id = $1\`,
      [driverId],
    );
    if (result.rows[0].available) {
      await client.query('UPDATE drivers SET available = false, ride_id = $1 WHERE driver_id = $2', [rideId, driverId]);
    }
    await client.query('COMMIT');
  } finally {
    client.release();
  }
}
`;

const ternaryTest = `
import { Pool } from 'pg';
const pool = new Pool();

export async function bookSlot(slotId: number, patientId: number) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const { rows } = await client.query('SELECT booked FROM appointment_slots WHERE slot_id = $1', [slotId]);
    const outcome = rows[0].booked
      ? 'taken'
      : await client.query('UPDATE appointment_slots SET booked = true, patient_id = $2 WHERE slot_id = $1', [slotId, patientId]);
    await client.query('COMMIT');
    return outcome;
  } finally {
    client.release();
  }
}
`;

/** A read in a transaction whose SQL (quoted with `quote`, or written with its own quotes) is `sql`. */
const readWithComment = (sql: string, quote = "'") => `import { Pool } from 'pg';
const pool = new Pool();
export async function reserveStock(productId: number, quantity: number) {
  const client = await pool.connect();
  await client.query('BEGIN');
  const { rows } = await client.query(${quote}${sql}${quote}${quote === '' ? '' : ', [productId]'});
  if (rows[0].stock < quantity) throw new Error('Out of stock');
  await client.query('UPDATE products SET stock = stock - $1 WHERE product_id = $2', [quantity, productId]);
  await client.query('COMMIT');
  client.release();
}
`;

const templateHoleRead = `
import { Pool } from 'pg';
const pool = new Pool();

export async function reserveStock(productId: number, quantity: number) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const { rows } = await client.query(\`SELECT stock FROM products WHERE product_id = \${productId}\`);
    if (rows[0].stock < quantity) throw new Error('Out of stock');
    await client.query(\`UPDATE products SET stock = stock - \${quantity} WHERE product_id = \${productId}\`);
    await client.query('COMMIT');
  } finally {
    client.release();
  }
}
`;

/** Sign-up with a one-time code: the code is checked, consumed by its compound key, then the account created. */
const consumeCode = (consume: string) => `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();

export async function signUp(email: string, code: string, passwordHash: string) {
  const token = await prisma.verificationToken.findUnique({ where: { identifier_token: { identifier: email, token: code } } });
  if (!token) throw new Error('Invalid code');
  if (token.expires < new Date()) throw new Error('Code expired');
  ${consume}
  await prisma.user.create({ data: { email, passwordHash } });
}
`;

/** An invite accepted in an interactive transaction: the membership created, then the invite deleted. */
const acceptInvite = (body: string) => `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();

export async function accept(userId: string, email: string) {
  await prisma.$transaction(async (tx) => {
    const invite = await tx.teamInvite.findFirst({ where: { email } });
    if (!invite) throw new Error('No invitation');
    if (invite.expires < new Date()) throw new Error('Invitation expired');
    ${body}
  });
}
`;
const inviteDelete = 'await tx.teamInvite.delete({ where: { email_teamId: { email, teamId: invite.teamId } } });';

/** A browser session found by its token, then another session revoked by a helper that deletes in a transaction. */
const revokeSession = (check: string) => `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();

async function revokeSessions(userId: string, ids: string[]) {
  await prisma.$transaction(async (tx) => {
    const { count } = await tx.session.deleteMany({ where: { userId, id: { in: ids } } });
    ${check}
    await tx.auditLog.create({ data: { userId, action: 'revoke' } });
  });
}

export async function revoke(token: string, target: string) {
  const session = await prisma.session.findUnique({ where: { token } });
  if (!session || session.type === 'api') return new Response('Unauthorized', { status: 401 });
  await revokeSessions(session.userId, [target]);
  return new Response('OK');
}
`;

ruleTester.run('no-check-then-act', rule, {
  valid: [
    {
      name: 'a parent row locked first, then the child table checked and inserted into: the parent lock serializes (PostgreSQL)',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function book(doctorId: number, slotId: number, userId: number) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT id FROM doctors WHERE id = $1 FOR UPDATE', [doctorId]);
    const existing = await client.query('SELECT 1 FROM bookings WHERE slot_id = $1 FOR UPDATE', [slotId]);
    if (existing.rowCount !== 0) throw new Error('Slot taken');
    await client.query('INSERT INTO bookings (slot_id, user_id) VALUES ($1, $2)', [slotId, userId]);
    await client.query('COMMIT');
  } finally {
    client.release();
  }
}
`,
    },
    {
      name: 'a parent row locked first, then the child table read without a lock and inserted into: the read waits behind the parent lock (PostgreSQL)',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function book(doctorId: number, slotId: number, userId: number) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT id FROM doctors WHERE id = $1 FOR UPDATE', [doctorId]);
    const existing = await client.query('SELECT 1 FROM bookings WHERE slot_id = $1', [slotId]);
    if (existing.rowCount !== 0) throw new Error('Slot taken');
    await client.query('INSERT INTO bookings (slot_id, user_id) VALUES ($1, $2)', [slotId, userId]);
    await client.query('COMMIT');
  } finally {
    client.release();
  }
}
`,
    },
    {
      name: 'FOR UPDATE then an INSERT into the same table on MySQL: InnoDB gap locks cover the missing row',
      code: `
import mysql from 'mysql2/promise';
const pool = mysql.createPool({});

export async function book(slotId: number, userId: number) {
  const conn = await pool.getConnection();
  try {
    await conn.beginTransaction();
    const [rows] = await conn.query('SELECT 1 FROM bookings WHERE slot_id = ? FOR UPDATE', [slotId]);
    if ((rows as unknown[]).length !== 0) throw new Error('Slot taken');
    await conn.query('INSERT INTO bookings (slot_id, user_id) VALUES (?, ?)', [slotId, userId]);
    await conn.commit();
  } finally {
    conn.release();
  }
}
`,
    },
    // A parent found by its key, then a child added to the same table: another row, not the one looked for.
    {
      name: 'a parent collection found by id, then a sub-collection created with a fresh id',
      code: `
import { PrismaClient } from '@prisma/client';
import { createId } from '@paralleldrive/cuid2';
const prisma = new PrismaClient();

export async function addChild(parentId: number, userId: number, name: string) {
  const parent = await prisma.collection.findUnique({ where: { id: parentId } });
  if (!parent || parent.ownerId !== userId) throw new Error('forbidden');
  await prisma.collection.create({ data: { id: createId(), parentId, ownerId: userId, name } });
}
`,
    },
    {
      name: 'a fixed row found by a key written in place (the default host), then another row inserted',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function createCollective(name: string) {
  const { rows } = await pool.query('SELECT id, closed FROM collectives WHERE id = 8686');
  if (rows[0].closed) throw new Error('host closed');
  await pool.query('INSERT INTO collectives (name, host_id) VALUES ($1, $2)', [name, rows[0].id]);
}
`,
    },
    {
      name: 'a row found by its own key, then another inserted without it (a database default)',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function copyCategory(categoryId: number, userId: number) {
  const { rows } = await pool.query('SELECT name, owner_id FROM categories WHERE category_id = $1', [categoryId]);
  if (rows[0].owner_id !== userId) throw new Error('forbidden');
  await pool.query('INSERT INTO categories (name, owner_id) VALUES ($1, $2)', [rows[0].name + ' (copy)', userId]);
}
`,
    },
    // A DELETE of the very row the read found, by its key, after a test of what the row is: a concurrent
    // request can only change it on a row that is still there, and the losing DELETE matches nothing.
    {
      name: 'what the row is tested, then the row deleted by the key it was found by (Prisma)',
      code: `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();

export async function callback(webhookId: string, status: number) {
  const webhook = await prisma.webhook.findUnique({ where: { id: webhookId } });
  if (!webhook) return new Response('Webhook not found');
  if (webhook.receiver === 'zapier' && webhook.installationId && status === 410) {
    await prisma.webhook.delete({ where: { id: webhookId } });
    return new Response('Unsubscribed');
  }
  await fetch('https://example.com/log', { method: 'POST' });
  return new Response('OK');
}
`,
    },
    {
      name: 'a one-time code consumed by a delete that rejects (P2025) before the account is created: the second request stops there',
      code: consumeCode('await prisma.verificationToken.delete({ where: { identifier_token: { identifier: email, token: code } } });'),
    },
    {
      name: 'an invite consumed in the transaction that creates the membership: the losing delete rejects and rolls the membership back',
      code: acceptInvite(`await tx.member.create({ data: { userId, teamId: invite.teamId, role: invite.role } });
    ${inviteDelete}`),
    },
    {
      name: 'a session revoked by a helper whose deleteMany throws when a row is already gone: the second request rolls back its audit entry',
      code: revokeSession("if (count !== ids.length) throw new Error('Some sessions are gone');"),
    },
    {
      name: 'what the row is tested, then the row deleted by the id the read returned (SQL text)',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function deleteSchedule(projectId: string, friendlyId: string) {
  const { rows } = await pool.query('SELECT id, type FROM schedules WHERE project_id = $1 AND friendly_id = $2', [projectId, friendlyId]);
  if (rows.length === 0) throw new Error('Schedule not found');
  if (rows[0].type === 'DECLARATIVE') throw new Error('Cannot delete declarative schedules');
  await pool.query('DELETE FROM schedules WHERE id = $1', [rows[0].id]);
}
`,
    },
    {
      name: 'what the instance is tested, then the instance destroyed with its children (Sequelize)',
      code: `
import { Model } from 'sequelize';
class TransactionsImport extends Model {}
class TransactionsImportRow extends Model {}

export async function deleteImport(id: number) {
  const importInstance = await TransactionsImport.findByPk(id);
  if (!importInstance) throw new Error('Import not found');
  if (importInstance.source === 'PLAID') throw new Error('Disconnect the bank account first');
  await importInstance.destroy();
  await TransactionsImportRow.destroy({ where: { TransactionsImportId: id } });
  return true;
}
`,
    },
    {
      name: 'rows read together with Promise.all, then the one found deleted by the key it was found by',
      code: `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();

export async function deprovision(email: string, projectId: string, userId: string) {
  const [member, invite] = await Promise.all([
    prisma.projectUsers.findUnique({ where: { userId_projectId: { userId, projectId } } }),
    prisma.projectInvite.findUnique({ where: { email_projectId: { email, projectId } } }),
  ]);
  if (member) console.log('member', member.role);
  if (invite) {
    await prisma.projectInvite.delete({ where: { email_projectId: { email, projectId } } });
  }
}
`,
    },
    // Set-once and clear-once: the test asks whether a value is there, the write sets it to the clock or NULL.
    {
      name: 'set-once: the timestamp is set when missing, nothing else runs twice',
      code: `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
declare const stripe: any;

export async function opened(emailId: string) {
  const email = await prisma.notificationEmail.findUnique({ where: { emailId } });
  if (!email) return;
  if (email.openedAt) {
    console.log('already opened');
    return;
  }
  await prisma.notificationEmail.update({ where: { emailId }, data: { openedAt: new Date() } });
  await prisma.notification.updateMany({ where: { emailId, readAt: null }, data: { readAt: new Date() } });
}
`,
    },
    {
      name: 'the read and the write in exclusive branches of one action (accept or decline an invite)',
      code: `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();

export async function action(intent: string, inviteId: string, userId: string) {
  if (intent === 'accept') {
    const invite = await prisma.invite.findUnique({ where: { id: inviteId } });
    if (!invite || invite.status !== 'PENDING') throw new Error('This invite is no longer open');
    return 'joined';
  } else if (intent === 'decline') {
    await prisma.invite.update({ where: { id: inviteId }, data: { status: 'DECLINED' } });
    return 'declined';
  }
}
`,
    },
    {
      name: 'the test only skips a write that would change nothing (the value recomputed, written when it differs)',
      code: `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
declare function materialize(max: number, percent: number): number;
declare function push(name: string, limit: number): Promise<void>;

export async function recalculate(environmentId: string, max: number) {
  const queues = await prisma.taskQueue.findMany({ where: { runtimeEnvironmentId: environmentId } });
  let updated = 0;
  for (const queue of queues) {
    const newLimit = materialize(max, queue.percent);
    if (newLimit !== queue.concurrencyLimit) {
      await prisma.taskQueue.update({ where: { id: queue.id }, data: { concurrencyLimit: newLimit } });
      updated++;
    }
    await push(queue.name, newLimit);
  }
  return updated;
}
`,
    },
    {
      name: 'the constant already stored: return the row, else write it and return the row written',
      code: `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();

export async function closePoll(pollId: string) {
  const poll = await prisma.poll.findFirst({ where: { id: pollId } });
  if (!poll) return null;
  if (poll.status === 'closed') return poll;
  return prisma.poll.update({ where: { id: pollId }, data: { status: 'closed', closedReason: 'manual' } });
}
`,
    },
    {
      name: 'the constant written only when the row holds another value (an enum member)',
      code: `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
declare const ExpenseStatus: { CANCELED: 'CANCELED' };

export async function reversed(authorizationId: string) {
  const expense = await prisma.expense.findFirst({ where: { authorizationId } });
  if (!expense) return;
  if (expense.status !== ExpenseStatus.CANCELED) {
    await prisma.expense.update({ where: { id: expense.id }, data: { status: ExpenseStatus.CANCELED } });
  }
}
`,
    },
    {
      name: 'set-once whose done-already branch answers as the write does, but for its words',
      code: `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();

export async function unsubscribe(token: string, res: any) {
  const sub = await prisma.subscriber.findUnique({ where: { token } });
  if (!sub) return res.status(404).json({ error: 'Not found' });
  if (sub.unsubscribedAt) {
    return res.status(200).json({ message: 'Already unsubscribed' });
  }
  await prisma.subscriber.update({ where: { id: sub.id }, data: { unsubscribedAt: new Date() } });
  return res.status(200).json({ message: 'Successfully unsubscribed' });
}
`,
    },
    {
      name: 'set-once in a conditional expression: what follows the ?: runs either way, so its answer tells nobody apart',
      code: `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
declare function createSession(userId: string): Promise<{ status: number; response: string }>;

export async function verify(email: string, res: any) {
  const user = await prisma.user.findUnique({ where: { email } });
  if (!user) return res.status(400).json({ response: 'Invalid email.' });
  await Promise.all([
    user.emailVerified ? Promise.resolve() : prisma.user.update({ where: { id: user.id }, data: { emailVerified: new Date() } }),
    prisma.verificationToken.deleteMany({ where: { identifier: email } }),
  ]);
  const session = await createSession(user.id);
  return res.status(session.status).json({ response: session.response });
}
`,
    },
    {
      name: 'the same value already stored: return early, else write it (SQL)',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function setLocale(userId: number, locale: string) {
  const { rows } = await pool.query('SELECT locale FROM users WHERE id = $1', [userId]);
  if (rows[0].locale === locale) return;
  await pool.query('UPDATE users SET locale = $1 WHERE id = $2', [locale, userId]);
}
`,
    },
    {
      name: 'nothing to write or the same value: return the row; else write the new value in the else branch, which returns',
      code: `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
declare function notify(id: string): Promise<void>;

export async function setTenant(id: string, input: { tenantId?: string }) {
  const row = await prisma.enrollment.findFirst({ where: { id } });
  if (row) {
    if (!input.tenantId || input.tenantId === row.tenantId) {
      return row;
    } else {
      const updated = await prisma.enrollment.update({ where: { id: row.id }, data: { tenantId: input.tenantId } });
      return updated;
    }
  }
  await notify(id);
}
`,
    },
    {
      name: 'writes after a claim that re-tested the status and checked its count are serialized by it',
      code: `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
declare function pay(id: string): Promise<void>;
export async function retry(payoutId: string) {
  const updated = await prisma.$transaction(async (tx) => {
    const payout = await tx.payout.findUnique({ where: { id: payoutId } });
    if (!payout) throw new Error('not found');
    if (payout.status !== 'failed') throw new Error('cannot retry');
    const result = await tx.payout.updateMany({ where: { id: payout.id, status: 'failed' }, data: { status: 'processing' } });
    if (result.count === 0) throw new Error('already processing');
    return payout;
  });
  try {
    await pay(updated.id);
    await prisma.payout.update({ where: { id: updated.id }, data: { status: 'sent' } });
  } catch (error) {
    await prisma.payout.update({ where: { id: updated.id }, data: { status: 'failed' } });
    throw error;
  }
}
`,
    },
    {
      name: 'a throttled touch: the stamp is renewed when older than a minute, nothing else depends on it',
      code: `
import { Model, DataTypes, Sequelize } from 'sequelize';
const sequelize = new Sequelize('postgres://localhost/app');
class UserToken extends Model {
  declare lastUsedAt: Date | null;
}
UserToken.init({ accessToken: DataTypes.STRING, lastUsedAt: DataTypes.DATE }, { sequelize, tableName: 'user_tokens' });

export async function authenticate(accessToken: string) {
  const userToken = await UserToken.findOne({ where: { accessToken } });
  if (!userToken) return null;
  const now = Date.now();
  if (!userToken.lastUsedAt || now - userToken.lastUsedAt.getTime() > 60_000) {
    await userToken.update({ lastUsedAt: new Date() });
  }
}
`,
    },
    {
      name: 'a throttled touch in SQL: how old the stamp is, then the clock written again',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function touch(token: string) {
  const { rows } = await pool.query('SELECT id, last_used_at FROM user_tokens WHERE token = $1', [token]);
  const t = rows[0];
  if (!t) return;
  if (!t.last_used_at || Date.now() - t.last_used_at.getTime() > 60_000) {
    await pool.query('UPDATE user_tokens SET last_used_at = now() WHERE id = $1', [t.id]);
  }
}
`,
    },
    {
      name: 'clear-once: a failure mark is cleared when set',
      code: `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
declare const stripe: any;

export async function opened(emailId: string) {
  const email = await prisma.notificationEmail.findUnique({ where: { emailId } });
  if (!email) return;
  if (email.failedAt !== null) {
    await prisma.notificationEmail.update({ where: { emailId }, data: { failedAt: null } });
  }
  return 'processed';
}
`,
    },
    {
      name: 'a monotonic flag: tested, then set to the same constant, nothing else hangs on the test',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function flagHuge(userId: number) {
  const { rows } = await pool.query('SELECT huge FROM users WHERE id = $1', [userId]);
  if (rows[0].huge) return;
  await pool.query('UPDATE users SET huge = true WHERE id = $1', [userId]);
}
`,
    },
    {
      name: 'a failure count reset only while above zero, the only other writer adding to it: whoever else made the test false stored 0 too',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function delivered(webhookId: string, failed: boolean) {
  const { rows } = await pool.query('SELECT consecutive_failures FROM webhooks WHERE id = $1', [webhookId]);
  if (rows[0].consecutive_failures > 0 && !failed) {
    await pool.query('UPDATE webhooks SET consecutive_failures = 0, last_failed_at = NULL WHERE id = $1', [webhookId]);
  }
}

export async function failedOnce(webhookId: string) {
  await pool.query('UPDATE webhooks SET consecutive_failures = consecutive_failures + 1, last_failed_at = now() WHERE id = $1', [webhookId]);
}
`,
    },
    {
      name: 'a reset chosen by ?: among calls a Promise.allSettled runs, made by a helper (Prisma)',
      code: `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();

const resetFailures = async (webhookId: string) => {
  await prisma.webhook.update({ where: { id: webhookId }, data: { consecutiveFailures: 0, lastFailedAt: null } });
};

const recordFailure = async (webhookId: string) => {
  await prisma.webhook.update({ where: { id: webhookId }, data: { consecutiveFailures: { increment: 1 } } });
};

export const POST = async (req: Request) => {
  const { webhookId, status } = await req.json();
  const webhook = await prisma.webhook.findUnique({ where: { id: webhookId } });
  if (!webhook) return new Response('Webhook not found');
  const failed = status >= 400;
  await Promise.allSettled([
    ...(failed ? [recordFailure(webhookId)] : []),
    ...(webhook.consecutiveFailures > 0 && !failed ? [resetFailures(webhookId)] : []),
  ]);
  return new Response('Processed');
};
`,
    },
    // Row locks taken by the read inside the transaction.
    {
      name: 'the second seed: SELECT balance ... FOR UPDATE inside the transaction',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function withdraw(amount: number) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const { rows } = await client.query('SELECT balance FROM account WHERE account_id = 7 FOR UPDATE');
    if (rows[0].balance < amount) {
      throw new Error('Insufficient funds');
    }
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
      name: 'FOR NO KEY UPDATE in the transaction',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function buyTicket(concertId: string) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const { rows } = await client.query('SELECT available_seats FROM concerts WHERE concert_id = $1 FOR NO KEY UPDATE', [concertId]);
    if (rows[0].available_seats < 1) throw new Error('Sold out');
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
      name: 'FOR SHARE in the transaction',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function archiveProject(projectId: number) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const { rows } = await client.query('SELECT archived FROM projects WHERE project_id = $1 FOR SHARE', [projectId]);
    if (rows[0].archived) return;
    await client.query('UPDATE projects SET archived = true WHERE project_id = $1', [projectId]);
    await client.query('COMMIT');
  } finally {
    client.release();
  }
}
`,
    },
    {
      name: 'FOR UPDATE on a client handed in by the caller',
      code: `
import type { PoolClient } from 'pg';

export async function debit(client: PoolClient, accountId: number, amount: number) {
  const { rows } = await client.query('SELECT balance FROM account WHERE account_id = $1 FOR UPDATE', [accountId]);
  if (rows[0].balance < amount) throw new Error('Insufficient funds');
  await client.query('UPDATE account SET balance = balance - $1 WHERE account_id = $2', [amount, accountId]);
}
`,
    },
    // Serializable transactions.
    {
      name: 'BEGIN ISOLATION LEVEL SERIALIZABLE (the SERIALIZABLE fix)',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function buyTicket(userId: string, concertId: string) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL SERIALIZABLE');
    const { rows } = await client.query('SELECT available_seats FROM concerts WHERE concert_id = $1', [concertId]);
    if (rows[0].available_seats < 1) {
      throw new Error('Sold out');
    }
    await client.query('UPDATE concerts SET available_seats = available_seats - 1 WHERE concert_id = $1', [concertId]);
    await client.query('INSERT INTO tickets (user_id, concert_id) VALUES ($1, $2)', [userId, concertId]);
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
      name: 'SET TRANSACTION ISOLATION LEVEL SERIALIZABLE right after BEGIN',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function book(slotId: number, userId: number) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SET TRANSACTION ISOLATION LEVEL SERIALIZABLE');
    const existing = await client.query('SELECT 1 FROM bookings WHERE slot_id = $1', [slotId]);
    if (existing.rowCount !== 0) throw new Error('Slot taken');
    await client.query('INSERT INTO bookings (slot_id, user_id) VALUES ($1, $2)', [slotId, userId]);
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
    // Locks that serialize the whole critical section.
    {
      name: 'pg_advisory_xact_lock before the read (the advisory-lock fix)',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function book(slotId: number, userId: number) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [slotId]);
    const existing = await client.query('SELECT 1 FROM bookings WHERE slot_id = $1', [slotId]);
    if (existing.rowCount !== 0) throw new Error('Slot taken');
    await client.query('INSERT INTO bookings (slot_id, user_id) VALUES ($1, $2)', [slotId, userId]);
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
      name: 'session-level pg_advisory_lock held on the client around the read and the write',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function renameWorkspace(workspaceId: number, name: string) {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [workspaceId]);
    const { rows } = await client.query('SELECT locked FROM workspaces WHERE workspace_id = $1', [workspaceId]);
    if (rows[0].locked) throw new Error('Workspace is locked');
    await client.query('UPDATE workspaces SET name = $2 WHERE workspace_id = $1', [workspaceId, name]);
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [workspaceId]);
    client.release();
  }
}
`,
    },
    // An application-level lock (a flag row, Redis, an in-process mutex) around the read and the write.
    ...[
      'lockExpense(expenseId, async () => {',
      'order.lock(async () => {',
      'lockUntilResolved(`expense-${expenseId}`, async () => {',
      'mutex.runExclusive(async () => {',
      'redlock.using([`expense:${expenseId}`], 5000, async () => {',
    ].map((opening) => ({
      name: `check and act inside an application lock: ${opening}`,
      code: `
import { Pool } from 'pg';
declare const lockExpense: any, order: any, lockUntilResolved: any, mutex: any, redlock: any;
const pool = new Pool();

export async function payExpense(expenseId: number) {
  await ${opening}
    const { rows } = await pool.query('SELECT status FROM expenses WHERE id = $1', [expenseId]);
    if (rows[0].status !== 'APPROVED') throw new Error('Not approved');
    await pool.query("UPDATE expenses SET status = 'PAID' WHERE id = $1", [expenseId]);
    await pool.query('INSERT INTO payments (expense_id) VALUES ($1)', [expenseId]);
  });
}
`,
    })),
    {
      name: 'LOCK TABLE before the read in the transaction',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function allocateSeat(concertId: string) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('LOCK TABLE concerts IN SHARE ROW EXCLUSIVE MODE');
    const { rows } = await client.query('SELECT available_seats FROM concerts WHERE concert_id = $1', [concertId]);
    if (rows[0].available_seats === 0) throw new Error('Sold out');
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
    // Writes that re-check in the database what the code checked.
    {
      name: 'relative write guarded on the tested column, rowCount checked',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function buyTicket(concertId: string) {
  const { rows } = await pool.query('SELECT available_seats FROM concerts WHERE concert_id = $1', [concertId]);
  if (rows[0].available_seats < 1) throw new Error('Sold out');
  const result = await pool.query(
    'UPDATE concerts SET available_seats = available_seats - 1 WHERE concert_id = $1 AND available_seats > 0',
    [concertId],
  );
  if (result.rowCount === 0) throw new Error('Sold out');
}
`,
    },
    {
      name: 'INSERT ... ON CONFLICT after an existence check',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function register(email: string) {
  const existing = await pool.query('SELECT 1 FROM users WHERE email = $1', [email]);
  if (existing.rowCount! > 0) return false;
  const { rowCount } = await pool.query('INSERT INTO users (email) VALUES ($1) ON CONFLICT (email) DO NOTHING', [email]);
  return rowCount === 1;
}
`,
    },
    {
      name: 'optimistic write re-testing the version it read, rowCount checked',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function publish(documentId: number) {
  const { rows } = await pool.query('SELECT status, version FROM documents WHERE id = $1', [documentId]);
  if (rows[0].status !== 'draft') throw new Error('Already published');
  const { rowCount } = await pool.query(
    "UPDATE documents SET status = 'published', version = version + 1 WHERE id = $1 AND version = $2",
    [documentId, rows[0].version],
  );
  if (rowCount === 0) throw new Error('Concurrent edit, retry');
}
`,
    },
    // Queues.
    {
      name: 'single-statement queue claim with FOR UPDATE SKIP LOCKED',
      code: skipLockedQueueClaim,
    },
    {
      name: 'two-statement queue claim with FOR UPDATE SKIP LOCKED inside the transaction',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function claimNextJob(workerId: string) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const { rows } = await client.query(
      "SELECT id FROM jobs WHERE status = 'pending' ORDER BY id FOR UPDATE SKIP LOCKED LIMIT 1",
    );
    if (rows.length === 0) {
      await client.query('ROLLBACK');
      return null;
    }
    await client.query("UPDATE jobs SET status = 'running', worker_id = $2 WHERE id = $1", [rows[0].id, workerId]);
    await client.query('COMMIT');
    return rows[0].id;
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
}
`,
    },
    // Reads that decide nothing about the written rows.
    {
      name: 'existence check of one table before a write to another',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function placeOrder(userId: number, total: number) {
  const user = await pool.query('SELECT 1 FROM users WHERE id = $1', [userId]);
  if (user.rowCount === 0) throw new Error('Unknown user');
  await pool.query('INSERT INTO orders (user_id, total) VALUES ($1, $2)', [userId, total]);
}
`,
    },
    {
      name: 'a test that logs but does not stop the write',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function touch(sessionId: string) {
  const { rows } = await pool.query('SELECT last_seen FROM sessions WHERE session_id = $1', [sessionId]);
  if (rows.length === 0) {
    console.warn('session not found', sessionId);
  }
  await pool.query('UPDATE sessions SET last_seen = now() WHERE session_id = $1', [sessionId]);
}
`,
    },
    {
      name: 'a read whose result is returned, not tested',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function bumpViews(postId: number) {
  const { rows } = await pool.query('SELECT views FROM posts WHERE post_id = $1', [postId]);
  await pool.query('UPDATE posts SET views = views + 1 WHERE post_id = $1', [postId]);
  return rows[0].views;
}
`,
    },
    {
      name: 'SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL SERIALIZABLE before BEGIN',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function buyTicket(concertId: string) {
  const client = await pool.connect();
  try {
    await client.query('SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL SERIALIZABLE');
    await client.query('BEGIN');
    const { rows } = await client.query('SELECT available_seats FROM concerts WHERE concert_id = $1', [concertId]);
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
      name: 'an absolute write-back of the read value is no-lost-update’s finding',
      code: absoluteWriteBack,
    },
    {
      name: 'a server action refusing a banned user, then the flag and a stamp set, the sessions deleted and a log line: banning twice bans once',
      code: `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
declare const adminAction: { action<T>(fn: (input: { userId: string }) => Promise<T>): unknown };

export const banUserAction = adminAction.action(async ({ userId }) => {
  const user = await prisma.user.findUnique({ where: { id: userId } });
  if (!user) throw new Error('not found');
  if (user.banned) throw new Error('already banned');
  await prisma.user.update({ where: { id: userId }, data: { banned: true, bannedAt: new Date() } });
  await prisma.session.deleteMany({ where: { userId } });
  console.info('banned', userId);
});
`,
    },
    {
      name: "an idempotent act in a called function: a stamp cleared, other rows stamped, a job queued under its own deduplication id, and the row's key answered",
      code: `
import { PrismaClient } from '@prisma/client';
import { NextResponse } from 'next/server';
const prisma = new PrismaClient();
declare const queue: { publish(job: object): Promise<void> };

async function reactivate(programId: string) {
  await prisma.$transaction([
    prisma.program.update({ where: { id: programId }, data: { deactivatedAt: null } }),
    prisma.group.updateMany({ where: { programId }, data: { publishedAt: new Date() } }),
  ]);
  await queue.publish({ body: { programId }, deduplicationId: \`reactivate-\${programId}\` });
}

export async function POST(programId: string) {
  const program = await prisma.program.findUnique({ where: { id: programId } });
  if (!program) return NextResponse.json({ error: 'not found' }, { status: 404 });
  if (!program.deactivatedAt) return NextResponse.json({ error: 'not deactivated' }, { status: 400 });
  await reactivate(program.id);
  return NextResponse.json({ id: program.id });
}
`,
    },
    {
      name: "an Express handler finding the flag set in the read's WHERE, then setting its other value and deleting rows of another table",
      code: `
import express from 'express';
import { Pool } from 'pg';
const pool = new Pool();
const app = express();

app.post('/mfa/disable', async (req, res) => {
  const { rows } = await pool.query('SELECT id FROM users WHERE id = $1 AND mfa_enabled = true', [req.body.userId]);
  if (rows.length === 0) throw new Error('MFA is not enabled');
  await pool.query('UPDATE users SET mfa_enabled = false, mfa_disabled_at = now() WHERE id = $1', [req.body.userId]);
  await pool.query('DELETE FROM mfa_backup_codes WHERE user_id = $1', [req.body.userId]);
  res.status(204).end();
});
`,
    },
  ],
  invalid: [
    {
      name: 'a count reset while above zero where another statement stores -1: a concurrent -1 in between is overwritten',
      code: `${RESET_WHILE_ABOVE_ZERO}
export async function disable(webhookId: string) {
  await pool.query('UPDATE webhooks SET consecutive_failures = -1 WHERE id = $1', [webhookId]);
}
`,
      errors: [{ messageId: 'checkThenAct', line: 6 }],
    },
    {
      name: 'a count reset while above zero where another statement takes from it: two decrements in between reach -1',
      code: `${RESET_WHILE_ABOVE_ZERO}
export async function forgive(webhookId: string) {
  await pool.query('UPDATE webhooks SET consecutive_failures = consecutive_failures - 1 WHERE id = $1', [webhookId]);
}
`,
      errors: [{ messageId: 'checkThenAct', line: 6 }],
    },
    {
      name: 'a reset while above zero that also tests a plan read from another table: a concurrent downgrade in between is not seen',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function delivered(webhookId: string, orgId: string) {
  const { rows: orgs } = await pool.query('SELECT plan FROM orgs WHERE id = $1', [orgId]);
  const { rows } = await pool.query('SELECT consecutive_failures FROM webhooks WHERE id = $1', [webhookId]);
  if (orgs[0].plan === 'pro' && rows[0].consecutive_failures > 0) {
    await pool.query('UPDATE webhooks SET consecutive_failures = 0 WHERE id = $1', [webhookId]);
  }
}
`,
      errors: [{ messageId: 'checkThenAct', line: 7 }],
    },
    {
      name: 'a reset chosen by ?: whose value says whether it ran, returned later: both requests are told they reset',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function delivered(webhookId: string) {
  const { rows } = await pool.query('SELECT consecutive_failures FROM webhooks WHERE id = $1', [webhookId]);
  const reset =
    rows[0].consecutive_failures > 0
      ? await pool.query('UPDATE webhooks SET consecutive_failures = 0 WHERE id = $1', [webhookId])
      : null;
  return reset !== null;
}
`,
      errors: [{ messageId: 'checkThenAct', line: 6 }],
    },
    {
      name: 'every free seat taken by setting the count to 0 and granting what was read: two requests both grant',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function takeAll(poolId: string) {
  const { rows } = await pool.query('SELECT free FROM seat_pools WHERE id = $1', [poolId]);
  if (rows[0].free > 0) {
    await pool.query('UPDATE seat_pools SET free = 0 WHERE id = $1', [poolId]);
    return { granted: rows[0].free };
  }
  return { granted: 0 };
}
`,
      errors: [{ messageId: 'checkThenAct', line: 6 }],
    },
    {
      name: 'a reset while above zero that also tests a status of the row: a concurrent close in between is not seen',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function delivered(webhookId: string) {
  const { rows } = await pool.query('SELECT status, consecutive_failures FROM webhooks WHERE id = $1', [webhookId]);
  if (rows[0].status === 'active' && rows[0].consecutive_failures > 0) {
    await pool.query('UPDATE webhooks SET consecutive_failures = 0 WHERE id = $1', [webhookId]);
  }
}
`,
      errors: [{ messageId: 'checkThenAct', line: 6 }],
    },
    {
      name: "a status tested, then a function that reads the row again, tests that status itself and writes: the function's own check is the race",
      code: `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();

async function sendDocument(id: string) {
  const envelope = await prisma.envelope.findUnique({ where: { id } });
  if (!envelope || envelope.status !== 'DRAFT') throw new Error('Document already sent');
  await prisma.envelope.update({ where: { id }, data: { status: 'PENDING' } });
}

export async function handler(id: string) {
  const envelope = await prisma.envelope.findUnique({ where: { id } });
  if (envelope?.status !== 'DRAFT') throw new Error('Document already sent');
  await sendDocument(id);
}
`,
      errors: [{ messageId: 'checkThenActModel', line: 6 }],
    },
    {
      name: 'a token tested for expiry, deleted with the count unchecked, and a session created: two requests both get one',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function verify(identifier: string, token: string) {
  const { rows } = await pool.query('SELECT expires FROM verification_tokens WHERE identifier = $1 AND token = $2', [identifier, token]);
  if (!rows[0]) throw new Error('invalid');
  if (rows[0].expires < new Date()) throw new Error('expired');
  await pool.query('DELETE FROM verification_tokens WHERE identifier = $1 AND token = $2', [identifier, token]);
  await pool.query('INSERT INTO sessions (identifier) VALUES ($1)', [identifier]);
}
`,
      errors: [{ messageId: 'checkThenAct', line: 6 }],
    },
    {
      name: 'a status tested, then the row deleted and a refund awaited: two requests both refund',
      code: `
import { Pool } from 'pg';
const pool = new Pool();
declare const stripe: any;

export async function cancelOrder(orderId: number) {
  const { rows } = await pool.query('SELECT status, charge_id FROM orders WHERE id = $1', [orderId]);
  if (rows[0].status !== 'paid') throw new Error('not paid');
  await pool.query('DELETE FROM orders WHERE id = $1', [orderId]);
  await stripe.refunds.create({ charge: rows[0].charge_id });
}
`,
      errors: [{ messageId: 'checkThenAct', line: 7 }],
    },
    {
      name: 'a column this file changes, tested, then the row deleted: a concurrent upgrade in between is deleted',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function deleteTrial(accountId: number) {
  const { rows } = await pool.query('SELECT plan FROM accounts WHERE id = $1', [accountId]);
  if (rows[0].plan !== 'trial') throw new Error('only trials can be deleted');
  await pool.query('DELETE FROM accounts WHERE id = $1', [accountId]);
}

export async function upgrade(accountId: number) {
  await pool.query("UPDATE accounts SET plan = 'pro' WHERE id = $1", [accountId]);
}
`,
      errors: [{ messageId: 'checkThenAct', line: 6 }],
    },
    {
      name: 'a status tested, then the row deleted alone: an approval in between is deleted (Prisma)',
      code: `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();

export async function withdraw(partnerId: string, programId: string) {
  const enrollment = await prisma.programEnrollment.findUniqueOrThrow({ where: { partnerId_programId: { partnerId, programId } } });
  if (enrollment.status !== 'pending') throw new Error('You can only withdraw a pending application');
  await prisma.programEnrollment.delete({ where: { id: enrollment.id } });
}
`,
      errors: [{ messageId: 'checkThenActModel', line: 6 }],
    },
    {
      name: 'a session revoked by a helper that ignores how many rows deleteMany removed: two requests both write the audit entry',
      code: revokeSession(''),
      errors: [{ messageId: 'checkThenAct', line: 14 }],
    },
    {
      name: 'a one-time code removed with deleteMany: no rejection when it is gone, so two requests both create the account',
      code: consumeCode('await prisma.verificationToken.deleteMany({ where: { identifier: email, token: code } });'),
      errors: [{ messageId: 'checkThenActModel', line: 6 }],
    },
    {
      name: 'a one-time code deleted in a try whose catch ignores P2025: the second request goes on',
      code: consumeCode(`try {
    await prisma.verificationToken.delete({ where: { identifier_token: { identifier: email, token: code } } });
  } catch (error) {
    console.warn('already used', error);
  }`),
      errors: [{ messageId: 'checkThenActModel', line: 6 }],
    },
    {
      name: 'an invite consumed after a membership created outside its transaction: the losing delete leaves that row',
      code: acceptInvite(`await prisma.member.create({ data: { userId, teamId: invite.teamId, role: invite.role } });
    ${inviteDelete}`),
      errors: [{ messageId: 'checkThenActModel', line: 7 }],
    },
    {
      name: 'an invite consumed after an email sent: the losing delete rejects once the email is out',
      code: acceptInvite(`await sendWelcomeEmail(email);
    ${inviteDelete}`).replace(
        'const prisma = new PrismaClient();',
        "import { sendWelcomeEmail } from './mail';\nconst prisma = new PrismaClient();",
      ),
      errors: [{ messageId: 'checkThenActModel', line: 8 }],
    },
    {
      name: 'what the row is tested, then another row of the table deleted: not the row found',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function replace(webhookId: number, otherId: number) {
  const { rows } = await pool.query('SELECT receiver FROM webhooks WHERE id = $1', [webhookId]);
  if (rows[0].receiver !== 'zapier') throw new Error('not zapier');
  await pool.query('DELETE FROM webhooks WHERE id = $1', [otherId]);
}
`,
      errors: [{ messageId: 'checkThenAct', line: 6 }],
    },
    {
      name: 'a parent row locked only on some paths, then the child table read and inserted into: the other paths race',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function book(doctorId: number, slotId: number, userId: number, urgent: boolean) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    if (urgent) await client.query('SELECT id FROM doctors WHERE id = $1 FOR UPDATE', [doctorId]);
    const existing = await client.query('SELECT 1 FROM bookings WHERE slot_id = $1', [slotId]);
    if (existing.rowCount !== 0) throw new Error('Slot taken');
    await client.query('INSERT INTO bookings (slot_id, user_id) VALUES ($1, $2)', [slotId, userId]);
    await client.query('COMMIT');
  } finally {
    client.release();
  }
}
`,
      errors: [{ messageId: 'checkThenInsert', line: 10 }],
    },
    {
      name: 'a parent row locked first under REPEATABLE READ: the later read keeps the snapshot taken before the wait',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function book(doctorId: number, slotId: number, userId: number) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
    await client.query('SELECT id FROM doctors WHERE id = $1 FOR UPDATE', [doctorId]);
    const existing = await client.query('SELECT 1 FROM bookings WHERE slot_id = $1', [slotId]);
    if (existing.rowCount !== 0) throw new Error('Slot taken');
    await client.query('INSERT INTO bookings (slot_id, user_id) VALUES ($1, $2)', [slotId, userId]);
    await client.query('COMMIT');
  } finally {
    client.release();
  }
}
`,
      errors: [{ messageId: 'checkThenInsert', line: 10 }],
    },
    {
      name: 'FOR UPDATE on the rows of the table then inserted into: a missing row locks nothing (PostgreSQL)',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function book(slotId: number, userId: number) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const existing = await client.query('SELECT 1 FROM bookings WHERE slot_id = $1 FOR UPDATE', [slotId]);
    if (existing.rowCount !== 0) throw new Error('Slot taken');
    await client.query('INSERT INTO bookings (slot_id, user_id) VALUES ($1, $2)', [slotId, userId]);
    await client.query('COMMIT');
  } finally {
    client.release();
  }
}
`,
      errors: [{ messageId: 'checkThenInsert', line: 9 }],
    },
    {
      name: 'a row found by its key, then inserted with that key: the same row (no schema says the key refuses it)',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function ensureSettings(accountId: number) {
  const { rows } = await pool.query('SELECT 1 FROM settings WHERE account_id = $1', [accountId]);
  if (rows.length > 0) return;
  await pool.query('INSERT INTO settings (account_id, theme) VALUES ($1, $2)', [accountId, 'light']);
}
`,
      errors: [{ messageId: 'checkThenInsert', line: 6 }],
    },
    {
      name: 'the constant already stored is an error, and the winner gets the discount: a claim',
      code: `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();

export async function redeem(couponId: string) {
  const coupon = await prisma.coupon.findUnique({ where: { id: couponId } });
  if (!coupon) return;
  if (coupon.status === 'used') throw new Error('already used');
  await prisma.coupon.update({ where: { id: couponId }, data: { status: 'used' } });
  return { discount: 50 };
}
`,
      errors: [{ messageId: 'checkThenActModel', line: 6 }],
    },
    {
      name: 'the constant already stored returns quietly, but the winner alone gets an answer: a claim',
      code: `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();

export async function redeem(couponId: string) {
  const coupon = await prisma.coupon.findUnique({ where: { id: couponId } });
  if (!coupon) return;
  if (coupon.status === 'used') return;
  await prisma.coupon.update({ where: { id: couponId }, data: { status: 'used' } });
  return { discount: 50 };
}
`,
      errors: [{ messageId: 'checkThenActModel', line: 6 }],
    },
    {
      name: 'the constant written when another value is there, and a row inserted with it: two requests both insert',
      code: `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();

export async function close(pollId: string) {
  const poll = await prisma.poll.findUnique({ where: { id: pollId } });
  if (!poll) return;
  if (poll.status !== 'closed') {
    await prisma.poll.update({ where: { id: pollId }, data: { status: 'closed' } });
    await prisma.event.create({ data: { pollId, kind: 'closed' } });
  }
}
`,
      errors: [{ messageId: 'checkThenActModel', line: 6 }],
    },
    {
      name: 'another constant than the one compared is a transition, not a skipped no-op',
      code: `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();

export async function ship(orderId: string) {
  const order = await prisma.order.findUnique({ where: { id: orderId } });
  if (!order) return;
  if (order.status !== 'cancelled') {
    await prisma.order.update({ where: { id: orderId }, data: { status: 'shipped' } });
  }
}
`,
      errors: [{ messageId: 'checkThenActModel', line: 6 }],
    },
    {
      name: "set-once whose done-already answer differs from the winner's in more than words: a claim",
      code: `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();

export async function redeem(couponId: string, res: any) {
  const coupon = await prisma.coupon.findUnique({ where: { id: couponId } });
  if (!coupon) return;
  if (coupon.usedAt) {
    return res.status(200).json({ message: 'Already redeemed', discount: 0 });
  }
  await prisma.coupon.update({ where: { id: couponId }, data: { usedAt: new Date() } });
  return res.status(200).json({ message: 'Redeemed now', discount: 50 });
}
`,
      errors: [{ messageId: 'checkThenActModel', line: 6 }],
    },
    {
      name: 'set-once answered alike either way, but with an email the test lets run: sent twice',
      code: `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
declare function sendEmail(to: string): Promise<void>;

export async function unsubscribe(token: string, res: any) {
  const sub = await prisma.subscriber.findUnique({ where: { token } });
  if (!sub) return res.status(404).json({ error: 'Not found' });
  if (sub.unsubscribedAt) {
    return res.status(200).json({ message: 'Already unsubscribed' });
  }
  await prisma.subscriber.update({ where: { id: sub.id }, data: { unsubscribedAt: new Date() } });
  await sendEmail(sub.email);
  return res.status(200).json({ message: 'Successfully unsubscribed' });
}
`,
      errors: [{ messageId: 'checkThenActModel', line: 7 }],
    },
    {
      name: 'set-once in a conditional expression whose branch answers the winner alone: a claim',
      code: `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();

export async function redeem(couponId: string) {
  const coupon = await prisma.coupon.findUnique({ where: { id: couponId } });
  if (!coupon) return;
  return coupon.usedAt
    ? null
    : prisma.coupon.update({ where: { id: couponId }, data: { usedAt: new Date() } }).then(() => ({ discount: 50 }));
}
`,
      errors: [{ messageId: 'checkThenActModel', line: 6 }],
    },
    {
      name: 'set-once with a payment the test lets run: two requests both charge',
      code: `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
declare const stripe: any;

export async function opened(emailId: string) {
  const email = await prisma.notificationEmail.findUnique({ where: { emailId } });
  if (!email) return;
  if (email.chargedAt) return;
  await stripe.charges.create({ amount: 100 });
  await prisma.notificationEmail.update({ where: { emailId }, data: { chargedAt: new Date() } });
}
`,
      errors: [{ messageId: 'checkThenActModel', line: 7 }],
    },
    {
      name: 'set-once with a row inserted after it: two requests both insert',
      code: `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
declare const stripe: any;

export async function opened(emailId: string) {
  const email = await prisma.notificationEmail.findUnique({ where: { emailId } });
  if (!email) return;
  if (email.openedAt) return;
  await prisma.notificationEmail.update({ where: { emailId }, data: { openedAt: new Date() } });
  await prisma.reward.create({ data: { emailId, points: 10 } });
}
`,
      errors: [{ messageId: 'checkThenActModel', line: 7 }],
    },
    {
      name: 'set-once whose winner alone gets an answer: a claim',
      code: `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();

export async function redeem(couponId: string) {
  const coupon = await prisma.coupon.findUnique({ where: { id: couponId } });
  if (!coupon) return;
  if (coupon.usedAt) return;
  await prisma.coupon.update({ where: { id: couponId }, data: { usedAt: new Date() } });
  return { discount: 50 };
}
`,
      errors: [{ messageId: 'checkThenActModel', line: 6 }],
    },
    {
      name: 'a stamp compared with a date, then stamped, and the winner rewarded: a daily claim',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function claimDaily(userId: number) {
  const { rows } = await pool.query('SELECT id, last_claimed_at FROM users WHERE id = $1', [userId]);
  const user = rows[0];
  if (user.last_claimed_at < new Date(Date.now() - 86_400_000)) {
    await pool.query('UPDATE users SET last_claimed_at = now() WHERE id = $1', [user.id]);
    return { reward: 100 };
  }
  return null;
}
`,
      errors: [{ messageId: 'checkThenAct', line: 6 }],
    },
    {
      name: 'a stamp compared with a date, then a value passed in written: not a touch',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function reschedule(jobId: number, at: Date) {
  const { rows } = await pool.query('SELECT id, run_at FROM jobs WHERE id = $1', [jobId]);
  if (rows[0].run_at > new Date()) {
    await pool.query('UPDATE jobs SET run_at = $1 WHERE id = $2', [at, jobId]);
  }
}
`,
      errors: [{ messageId: 'checkThenAct', line: 6 }],
    },
    {
      name: 'a request-only alternative that writes when the value is missing is no skip of the same value',
      code: `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();

export async function setTenant(id: string, input: { tenantId?: string }) {
  const row = await prisma.enrollment.findFirst({ where: { id } });
  if (!row) return;
  if (!input.tenantId || input.tenantId !== row.tenantId) {
    await prisma.enrollment.update({ where: { id: row.id }, data: { tenantId: input.tenantId } });
  }
}
`,
      errors: [{ messageId: 'checkThenActModel', line: 6 }],
    },
    {
      name: 'a no-op skip that also lets a charge run: two requests that both pass both charge',
      code: `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
declare function chargeProration(userId: string, plan: string): Promise<void>;

export async function setPlan(userId: string, plan: string) {
  const user = await prisma.user.findUnique({ where: { id: userId } });
  if (!user) return;
  if (user.plan !== plan) {
    await prisma.user.update({ where: { id: userId }, data: { plan } });
    await chargeProration(userId, plan);
  }
}
`,
      errors: [{ messageId: 'checkThenActModel', line: 7 }],
    },
    {
      name: 'a claim whose count nobody checks does not serialize the writes after it',
      code: `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
declare function pay(id: string): Promise<void>;
export async function retry(payoutId: string) {
  const updated = await prisma.$transaction(async (tx) => {
    const payout = await tx.payout.findUnique({ where: { id: payoutId } });
    if (!payout) throw new Error('not found');
    if (payout.status !== 'failed') throw new Error('cannot retry');
    const result = await tx.payout.updateMany({ where: { id: payout.id, status: 'failed' }, data: { status: 'processing' } });
    return payout;
  });
  try {
    await pay(updated.id);
    await prisma.payout.update({ where: { id: updated.id }, data: { status: 'sent' } });
  } catch (error) {
    await prisma.payout.update({ where: { id: updated.id }, data: { status: 'failed' } });
    throw error;
  }
}
`,
      errors: [{ messageId: 'checkThenActModel', line: 7 }],
    },
    {
      name: 'a state compared with a value is a transition, not a set-once',
      code: `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
declare const stripe: any;

export async function opened(emailId: string) {
  const email = await prisma.notificationEmail.findUnique({ where: { emailId } });
  if (!email) return;
  if (email.status !== 'SENT') return;
  await prisma.notificationEmail.update({ where: { emailId }, data: { status: 'OPENED' } });
  await prisma.reward.create({ data: { emailId, points: 10 } });
}
`,
      errors: [{ messageId: 'checkThenActModel', line: 7 }],
    },
    {
      name: 'a flag tested, set, and the success reported: a claim',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function redeem(couponId: number) {
  const { rows } = await pool.query('SELECT used FROM coupons WHERE id = $1', [couponId]);
  if (rows[0].used) throw new Error('already used');
  await pool.query('UPDATE coupons SET used = true WHERE id = $1', [couponId]);
  return { discount: 50 };
}
`,
      errors: [
        {
          messageId: 'checkThenAct',
          line: 6,
          column: 26,
          data: { table: 'coupons', readLines: 'line 6', checkLines: 'line 7', writeLines: 'line 8', ...pgAdvice },
          suggestions: [],
        },
      ],
    },
    {
      name: 'status tested in JavaScript, the UPDATE does not re-test it: check-then-act, though another column is written back',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function approve(orderId: number, note: string) {
  const { rows } = await pool.query('SELECT status, notes FROM orders WHERE order_id = $1', [orderId]);
  if (rows[0].status !== 'pending') throw new Error('not pending');
  await pool.query("UPDATE orders SET status = 'approved', notes = $1 WHERE order_id = $2", [rows[0].notes + note, orderId]);
}
`,
      errors: [
        {
          messageId: 'checkThenAct',
          line: 6,
          column: 26,
          data: { table: 'orders', readLines: 'line 6', checkLines: 'line 7', writeLines: 'line 8', ...pgAdvice },
          suggestions: [],
        },
      ],
    },
    {
      name: 'two existence checks before one INSERT: one finding listing both reads and both tests',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function book(doctor: string, patient: string, at: string) {
  const { rows: taken } = await pool.query('SELECT 1 FROM bookings WHERE doctor = $1 AND starts_at = $2', [doctor, at]);
  if (taken.length > 0) throw new Error('slot taken');
  const { rows: mine } = await pool.query('SELECT 1 FROM bookings WHERE patient = $1 AND starts_at = $2', [patient, at]);
  if (mine.length > 0) throw new Error('already booked');
  await pool.query('INSERT INTO bookings (doctor, patient, starts_at) VALUES ($1, $2, $3)', [doctor, patient, at]);
}
`,
      errors: [
        {
          messageId: 'checkThenInsert',
          line: 6,
          column: 33,
          data: { table: 'bookings', readLines: 'lines 6 and 8', checkLines: 'lines 7 and 9', writeLines: 'line 10', ...pgAdvice },
          suggestions: [],
        },
      ],
    },
    // The first seed.
    {
      name: 'the first seed: seats read, tested and decremented in a READ COMMITTED transaction',
      code: seedCheckThenAct,
      errors: [
        {
          messageId: 'checkThenAct',
          line: 9,
          column: 28,
          data: { table: 'concerts', readLines: 'line 9', checkLines: 'line 10', writeLines: 'line 13', ...pgAdvice },
          suggestions: [
            {
              messageId: 'addForUpdate',
              output: withForUpdate(seedCheckThenAct, 'SELECT available_seats FROM concerts WHERE concert_id = $1'),
            },
          ],
        },
      ],
    },
    {
      name: 'balance read through r.rows[0], tested with an early throw, then debited',
      code: withdrawInTransaction,
      errors: [
        {
          messageId: 'checkThenAct',
          line: 9,
          column: 21,
          data: { table: 'account', readLines: 'line 9', checkLines: 'line 10', writeLines: 'line 11', ...pgAdvice },
          suggestions: [
            {
              messageId: 'addForUpdate',
              output: withForUpdate(withdrawInTransaction, 'SELECT balance FROM account WHERE account_id = $1'),
            },
          ],
        },
      ],
    },
    {
      name: 'REPEATABLE READ does not stop the check-then-act',
      code: repeatableRead,
      errors: [
        {
          messageId: 'checkThenAct',
          line: 9,
          column: 28,
          suggestions: [
            { messageId: 'addForUpdate', output: withForUpdate(repeatableRead, 'SELECT balance FROM account WHERE account_id = $1') },
          ],
        },
      ],
    },
    {
      name: 'template literal read with a ${} hole followed by SQL: FOR UPDATE goes before the closing backtick',
      code: templateLiteralRead,
      errors: [
        {
          messageId: 'checkThenAct',
          line: 9,
          column: 28,
          data: { table: 'products', readLines: 'line 9', checkLines: 'line 10', writeLines: 'line 13', ...pgAdvice },
          suggestions: [
            { messageId: 'addForUpdate', output: withForUpdate(templateLiteralRead, 'product_id = ${productId} AND NOT discontinued') },
          ],
        },
      ],
    },
    {
      name: 'template literal read ending in a ${} hole: FOR UPDATE goes after the hole',
      code: templateHoleRead,
      errors: [
        {
          messageId: 'checkThenAct',
          line: 9,
          column: 28,
          suggestions: [
            {
              messageId: 'addForUpdate',
              output: withForUpdate(templateHoleRead, 'SELECT stock FROM products WHERE product_id = ${productId}'),
            },
          ],
        },
      ],
    },
    {
      name: 'a read ending in a -- comment: FOR UPDATE goes before the comment, not into it',
      code: readWithComment('SELECT stock FROM products WHERE product_id = $1 -- one row;'),
      errors: [
        {
          messageId: 'checkThenAct',
          line: 6,
          column: 26,
          suggestions: [
            {
              messageId: 'addForUpdate',
              output: readWithComment('SELECT stock FROM products WHERE product_id = $1 FOR UPDATE -- one row;'),
            },
          ],
        },
      ],
    },
    {
      name: "a template ending in a hole, a ';' and a -- comment that holds a quote: FOR UPDATE goes after the hole",
      code: readWithComment("`SELECT stock FROM products WHERE product_id = ${productId}; -- don't lock`", ''),
      errors: [
        {
          messageId: 'checkThenAct',
          line: 6,
          column: 26,
          suggestions: [
            {
              messageId: 'addForUpdate',
              output: readWithComment("`SELECT stock FROM products WHERE product_id = ${productId} FOR UPDATE; -- don't lock`", ''),
            },
          ],
        },
      ],
    },
    {
      name: 'client.query({ text, values }) with a destructured row',
      code: configObjectRead,
      errors: [
        {
          messageId: 'checkThenAct',
          line: 9,
          column: 37,
          data: { table: 'orders', readLines: 'line 9', checkLines: 'line 10', writeLines: 'line 13', ...pgAdvice },
          suggestions: [{ messageId: 'addForUpdate', output: withForUpdate(configObjectRead, 'SELECT status FROM orders WHERE id = $1') }],
        },
      ],
    },
    {
      name: 'multi-line read, write inside the if block',
      code: writeInsideTest,
      errors: [
        {
          messageId: 'checkThenAct',
          line: 9,
          column: 26,
          data: { table: 'drivers', readLines: 'line 9', checkLines: 'line 15', writeLines: 'line 16', ...pgAdvice },
          suggestions: [{ messageId: 'addForUpdate', output: withForUpdate(writeInsideTest, 'WHERE driver_id = $1') }],
        },
      ],
    },
    {
      name: 'write in the branch of a conditional expression',
      code: ternaryTest,
      errors: [
        {
          messageId: 'checkThenAct',
          line: 9,
          column: 28,
          data: { table: 'appointment_slots', readLines: 'line 9', checkLines: 'line 10', writeLines: 'line 12', ...pgAdvice },
          suggestions: [
            { messageId: 'addForUpdate', output: withForUpdate(ternaryTest, 'SELECT booked FROM appointment_slots WHERE slot_id = $1') },
          ],
        },
      ],
    },
    // No suggestion: outside a transaction, SQL not written in place, aggregates, INSERT acts.
    {
      name: 'read and write through the pool: no transaction to hold a lock',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function redeem(couponId: number) {
  const { rows } = await pool.query('SELECT uses_left FROM coupons WHERE coupon_id = $1', [couponId]);
  if (rows[0].uses_left <= 0) throw new Error('Coupon exhausted');
  await pool.query('UPDATE coupons SET uses_left = uses_left - 1 WHERE coupon_id = $1', [couponId]);
}
`,
      errors: [
        {
          messageId: 'checkThenAct',
          line: 6,
          column: 26,
          data: { table: 'coupons', readLines: 'line 6', checkLines: 'line 7', writeLines: 'line 8', ...pgAdvice },
          suggestions: [],
        },
      ],
    },
    {
      name: 'a .then chain on the pool',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export function closeAuction(auctionId: number) {
  return pool.query('SELECT open FROM auctions WHERE auction_id = $1', [auctionId]).then((r) => {
    if (!r.rows[0].open) throw new Error('Already closed');
    return pool.query('UPDATE auctions SET open = false, closed_at = now() WHERE auction_id = $1', [auctionId]);
  });
}
`,
      errors: [{ messageId: 'checkThenAct', line: 6, column: 10, suggestions: [] }],
    },
    {
      name: 'a client parameter: the caller may hold a transaction, but no lock is taken',
      code: `
import type { PoolClient } from 'pg';

export async function debit(client: PoolClient, accountId: number, amount: number) {
  const { rows } = await client.query('SELECT balance FROM account WHERE account_id = $1', [accountId]);
  if (rows[0].balance < amount) throw new Error('Insufficient funds');
  await client.query('UPDATE account SET balance = balance - $1 WHERE account_id = $2', [amount, accountId]);
}
`,
      errors: [{ messageId: 'checkThenAct', line: 5, column: 26, suggestions: [] }],
    },
    {
      name: 'module-level SQL constants: the read is not written in place',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

const SELECT_STOCK = 'SELECT quantity FROM inventory WHERE sku_id = $1';
const DECREMENT_STOCK = 'UPDATE inventory SET quantity = quantity - $2 WHERE sku_id = $1';

export async function pick(skuId: number, quantity: number) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const { rows } = await client.query(SELECT_STOCK, [skuId]);
    if (rows[0].quantity < quantity) throw new Error('Not enough stock');
    await client.query(DECREMENT_STOCK, [skuId, quantity]);
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
          messageId: 'checkThenAct',
          line: 12,
          column: 28,
          data: { table: 'inventory', readLines: 'line 12', checkLines: 'line 13', writeLines: 'line 14', ...pgAdvice },
          suggestions: [],
        },
      ],
    },
    {
      name: 'SQL built by concatenation: no suggestion',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function pick(skuId: number, quantity: number) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const { rows } = await client.query('SELECT quantity FROM inventory ' + 'WHERE sku_id = $1', [skuId]);
    if (rows[0].quantity < quantity) throw new Error('Not enough stock');
    await client.query('UPDATE inventory SET quantity = quantity - $2 WHERE sku_id = $1', [skuId, quantity]);
    await client.query('COMMIT');
  } finally {
    client.release();
  }
}
`,
      errors: [{ messageId: 'checkThenAct', line: 9, column: 28, suggestions: [] }],
    },
    {
      name: 'an aggregate read cannot take FOR UPDATE: no suggestion',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function reserveSeat(concertId: string, seatId: number) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const { rows } = await client.query('SELECT count(*)::int AS reserved FROM seats WHERE concert_id = $1 AND reserved', [concertId]);
    if (rows[0].reserved >= 100) throw new Error('Sold out');
    await client.query('UPDATE seats SET reserved = true WHERE seat_id = $1', [seatId]);
    await client.query('COMMIT');
  } finally {
    client.release();
  }
}
`,
      errors: [{ messageId: 'checkThenAct', line: 9, column: 28, suggestions: [] }],
    },
    {
      name: 'a callback of a call that takes no lock (blockUser, unlockLater)',
      code: `
import { Pool } from 'pg';
declare const blockUser: any;
const pool = new Pool();

export async function payExpense(expenseId: number) {
  await blockUser(expenseId, async () => {
    const { rows } = await pool.query('SELECT status FROM expenses WHERE id = $1', [expenseId]);
    if (rows[0].status !== 'APPROVED') throw new Error('Not approved');
    await pool.query("UPDATE expenses SET status = 'PAID' WHERE id = $1", [expenseId]);
    await pool.query('INSERT INTO payments (expense_id) VALUES ($1)', [expenseId]);
  });
}
`,
      errors: [{ messageId: 'checkThenAct', line: 8 }],
    },
    {
      name: 'existence check before an INSERT into the same table (no advisory lock)',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function book(slotId: number, userId: number) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const existing = await client.query('SELECT 1 FROM bookings WHERE slot_id = $1', [slotId]);
    if (existing.rowCount !== 0) throw new Error('Slot taken');
    await client.query('INSERT INTO bookings (slot_id, user_id) VALUES ($1, $2)', [slotId, userId]);
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
          messageId: 'checkThenInsert',
          line: 9,
          column: 28,
          data: { table: 'bookings', readLines: 'line 9', checkLines: 'line 10', writeLines: 'line 11', ...pgAdvice },
          suggestions: [],
        },
      ],
    },
    {
      name: 'a session advisory lock taken through the pool does not cover the next pool query',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function register(username: string) {
  await pool.query('SELECT pg_advisory_lock(hashtext($1))', [username]);
  const taken = await pool.query('SELECT 1 FROM accounts WHERE username = $1', [username]);
  if (taken.rowCount) throw new Error('Username taken');
  await pool.query('INSERT INTO accounts (username) VALUES ($1)', [username]);
  await pool.query('SELECT pg_advisory_unlock(hashtext($1))', [username]);
}
`,
      errors: [{ messageId: 'checkThenInsert', line: 7, column: 23, suggestions: [] }],
    },
    {
      name: 'an advisory lock taken after the read protects nothing',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function book(slotId: number, userId: number) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const existing = await client.query('SELECT 1 FROM bookings WHERE slot_id = $1', [slotId]);
    await client.query('SELECT pg_advisory_xact_lock($1)', [slotId]);
    if (existing.rowCount !== 0) throw new Error('Slot taken');
    await client.query('INSERT INTO bookings (slot_id, user_id) VALUES ($1, $2)', [slotId, userId]);
    await client.query('COMMIT');
  } finally {
    client.release();
  }
}
`,
      errors: [{ messageId: 'checkThenInsert', line: 9, column: 28, suggestions: [] }],
    },
    {
      name: 'pg_advisory_xact_lock without BEGIN ends with its own statement',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function reserve(concertId: string) {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [concertId]);
    const { rows } = await client.query('SELECT available_seats FROM concerts WHERE concert_id = $1', [concertId]);
    if (rows[0].available_seats < 1) throw new Error('Sold out');
    await client.query('UPDATE concerts SET available_seats = available_seats - 1 WHERE concert_id = $1', [concertId]);
  } finally {
    client.release();
  }
}
`,
      errors: [{ messageId: 'checkThenAct', line: 9, column: 28, suggestions: [] }],
    },
    {
      name: 'read through the pool, written later in a transaction on a client',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function reserve(concertId: string, userId: string) {
  const { rows } = await pool.query('SELECT available_seats FROM concerts WHERE concert_id = $1', [concertId]);
  if (rows[0].available_seats < 1) throw new Error('Sold out');
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('UPDATE concerts SET available_seats = available_seats - 1 WHERE concert_id = $1', [concertId]);
    await client.query('INSERT INTO tickets (user_id, concert_id) VALUES ($1, $2)', [userId, concertId]);
    await client.query('COMMIT');
  } finally {
    client.release();
  }
}
`,
      errors: [
        {
          messageId: 'checkThenAct',
          line: 6,
          column: 26,
          data: { table: 'concerts', readLines: 'line 6', checkLines: 'line 7', writeLines: 'line 11', ...pgAdvice },
          suggestions: [],
        },
      ],
    },
    {
      name: 'a status of more values moved to a constant: a concurrent rejection is overwritten by the approval',
      code: `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();

export async function approve(requestId: string) {
  const request = await prisma.request.findUnique({ where: { id: requestId } });
  if (!request) throw new Error('not found');
  if (request.status !== 'PENDING') throw new Error('already decided');
  await prisma.request.update({ where: { id: requestId }, data: { status: 'APPROVED', decidedAt: new Date() } });
}
`,
      errors: [{ messageId: 'checkThenActModel', line: 6, column: 25 }],
    },
    {
      name: 'a flag refused when set, then an email the test lets run: sent twice',
      code: `
declare function sendEmail(to: string, text: string): Promise<void>;
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();

export async function banUser(userId: string) {
  const user = await prisma.user.findUnique({ where: { id: userId } });
  if (!user) throw new Error('not found');
  if (user.banned) throw new Error('already banned');
  await prisma.user.update({ where: { id: userId }, data: { banned: true, bannedAt: new Date() } });
  await prisma.session.deleteMany({ where: { userId } });
  await sendEmail(user.email, 'banned');
}
`,
      errors: [{ messageId: 'checkThenActModel', line: 7, column: 22 }],
    },
    {
      name: 'a flag refused when set, then a call that is not awaited but tracks an event: made twice',
      code: `
declare function track(event: string, data: object): void;
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();

export async function banUser(userId: string) {
  const user = await prisma.user.findUnique({ where: { id: userId } });
  if (!user) throw new Error('not found');
  if (user.banned) throw new Error('already banned');
  await prisma.user.update({ where: { id: userId }, data: { banned: true, bannedAt: new Date() } });
  await prisma.session.deleteMany({ where: { userId } });
  track('user_banned', { userId });
}
`,
      errors: [{ messageId: 'checkThenActModel', line: 7, column: 22 }],
    },
    {
      name: 'a flag refused when set, beside a value of the request: the two requests leave different rows',
      code: `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();

export async function banUser(userId: string, reason: string) {
  const user = await prisma.user.findUnique({ where: { id: userId } });
  if (!user) throw new Error('not found');
  if (user.banned) throw new Error('already banned');
  await prisma.user.update({ where: { id: userId }, data: { banned: true, banReason: reason } });
  await prisma.session.deleteMany({ where: { userId } });
  console.info('banned', userId);
}
`,
      errors: [{ messageId: 'checkThenActModel', line: 6, column: 22 }],
    },
    {
      name: 'a flag refused when set, then a row inserted: two rows',
      code: `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();

export async function banUser(userId: string) {
  const user = await prisma.user.findUnique({ where: { id: userId } });
  if (!user) throw new Error('not found');
  if (user.banned) throw new Error('already banned');
  await prisma.user.update({ where: { id: userId }, data: { banned: true, bannedAt: new Date() } });
  await prisma.session.deleteMany({ where: { userId } });
  await prisma.banEvent.create({ data: { userId } });
}
`,
      errors: [{ messageId: 'checkThenActModel', line: 6, column: 22 }],
    },
    {
      name: 'a flag refused when set, written by a called function that also sends an email',
      code: `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
declare function sendEmail(to: string, text: string): Promise<void>;

async function applyBan(userId: string, email: string) {
  await prisma.user.update({ where: { id: userId }, data: { banned: true } });
  await sendEmail(email, 'You were banned');
}

export async function banUser(userId: string) {
  const user = await prisma.user.findUnique({ where: { id: userId } });
  if (!user) throw new Error('not found');
  if (user.banned) throw new Error('already banned');
  await applyBan(userId, user.email);
}
`,
      errors: [{ messageId: 'checkThenAct', line: 12, column: 22 }],
    },
    {
      name: 'a flag refused when set, set beside a nested create of another row: that row is added twice',
      code: `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();

export async function banUser(userId: string) {
  const user = await prisma.user.findUnique({ where: { id: userId } });
  if (!user) throw new Error('not found');
  if (user.banned) throw new Error('already banned');
  await prisma.user.update({ where: { id: userId }, data: { banned: true, events: { create: { kind: 'ban' } } } });
}
`,
      errors: [{ messageId: 'checkThenActModel', line: 6, column: 22 }],
    },
    {
      name: 'the same ban refused by a throw from an exported function: its caller may act once it returned, as on a coupon',
      code: `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();

export async function banUser(userId: string) {
  const user = await prisma.user.findUnique({ where: { id: userId } });
  if (!user) throw new Error('not found');
  if (user.banned) throw new Error('already banned');
  await prisma.user.update({ where: { id: userId }, data: { banned: true, bannedAt: new Date() } });
  await prisma.session.deleteMany({ where: { userId } });
  console.info('banned', userId);
}
`,
      errors: [{ messageId: 'checkThenActModel', line: 6, column: 22 }],
    },
    {
      name: 'an Express handler answering with the row after an idempotent act: the answer tells the requests apart',
      code: `
import express from 'express';
import { Pool } from 'pg';
const pool = new Pool();
const app = express();

app.post('/mfa/disable', async (req, res) => {
  const { rows } = await pool.query('SELECT id FROM users WHERE id = $1 AND mfa_enabled = true', [req.body.userId]);
  if (rows.length === 0) throw new Error('MFA is not enabled');
  await pool.query('UPDATE users SET mfa_enabled = false, mfa_disabled_at = now() WHERE id = $1', [req.body.userId]);
  await pool.query('DELETE FROM mfa_backup_codes WHERE user_id = $1', [req.body.userId]);
  res.json(rows[0]);
});
`,
      errors: [{ messageId: 'checkThenAct', line: 8, column: 26 }],
    },
  ],
});
