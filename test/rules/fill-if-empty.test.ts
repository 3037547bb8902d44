/**
 * A fill-if-empty: the test asks whether a column holds a value, and the write fills it with one only
 * when it is empty. Two requests that both pass each fill a column that held nothing; no stored value is
 * overwritten. Each with the twin that stays reported: refused when filled (a claim), or something else
 * the test lets run twice.
 */
import rule from '../../rules/no-check-then-act.js';
import { ruleTester } from '../helpers/rule-tester.js';

/** The default partner of a user set when there is none; `filled` runs when it is set, `after` after the fill. */
const setDefault = (filled: string, after = '') => `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
declare function sendWelcome(userId: string): Promise<void>;
export async function accept(userId: string, partnerId: string) {
  const user = await prisma.user.findUnique({ where: { id: userId }, select: { defaultPartnerId: true } });
  if (!user) return;
  if (user.defaultPartnerId !== null) {
    ${filled}
  }
  await prisma.user.update({ where: { id: userId }, data: { defaultPartnerId: partnerId } });${after}
}
`;

ruleTester.run('fill-if-empty', rule, {
  valid: [
    {
      name: 'a value filled into the column the test found empty, quietly skipped when filled',
      code: setDefault('return;'),
    },
    {
      name: 'the fill inside the branch that found it empty, with a constant set beside it',
      code: `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
export async function link(userId: string, partnerId: string) {
  const user = await prisma.user.findUnique({ where: { id: userId } });
  if (user && user.defaultPartnerId === null) {
    await prisma.user.update({ where: { id: userId }, data: { defaultPartnerId: partnerId, onboarded: true } });
  }
}
`,
    },
  ],
  invalid: [
    {
      name: 'refused when filled already: the filler is the claim',
      code: setDefault("throw new Error('A default partner is set already');"),
      errors: [{ messageId: 'checkThenActModel', line: 6, column: 22 }],
    },
    {
      name: 'an awaited call the fill lets run twice',
      code: setDefault('return;', '\n  await sendWelcome(userId);'),
      errors: [{ messageId: 'checkThenActModel', line: 6, column: 22 }],
    },
    {
      name: 'a value written beside the fill into a column the test did not find empty',
      code: `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
export async function link(userId: string, partnerId: string, plan: string) {
  const user = await prisma.user.findUnique({ where: { id: userId } });
  if (user && user.defaultPartnerId === null) {
    await prisma.user.update({ where: { id: userId }, data: { defaultPartnerId: partnerId, plan } });
  }
}
`,
      errors: [{ messageId: 'checkThenActModel', line: 5, column: 22 }],
    },
  ],
});
