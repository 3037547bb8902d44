/**
 * A rename skipped when it changes nothing, followed by an entry that records it: an audit entry is no
 * act done twice, any other insert is.
 */
import rule from '../../rules/no-check-then-act.js';
import { ruleTester } from '../helpers/rule-tester.js';

/** A passkey renamed unless its name is already the one asked for; the rename is recorded in `log`. */
const rename = (log: string) => `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
export async function rename(memberId: number, passkeyId: string, name: string) {
  const passkey = await prisma.passkey.findFirstOrThrow({ where: { id: passkeyId, memberId } });
  if (passkey.name === name) {
    return;
  }
  await prisma.$transaction(async (tx) => {
    await tx.passkey.update({ where: { id: passkeyId }, data: { name, updatedAt: new Date() } });
    await tx.${log}.create({ data: { memberId, type: 'PASSKEY_RENAMED' } });
  });
}
`;

ruleTester.run('no-check-then-act (a skipped rename and its audit entry)', rule, {
  valid: [
    {
      name: 'a rename skipped when it changes nothing, recorded in an audit table: two renames leave two entries',
      code: rename('securityAuditLog'),
    },
  ],
  invalid: [
    {
      name: 'a rename skipped when it changes nothing, followed by a notification: two requests that both pass notify twice',
      code: rename('notification'),
      errors: [{ messageId: 'checkThenActModel', line: 5, column: 25 }],
    },
  ],
});
