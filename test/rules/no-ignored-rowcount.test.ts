import rule from '../../rules/no-ignored-rowcount.js';
import { pgAdvice } from '../helpers/advice.js';
import { ruleTester } from '../helpers/rule-tester.js';
import { cteFix, deleteSlotByDoctorAndTime, insertOnConflict, relativeUpdate, skipLockedQueueClaim } from '../helpers/snippets.js';

ruleTester.run('no-ignored-rowcount', rule, {
  valid: [
    // Done already, answered as done now: the loser of the race is told what is true.
    {
      name: 'a set-once whose done-already branch answers as the write does, but for its words',
      code: `
import { Pool } from 'pg';
const pool = new Pool();
declare function ok(message: string): Response;

export async function closeSession(id: number, reason: string) {
  const { rows } = await pool.query('SELECT closed_at FROM sessions WHERE id = $1', [id]);
  if (rows[0].closed_at) {
    return ok('Session already closed');
  }
  await pool.query('UPDATE sessions SET closed_at = now(), closed_reason = $2 WHERE id = $1 AND closed_at IS NULL', [id, reason]);
  return ok('Closed session');
}
`,
    },
    // Harmless writes: the same constant whoever wins, and nothing reported after.
    {
      name: 'a soft delete that is already done matches no row, and nothing depends on it',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function archivePost(postId: number) {
  await pool.query('UPDATE posts SET deleted_at = now() WHERE id = $1 AND deleted_at IS NULL', [postId]);
}
`,
    },
    {
      name: 'mark-as-read once and a touch',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function markRead(notificationId: number, userId: number) {
  await pool.query('UPDATE notifications SET read_at = now() WHERE id = $1 AND user_id = $2 AND read_at IS NULL', [notificationId, userId]);
  await pool.query("UPDATE users SET last_active = now() WHERE id = $1 AND last_active < now() - interval '5 minutes'", [userId]);
}
`,
    },
    {
      name: 'a set-once of a value computed from the row as read, with nothing of the request in it',
      code: `
import { Pool } from 'pg';
const pool = new Pool();
declare function phaseOf(input: { secret: string; environment: string; key: string }): number;

export class Scheduler {
  constructor(private readonly options: { secret: string }) {}

  async register(instanceId: string) {
    const { rows } = await pool.query('SELECT id, phase, environment_id, dedup_key FROM schedule_instances WHERE id = $1', [instanceId]);
    const instance = rows[0];
    if (!instance) return;
    const phase = instance.phase ?? phaseOf({ secret: this.options.secret, environment: instance.environment_id, key: instance.dedup_key });
    if (instance.phase === null) {
      await pool.query('UPDATE schedule_instances SET phase = $1 WHERE id = $2 AND phase IS NULL', [phase, instance.id]);
    }
    console.log('registered at phase %d', phase);
  }
}
`,
    },
    // The count reaches code that acts on it.
    {
      name: 'the claim seed fixed: rowCount tested before answering',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function claimJob(jobId: number, workerId: string) {
  const result = await pool.query("UPDATE jobs SET worker_id = $1, status = 'running' WHERE id = $2 AND status = 'pending'", [workerId, jobId]);
  if (result.rowCount === 0) {
    return { claimed: false };
  }
  return { claimed: true };
}
`,
    },
    {
      name: 'a guarded UPDATE whose result is returned to the caller',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export function claimJob(jobId: number, workerId: string) {
  return pool.query("UPDATE jobs SET worker_id = $1, status = 'running' WHERE id = $2 AND status = 'pending'", [workerId, jobId]);
}
`,
    },
    {
      name: 'an arrow function whose body is the guarded UPDATE',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export const releaseLease = (leaseId: number, owner: string) =>
  pool.query('DELETE FROM leases WHERE lease_id = $1 AND owner = $2', [leaseId, owner]);
`,
    },
    {
      name: 'destructured rowCount returned as a boolean',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function markShipped(orderId: number) {
  const { rowCount } = await pool.query("UPDATE orders SET status = 'shipped' WHERE id = $1 AND status = 'paid'", [orderId]);
  return rowCount === 1;
}
`,
    },
    {
      name: 'RETURNING row returned',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function claimSeat(seatId: number, userId: number) {
  const { rows } = await pool.query('UPDATE seats SET held_by = $2 WHERE seat_id = $1 AND held_by IS NULL RETURNING *', [seatId, userId]);
  return rows[0] ?? null;
}
`,
    },
    {
      name: '.then reading the count',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export function lockAccount(accountId: number) {
  return pool
    .query("UPDATE accounts SET state = 'locked' WHERE account_id = $1 AND state = 'active'", [accountId])
    .then((r) => r.rowCount === 1);
}
`,
    },
    {
      name: 'assert on the count',
      code: `
import assert from 'node:assert';
import { Pool } from 'pg';
const pool = new Pool();

export async function consumeToken(token: string) {
  const result = await pool.query('DELETE FROM login_tokens WHERE token = $1 AND expires_at > now()', [token]);
  assert(result.rowCount === 1, 'token expired or already used');
}
`,
    },
    {
      name: 'the count sent in the HTTP response',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function cancelReservation(req: { params: { id: string } }, res: { json(body: unknown): void }) {
  const result = await pool.query("UPDATE reservations SET status = 'cancelled' WHERE id = $1 AND status = 'held'", [req.params.id]);
  res.json({ cancelled: result.rowCount === 1 });
}
`,
    },
    {
      name: 'a ternary on the count, in a transaction on a client parameter',
      code: `
import type { PoolClient } from 'pg';

export async function approve(client: PoolClient, requestId: number) {
  const result = await client.query({ text: "UPDATE requests SET state = 'approved' WHERE id = $1 AND state = 'open'", values: [requestId] });
  return result.rowCount ? 'approved' : 'already handled';
}
`,
    },
    // Nothing that can match 0 rows.
    {
      name: 'the relative-update seed: no guard',
      code: relativeUpdate,
    },
    {
      name: 'DELETE by id only',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function removeComment(commentId: number) {
  await pool.query('DELETE FROM comments WHERE id = $1', [commentId]);
}
`,
    },
    {
      name: 'email and uuid are key columns',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function confirm(email: string, uuid: string) {
  await pool.query('UPDATE users SET confirmed_at = now() WHERE email = $1 AND uuid = $2', [email, uuid]);
}
`,
    },
    {
      name: 'keyColumns: equality on a configured key column is not a guard',
      code: deleteSlotByDoctorAndTime,
      options: [{ keyColumns: ['starts_at'] }],
    },
    {
      name: 'INSERT ... ON CONFLICT with its count returned',
      code: insertOnConflict,
    },
    {
      name: 'a guarded UPDATE followed by another write is no-decoupled-insert’s finding',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function payOrder(orderId: number, amount: number) {
  await pool.query("UPDATE orders SET status = 'paid' WHERE id = $1 AND status = 'pending'", [orderId]);
  await pool.query('INSERT INTO payments (order_id, amount) VALUES ($1, $2)', [orderId, amount]);
}
`,
    },
    {
      name: 'the FOR UPDATE SKIP LOCKED queue claim in one statement',
      code: skipLockedQueueClaim,
    },
    {
      name: 'the RETURNING rows stored in an outer let and read later, through an array method',
      code: `
import { Pool } from 'pg';
import { purgeCache } from './cache';
const pool = new Pool();

export async function archive(parentId: number, archivedAt: Date, withChildren: boolean) {
  const slugs: string[] = [];
  let children: { slug: string }[] = [];
  if (withChildren) {
    const result = await pool.query('UPDATE collectives SET archived_at = $1 WHERE parent_id = $2 AND archived_at IS NULL RETURNING slug', [archivedAt, parentId]);
    children = result.rows;
  }
  slugs.push(...children.map((c) => c.slug));
  await purgeCache(slugs);
}
`,
    },
    {
      name: 'the CTE fix with its count returned',
      code: cteFix,
    },
  ],
  invalid: [
    {
      name: 'a set-once whose done-already branch answers otherwise than the write: the winner is told apart',
      code: `
import { Pool } from 'pg';
const pool = new Pool();
declare function ok(message: string): Response;
declare function conflict(message: string): Response;

export async function closeSession(id: number) {
  const { rows } = await pool.query('SELECT closed_at FROM sessions WHERE id = $1', [id]);
  if (rows[0].closed_at) {
    return conflict('Session already closed');
  }
  await pool.query('UPDATE sessions SET closed_at = now() WHERE id = $1 AND closed_at IS NULL', [id]);
  return ok('Closed session');
}
`,
      errors: [
        {
          messageId: 'ignoredRowCount',
          line: 12,
          column: 9,
          data: { kind: 'UPDATE', table: 'sessions', guard: 'closed_at IS NULL', ...pgAdvice },
        },
      ],
    },
    {
      name: 'a claim by a value passed in stays a claim, however done-already is answered',
      code: `
import { Pool } from 'pg';
const pool = new Pool();
declare function ok(message: string): Response;

export async function claim(id: number, worker: string) {
  const { rows } = await pool.query('SELECT owner FROM jobs WHERE id = $1', [id]);
  if (rows[0].owner) {
    return ok('Job already claimed');
  }
  await pool.query('UPDATE jobs SET owner = $2 WHERE id = $1 AND owner IS NULL', [id, worker]);
  return ok('Job claimed');
}
`,
      errors: [
        {
          messageId: 'ignoredRowCount',
          line: 11,
          column: 9,
          data: { kind: 'UPDATE', table: 'jobs', guard: 'owner IS NULL', ...pgAdvice },
        },
      ],
    },
    {
      name: 'a flag flip followed by reporting success stays a claim',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function acceptInvite(code: string) {
  await pool.query('UPDATE invites SET used = true WHERE code = $1 AND used = false', [code]);
  return { accepted: true };
}
`,
      errors: [
        {
          messageId: 'ignoredRowCount',
          line: 6,
          column: 9,
          data: { kind: 'UPDATE', table: 'invites', guard: 'used = false', ...pgAdvice },
        },
      ],
    },
    {
      name: 'a set-once of a value the caller passes in stays a claim, even beside the row as read',
      code: `
import { Pool } from 'pg';
const pool = new Pool();
declare function phaseOf(input: { worker: string; environment: string }): number;

export async function register(instanceId: string, worker: string) {
  const { rows } = await pool.query('SELECT id, phase, environment_id FROM schedule_instances WHERE id = $1', [instanceId]);
  const instance = rows[0];
  const phase = phaseOf({ worker, environment: instance.environment_id });
  await pool.query('UPDATE schedule_instances SET phase = $1 WHERE id = $2 AND phase IS NULL', [phase, instance.id]);
}
`,
      errors: [
        {
          messageId: 'ignoredRowCount',
          line: 10,
          column: 9,
          data: { kind: 'UPDATE', table: 'schedule_instances', guard: 'phase IS NULL', ...pgAdvice },
        },
      ],
    },
    // The seed: success reported whether or not the job was claimed.
    {
      name: 'the claim seed: guarded UPDATE, then { claimed: true } regardless',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function claimJob(jobId: number, workerId: string) {
  await pool.query("UPDATE jobs SET worker_id = $1, status = 'running' WHERE id = $2 AND status = 'pending'", [workerId, jobId]);
  return { claimed: true };
}
`,
      errors: [
        {
          messageId: 'ignoredRowCount',
          line: 6,
          column: 9,
          data: { kind: 'UPDATE', table: 'jobs', guard: "status = 'pending'", ...pgAdvice },
        },
      ],
    },
    {
      name: 'a guarded DELETE with nothing reading its count',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function consumeReset(resetId: string) {
  await pool.query('DELETE FROM password_resets WHERE reset_id = $1 AND expires_at > now()', [resetId]);
}
`,
      errors: [
        {
          messageId: 'ignoredRowCount',
          line: 6,
          column: 9,
          data: { kind: 'DELETE', table: 'password_resets', guard: 'expires_at > now()', ...pgAdvice },
        },
      ],
    },
    {
      name: 'in a transaction: COMMIT is not a write that checks anything',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function closeAuction(auctionId: number) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('UPDATE auctions SET open = false WHERE auction_id = $1 AND open', [auctionId]);
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
        { messageId: 'ignoredRowCount', line: 9, column: 11, data: { kind: 'UPDATE', table: 'auctions', guard: 'open', ...pgAdvice } },
      ],
    },
    {
      name: 'template literal holes',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function assign(ticketId: number, agentId: number) {
  await pool.query(\`UPDATE support_tickets SET agent_id = \${agentId} WHERE ticket_id = \${ticketId} AND agent_id IS NULL\`);
  return 'assigned';
}
`,
      errors: [
        {
          messageId: 'ignoredRowCount',
          line: 6,
          column: 9,
          data: { kind: 'UPDATE', table: 'support_tickets', guard: 'agent_id IS NULL', ...pgAdvice },
        },
      ],
    },
    {
      name: 'client.query({ text, values })',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function publish(postId: number) {
  const client = await pool.connect();
  try {
    await client.query({ text: "UPDATE posts SET state = 'published' WHERE post_id = $1 AND state = 'draft'", values: [postId] });
  } finally {
    client.release();
  }
}
`,
      errors: [
        {
          messageId: 'ignoredRowCount',
          line: 8,
          column: 11,
          data: { kind: 'UPDATE', table: 'posts', guard: "state = 'draft'", ...pgAdvice },
        },
      ],
    },
    {
      name: 'the result is kept but never read',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function markPaid(orderId: number) {
  const result = await pool.query("UPDATE orders SET status = 'paid' WHERE id = $1 AND status = 'pending'", [orderId]);
  return { ok: true };
}
`,
      errors: [{ messageId: 'ignoredRowCount', line: 6, column: 24 }],
    },
    {
      name: 'an optimistic version check whose count is dropped',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function saveDocument(documentId: number, body: string, version: number) {
  await pool.query('UPDATE documents SET body = $1, version = version + 1 WHERE id = $2 AND version = $3', [body, documentId, version]);
}
`,
      errors: [
        {
          messageId: 'ignoredRowCount',
          line: 6,
          column: 9,
          data: { kind: 'UPDATE', table: 'documents', guard: 'version = $3', ...pgAdvice },
        },
      ],
    },
    {
      name: 'a client handed in by the caller',
      code: `
import type { PoolClient } from 'pg';

export async function reserve(client: PoolClient, itemId: number) {
  await client.query('UPDATE items SET stock = stock - 1 WHERE item_id = $1 AND stock > 0', [itemId]);
}
`,
      errors: [
        { messageId: 'ignoredRowCount', line: 5, column: 9, data: { kind: 'UPDATE', table: 'items', guard: 'stock > 0', ...pgAdvice } },
      ],
    },
    {
      name: 'a module-level SQL constant',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

const CLAIM = "UPDATE jobs SET worker_id = $1, status = 'running' WHERE id = $2 AND status = 'pending'";

export async function claimJob(jobId: number, workerId: string) {
  await pool.query(CLAIM, [workerId, jobId]);
  console.log('job %d claimed by %s', jobId, workerId);
}
`,
      errors: [
        {
          messageId: 'ignoredRowCount',
          line: 8,
          column: 9,
          data: { kind: 'UPDATE', table: 'jobs', guard: "status = 'pending'", ...pgAdvice },
        },
      ],
    },
    {
      name: 'an Express handler answering 200 either way',
      code: `
import express from 'express';
import { Pool } from 'pg';

const pool = new Pool();
const app = express();

app.post('/seats/:id/hold', async (req, res) => {
  await pool.query('UPDATE seats SET held_by = $2 WHERE seat_id = $1 AND held_by IS NULL', [req.params.id, req.body.userId]);
  res.status(200).json({ held: true });
});
`,
      errors: [
        {
          messageId: 'ignoredRowCount',
          line: 9,
          column: 9,
          data: { kind: 'UPDATE', table: 'seats', guard: 'held_by IS NULL', ...pgAdvice },
        },
      ],
    },
    {
      name: 'SQL built by concatenation',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function expireInvite(inviteId: number) {
  await pool.query('DELETE FROM invites ' + "WHERE invite_id = $1 AND status = 'pending'", [inviteId]);
}
`,
      errors: [
        {
          messageId: 'ignoredRowCount',
          line: 6,
          column: 9,
          data: { kind: 'DELETE', table: 'invites', guard: "status = 'pending'", ...pgAdvice },
        },
      ],
    },
    {
      name: 'a try/catch that only handles errors, not 0 rows',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function finishJob(jobId: number) {
  try {
    await pool.query("UPDATE jobs SET status = 'done' WHERE id = $1 AND status = 'running'", [jobId]);
  } catch (error) {
    console.error('could not finish job', jobId, error);
  }
}
`,
      errors: [
        {
          messageId: 'ignoredRowCount',
          line: 7,
          column: 11,
          data: { kind: 'UPDATE', table: 'jobs', guard: "status = 'running'", ...pgAdvice },
        },
      ],
    },
    {
      name: 'without keyColumns, equality on starts_at is a guard',
      code: deleteSlotByDoctorAndTime,
      errors: [
        {
          messageId: 'ignoredRowCount',
          line: 6,
          column: 9,
          data: { kind: 'DELETE', table: 'appointment_slots', guard: 'starts_at = $2', ...pgAdvice },
        },
      ],
    },
  ],
});
