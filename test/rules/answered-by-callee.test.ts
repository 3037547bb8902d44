/**
 * A called function that answers with an object holding the row under one property and a constant under
 * another in every return (`{ status: 'missing' }`, `{ status: 'visible', schedule }`): the constant is
 * its own answer about the row, decided by its own tests, and reads no column. A test of it before a
 * DELETE is a 404, as `if (!row) return 404` is. A test of the row it holds, or a property some return
 * fills from the row, stays reported.
 */
import rule from '../../rules/no-check-then-act.js';
import { ruleTester } from '../helpers/rule-tester.js';

const visibility = (visible: string) => `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
async function visibility(id: string, env: string) {
  const schedule = await prisma.schedule.findFirst({ where: { id }, include: { instances: true } });
  if (!schedule) return { status: 'missing' };
  const { instances, ...rest } = schedule;
  if (!instances.some((i) => i.env === env)) return { status: 'hidden' };
  return ${visible};
}
export async function remove(id: string, env: string) {
  const found = await visibility(id, env);
  if (found.status !== 'visible') return 404;
  await prisma.schedule.delete({ where: { id } });
  return 200;
}
`;

ruleTester.run('no-check-then-act: a constant the called function answers with', rule, {
  valid: [
    {
      name: 'every return sets the tested property to a constant: no column of the row is tested',
      code: visibility(`{ status: 'visible', schedule: rest }`),
    },
    {
      name: 'the constant destructured from the answer (`const { status } = ...`) reads no column either',
      code: visibility(`{ status: 'visible', schedule: rest }`)
        .replace('const found = await visibility(id, env);', 'const { status } = await visibility(id, env);')
        .replace("if (found.status !== 'visible')", "if (status !== 'visible')"),
    },
  ],
  invalid: [
    {
      name: 'one return fills the tested property from the row: it may be the row’s status',
      code: visibility(`{ status: rest.status, schedule: rest }`),
      errors: [{ messageId: 'checkThenActModel', line: 12 }],
    },
    {
      name: 'the test reads the row the answer holds',
      code: visibility(`{ status: 'visible', schedule: rest }`).replace(
        "if (found.status !== 'visible') return 404;",
        "if (found.status !== 'visible' || found.schedule.status !== 'ACTIVE') return 404;",
      ),
      errors: [{ messageId: 'checkThenActModel', line: 12 }],
    },
    {
      name: 'destructured beside the constant, the row it holds is tested',
      code: visibility(`{ status: 'visible', schedule: rest }`)
        .replace('const found = await visibility(id, env);', 'const { status, schedule } = await visibility(id, env);')
        .replace("if (found.status !== 'visible')", "if (status !== 'visible' || schedule.status !== 'ACTIVE')"),
      errors: [{ messageId: 'checkThenActModel', line: 12 }],
    },
  ],
});
