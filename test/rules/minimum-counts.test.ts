/**
 * A count that must reach a minimum before rows are added to what it counts: concurrent INSERTs only
 * raise it, so two requests that both pass cannot take it past anything. A ceiling stays reported.
 */
import rule from '../../rules/no-check-then-act.js';
import { ruleTester } from '../helpers/rule-tester.js';

/** Admins counted (as found, with a model count, or summed with pending invitations), tested, then one invited. */
const invite = (count: string, test: string) => `
import { Pool } from 'pg';
const pool = new Pool();
export async function invite(teamId: number, email: string, required: number) {
  ${count}
  if (${test}) throw new Error('policy');
  await pool.query('INSERT INTO invitations (team_id, email) VALUES ($1, $2)', [teamId, email]);
}
`;

const counted = "const { rows } = await pool.query('SELECT count(*)::int AS n FROM invitations WHERE team_id = $1', [teamId]);";
const summed = "const { rows } = await pool.query('SELECT sum(seats)::int AS n FROM invitations WHERE team_id = $1', [teamId]);";

ruleTester.run('no-check-then-act: a count that must reach a minimum', rule, {
  valid: [
    {
      name: 'the count must be at least the bound: a concurrent invitation only raises it',
      code: invite(counted, 'rows[0].n < required'),
    },
    {
      name: 'the bound written first, and the count summed with values that do not come from it',
      code: invite(`${counted}\n  const total = rows[0].n + 1;`, 'required > total'),
    },
    {
      name: 'a conversion of the count, compared with <=',
      code: invite(counted, 'Number(rows[0].n) <= required - 1'),
    },
  ],
  invalid: [
    {
      name: 'a ceiling: two requests that both see room add two rows past it',
      code: invite(counted, 'rows[0].n >= required'),
      errors: [{ messageId: 'checkThenInsert', line: 5, column: 26 }],
    },
    {
      name: 'the count subtracted from the bound: it shrinks as the count grows',
      code: invite(`${counted}\n  const left = required - rows[0].n;`, 'left < 1'),
      errors: [{ messageId: 'checkThenInsert', line: 5, column: 26 }],
    },
    {
      name: 'a sum is no row count: a new row can lower it',
      code: invite(summed, 'rows[0].n < required'),
      errors: [{ messageId: 'checkThenInsert', line: 5, column: 26 }],
    },
  ],
});
