/**
 * Tests that decide nothing about the write they come before: the write names a row the code made sure
 * is another than the one read, or both ways the test goes run the same write on the same values. A
 * write under the same key, on values taken from the row, or on one way only stays reported.
 */
import rule from '../../rules/no-check-then-act.js';
import { ruleTester } from '../helpers/rule-tester.js';

/** A handle claimed for one actor: the actor read by `did`, then another actor holding the handle cleared. */
const handOver = (condition: string, aimed = 'holder.did') => `
import { Pool } from 'pg';
const pool = new Pool();
declare function stale(actor: unknown, stamp: string): boolean;
export async function indexHandle(did: string, handle: string, stamp: string) {
  const actor = (await pool.query('SELECT * FROM actor WHERE did = $1', [did])).rows[0];
  if (!stale(actor, stamp)) return;
  const holder = (await pool.query('SELECT did FROM actor WHERE handle = $1', [handle])).rows[0];
  if (${condition}) {
    await pool.query('UPDATE actor SET handle = NULL WHERE did = $1', [${aimed}]);
  }
}
`;

/** A job cursor read, rows found from it, then the cursor moved to the clock read at the start. */
const cursor = (empty: string, after: string) => `
import { Pool } from 'pg';
const pool = new Pool();
declare function expiredSince(cursor: string): Promise<string[]>;
declare function settle(ids: string[]): Promise<void>;
export async function processExpired() {
  const now = new Date();
  const row = (await pool.query('SELECT cursor FROM job_cursor WHERE job = $1', ['expiry'])).rows[0];
  const due = await expiredSince(row.cursor);
  if (!due.length) {
    await pool.query('UPDATE job_cursor SET cursor = $1 WHERE job = $2', [${empty}, 'expiry']);
    return;
  }
  await settle(due);
  await pool.query('UPDATE job_cursor SET cursor = $1 WHERE job = $2', [${after}, 'expiry']);
}
`;

ruleTester.run('no-check-then-act (tests that decide nothing about the write)', rule, {
  valid: [
    {
      name: 'the write names an actor the code tested to hold another did than the one read',
      code: handOver('holder && holder.did !== did'),
    },
    {
      name: 'the inequality written the other way round',
      code: handOver('holder && did != holder.did'),
    },
    {
      name: 'both ways the emptiness test goes, the cursor is moved to the same clock reading',
      code: cursor('now.toISOString()', 'now.toISOString()'),
    },
  ],
  invalid: [
    {
      name: 'no test that the holder is another actor: the write may be of the actor read',
      code: handOver('holder'),
      errors: [{ messageId: 'checkThenAct', line: 6 }],
    },
    {
      name: 'the inequality tested is of another value than the one the write names its row by',
      code: handOver('holder && holder.did !== did', 'did'),
      errors: [{ messageId: 'checkThenAct', line: 6 }],
    },
    {
      name: 'the two ways write different values',
      code: cursor('now.toISOString()', 'new Date().toISOString()'),
      errors: [{ messageId: 'checkThenAct', line: 8 }],
    },
    {
      name: 'the value written comes from the row read',
      code: cursor('row.cursor', 'row.cursor'),
      errors: [{ messageId: 'checkThenAct', line: 8 }],
    },
  ],
});
