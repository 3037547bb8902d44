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

/** Schedules counted against a plan limit, then one detached (deleted): the count is what a DELETE lowers. */
const detach = (count: string, test: string) => `
import { Pool } from 'pg';
const pool = new Pool();
export async function detach(projectId: number, scheduleId: number, limit: number) {
  ${count}
  if (${test}) throw new Error('limit');
  await pool.query('DELETE FROM schedules WHERE id = $1', [scheduleId]);
}
`;

const schedules =
  "const { rows } = await pool.query('SELECT count(*)::int AS n FROM schedules WHERE project_id = $1 AND active', [projectId]);";

/** The count made and tested by a called function (a plan-limit check), then a DELETE of what it counts. */
const checked = (helper: string) => `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();

async function usedSchedules(projectId: string) {
  return await prisma.schedule.count({ where: { projectId, active: true } });
}

${helper}

export async function sync(projectId: string, removed: string[]) {
  await checkLimit(projectId, 100);
  await prisma.schedule.deleteMany({ where: { id: { in: removed } } });
}
`;

ruleTester.run('no-check-then-act: a ceiling on a count, then a DELETE', rule, {
  valid: [
    {
      name: 'the count must stay below the limit: a DELETE only lowers it',
      code: detach(schedules, 'rows[0].n >= limit'),
    },
    {
      name: 'the bound written first: `limit <= count`',
      code: detach(schedules, 'limit <= rows[0].n'),
    },
    {
      name: 'a called function counts through another, and throws at its limit',
      code: checked(`async function checkLimit(projectId: string, limit: number) {
  const used = await usedSchedules(projectId);
  if (used >= limit) throw new Error('limit');
}`),
    },
  ],
  invalid: [
    {
      name: 'a floor (the last one kept): two requests that both see two delete both',
      code: detach(schedules, 'rows[0].n <= 1'),
      errors: [{ messageId: 'checkThenAct', line: 5, column: 26 }],
    },
    {
      name: 'the called function throws below a minimum: a DELETE can break it',
      code: checked(`async function checkLimit(projectId: string, limit: number) {
  const used = await usedSchedules(projectId);
  if (used < limit) throw new Error('too few');
}`),
      errors: [{ messageId: 'checkThenActModel', line: 15, column: 9 }],
    },
    {
      name: 'the counting function hands back what is left, not the count',
      code: checked(`async function checkLimit(projectId: string, limit: number) {
  const left = await remaining(projectId, limit);
  if (left >= 1) throw new Error('limit');
}
async function remaining(projectId: string, limit: number) {
  const used = await prisma.schedule.count({ where: { projectId, active: true } });
  return limit - used;
}`),
      errors: [{ messageId: 'checkThenActModel', line: 19, column: 9 }],
    },
  ],
});
