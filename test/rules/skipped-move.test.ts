/**
 * A move skipped when it changes nothing, whose transaction also deletes the row the move leaves: a
 * DELETE done twice removes what it removes once, so two requests that both pass leave one state.
 */
import rule from '../../rules/no-check-then-act.js';
import { ruleTester } from '../helpers/rule-tester.js';

/** Ownership handed to `userId` unless it already holds it; `then` runs in the same transaction. */
const transfer = (then: string) => `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
export async function transfer(organisationId: string, userId: string, memberId: string, groupId: string) {
  const organisation = await prisma.organisation.findUniqueOrThrow({ where: { id: organisationId } });
  if (organisation.ownerUserId === userId) {
    throw new Error('already the owner');
  }
  await prisma.$transaction(async (tx) => {
    await tx.organisation.update({ where: { id: organisationId }, data: { ownerUserId: userId } });
    ${then}
  });
}
`;

ruleTester.run('no-check-then-act (a skipped move and the row it leaves)', rule, {
  valid: [
    {
      name: 'ownership moved unless already held, the old group row deleted by its key: done twice, deleted once',
      code: transfer(
        'await tx.organisationGroupMember.delete({ where: { organisationMemberId_groupId: { organisationMemberId: memberId, groupId } } });',
      ),
    },
    {
      name: 'ownership moved unless already held, the old group rows deleted by a filter: done twice, deleted once',
      code: transfer('await tx.organisationGroupMember.deleteMany({ where: { organisationMemberId: memberId } });'),
    },
  ],
  invalid: [
    {
      name: 'ownership moved unless already held, then a counter raised: two requests that both pass raise it twice',
      code: transfer('await tx.organisationStats.update({ where: { id: organisationId }, data: { transfers: { increment: 1 } } });'),
      errors: [{ messageId: 'checkThenActModel', line: 5, column: 30 }],
    },
  ],
});
