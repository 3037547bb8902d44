/**
 * A called function that always throws once its statement ran (`catch (error) { await markGone(id);
 * throw error; }`): the caller's code after the call does not run after the statement, so the guarded
 * UPDATE is not paired with the caller's next write. A caller that catches the error goes on, and its
 * write in the `catch` does follow the UPDATE.
 */
import rule from '../../rules/no-decoupled-insert.js';
import { ruleTester } from '../helpers/rule-tester.js';

const chain = (rethrow: string, caller: string) => `
import { Pool } from 'pg';
const pool = new Pool();
async function markGone(id: string) {
  await pool.query('UPDATE accounts SET gone = true WHERE id = $1 AND gone = false', [id]);
  await notify(id);
}
async function connect(id: string) {
  try {
    return await fetchRemote(id);
  } catch (error) {
    if (String(error).includes('invalid_grant')) {
      await markGone(id);
    }
    ${rethrow}
  }
}
async function provider(id: string) {
  return connect(id);
}
export async function a(id: string) {
  ${caller}
}
declare function fetchRemote(id: string): Promise<unknown>;
declare function notify(id: string): Promise<void>;
`;

const WRITE_AFTER = `await provider(id);
  await pool.query('INSERT INTO receipts (account_id) VALUES ($1)', [id]);`;

ruleTester.run('no-decoupled-insert: a called function that throws once its statement ran', rule, {
  valid: [
    { name: 'the error is thrown again: the INSERT after the call never follows the UPDATE', code: chain('throw error;', WRITE_AFTER) },
    {
      name: 'a log before throwing again',
      code: chain("console.error('refresh failed', error);\n    throw error;", WRITE_AFTER),
    },
  ],
  invalid: [
    {
      name: 'the caller catches the error and writes in its catch',
      code: chain(
        'throw error;',
        `try {
    await provider(id);
  } catch {
    await pool.query('INSERT INTO receipts (account_id) VALUES ($1)', [id]);
  }`,
      ),
      errors: [{ messageId: 'decoupledWrite', line: 23 }],
    },
    {
      name: 'the function answers instead of throwing on one path',
      code: chain("if (String(error).includes('gone')) return null;\n    throw error;", WRITE_AFTER),
      errors: [{ messageId: 'decoupledWrite', line: 23 }],
    },
  ],
});
