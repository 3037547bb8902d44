/**
 * A read and its write, or a guarded UPDATE and the INSERT after it, that both run inside one call of
 * a function on that function's own connection are the function's code: they are reported once, where
 * the function writes them, not again at every call. When the caller hands the function its connection,
 * the caller decides whether the two share a transaction, and the call is reported too; so is a write
 * the caller makes after the call.
 */
import checkThenAct from '../../rules/no-check-then-act.js';
import decoupledInsert from '../../rules/no-decoupled-insert.js';
import lostUpdate from '../../rules/no-lost-update.js';
import { ruleTester } from '../helpers/rule-tester.js';

const HELPERS = `
import { Pool, type PoolClient } from 'pg';
const pool = new Pool();
async function refresh(id: string, token: string) {
  await pool.query('UPDATE items SET stock = stock - 1 WHERE id = $1 AND stock > 0', [id]);
  await pool.query('INSERT INTO orders (item_id, token) VALUES ($1, $2)', [id, token]);
}
async function take(id: string) {
  const { rows } = await pool.query('SELECT stock FROM items WHERE id = $1', [id]);
  if (rows[0].stock > 0) await pool.query('UPDATE items SET stock = stock - 1 WHERE id = $1', [id]);
}
async function bump(id: string) {
  const { rows } = await pool.query('SELECT hits FROM pages WHERE id = $1', [id]);
  await pool.query('UPDATE pages SET hits = $2 WHERE id = $1', [id, rows[0].hits + 1]);
}
`;

ruleTester.run('no-decoupled-insert: a pair inside one call is reported in the callee', decoupledInsert, {
  valid: [
    {
      // The function looked at the count and chose to stop quietly: what 0 rows means was decided
      // there, and the caller's own writes do not hang on that UPDATE (inbox-zero's token clean-up,
      // called before unrelated writes).
      name: 'a function called three levels down tests the count and leaves on 0 rows: the caller’s later write is its own',
      code: `
import { Pool } from 'pg';
const pool = new Pool();
async function disconnect(id: string) {
  const r = await pool.query('UPDATE accounts SET disconnected_at = now() WHERE id = $1 AND disconnected_at IS NULL', [id]);
  if (r.rowCount === 0) return;
  await notify(id);
}
async function connect(id: string) {
  try {
    return await fetchRemote(id);
  } catch (error) {
    await disconnect(id);
    throw error;
  }
}
async function stats(id: string) {
  try {
    return await connect(id);
  } catch {
    return null;
  }
}
export async function a(id: string) {
  await stats(id);
  await pool.query('INSERT INTO chats (account_id) VALUES ($1)', [id]);
}
declare function notify(id: string): Promise<void>;
declare function fetchRemote(id: string): Promise<unknown>;`,
    },
  ],
  invalid: [
    {
      name: 'two callers: one finding, in the function',
      code: `${HELPERS}
export async function a(id: string) { await refresh(id, 't'); }
export async function b(id: string) { await refresh(id, 'u'); }`,
      errors: [{ messageId: 'decoupledWrite', line: 5 }],
    },
    {
      name: 'the caller hands in the connection: the call is reported as well',
      code: `${HELPERS}
async function refreshOn(client: PoolClient, id: string, token: string) {
  await client.query('UPDATE items SET stock = stock - 1 WHERE id = $1 AND stock > 0', [id]);
  await client.query('INSERT INTO orders (item_id, token) VALUES ($1, $2)', [id, token]);
}
export async function a(id: string) {
  const client = await pool.connect();
  await refreshOn(client, id, 't');
}`,
      errors: [
        { messageId: 'decoupledWrite', line: 5 },
        { messageId: 'decoupledWrite', line: 18 },
        { messageId: 'decoupledWrite', line: 23 },
      ],
    },
    {
      name: 'a write of the caller after the call is the caller’s, and is paired with the guarded UPDATE',
      code: `${HELPERS}
export async function a(id: string) {
  await refresh(id, 't');
  await pool.query('INSERT INTO receipts (item_id) VALUES ($1)', [id]);
}`,
      errors: [
        { messageId: 'decoupledWrite', line: 5 },
        { messageId: 'decoupledWrite', line: 18 },
      ],
    },
    {
      name: 'the function returns the count: the caller that ignores it is reported at its next write',
      code: `${HELPERS.replace(
        "await pool.query('UPDATE items SET stock = stock - 1 WHERE id = $1 AND stock > 0', [id]);\n  await pool.query('INSERT INTO orders (item_id, token) VALUES ($1, $2)', [id, token]);",
        "return pool.query('UPDATE items SET stock = stock - 1 WHERE id = $1 AND stock > 0', [id]);",
      )}
export async function a(id: string) {
  await refresh(id, 't');
  await pool.query('INSERT INTO receipts (item_id) VALUES ($1)', [id]);
}`,
      errors: [{ messageId: 'decoupledWrite', line: 17 }],
    },
  ],
});

ruleTester.run('no-check-then-act: a pair inside one call is reported in the callee', checkThenAct, {
  valid: [],
  invalid: [
    {
      code: `${HELPERS}
export async function a(id: string) { await take(id); }
export async function b(id: string) { await take(id); }`,
      errors: [{ messageId: 'checkThenAct', line: 9 }],
    },
  ],
});

ruleTester.run('no-lost-update: a pair inside one call is reported in the callee', lostUpdate, {
  valid: [],
  invalid: [
    {
      code: `${HELPERS}
export async function a(id: string) { await bump(id); }
export async function b(id: string) { await bump(id); }`,
      errors: [{ messageId: 'lostUpdate', line: 14 }],
    },
  ],
});
