/**
 * A test that only asks whether rows came back, before a write aimed at exactly the rows found that
 * takes them where any concurrent writer could only have taken them too: two requests that both pass
 * leave the same rows. Each with the twin that stays reported.
 */
import rule from '../../rules/no-check-then-act.js';
import { ruleTester } from '../helpers/rule-tester.js';

/** Rows picked by a state and a scope, then a write by their ids when there are any (Prisma's docs' style). */
const markMissing = (state: string, data: string, after = '') => `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
export async function markMissing(connectionId: string, seenIds: string[]) {
  const missing = await prisma.calendar.findMany({
    where: { connectionId, providerId: { notIn: seenIds }, ${state} },
    select: { id: true },
  });
  if (missing.length > 0) {
    await prisma.calendar.updateMany({
      where: { id: { in: missing.map((c) => c.id) } },
      data: { ${data} },
    });${after}
  }
}
`;

/** One-time codes found unused, then marked used by id, the caller answered with the code's owner. */
const redeem = `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
export async function redeem(code: string) {
  const found = await prisma.inviteCode.findMany({ where: { code, used: false } });
  if (found.length === 0) throw new Error('invalid code');
  await prisma.inviteCode.updateMany({ where: { id: { in: found.map((c) => c.id) } }, data: { used: true } });
  return found[0].ownerId;
}
`;

ruleTester.run('no-check-then-act: a write that converges on the rows found', rule, {
  valid: [
    {
      name: 'a flag of two values found false and set true on the rows found',
      code: markMissing('isDeleted: false', 'isDeleted: true, lastSyncedAt: new Date()'),
    },
    {
      name: 'a stamp found empty and set to the clock on the rows found',
      code: markMissing('deletedAt: null', 'deletedAt: new Date()'),
    },
  ],
  invalid: [
    {
      name: 'a claim by a stamp: the rows found are handed on after the test, so two requests both send',
      code: `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
declare function sendEmail(to: string): Promise<void>;
export async function sendDue() {
  const due = await prisma.reminder.findMany({ where: { sentAt: null }, select: { id: true, email: true } });
  if (due.length > 0) {
    await prisma.reminder.updateMany({ where: { id: { in: due.map((r) => r.id) } }, data: { sentAt: new Date() } });
  }
  for (const r of due) await sendEmail(r.email);
}
`,
      errors: [{ messageId: 'checkThenActModel', line: 6 }],
    },
    {
      name: 'a status of more values: a concurrent move to a third one is overwritten',
      code: markMissing("status: 'ACTIVE'", "status: 'MISSING'"),
      errors: [{ messageId: 'checkThenActModel', line: 5 }],
    },
    {
      name: 'an email sent to the owners of the rows as well: done twice by two requests',
      code: markMissing('isDeleted: false', 'isDeleted: true', '\n    await fetch("https://mail.example.com/send");'),
      errors: [{ messageId: 'checkThenActModel', line: 5 }],
    },
    {
      name: 'a one-time code: the request that finds none fails, the one that writes answers',
      code: redeem,
      errors: [{ messageId: 'checkThenActModel', line: 5 }],
    },
  ],
});
