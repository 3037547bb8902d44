/**
 * A helper answers whether the caller may act on a row that is not deleted yet, by who the row belongs to
 * (`OR: [{ userId }, { space: { members: { some: { userId } } } }]`), and the caller soft-deletes it. The
 * scope of owners is no state of the row a concurrent writer of it flips, as a relation filter standing
 * alone is not: two requests that both pass delete it once. Each with the twin that stays reported.
 */
import { describe, expect, it } from 'vitest';
import rule from '../../rules/no-check-then-act.js';
import { modelOf } from '../helpers/model.js';
import { ruleTester } from '../helpers/rule-tester.js';

/** `scope`: the OR of the helper's read; `after`: what runs after the soft delete. */
const markAsDeleted = (scope: string, after: string) => `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
declare const procedure: { mutation<T>(fn: (opts: { input: { pollId: string }; ctx: { userId: string } }) => Promise<T>): unknown };
declare function track(event: { event: string; poll: string }): void;
declare function sendEmail(to: string, subject: string): Promise<void>;
async function hasPollAdminAccess(pollId: string, userId: string) {
  const poll = await prisma.poll.findFirst({ where: { id: pollId, deleted: false, OR: ${scope} }, select: { id: true } });
  return poll !== null;
}
export const router = {
  markAsDeleted: procedure.mutation(async ({ input: { pollId }, ctx }) => {
    const hasAccess = await hasPollAdminAccess(pollId, ctx.userId);
    if (!hasAccess) throw new Error('You are not allowed to delete this poll');
    await prisma.poll.update({ where: { id: pollId }, data: { deleted: true, deletedAt: new Date() } });
    ${after}
  }),
};
`;

const owners = '[{ userId }, { space: { members: { some: { userId } } } }]';

ruleTester.run('no-check-then-act: a soft delete by whoever may act on the row', rule, {
  valid: [
    {
      name: 'an OR over the owner and the members of its space, then nothing',
      code: markAsDeleted(owners, ''),
    },
    {
      name: 'an OR over two owner keys, then nothing',
      code: markAsDeleted('[{ userId }, { createdById: userId }]', ''),
    },
  ],
  invalid: [
    {
      name: 'an OR that also reads a state of the row: the state is tested',
      code: markAsDeleted("[{ userId }, { status: 'OPEN' }]", ''),
      errors: [{ messageId: 'checkThenActModel', line: 13, column: 29 }],
    },
    {
      name: 'an analytics event recorded after the delete: recorded twice',
      code: markAsDeleted(owners, "track({ event: 'poll_delete', poll: pollId });"),
      errors: [{ messageId: 'checkThenActModel', line: 13, column: 29 }],
    },
    {
      name: 'an email sent after the delete: sent twice',
      code: markAsDeleted(owners, "await sendEmail(ctx.userId, 'Poll deleted');"),
      errors: [{ messageId: 'checkThenActModel', line: 13, column: 29 }],
    },
  ],
});

describe('an OR over who the row belongs to', () => {
  const read = (scope: string) => {
    const model = modelOf(`
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
export async function find(id: string, userId: string) {
  return prisma.poll.findFirst({ where: { id, OR: ${scope} } });
}
`);
    const step = model.units.find((u) => u.name === 'find')!.steps[0]!;
    return step.facts.where.find((p) => p.text.startsWith('OR'))!;
  };
  it('is a filter when each alternative is a key equality or a relation filter', () => {
    expect(read(owners).role).toBe('filter');
    expect(read(owners).isKey).toBe(true);
  });
  it('stays a guard when an alternative compares another column', () => {
    expect(read("[{ userId }, { status: 'OPEN' }]").role).toBe('guard');
    expect(read('[{ userId }, { deletedAt: null }]').role).toBe('guard');
  });
});
