/**
 * no-check-then-act on the race shapes found in real code beyond the textbook read-test-write:
 * the state tested in the SELECT's WHERE (one-time tokens), a uniqueness check before an UPDATE that
 * sets the value checked, a one-statement claim that picks its row in an unlocked subquery or CTE, and
 * a single value read with slonik's `oneFirst` then decremented without a guard. Each with its twin.
 */
import rule from '../../rules/no-check-then-act.js';
import { pgAdvice } from '../helpers/advice.js';
import { ruleTester } from '../helpers/rule-tester.js';

// Functions start on line 5.
const pg = `
import { Pool } from 'pg';
const pool = new Pool();
`;
const slonik = `
import { createPool, sql } from 'slonik';
const pool = await createPool('postgres://localhost/shop');
`;

const tokenRead = `SELECT id, user_id FROM reset_tokens WHERE token = $1 AND used = false AND expires_at > now()`;
const claimCte = (lock: string, retest: string): string =>
  `WITH m AS (SELECT id FROM pool_items WHERE owner IS NULL ORDER BY id LIMIT 1${lock}) UPDATE pool_items SET owner = $1 WHERE id IN (SELECT id FROM m)${retest} RETURNING id`;

ruleTester.run('no-check-then-act: new shapes', rule, {
  valid: [
    {
      name: 'token: the UPDATE re-tests the state and its count is checked',
      code: `${pg}
export async function redeem(token: string) {
  const { rows } = await pool.query('${tokenRead}', [token]);
  if (!rows.length) throw new Error('invalid token');
  const used = await pool.query('UPDATE reset_tokens SET used = true WHERE id = $1 AND used = false', [rows[0].id]);
  if (used.rowCount !== 1) throw new Error('token already used');
  return rows[0].user_id;
}
`,
    },
    {
      name: 'uniqueness: the rows holding the value are moved off it by their own ids, batch after batch',
      code: `${pg}
export async function handOver(projectId: number, archiveId: number) {
  while (true) {
    const { rows } = await pool.query('SELECT id FROM links WHERE project_id = $1 LIMIT 100', [projectId]);
    if (rows.length === 0) break;
    await pool.query('UPDATE links SET project_id = $1 WHERE id = ANY($2)', [archiveId, rows.map((r) => r.id)]);
  }
}
`,
    },
    {
      name: 'token: SELECT ... FOR UPDATE inside the transaction',
      code: `${pg}
export async function redeem(token: string) {
  const client = await pool.connect();
  await client.query('BEGIN');
  const { rows } = await client.query('${tokenRead} FOR UPDATE', [token]);
  if (!rows.length) throw new Error('invalid token');
  await client.query('UPDATE reset_tokens SET used = true WHERE id = $1', [rows[0].id]);
  await client.query('COMMIT');
  client.release();
  return rows[0].user_id;
}
`,
    },
    {
      name: 'a row loaded by a state filter, then an UPDATE of other columns: not a use of the state',
      code: `${pg}
export async function touch(token: string) {
  const { rows } = await pool.query('${tokenRead}', [token]);
  if (!rows.length) throw new Error('invalid token');
  await pool.query('UPDATE reset_tokens SET last_seen_at = now() WHERE id = $1', [rows[0].id]);
}
`,
    },
    {
      name: 'uniqueness: the UPDATE backed by a unique constraint, the violation handled',
      code: `${pg}
export async function changeEmail(userId: number, email: string) {
  const { rows } = await pool.query('SELECT EXISTS (SELECT 1 FROM accounts WHERE email = $1) AS taken', [email]);
  if (rows[0].taken) throw new Error('email taken');
  try {
    await pool.query('UPDATE accounts SET email = $1 WHERE id = $2', [email, userId]);
  } catch (error) {
    if ((error as { code?: string }).code === '23505') throw new Error('email taken');
    throw error;
  }
}
`,
    },
    {
      name: 'uniqueness: check and UPDATE in one SERIALIZABLE transaction',
      code: `${pg}
export async function changeEmail(userId: number, email: string) {
  const client = await pool.connect();
  await client.query('BEGIN ISOLATION LEVEL SERIALIZABLE');
  const { rows } = await client.query('SELECT COUNT(*) AS n FROM accounts WHERE email = $1', [email]);
  if (Number(rows[0].n) > 0) throw new Error('email taken');
  await client.query('UPDATE accounts SET email = $1 WHERE id = $2', [email, userId]);
  await client.query('COMMIT');
  client.release();
}
`,
    },
    {
      name: 'claim: FOR UPDATE SKIP LOCKED in the CTE',
      code: `${pg}
export async function take(owner: string) {
  const { rows } = await pool.query('${claimCte(' FOR UPDATE SKIP LOCKED', '')}', [owner]);
  return rows[0]?.id ?? null;
}
`,
    },
    {
      name: 'claim: the state re-tested in the UPDATE, the rows returned checked',
      code: `${pg}
export async function take(owner: string) {
  const { rows } = await pool.query('${claimCte('', ' AND owner IS NULL')}', [owner]);
  return rows[0]?.id ?? null;
}
`,
    },
    {
      name: 'claim: a subquery that picks by key only is no claim by state',
      code: `${pg}
export async function rename(name: string, code: string) {
  await pool.query('UPDATE pool_items SET owner = $1 WHERE id = (SELECT item_id FROM codes WHERE code = $2)', [name, code]);
}
`,
    },
    {
      name: 'oneFirst: the guard in the UPDATE, its count checked',
      code: `${slonik}
export async function redeem(code: string) {
  const usesLeft = await pool.oneFirst(sql.unsafe\`SELECT uses_left FROM coupons WHERE code = \${code}\`);
  if (usesLeft <= 0) return false;
  const result = await pool.query(sql.unsafe\`UPDATE coupons SET uses_left = uses_left - 1 WHERE code = \${code} AND uses_left > 0\`);
  return result.rowCount === 1;
}
`,
    },
    {
      name: 'a bulk transition: the subquery picks rows whose status is not yet the one the UPDATE sets',
      code: `${pg}
export async function stopAll(collectiveId: number, newStatus: string) {
  await pool.query('UPDATE orders SET status = $1, updated_at = now() WHERE id IN (SELECT o.id FROM orders o JOIN subscriptions s ON s.id = o.subscription_id WHERE o.collective_id = $2 AND s.is_active AND o.status <> $1)', [newStatus, collectiveId]);
}
`,
    },
  ],
  invalid: [
    {
      name: 'token: the state tested in the SELECT, JavaScript tests only that a row came back, the UPDATE does not re-test',
      code: `${pg}
export async function redeem(token: string) {
  const { rows } = await pool.query('${tokenRead}', [token]);
  if (!rows.length) throw new Error('invalid token');
  await pool.query('UPDATE reset_tokens SET used = true WHERE id = $1', [rows[0].id]);
  return rows[0].user_id;
}
`,
      errors: [{ messageId: 'checkThenAct', line: 6, column: 26 }],
    },
    {
      name: 'token: an expiring login token deleted after the read',
      code: `${pg}
export async function logIn(token: string) {
  const { rows } = await pool.query('SELECT user_id FROM login_tokens WHERE token = $1 AND expires_at > now()', [token]);
  if (rows.length === 0) return null;
  await pool.query('DELETE FROM login_tokens WHERE token = $1', [token]);
  return rows[0].user_id;
}
`,
      errors: [{ messageId: 'checkThenAct', line: 6, column: 26 }],
    },
    {
      name: 'token: slonik one() rejects when no row comes back, the UPDATE does not re-test',
      code: `${slonik}
export async function redeem(code: string, userId: number) {
  const voucher = await pool.one(sql.unsafe\`SELECT id FROM vouchers WHERE code = \${code} AND redeemed_at IS NULL\`);
  await pool.query(sql.unsafe\`UPDATE vouchers SET redeemed_at = now(), redeemed_by = \${userId} WHERE id = \${voucher.id}\`);
}
`,
      errors: [{ messageId: 'checkThenAct', line: 6, column: 25 }],
    },
    {
      name: 'uniqueness: COUNT(*) then an UPDATE that sets the value checked',
      code: `${pg}
export async function changeEmail(userId: number, email: string) {
  const { rows } = await pool.query('SELECT COUNT(*) AS n FROM accounts WHERE email = $1', [email]);
  if (Number(rows[0].n) > 0) throw new Error('email taken');
  await pool.query('UPDATE accounts SET email = $1 WHERE id = $2', [email, userId]);
}
`,
      errors: [
        {
          messageId: 'checkThenSetUnique',
          line: 6,
          column: 26,
          data: { table: 'accounts', column: 'email', readLine: '6', checkLine: '7', writeLine: '8', ...pgAdvice },
        },
      ],
    },
    {
      name: 'uniqueness: a balance summed from the rows that carry the value is a check-then-act, not a uniqueness check',
      code: `${pg}
export async function spend(cardId: number, groupId: number) {
  const { rows } = await pool.query('SELECT amount FROM card_transactions WHERE card_id = $1', [cardId]);
  let spent = 0;
  for (const row of rows) spent += row.amount;
  if (spent >= 100) throw new Error('no balance left');
  await pool.query('UPDATE card_transactions SET card_id = $1 WHERE group_id = $2', [cardId, groupId]);
}
`,
      errors: [{ messageId: 'checkThenAct', line: 6, column: 26 }],
    },
    {
      name: 'uniqueness: EXISTS then an UPDATE of the username',
      code: `${pg}
export async function rename(userId: number, username: string) {
  const { rows } = await pool.query('SELECT EXISTS (SELECT 1 FROM users WHERE username = $1) AS taken', [username]);
  if (rows[0].taken) return { ok: false };
  await pool.query('UPDATE users SET username = $1 WHERE id = $2', [username, userId]);
  return { ok: true };
}
`,
      errors: [{ messageId: 'checkThenSetUnique', line: 6, column: 26 }],
    },
    {
      name: 'claim: a CTE picks the row by owner IS NULL, no lock, no re-test',
      code: `${pg}
export async function take(owner: string) {
  const { rows } = await pool.query('${claimCte('', '')}', [owner]);
  return rows[0]?.id ?? null;
}
`,
      errors: [
        {
          messageId: 'claimBySubquery',
          line: 6,
          column: 26,
          data: { table: 'pool_items', guard: 'owner IS NULL', picker: 'the CTE `m`', ...pgAdvice },
        },
      ],
    },
    {
      name: 'claim: a subquery picks rows by status <> a constant and the UPDATE sets another state',
      code: `${pg}
export async function start(worker: string) {
  const { rows } = await pool.query("UPDATE jobs SET status = 'running', worker = $1 WHERE id = (SELECT id FROM jobs WHERE status <> 'done' ORDER BY id LIMIT 1) RETURNING id", [worker]);
  return rows[0]?.id ?? null;
}
`,
      errors: [{ messageId: 'claimBySubquery', line: 6, column: 26 }],
    },
    {
      name: 'claim: a subquery in the WHERE picks the row by status',
      code: `${pg}
export async function nextJob(worker: string) {
  const { rows } = await pool.query("UPDATE jobs SET status = 'running', worker = $1 WHERE id = (SELECT id FROM jobs WHERE status = 'pending' ORDER BY id LIMIT 1) RETURNING id", [worker]);
  return rows[0]?.id ?? null;
}
`,
      errors: [{ messageId: 'claimBySubquery', line: 6, column: 26 }],
    },
    {
      name: 'oneFirst: the value tested, then a relative write with no guard',
      code: `${slonik}
export async function redeem(code: string) {
  const usesLeft = await pool.oneFirst(sql.unsafe\`SELECT uses_left FROM coupons WHERE code = \${code}\`);
  if (usesLeft <= 0) return false;
  await pool.query(sql.unsafe\`UPDATE coupons SET uses_left = uses_left - 1 WHERE code = \${code}\`);
  return true;
}
`,
      errors: [{ messageId: 'checkThenAct', line: 6, column: 26 }],
    },
  ],
});
