import rule from '../../rules/no-lost-update.js';
import { ruleTester } from '../helpers/rule-tester.js';
import { absoluteWriteBack, forUpdateFix, relativeUpdate, skipLockedQueueClaim } from '../helpers/snippets.js';

const lockOrVersion =
  'lock the row with `SELECT ... FOR UPDATE` in the transaction, or add a version check to the WHERE and check `result.rowCount`';
const numberFix = (c: string) => `Write it relative to the stored value (\`SET ${c} = ${c} + $1\`), ${lockOrVersion}`;
const jsonFix = (c: string) =>
  `Merge into the stored document in SQL (\`SET ${c} = ${c} || $1::jsonb\` or \`jsonb_set(${c}, ...)\`), ${lockOrVersion}`;

ruleTester.run('no-lost-update', rule, {
  valid: [
    // The value written back is not computed from the read.
    {
      name: 'a status fetched from the payment provider with an id the read returned',
      code: `
import { Pool } from 'pg';
import Stripe from 'stripe';
const pool = new Pool();
const stripe = new Stripe('sk');

export async function syncSubscription(userId: number) {
  const { rows } = await pool.query('SELECT stripe_subscription_id, status FROM subscriptions WHERE user_id = $1', [userId]);
  const stripeSub = await stripe.subscriptions.retrieve(rows[0].stripe_subscription_id);
  await pool.query('UPDATE subscriptions SET status = $1 WHERE user_id = $2', [stripeSub.status, userId]);
}
`,
    },
    {
      name: 'a fresh token written where the read found none',
      code: `
import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
const pool = new Pool();

export async function rotate(userId: number) {
  const { rows } = await pool.query('SELECT token FROM api_tokens WHERE user_id = $1', [userId]);
  const token = randomUUID();
  await pool.query('UPDATE api_tokens SET token = $1 WHERE user_id = $2', [token, userId]);
  return { previous: rows[0].token, token };
}
`,
    },
    // The database computes the new value.
    {
      name: 'the relative-update fix: SET balance = balance + $1',
      code: relativeUpdate,
    },
    {
      name: 'a read used for validation, then a relative write',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function withdraw(accountId: number, amount: number) {
  const { rows } = await pool.query('SELECT balance FROM account WHERE account_id = $1', [accountId]);
  if (rows[0].balance < amount) throw new Error('Insufficient funds');
  const { rowCount } = await pool.query(
    'UPDATE account SET balance = balance - $1 WHERE account_id = $2 AND balance >= $1',
    [amount, accountId],
  );
  return rowCount === 1;
}
`,
    },
    {
      name: 'INSERT ... ON CONFLICT DO UPDATE with a relative SET',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function like(postId: number) {
  await pool.query(
    'INSERT INTO post_likes (post_id, likes) VALUES ($1, 1) ON CONFLICT (post_id) DO UPDATE SET likes = post_likes.likes + 1',
    [postId],
  );
}
`,
    },
    // Row locks held until COMMIT.
    {
      name: 'the FOR UPDATE fix: absolute write of a value read under the lock',
      code: forUpdateFix,
    },
    {
      name: 'the second seed verbatim: SELECT balance FROM account WHERE account_id = 7 FOR UPDATE',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function addInterest(rate: number) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const { rows } = await client.query('SELECT balance FROM account WHERE account_id = 7 FOR UPDATE');
    const balance = Number(rows[0].balance);
    await client.query('UPDATE account SET balance = $1 WHERE account_id = 7', [balance * (1 + rate)]);
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
      name: 'FOR NO KEY UPDATE',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function rename(profileId: number, suffix: string) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const { rows: [profile] } = await client.query('SELECT display_name FROM profiles WHERE profile_id = $1 FOR NO KEY UPDATE', [profileId]);
    await client.query('UPDATE profiles SET display_name = $1 WHERE profile_id = $2', [profile.display_name + suffix, profileId]);
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

export async function applyFee(client: PoolClient, accountId: number, fee: number) {
  const { rows } = await client.query('SELECT balance FROM account WHERE account_id = $1 FOR UPDATE', [accountId]);
  await client.query('UPDATE account SET balance = $1 WHERE account_id = $2', [rows[0].balance - fee, accountId]);
}
`,
    },
    // Isolation levels that detect the conflicting write.
    {
      name: 'BEGIN ISOLATION LEVEL SERIALIZABLE',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function deposit(accountId: number, amount: number) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL SERIALIZABLE');
    const { rows } = await client.query('SELECT balance FROM account WHERE account_id = $1', [accountId]);
    await client.query('UPDATE account SET balance = $1 WHERE account_id = $2', [rows[0].balance + amount, accountId]);
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
      name: 'SET TRANSACTION ISOLATION LEVEL SERIALIZABLE after BEGIN',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function deposit(accountId: number, amount: number) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SET TRANSACTION ISOLATION LEVEL SERIALIZABLE');
    const { rows } = await client.query('SELECT balance FROM account WHERE account_id = $1', [accountId]);
    await client.query('UPDATE account SET balance = $1 WHERE account_id = $2', [rows[0].balance + amount, accountId]);
    await client.query('COMMIT');
  } finally {
    client.release();
  }
}
`,
    },
    {
      name: 'REPEATABLE READ aborts the second writer of the row',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function deposit(accountId: number, amount: number) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
    const { rows } = await client.query('SELECT balance FROM account WHERE account_id = $1', [accountId]);
    await client.query('UPDATE account SET balance = $1 WHERE account_id = $2', [rows[0].balance + amount, accountId]);
    await client.query('COMMIT');
  } finally {
    client.release();
  }
}
`,
    },
    // Locks that serialize the read-modify-write.
    {
      name: 'pg_advisory_xact_lock before the read',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function deposit(accountId: number, amount: number) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [accountId]);
    const { rows } = await client.query('SELECT balance FROM account WHERE account_id = $1', [accountId]);
    await client.query('UPDATE account SET balance = $1 WHERE account_id = $2', [rows[0].balance + amount, accountId]);
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
      name: 'session pg_advisory_lock on the client',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function deposit(accountId: number, amount: number) {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [accountId]);
    const { rows } = await client.query('SELECT balance FROM account WHERE account_id = $1', [accountId]);
    await client.query('UPDATE account SET balance = $1 WHERE account_id = $2', [rows[0].balance + amount, accountId]);
    await client.query('SELECT pg_advisory_unlock($1)', [accountId]);
  } finally {
    client.release();
  }
}
`,
    },
    {
      name: 'LOCK TABLE before the read',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function deposit(accountId: number, amount: number) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('LOCK TABLE account IN SHARE ROW EXCLUSIVE MODE');
    const { rows } = await client.query('SELECT balance FROM account WHERE account_id = $1', [accountId]);
    await client.query('UPDATE account SET balance = $1 WHERE account_id = $2', [rows[0].balance + amount, accountId]);
    await client.query('COMMIT');
  } finally {
    client.release();
  }
}
`,
    },
    // Optimistic concurrency.
    {
      name: 'version re-tested in the WHERE with the count checked',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function deposit(accountId: number, amount: number) {
  const { rows } = await pool.query('SELECT balance, version FROM account WHERE account_id = $1', [accountId]);
  const { rowCount } = await pool.query(
    'UPDATE account SET balance = $1, version = version + 1 WHERE account_id = $2 AND version = $3',
    [rows[0].balance + amount, accountId, rows[0].version],
  );
  if (rowCount === 0) throw new Error('Concurrent update, retry');
}
`,
    },
    {
      name: 'the old value re-tested in the WHERE (compare-and-set)',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function deposit(accountId: number, amount: number) {
  const { rows } = await pool.query('SELECT balance FROM account WHERE account_id = $1', [accountId]);
  const old = rows[0].balance;
  const result = await pool.query('UPDATE account SET balance = $1 WHERE account_id = $2 AND balance = $3', [old + amount, accountId, old]);
  return result.rowCount === 1;
}
`,
    },
    {
      name: 'compare-and-set on a column no name calls state (the list read, re-tested, then replaced)',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function removeTag(postId: number, tag: string) {
  const { rows } = await pool.query('SELECT tags FROM posts WHERE id = $1', [postId]);
  const tags = rows[0].tags.filter((t: string) => t !== tag);
  const result = await pool.query('UPDATE posts SET tags = $1 WHERE id = $2 AND tags = $3', [tags, postId, rows[0].tags]);
  return result.rowCount === 1;
}
`,
    },
    {
      name: "Prisma compare-and-set: updateMany's where re-tests the list read with equals, count checked in a retry loop",
      code: `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();

export async function unsubscribe(channelId: string, type: string) {
  for (let attempt = 0; attempt < 3; attempt++) {
    const channel = await prisma.alertChannel.findFirst({ where: { id: channelId }, select: { alertTypes: true } });
    if (!channel) return false;
    const remaining = channel.alertTypes.filter((t) => t !== type);
    const { count } = await prisma.alertChannel.updateMany({
      where: { id: channelId, alertTypes: { equals: channel.alertTypes } },
      data: { alertTypes: remaining },
    });
    if (count > 0) return true;
  }
  return false;
}
`,
    },
    {
      name: 'the state the code tested re-tested as a constant in the WHERE (a status tested, then `AND status = $const`)',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function addNote(ticketId: number, note: string) {
  const { rows } = await pool.query('SELECT notes, status FROM tickets WHERE id = $1', [ticketId]);
  if (rows[0].status !== 'open') throw new Error('Ticket closed');
  await pool.query("UPDATE tickets SET notes = $1 WHERE id = $2 AND status = 'open'", [[...rows[0].notes, note], ticketId]);
}
`,
    },
    {
      name: 'the write moves the state its test found (a check-then-act, reported by that rule with the re-test as its fix)',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function close(ticketId: number, note: string) {
  const { rows } = await pool.query('SELECT notes, status FROM tickets WHERE id = $1', [ticketId]);
  if (rows[0].status !== 'open') throw new Error('Ticket closed');
  await pool.query("UPDATE tickets SET notes = $1, status = 'closed' WHERE id = $2", [[...rows[0].notes, note], ticketId]);
}
`,
    },
    {
      name: 'Prisma: a status tested, then set to the next one beside a value computed from the read',
      code: `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();

export async function finalize(id: string, digest: string) {
  const deployment = await prisma.deployment.findFirst({ where: { friendlyId: id } });
  if (!deployment) return;
  if (deployment.status !== 'DEPLOYING') throw new Error('Not deploying');
  await prisma.deployment.update({
    where: { id: deployment.id },
    data: { status: 'DEPLOYED', imageReference: \`\${deployment.imageReference}@\${digest}\` },
  });
}
`,
    },
    {
      name: "Prisma: the loop skips rows the test rejects, and updateMany's where re-tests the tested constant, count checked",
      code: `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();

export async function sync(definitions: { name: string; provider?: string }[]) {
  let updated = 0;
  for (const definition of definitions) {
    const existing = await prisma.model.findFirst({ where: { name: definition.name } });
    if (!existing || existing.source !== 'default') continue;
    const { count } = await prisma.model.updateMany({
      where: { id: existing.id, source: 'default' },
      data: { provider: definition.provider ?? existing.provider },
    });
    if (count === 1) updated++;
  }
  return updated;
}
`,
    },
    {
      name: "a value computed from the row's own id: no concurrent write changes it",
      code: `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();

export async function rotate(friendlyId: string) {
  const endpoint = await prisma.webhookEndpoint.findFirst({ where: { friendlyId } });
  if (!endpoint) return null;
  const secretKey = \`webhook:signing-secret:\${endpoint.id}\`;
  await prisma.webhookEndpoint.update({ where: { id: endpoint.id }, data: { signingSecretKey: secretKey } });
}
`,
    },
    {
      name: 'a value computed from what the row was found by, in SQL',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function setPath(slug: string) {
  const { rows } = await pool.query('SELECT id, slug FROM pages WHERE slug = $1', [slug]);
  await pool.query('UPDATE pages SET path = $1 WHERE id = $2', ['/p/' + rows[0].slug, rows[0].id]);
}
`,
    },
    {
      name: 'set only while it is still empty (IS NULL on the column written): a value stored first is kept',
      code: `
import { Pool } from 'pg';
const pool = new Pool();
export async function ensurePhase(instanceId: number) {
  const { rows } = await pool.query('SELECT secret, dedup_key, phase FROM schedule_instances WHERE id = $1', [instanceId]);
  if (rows[0].phase !== null) return rows[0].phase;
  const phase = \`\${rows[0].secret}:\${rows[0].dedup_key}\`;
  await pool.query('UPDATE schedule_instances SET phase = $1 WHERE id = $2 AND phase IS NULL', [phase, instanceId]);
  return phase;
}
`,
    },
    {
      name: 'a stamp kept when set, else the clock: nothing computed from it',
      code: `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();

export async function succeeded(payoutId: string) {
  const payout = await prisma.payout.findUnique({ where: { id: payoutId } });
  if (!payout) return;
  await prisma.payout.update({ where: { id: payoutId }, data: { status: 'completed', paidAt: payout.paidAt ?? new Date() } });
}
`,
    },
    {
      name: 'a toggle that keeps its stamp when set, else the clock, or clears it: nothing computed from it',
      code: `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();

export async function setAutoProvision(discountId: string, autoProvision?: boolean) {
  const discount = await prisma.discount.findUniqueOrThrow({ where: { id: discountId } });
  await prisma.discount.update({
    where: { id: discountId },
    data: {
      ...(autoProvision !== undefined && {
        autoProvisionEnabledAt: autoProvision ? (discount.autoProvisionEnabledAt ?? new Date()) : null,
      }),
    },
  });
}
`,
    },
    // Writes whose value does not come from the read.
    {
      name: 'written value comes from the request, not from the read',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function rename(userId: number, name: string) {
  const { rows } = await pool.query('SELECT name FROM users WHERE id = $1', [userId]);
  if (rows.length === 0) throw new Error('Unknown user');
  await pool.query('UPDATE users SET name = $1 WHERE id = $2', [name, userId]);
}
`,
    },
    {
      name: 'the read value goes to an INSERT into another table',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function snapshot(accountId: number) {
  const { rows } = await pool.query('SELECT balance FROM account WHERE account_id = $1', [accountId]);
  await pool.query('INSERT INTO balance_history (account_id, balance) VALUES ($1, $2)', [accountId, rows[0].balance]);
}
`,
    },
    {
      name: 'the FOR UPDATE SKIP LOCKED queue claim in one statement',
      code: skipLockedQueueClaim,
    },
  ],
  invalid: [
    {
      name: 'a stored value kept when set, else one passed in: a concurrent change is overwritten with the old value',
      code: `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();

export async function rename(userId: string, name?: string) {
  const user = await prisma.user.findUniqueOrThrow({ where: { id: userId } });
  await prisma.user.update({ where: { id: userId }, data: { displayName: name ?? user.displayName.trim() } });
}
`,
      errors: [{ messageId: 'lostUpdate', line: 7 }],
    },
    {
      name: 'a stamp kept or taken now in one branch, computed from the read in the other: still lost',
      code: `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();

export async function extend(trialId: string, restart: boolean) {
  const trial = await prisma.trial.findUniqueOrThrow({ where: { id: trialId } });
  await prisma.trial.update({
    where: { id: trialId },
    data: { endsAt: restart ? (trial.endsAt ?? new Date()) : new Date(trial.endsAt.getTime() + 86_400_000) },
  });
}
`,
      errors: [{ messageId: 'lostUpdate', line: 7 }],
    },
    {
      name: 'IS NULL on another column than the one written back does not keep it',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function addPoints(userId: number, points: number) {
  const { rows } = await pool.query('SELECT points FROM users WHERE id = $1', [userId]);
  await pool.query('UPDATE users SET points = $1 WHERE id = $2 AND deleted_at IS NULL', [rows[0].points + points, userId]);
}
`,
      errors: [{ messageId: 'lostUpdate', line: 7 }],
    },
    {
      name: 'computed from the id and a value another request changes: still lost',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function nextInvoiceNumber(accountId: number) {
  const { rows } = await pool.query('SELECT id, invoice_seq FROM accounts WHERE id = $1', [accountId]);
  const number = \`\${rows[0].id}-\${rows[0].invoice_seq + 1}\`;
  await pool.query('UPDATE accounts SET last_invoice = $1 WHERE id = $2', [number, accountId]);
}
`,
      errors: [{ messageId: 'lostUpdate', line: 8 }],
    },
    {
      name: 'the tested state set to the same constant it was found equal to: no move, still lost',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function addNote(ticketId: number, note: string) {
  const { rows } = await pool.query('SELECT notes, status FROM tickets WHERE id = $1', [ticketId]);
  if (rows[0].status !== 'open') throw new Error('Ticket closed');
  await pool.query("UPDATE tickets SET notes = $1, status = 'open' WHERE id = $2", [[...rows[0].notes, note], ticketId]);
}
`,
      errors: [{ messageId: 'lostUpdate', line: 8 }],
    },
    {
      name: 'a state moved that the test found equal to a constant only on another path: still lost',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function close(ticketId: number, note: string) {
  const { rows } = await pool.query('SELECT notes, status FROM tickets WHERE id = $1', [ticketId]);
  if (rows[0].status === 'open') console.log('open ticket');
  await pool.query("UPDATE tickets SET notes = $1, status = 'closed' WHERE id = $2", [[...rows[0].notes, note], ticketId]);
}
`,
      errors: [{ messageId: 'lostUpdate', line: 8 }],
    },
    {
      name: 'a constant re-tested in the WHERE that the code found the row equal to only on another path: still lost',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function addNote(ticketId: number, note: string) {
  const { rows } = await pool.query('SELECT notes, status FROM tickets WHERE id = $1', [ticketId]);
  if (rows[0].status === 'open') console.log('open ticket');
  await pool.query("UPDATE tickets SET notes = $1 WHERE id = $2 AND status = 'open'", [[...rows[0].notes, note], ticketId]);
}
`,
      errors: [{ messageId: 'lostUpdate', line: 8 }],
    },
    {
      name: 'a constant re-tested in the WHERE that the test compared to another column: still lost',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function addNote(ticketId: number, note: string) {
  const { rows } = await pool.query('SELECT notes, status, priority FROM tickets WHERE id = $1', [ticketId]);
  if (rows[0].priority !== 'open') return;
  await pool.query("UPDATE tickets SET notes = $1 WHERE id = $2 AND status = 'open'", [[...rows[0].notes, note], ticketId]);
}
`,
      errors: [{ messageId: 'lostUpdate', line: 8 }],
    },
    {
      name: 'a lookup-like equality on the tested constant whose count nobody reads: still lost',
      code: `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();

export async function sync(name: string, provider?: string) {
  const existing = await prisma.model.findFirst({ where: { name } });
  if (!existing || existing.source !== 'default') return;
  await prisma.model.updateMany({
    where: { id: existing.id, source: 'default' },
    data: { provider: provider ?? existing.provider },
  });
}
`,
      errors: [{ messageId: 'lostUpdate', line: 8 }],
    },
    // The fix offered fits the value's type, and names the column read.
    {
      name: 'an array spread with a new element: array_append',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function addTag(postId: number, tag: string) {
  const { rows } = await pool.query('SELECT tags FROM posts WHERE post_id = $1', [postId]);
  const tags = [...rows[0].tags, tag];
  await pool.query('UPDATE posts SET tags = $1 WHERE post_id = $2', [tags, postId]);
}
`,
      errors: [
        {
          messageId: 'lostUpdate',
          line: 8,
          column: 9,
          data: {
            table: 'posts',
            column: 'tags',
            readLines: 'line 6',
            writeLines: 'line 8',
            into: '',
            fix: `Append in SQL (\`SET tags = array_append(tags, $1)\`), ${lockOrVersion}`,
          },
        },
      ],
    },
    {
      name: 'a string built from the stored text: a lock or a version, not +',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function appendNote(orderId: number, note: string) {
  const { rows } = await pool.query('SELECT notes FROM orders WHERE order_id = $1', [orderId]);
  await pool.query('UPDATE orders SET notes = $1 WHERE order_id = $2', [\`\${rows[0].notes}\\n\${note}\`, orderId]);
}
`,
      errors: [
        {
          messageId: 'lostUpdate',
          line: 7,
          column: 9,
          data: {
            table: 'orders',
            column: 'notes',
            readLines: 'line 6',
            writeLines: 'line 7',
            into: '',
            fix: 'Lock the row with `SELECT ... FOR UPDATE` in the transaction, or add a version check to the WHERE and check `result.rowCount`',
          },
        },
      ],
    },
    {
      name: 'another column written from the one read: the message names the column read',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function hold(accountId: number, amount: number) {
  const { rows } = await pool.query('SELECT balance FROM account WHERE account_id = $1', [accountId]);
  await pool.query('UPDATE account SET available = $1 WHERE account_id = $2', [rows[0].balance - amount, accountId]);
}
`,
      errors: [
        {
          messageId: 'lostUpdate',
          line: 7,
          column: 9,
          data: {
            table: 'account',
            column: 'balance',
            readLines: 'line 6',
            writeLines: 'line 7',
            into: ' into `available`',
            fix: 'Lock the row with `SELECT ... FOR UPDATE` in the transaction, or add a version check to the WHERE and check `result.rowCount`',
          },
        },
      ],
    },
    {
      name: 'a method called on the row names no column: the message names the column written',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function addLine(orderId: number, line: string) {
  const { rows } = await pool.query('SELECT * FROM orders WHERE id = $1', [orderId]);
  const lines: string[] = await rows[0].getLines();
  await pool.query('UPDATE orders SET lines = $1 WHERE id = $2', [[...lines, line], orderId]);
}
`,
      errors: [
        {
          messageId: 'lostUpdate',
          line: 8,
          column: 9,
          data: {
            table: 'orders',
            column: 'lines',
            readLines: 'line 6',
            writeLines: 'line 8',
            into: '',
            fix: `Append in SQL (\`SET lines = array_append(lines, $1)\`), ${lockOrVersion}`,
          },
        },
      ],
    },
    // One finding per act.
    {
      name: 'one read written back by two UPDATEs of the row: one finding listing both writes',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function move(accountId: number, amount: number) {
  const { rows } = await pool.query('SELECT balance FROM account WHERE account_id = $1', [accountId]);
  await pool.query('UPDATE account SET balance = $1 WHERE account_id = $2', [rows[0].balance - amount, accountId]);
  await pool.query('UPDATE account SET balance = $1 WHERE account_id = $2', [rows[0].balance - amount - 1, accountId]);
}
`,
      errors: [
        {
          messageId: 'lostUpdate',
          line: 7,
          column: 9,
          data: {
            table: 'account',
            column: 'balance',
            readLines: 'line 6',
            writeLines: 'lines 7 and 8',
            into: '',
            fix: numberFix('balance'),
          },
        },
      ],
    },
    {
      name: 'two reads feeding one write: one finding listing both reads',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function merge(accountId: number, otherId: number) {
  const { rows: a } = await pool.query('SELECT balance FROM account WHERE account_id = $1', [accountId]);
  const { rows: b } = await pool.query('SELECT bonus FROM account WHERE account_id = $1 AND $2 > 0', [accountId, otherId]);
  await pool.query('UPDATE account SET balance = $1 WHERE account_id = $2', [a[0].balance + b[0].bonus, accountId]);
}
`,
      errors: [
        {
          messageId: 'lostUpdate',
          line: 8,
          column: 9,
          data: {
            table: 'account',
            column: 'balance',
            readLines: 'lines 6 and 7',
            writeLines: 'line 8',
            into: '',
            fix: 'Lock the row with `SELECT ... FOR UPDATE` in the transaction, or add a version check to the WHERE and check `result.rowCount`',
          },
        },
      ],
    },
    // The seed's lost update.
    {
      name: 'the lost-update seed: balance read, added to in JavaScript, written back',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function deposit(accountId: number, amount: number) {
  const { rows } = await pool.query('SELECT balance FROM account WHERE account_id = $1', [accountId]);
  const newBalance = rows[0].balance + amount;
  await pool.query('UPDATE account SET balance = $1 WHERE account_id = $2', [newBalance, accountId]);
}
`,
      errors: [
        {
          messageId: 'lostUpdate',
          line: 8,
          column: 9,
          data: { table: 'account', column: 'balance', readLines: 'line 6', writeLines: 'line 8', into: '', fix: numberFix('balance') },
        },
      ],
    },
    {
      name: 'a READ COMMITTED transaction does not prevent it',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function deposit(accountId: number, amount: number) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const { rows } = await client.query('SELECT balance FROM account WHERE account_id = $1', [accountId]);
    await client.query('UPDATE account SET balance = $1 WHERE account_id = $2', [rows[0].balance + amount, accountId]);
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
          messageId: 'lostUpdate',
          line: 10,
          column: 11,
          data: { table: 'account', column: 'balance', readLines: 'line 9', writeLines: 'line 10', into: '', fix: numberFix('balance') },
        },
      ],
    },
    {
      name: 'template literal holes carry the computed value',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function like(postId: number) {
  const { rows } = await pool.query(\`SELECT likes FROM posts WHERE post_id = \${postId}\`);
  const likes = rows[0].likes + 1;
  await pool.query(\`UPDATE posts SET likes = \${likes} WHERE post_id = \${postId}\`);
  return likes;
}
`,
      errors: [
        {
          messageId: 'lostUpdate',
          line: 8,
          column: 9,
          data: { table: 'posts', column: 'likes', readLines: 'line 6', writeLines: 'line 8', into: '', fix: numberFix('likes') },
        },
      ],
    },
    {
      name: 'client.query({ text, values }) with a destructured row',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function addPoints(playerId: number, points: number) {
  const client = await pool.connect();
  try {
    const { rows: [player] } = await client.query({ text: 'SELECT score FROM players WHERE player_id = $1', values: [playerId] });
    await client.query({ text: 'UPDATE players SET score = $1 WHERE player_id = $2', values: [player.score + points, playerId] });
  } finally {
    client.release();
  }
}
`,
      errors: [
        {
          messageId: 'lostUpdate',
          line: 9,
          column: 11,
          data: { table: 'players', column: 'score', readLines: 'line 8', writeLines: 'line 9', into: '', fix: numberFix('score') },
        },
      ],
    },
    {
      name: 'a merged JSON document written back',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function updateSettings(userId: number, patch: Record<string, unknown>) {
  const result = await pool.query('SELECT settings FROM users WHERE id = $1', [userId]);
  const merged = { ...result.rows[0].settings, ...patch };
  await pool.query('UPDATE users SET settings = $1 WHERE id = $2', [JSON.stringify(merged), userId]);
}
`,
      errors: [
        {
          messageId: 'lostUpdate',
          line: 8,
          column: 9,
          data: { table: 'users', column: 'settings', readLines: 'line 6', writeLines: 'line 8', into: '', fix: jsonFix('settings') },
        },
      ],
    },
    {
      name: 'a .then chain computing the new stock',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export function sell(productId: number, quantity: number) {
  return pool
    .query('SELECT stock FROM products WHERE product_id = $1', [productId])
    .then((r) => pool.query('UPDATE products SET stock = $1 WHERE product_id = $2', [r.rows[0].stock - quantity, productId]));
}
`,
      errors: [
        {
          messageId: 'lostUpdate',
          line: 8,
          column: 18,
          data: { table: 'products', column: 'stock', readLines: 'line 6', writeLines: 'line 8', into: '', fix: numberFix('stock') },
        },
      ],
    },
    {
      name: 'module-level SQL constants',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

const GET_COUNTER = 'SELECT value FROM counters WHERE name = $1';
const SET_COUNTER = 'UPDATE counters SET value = $2 WHERE name = $1';

export async function next(name: string): Promise<number> {
  const { rows } = await pool.query(GET_COUNTER, [name]);
  const value: number = rows[0].value + 1;
  await pool.query(SET_COUNTER, [name, value]);
  return value;
}
`,
      errors: [
        {
          messageId: 'lostUpdate',
          line: 11,
          column: 9,
          data: { table: 'counters', column: 'value', readLines: 'line 9', writeLines: 'line 11', into: '', fix: numberFix('value') },
        },
      ],
    },
    {
      name: 'SQL built by concatenation',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function restock(warehouseId: number, delivered: number) {
  const { rows } = await pool.query('SELECT quantity FROM stock ' + 'WHERE warehouse_id = $1', [warehouseId]);
  const quantity = rows[0].quantity + delivered;
  await pool.query('UPDATE stock SET quantity = $1 ' + 'WHERE warehouse_id = $2', [quantity, warehouseId]);
}
`,
      errors: [
        {
          messageId: 'lostUpdate',
          line: 8,
          column: 9,
          data: { table: 'stock', column: 'quantity', readLines: 'line 6', writeLines: 'line 8', into: '', fix: numberFix('quantity') },
        },
      ],
    },
    {
      name: 'a client handed in by the caller, without a lock',
      code: `
import type { PoolClient } from 'pg';

export async function applyFee(client: PoolClient, accountId: number, fee: number) {
  const { rows } = await client.query('SELECT balance FROM account WHERE account_id = $1', [accountId]);
  await client.query('UPDATE account SET balance = $1 WHERE account_id = $2', [rows[0].balance - fee, accountId]);
}
`,
      errors: [
        {
          messageId: 'lostUpdate',
          line: 6,
          column: 9,
          data: { table: 'account', column: 'balance', readLines: 'line 5', writeLines: 'line 6', into: '', fix: numberFix('balance') },
        },
      ],
    },
    {
      name: 'validated with an if, then written as an absolute value',
      code: absoluteWriteBack,
      errors: [{ messageId: 'lostUpdate', line: 8, column: 9 }],
    },
    {
      name: 'a session advisory lock through the pool serializes nothing',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function deposit(accountId: number, amount: number) {
  await pool.query('SELECT pg_advisory_lock($1)', [accountId]);
  const { rows } = await pool.query('SELECT balance FROM account WHERE account_id = $1', [accountId]);
  await pool.query('UPDATE account SET balance = $1 WHERE account_id = $2', [rows[0].balance + amount, accountId]);
  await pool.query('SELECT pg_advisory_unlock($1)', [accountId]);
}
`,
      errors: [{ messageId: 'lostUpdate', line: 8, column: 9 }],
    },
    {
      name: 'values passed as a named array',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function deposit(accountId: number, amount: number) {
  const { rows } = await pool.query('SELECT balance FROM account WHERE account_id = $1', [accountId]);
  const params = [rows[0].balance + amount, accountId];
  await pool.query('UPDATE account SET balance = $1 WHERE account_id = $2', params);
}
`,
      errors: [
        {
          messageId: 'lostUpdate',
          line: 8,
          column: 9,
          data: { table: 'account', column: 'balance', readLines: 'line 6', writeLines: 'line 8', into: '', fix: numberFix('balance') },
        },
      ],
    },
    {
      name: 'the value extracted with .then(r => r.rows[0].balance)',
      code: `
import { Pool } from 'pg';
const pool = new Pool();

export async function deposit(accountId: number, amount: number) {
  const balance: number = await pool.query('SELECT balance FROM account WHERE account_id = $1', [accountId]).then((r) => r.rows[0].balance);
  await pool.query('UPDATE account SET balance = $1 WHERE account_id = $2', [balance + amount, accountId]);
}
`,
      errors: [
        {
          messageId: 'lostUpdate',
          line: 7,
          column: 9,
          data: { table: 'account', column: 'balance', readLines: 'line 6', writeLines: 'line 7', into: '', fix: numberFix('balance') },
        },
      ],
    },
  ],
});
