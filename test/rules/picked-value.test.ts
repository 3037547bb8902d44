/**
 * A value a test of the read picks between values not computed from it (`const status = rejected ?
 * 'REJECTED' : 'COMPLETED'`, a request's value or nothing): the flow carries the read into the local,
 * but what is written is one of the values picked, so nothing the read returned is written back. A
 * local whose assignments cannot all be seen, and a pick between values computed from the row, stay
 * reported.
 */
import rule from '../../rules/no-lost-update.js';
import { ruleTester } from '../helpers/rule-tester.js';

const link = (body: string, field = 'status') => `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
export async function settle(id: number, input: string) {
  const link = await prisma.link.findUnique({ where: { id } });
  if (!link) return;
  ${body}
  await prisma.link.update({ where: { id }, data: { ${field} } });
}
`;

ruleTester.run('no-lost-update: a value picked by a test of the read', rule, {
  valid: [
    {
      name: 'a constant picked by a test of the read, through a const',
      code: link(`const popular = link.clicks > 10;
  const status = popular ? 'popular' : 'quiet';`),
    },
    {
      name: 'the request value or nothing, picked by the row type, then replaced on one branch',
      code: link(
        `let text = link.kind !== 'date' ? input : undefined;
  if (link.kind === 'date') text = new Date().toISOString();`,
        'text',
      ),
    },
  ],
  invalid: [
    {
      name: 'a pick between values computed from the row',
      code: link(`const status = link.clicks > 10 ? link.status + '!' : link.status;`),
      errors: [{ messageId: 'lostUpdate', line: 8 }],
    },
    {
      name: 'a branch that parses the column read: the stored history, appended to',
      code: link(
        `const history = link.history ? parseHistory(link.history) : [];
  history.push({ at: Date.now() });`,
        'history',
      ),
      errors: [{ messageId: 'lostUpdate', line: 9 }],
    },
    {
      name: 'a local assigned through destructuring: its values cannot all be seen',
      code: link(
        `let text = link.kind !== 'date' ? input : undefined;
  if (input === '') ({ text } = link);`,
        'text',
      ),
      errors: [{ messageId: 'lostUpdate', line: 9 }],
    },
    {
      name: 'a local changed after the read by a compound assignment',
      code: link(
        `let clicks = link.clicks;
  clicks += 1;`,
        'clicks',
      ),
      errors: [{ messageId: 'lostUpdate', line: 9 }],
    },
  ],
});
