import rule from '../../rules/no-decoupled-insert.js';
import { pgAdvice, pgCouple } from '../helpers/advice.js';
import { ruleTester } from '../helpers/rule-tester.js';
import { bookSlotByDoctorAndTime, cteFix, seedAsOneText, skipLockedQueueClaim } from '../helpers/snippets.js';

const seatsGuard = 'available_seats > 0';

/** A guarded Prisma delete run two calls down, in a transaction whose callback returns its row, then another write. */
const deleteThroughHelpers = (method: string) => `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
async function removeDraft(id: string) {
  const deleted = await prisma.$transaction(async (tx) => {
    await tx.auditLog.create({ data: { documentId: id } });
    return await tx.document.${method}({ where: { id, status: { not: 'COMPLETED' } } });
  });
  return deleted;
}
export async function deleteDocument(id: string, recipientId: string) {
  const removed = await removeDraft(id);
  console.log({ ...removed });
  await prisma.recipient.update({ where: { id: recipientId }, data: { deletedAt: new Date() } });
}
export async function handler(id: string, recipientId: string) {
  await deleteDocument(id, recipientId);
  return { ok: true };
}
`;

ruleTester.run('no-decoupled-insert', rule, {
  valid: [
    {
      name: 'a CTE that resets stale locks beside an UPDATE that resets others: two batches, nothing inserted',
      code: `
import type { PoolClient } from 'pg';

export async function resetLockedAt(client: PoolClient) {
  await client.query(\`
    WITH j AS (UPDATE jobs SET locked_at = NULL, locked_by = NULL WHERE locked_at < now() - interval '4 hours')
    UPDATE job_queues SET locked_at = NULL, locked_by = NULL WHERE locked_at < now() - interval '4 hours'\`);
}
`,
    },
    {
      name: "a bulk pause of a program's campaigns (a foreign key and a state), then a log row: a scope, not one row",
      code: `
import type { PoolClient } from 'pg';

export async function pauseCampaigns(client: PoolClient, programId: string) {
  await client.query("UPDATE campaigns SET status = 'paused' WHERE program_id = $1 AND status = 'active'", [programId]);
  await client.query('INSERT INTO activity_log (program_id, action) VALUES ($1, $2)', [programId, 'paused']);
}
`,
    },
    {
      name: 'a recipient marked sent unless it was, then an audit entry of the email already sent: the entry belongs either way',
      code: `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
declare function sendMail(to: string): Promise<void>;

export async function remind(recipient: { id: number; email: string }, documentId: number) {
  await sendMail(recipient.email);
  await prisma.recipient.updateMany({ where: { id: recipient.id, sendStatus: 'NOT_SENT' }, data: { sendStatus: 'SENT' } });
  await prisma.documentAuditLog.create({ data: { documentId, type: 'EMAIL_SENT', recipientId: recipient.id } });
}
`,
    },
    {
      name: "Prisma updateMany over a program's commissions by status, then a create: 0 rows is normal",
      code: `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
export async function cancel(programId: string, userId: string) {
  await prisma.commission.updateMany({ where: { programId, status: { in: ['pending', 'processed'] } }, data: { status: 'canceled' } });
  await prisma.activityLog.create({ data: { programId, userId, action: 'cancel' } });
}
`,
    },
    // Prisma's delete throws P2025 when the guard matched no row; the callers leave with it, so the
    // write after the call never runs on a lost race, however many calls up, even when the row is returned.
    {
      name: "a guarded Prisma delete two calls down, its row returned: the caller's next write runs only when it deleted",
      code: deleteThroughHelpers('delete'),
    },
    // A value taken back from whichever row holds it, found by that value alone: 0 rows means nobody held it.
    {
      name: "a purchase token released from other accounts, then an upsert of the buyer's subscription",
      code: `
import { Pool } from 'pg';
const pool = new Pool();
export async function grant(userId: string, token: string) {
  await pool.query('UPDATE subscriptions SET active = false, purchase_token = NULL WHERE purchase_token = $1 AND user_id <> $2', [token, userId]);
  await pool.query(
    'INSERT INTO subscriptions (user_id, purchase_token, active) VALUES ($1, $2, true) ON CONFLICT (user_id) DO UPDATE SET purchase_token = $2, active = true',
    [userId, token],
  );
}
`,
    },
    // Conditions that select a batch, not guards a concurrent writer can flip: 0 rows is an outcome.
    {
      name: 'a revert script: DELETEs of one tenant by id pattern and constant id list, one after the other',
      code: `
import type { PoolClient } from 'pg';

export async function removeMachineApps(client: PoolClient, tenantId: string) {
  await client.query("DELETE FROM applications WHERE tenant_id = $1 AND id LIKE 'm-%'", [tenantId]);
  await client.query("DELETE FROM roles WHERE tenant_id = $1 AND name LIKE '%:admin' AND name NOT LIKE 'machine:%' AND name <> 'default:admin'", [tenantId]);
  await client.query("DELETE FROM organization_roles WHERE tenant_id = $1 AND id IN ('owner', 'admin', 'member')", [tenantId]);
  await client.query('DELETE FROM organizations WHERE tenant_id = $1 AND user_id IN (SELECT id FROM users WHERE banned)', [tenantId]);
}
`,
    },
    {
      name: 'a set-based UPDATE ... FROM joined on keys, then a write',
      code: `
import type { PoolClient } from 'pg';

export async function applyFixes(client: PoolClient, tenantId: string) {
  await client.query('UPDATE counters c SET total = fix.total FROM fixes fix WHERE c.tenant_id = $1 AND c.id = fix.id', [tenantId]);
  await client.query('DELETE FROM fixes WHERE tenant_id = $1', [tenantId]);
}
`,
    },
    // The seed's two fixes.
    {
      name: 'the CTE fix: the INSERT selects from the UPDATE ... RETURNING',
      code: cteFix,
    },
    {
      name: 'the seed CTE verbatim, with literals',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function buyWeekndTicket() {
  const result = await pool.query(\`
    WITH reserved AS (
    UPDATE concerts
    SET available_seats = available_seats - 1
    WHERE concert_id = 'weeknd_tour'
    AND available_seats > 0
    RETURNING concert_id
    )
    INSERT INTO tickets (user_id, concert_id, seat_number)
    SELECT 'user123', concert_id, 'A15'
    FROM reserved;
  \`);
  return result.rowCount === 1;
}
`,
    },
    {
      name: 'the rowcount fix: ROLLBACK and throw when the UPDATE matched nothing',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export class SoldOutError extends Error {}

export async function buyTicket(userId: string, concertId: string, seat: string) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await client.query(
      'UPDATE concerts SET available_seats = available_seats - 1 WHERE concert_id = $1 AND available_seats > 0',
      [concertId],
    );
    if (result.rowCount === 0) {
      await client.query('ROLLBACK');
      throw new SoldOutError('No seats available');
    }
    await client.query('INSERT INTO tickets (user_id, concert_id, seat_number) VALUES ($1, $2, $3)', [userId, concertId, seat]);
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
    // Other ways of reading the count.
    {
      name: 'destructured rowCount tested before the INSERT',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function payOrder(orderId: number, amount: number) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const { rowCount } = await client.query("UPDATE orders SET status = 'paid' WHERE id = $1 AND status = 'pending'", [orderId]);
    if (rowCount !== 1) throw new Error('Order is not pending');
    await client.query('INSERT INTO payments (order_id, amount) VALUES ($1, $2)', [orderId, amount]);
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
      name: 'RETURNING rows tested before the INSERT',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function claimSeat(seatId: number, userId: number) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const { rows } = await client.query('UPDATE seats SET held_by = $2 WHERE seat_id = $1 AND held_by IS NULL RETURNING seat_id', [seatId, userId]);
    if (rows.length === 0) {
      await client.query('ROLLBACK');
      return false;
    }
    await client.query('INSERT INTO seat_holds (seat_id, user_id) VALUES ($1, $2)', [seatId, userId]);
    await client.query('COMMIT');
    return true;
  } finally {
    client.release();
  }
}
`,
    },
    {
      name: 'the count handed to an assertion helper',
      code: `
import assert from 'node:assert';
import { Pool } from 'pg';
const pool = new Pool();

export async function redeem(voucherId: number, orderId: number) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await client.query('UPDATE vouchers SET redeemed = true WHERE voucher_id = $1 AND NOT redeemed', [voucherId]);
    assert.equal(result.rowCount, 1, 'voucher already redeemed');
    await client.query('INSERT INTO redemptions (voucher_id, order_id) VALUES ($1, $2)', [voucherId, orderId]);
    await client.query('COMMIT');
  } finally {
    client.release();
  }
}
`,
    },
    {
      name: 'the count tested with a falsy check, inside a client parameter function',
      code: `
import type { PoolClient } from 'pg';

export async function reserve(client: PoolClient, itemId: number, cartId: number) {
  const { rowCount } = await client.query('UPDATE items SET stock = stock - 1 WHERE item_id = $1 AND stock > 0', [itemId]);
  if (!rowCount) return false;
  await client.query('INSERT INTO cart_items (cart_id, item_id) VALUES ($1, $2)', [cartId, itemId]);
  return true;
}
`,
    },
    // Nothing that can match 0 rows, or nothing after it.
    {
      name: 'an UPDATE by key only (no guard) before the INSERT',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function buyTicket(userId: string, concertId: string) {
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
    },
    {
      name: 'email is a key column',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function verify(email: string) {
  await pool.query('UPDATE users SET verified_at = now() WHERE email = $1', [email]);
  await pool.query("INSERT INTO audit_log (event, subject) VALUES ('verified', $1)", [email]);
}
`,
    },
    {
      name: 'a refund helper on paths that each return: the later refunds never run after it',
      code: `
import { Pool } from 'pg';
const pool = new Pool();
declare function generate(): Promise<string | null>;
declare function publish(text: string): void;

export async function generateDraft(workspaceId: string) {
  const refund = async () => {
    await pool.query('UPDATE workspaces SET ai_usage = ai_usage - 1 WHERE id = $1 AND ai_usage > 0', [workspaceId]);
  };
  try {
    const text = await generate();
    if (!text) {
      await refund();
      return;
    }
    if (text.length > 1000) {
      await refund();
      return;
    }
    publish(text);
  } catch (error) {
    await refund();
  }
}
`,
    },
    {
      name: 'a guarded UPDATE with no write after it',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function expireSessions() {
  await pool.query('UPDATE sessions SET active = false WHERE expires_at < now()');
}
`,
    },
    {
      name: 'INSERT ... ON CONFLICT after an unguarded UPDATE',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function follow(followerId: number, followeeId: number) {
  await pool.query('UPDATE users SET following_count = following_count + 1 WHERE id = $1', [followerId]);
  await pool.query('INSERT INTO follows (follower_id, followee_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [followerId, followeeId]);
}
`,
    },
    {
      name: 'a consumed data-modifying DELETE CTE',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function releaseExpiredHolds() {
  await pool.query(\`
    WITH expired AS (
      DELETE FROM holds WHERE expires_at < now() RETURNING seat_id
    )
    UPDATE seats SET held = false WHERE seat_id IN (SELECT seat_id FROM expired)
  \`);
}
`,
    },
    {
      name: 'the FOR UPDATE SKIP LOCKED queue claim in one statement',
      code: skipLockedQueueClaim,
    },
    {
      name: 'optimistic version check with the count tested before the audit row',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function saveDocument(documentId: number, body: string, version: number) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await client.query({
      text: 'UPDATE documents SET body = $1, version = version + 1 WHERE id = $2 AND version = $3',
      values: [body, documentId, version],
    });
    if (result.rowCount === 0) throw new Error('Stale document');
    await client.query('INSERT INTO document_revisions (document_id, body) VALUES ($1, $2)', [documentId, body]);
    await client.query('COMMIT');
  } finally {
    client.release();
  }
}
`,
    },
    {
      name: 'the count tested in a conditional expression',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function cancel(bookingId: number) {
  const result = await pool.query("UPDATE bookings SET status = 'cancelled' WHERE id = $1 AND status = 'confirmed'", [bookingId]);
  return result.rowCount === 1
    ? pool.query('INSERT INTO refunds (booking_id) VALUES ($1)', [bookingId])
    : null;
}
`,
    },
    {
      name: 'keyColumns: equality on a configured key column is not a guard',
      code: bookSlotByDoctorAndTime,
      options: [{ keyColumns: ['starts_at'] }],
    },
  ],
  invalid: [
    {
      name: 'a link row named by two foreign keys (concert and user), guarded by expiry, then an INSERT',
      code: `
import type { PoolClient } from 'pg';

export async function redeemHold(client: PoolClient, concertId: string, userId: string) {
  await client.query('DELETE FROM holds WHERE concert_id = $1 AND user_id = $2 AND expires_at > now()', [concertId, userId]);
  await client.query('INSERT INTO tickets (concert_id, user_id) VALUES ($1, $2)', [concertId, userId]);
}
`,
      errors: [{ messageId: 'decoupledWrite', line: 5, column: 9 }],
    },
    {
      name: 'a claim aimed by key among batch conditions still couples the next write',
      code: `
import type { PoolClient } from 'pg';

export async function redeem(client: PoolClient, tenantId: string, holdId: string) {
  await client.query("DELETE FROM holds WHERE tenant_id = $1 AND id = $2 AND code LIKE 'h-%' AND expires_at > now()", [tenantId, holdId]);
  await client.query('INSERT INTO tickets (hold_id) VALUES ($1)', [holdId]);
}
`,
      errors: [
        {
          messageId: 'decoupledWrite',
          line: 5,
          column: 9,
          data: {
            kind: 'DELETE',
            table: 'holds',
            line: '5',
            guard: 'expires_at > now()',
            nextKind: 'INSERT of `tickets`',
            nextLine: '6',
            ...pgAdvice,
            couple: pgCouple('DELETE'),
          },
        },
      ],
    },
    // The seed's broken script.
    {
      name: 'the seed: guarded UPDATE then an unconditional INSERT on one client',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function buyTicket(userId: string, concertId: string, seat: string) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN TRANSACTION');
    await client.query(
      \`UPDATE concerts SET available_seats = available_seats - 1
       WHERE concert_id = $1 AND available_seats > 0\`,
      [concertId],
    );
    await client.query('INSERT INTO tickets (user_id, concert_id, seat_number) VALUES ($1, $2, $3)', [userId, concertId, seat]);
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
          messageId: 'decoupledWrite',
          line: 9,
          column: 11,
          data: {
            kind: 'UPDATE',
            table: 'concerts',
            line: '9',
            guard: seatsGuard,
            nextKind: 'INSERT of `tickets`',
            nextLine: '14',
            ...pgAdvice,
            couple: pgCouple('UPDATE'),
          },
        },
      ],
    },
    {
      name: 'the seed as one multi-statement text through the pool',
      code: seedAsOneText,
      errors: [
        {
          messageId: 'decoupledWrite',
          line: 6,
          column: 9,
          data: {
            kind: 'UPDATE',
            table: 'concerts',
            line: '6',
            guard: seatsGuard,
            nextKind: 'INSERT of `tickets`',
            nextLine: '6',
            ...pgAdvice,
            couple: pgCouple('UPDATE'),
          },
        },
      ],
    },
    {
      name: 'template literal holes in both statements',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function buyTicket(userId: string, concertId: string) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(\`UPDATE concerts SET available_seats = available_seats - 1 WHERE concert_id = \${concertId} AND available_seats > 0\`);
    await client.query(\`INSERT INTO tickets (user_id, concert_id) VALUES (\${userId}, \${concertId})\`);
    await client.query('COMMIT');
  } finally {
    client.release();
  }
}
`,
      errors: [
        {
          messageId: 'decoupledWrite',
          line: 9,
          column: 11,
          data: {
            kind: 'UPDATE',
            table: 'concerts',
            line: '9',
            guard: seatsGuard,
            nextKind: 'INSERT of `tickets`',
            nextLine: '10',
            ...pgAdvice,
            couple: pgCouple('UPDATE'),
          },
        },
      ],
    },
    {
      name: 'a status guard before the payment row',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function payOrder(orderId: number, amount: number) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query("UPDATE orders SET status = 'paid' WHERE id = $1 AND status = 'pending'", [orderId]);
    await client.query('INSERT INTO payments (order_id, amount) VALUES ($1, $2)', [orderId, amount]);
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
          messageId: 'decoupledWrite',
          line: 9,
          column: 11,
          data: {
            kind: 'UPDATE',
            table: 'orders',
            line: '9',
            guard: "status = 'pending'",
            nextKind: 'INSERT of `payments`',
            nextLine: '10',
            ...pgAdvice,
            couple: pgCouple('UPDATE'),
          },
        },
      ],
    },
    {
      name: 'an audit entry between the status guard and the payment row: the payment is the write that depends on it',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function payOrder(orderId: number, amount: number) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query("UPDATE orders SET status = 'paid' WHERE id = $1 AND status = 'pending'", [orderId]);
    await client.query('INSERT INTO audit_log (order_id, action) VALUES ($1, $2)', [orderId, 'paid']);
    await client.query('INSERT INTO payments (order_id, amount) VALUES ($1, $2)', [orderId, amount]);
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
          messageId: 'decoupledWrite',
          line: 9,
          column: 11,
          data: {
            kind: 'UPDATE',
            table: 'orders',
            line: '9',
            guard: "status = 'pending'",
            nextKind: 'INSERT of `payments`',
            nextLine: '11',
            ...pgAdvice,
            couple: pgCouple('UPDATE'),
          },
        },
      ],
    },
    {
      name: 'a guarded DELETE before an UPDATE of another table',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function cancelHold(holdId: number, seatId: number) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('DELETE FROM holds WHERE hold_id = $1 AND expires_at > now()', [holdId]);
    await client.query('UPDATE seats SET available = true WHERE seat_id = $1', [seatId]);
    await client.query('COMMIT');
  } finally {
    client.release();
  }
}
`,
      errors: [
        {
          messageId: 'decoupledWrite',
          line: 9,
          column: 11,
          data: {
            kind: 'DELETE',
            table: 'holds',
            line: '9',
            guard: 'expires_at > now()',
            nextKind: 'UPDATE of `seats`',
            nextLine: '10',
            ...pgAdvice,
            couple: pgCouple('DELETE'),
          },
        },
      ],
    },
    {
      name: 'a guarded refund followed by a throw into a catch that writes again: the catch runs after it',
      code: `
import { Pool } from 'pg';
const pool = new Pool();
declare function generate(): Promise<string | null>;

export async function generateDraft(workspaceId: string) {
  try {
    const text = await generate();
    if (!text) {
      await pool.query('UPDATE workspaces SET ai_usage = ai_usage - 1 WHERE id = $1 AND ai_usage > 0', [workspaceId]);
      throw new Error('empty');
    }
  } catch (error) {
    await pool.query('INSERT INTO failures (workspace_id) VALUES ($1)', [workspaceId]);
  }
}
`,
      errors: [
        {
          messageId: 'decoupledWrite',
          line: 10,
          column: 13,
          data: {
            kind: 'UPDATE',
            table: 'workspaces',
            line: '10',
            guard: 'ai_usage > 0',
            nextKind: 'INSERT of `failures`',
            nextLine: '14',
            ...pgAdvice,
            couple: pgCouple('UPDATE'),
          },
        },
      ],
    },
    {
      name: 'the result is kept in a variable but never read',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function claim(taskId: number, workerId: number) {
  const result = await pool.query('UPDATE tasks SET worker_id = $2 WHERE id = $1 AND worker_id IS NULL', [taskId, workerId]);
  await pool.query('INSERT INTO task_events (task_id, kind) VALUES ($1, $2)', [taskId, 'claimed']);
}
`,
      errors: [
        {
          messageId: 'decoupledWrite',
          line: 6,
          column: 24,
          data: {
            kind: 'UPDATE',
            table: 'tasks',
            line: '6',
            guard: 'worker_id IS NULL',
            nextKind: 'INSERT of `task_events`',
            nextLine: '7',
            ...pgAdvice,
            couple: pgCouple('UPDATE'),
          },
        },
      ],
    },
    {
      name: 'client.query({ text, values }) on a client handed in by the caller',
      code: `
import type { PoolClient } from 'pg';

export async function reserve(client: PoolClient, itemId: number, cartId: number) {
  await client.query({ text: 'UPDATE items SET stock = stock - 1 WHERE item_id = $1 AND stock > 0', values: [itemId] });
  await client.query({ text: 'INSERT INTO cart_items (cart_id, item_id) VALUES ($1, $2)', values: [cartId, itemId] });
}
`,
      errors: [
        {
          messageId: 'decoupledWrite',
          line: 5,
          column: 9,
          data: {
            kind: 'UPDATE',
            table: 'items',
            line: '5',
            guard: 'stock > 0',
            nextKind: 'INSERT of `cart_items`',
            nextLine: '6',
            ...pgAdvice,
            couple: pgCouple('UPDATE'),
          },
        },
      ],
    },
    {
      name: 'module-level SQL constants',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

const RESERVE = 'UPDATE concerts SET available_seats = available_seats - 1 WHERE concert_id = $1 AND available_seats > 0';
const ISSUE = 'INSERT INTO tickets (user_id, concert_id) VALUES ($1, $2)';

export async function buyTicket(userId: string, concertId: string) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(RESERVE, [concertId]);
    await client.query(ISSUE, [userId, concertId]);
    await client.query('COMMIT');
  } finally {
    client.release();
  }
}
`,
      errors: [
        {
          messageId: 'decoupledWrite',
          line: 12,
          column: 11,
          data: {
            kind: 'UPDATE',
            table: 'concerts',
            line: '12',
            guard: seatsGuard,
            nextKind: 'INSERT of `tickets`',
            nextLine: '13',
            ...pgAdvice,
            couple: pgCouple('UPDATE'),
          },
        },
      ],
    },
    {
      name: 'several guards are all named',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function buyTickets(userId: string, concertId: string, count: number) {
  await pool.query(
    "UPDATE concerts SET available_seats = available_seats - $2 WHERE concert_id = $1 AND available_seats >= $2 AND sale_status = 'open'",
    [concertId, count],
  );
  await pool.query('INSERT INTO orders (user_id, concert_id, quantity) VALUES ($1, $2, $3)', [userId, concertId, count]);
}
`,
      errors: [
        {
          messageId: 'decoupledWrite',
          line: 6,
          column: 9,
          data: {
            kind: 'UPDATE',
            table: 'concerts',
            line: '6',
            guard: "available_seats >= $2 AND sale_status = 'open'",
            nextKind: 'INSERT of `orders`',
            nextLine: '10',
            ...pgAdvice,
            couple: pgCouple('UPDATE'),
          },
        },
      ],
    },
    {
      name: 'without keyColumns, equality on starts_at is a guard',
      code: bookSlotByDoctorAndTime,
      errors: [
        {
          messageId: 'decoupledWrite',
          line: 6,
          column: 9,
          data: {
            kind: 'DELETE',
            table: 'appointment_slots',
            line: '6',
            guard: 'starts_at = $2',
            nextKind: 'INSERT of `appointment_log`',
            nextLine: '7',
            ...pgAdvice,
            couple: pgCouple('DELETE'),
          },
        },
      ],
    },
    {
      name: 'a single-use token emptied as it is used, leaving no holder out: 0 rows means someone used it first',
      code: `
import { Pool } from 'pg';
const pool = new Pool();
export async function acceptInvite(token: string, userId: string) {
  await pool.query('UPDATE invites SET token = NULL WHERE token = $1', [token]);
  await pool.query('INSERT INTO members (user_id) VALUES ($1)', [userId]);
}
`,
      errors: [{ messageId: 'decoupledWrite', line: 5 }],
    },
    {
      name: 'a hold released on one seat by its id: 0 rows means the hold was lost, and the INSERT runs either way',
      code: `
import { Pool } from 'pg';
const pool = new Pool();
export async function cancelHold(seatId: string, userId: string) {
  await pool.query('UPDATE seats SET holder = NULL WHERE id = $1 AND holder = $2', [seatId, userId]);
  await pool.query('INSERT INTO cancellations (seat_id, user_id) VALUES ($1, $2)', [seatId, userId]);
}
`,
      errors: [{ messageId: 'decoupledWrite', line: 5 }],
    },
    {
      // Reported in deleteDocument, which holds the count and ignores it, not again at handler's call:
      // both statements run inside that one call, on deleteDocument's own client.
      name: 'the same with deleteMany, which resolves to a count of 0 instead of throwing',
      code: deleteThroughHelpers('deleteMany').replace('  console.log({ ...removed });\n', ''),
      errors: [{ messageId: 'decoupledWrite', line: 12 }],
    },
    // A data-modifying CTE the statement never reads.
    {
      name: 'a guarded CTE whose INSERT uses VALUES instead of selecting from it',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function buyTicket(userId: string, concertId: string, seat: string) {
  const { rowCount } = await pool.query(
    \`WITH reserved AS (
       UPDATE concerts
       SET available_seats = available_seats - 1
       WHERE concert_id = $2 AND available_seats > 0
       RETURNING concert_id
     )
     INSERT INTO tickets (user_id, concert_id, seat_number)
     VALUES ($1, $2, $3)\`,
    [userId, concertId, seat],
  );
  return rowCount === 1;
}
`,
      errors: [
        { messageId: 'decoupledCte', line: 6, column: 30, data: { cte: 'reserved', kind: 'UPDATE', table: 'concerts', guard: seatsGuard } },
      ],
    },
  ],
});
