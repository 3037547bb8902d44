/**
 * Set-once asked in the read's WHERE: the row is found only while a stamp is unset (`closedAt: null`),
 * the read refuses when nothing comes back, and the write stamps that row with the clock and nothing
 * else. Two requests that both pass leave the same state. Each with the twin that stays reported.
 */
import rule from '../../rules/no-check-then-act.js';
import { ruleTester } from '../helpers/rule-tester.js';

const code = (data: string, after = '') => `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();

export async function closeTicket(projectId: string, ticketId: string) {
  await prisma.ticket.findFirstOrThrow({ where: { id: ticketId, projectId, closedAt: null } });
  await prisma.ticket.update({ where: { id: ticketId }, data: { ${data} } });
  ${after}
}
`;

const error = { messageId: 'checkThenActModel', line: 6, column: 9 } as const;

ruleTester.run('no-check-then-act (a stamp the read found unset, set to the clock)', rule, {
  valid: [
    {
      name: 'found while open (or refused), then stamped with the clock: two requests leave the same state',
      code: code('closedAt: new Date()'),
    },
    {
      name: 'the same with `if (!ticket) throw` after a findFirst',
      code: code('closedAt: new Date()').replace(
        'await prisma.ticket.findFirstOrThrow({ where: { id: ticketId, projectId, closedAt: null } });',
        "const ticket = await prisma.ticket.findFirst({ where: { id: ticketId, projectId, closedAt: null } });\n  if (!ticket) throw new Error('not found');",
      ),
    },
  ],
  invalid: [
    {
      name: 'a flag set beside the stamp is what a claim marks',
      code: code('closedAt: new Date(), open: false'),
      errors: [error],
    },
    {
      name: 'a value passed in set beside the stamp',
      code: code('closedAt: new Date(), closedBy: projectId'),
      errors: [error],
    },
    {
      name: 'the winner is told something it can act on',
      code: code('closedAt: new Date()', 'return { closed: true };'),
      errors: [error],
    },
    {
      name: 'an email the path sends runs twice',
      code: code('closedAt: new Date()', 'await mailer.send(projectId);'),
      errors: [error],
    },
  ],
});
