/**
 * A test of a member's role (who may act) before a write that does not set the role, or, weighed against
 * the actor's own role read apart, sets it to what the request asks for: a concurrent role change is a
 * change of who may act next, ordered after this act.
 */
import rule from '../../rules/no-check-then-act.js';
import { ruleTester } from '../helpers/rule-tester.js';

const code = (test: string, write: string, owners = '') => `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();

export async function setRole(spaceId: string, userId: string, role: string) {
  await prisma.member.update({ where: { spaceId_userId: { spaceId, userId } }, data: { role } });
}

export async function removeMember(spaceId: string, actorId: string, userId: string, role: string) {
  const members = await prisma.member.findMany({ where: { spaceId, userId: { in: [actorId, userId] } } });
  const actor = members.find((m) => m.userId === actorId);
  const target = members.find((m) => m.userId === userId);
  if (!actor || !target) throw new Error('not a member');${owners}
  if (${test}) throw new Error('forbidden');
  ${write}
}
`;

const remove = 'await prisma.member.delete({ where: { spaceId_userId: { spaceId, userId } } });';
const demote = "await prisma.member.update({ where: { spaceId_userId: { spaceId, userId } }, data: { role: 'viewer' } });";
const asked = 'await prisma.member.update({ where: { spaceId_userId: { spaceId, userId } }, data: { role } });';
const owners = "\n  const count = await prisma.member.count({ where: { spaceId, role: 'owner' } });";

/** The actor's own role read apart (the caller's membership), then weighed against the target's. */
const ranked = (test: string, write: string) => `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();

export async function changeRole(spaceId: string, actorId: string, userId: string, role: string) {
  const actor = await prisma.member.findUnique({ where: { spaceId_userId: { spaceId, userId: actorId } } });
  const target = await prisma.member.findUnique({ where: { spaceId_userId: { spaceId, userId } } });
  if (!actor || !target) throw new Error('not a member');
  if (${test}) throw new Error('forbidden');
  ${write}
}
`;

ruleTester.run('no-check-then-act (a role test before a write)', rule, {
  valid: [
    {
      name: "the actor's and the target's roles asked, then the target removed by its key",
      code: code("actor.role !== 'owner' && !canManage(actor.role, target.role)", remove),
    },
    {
      name: "the target's role weighed against the actor's, read apart, then set to what the request asks for: the later of two permitted edits stays",
      code: ranked('!canManage(actor.role, target.role)', asked),
    },
  ],
  invalid: [
    {
      name: 'the write sets the role tested: the role is the state moved',
      code: code("actor.role !== 'owner' && !canManage(actor.role, target.role)", demote),
      errors: [{ messageId: 'checkThenActModel', line: 10, column: 25 }],
    },
    {
      name: 'the role tested against a constant, then set to what the request asks for: who the row is decides what it may become',
      code: ranked("target.role !== 'editor'", asked),
      errors: [{ messageId: 'checkThenActModel', line: 7, column: 24 }],
    },
    {
      name: 'the role is asked with a count of owners: the last owner, a rule over many rows',
      code: code("count === 1 && target.role === 'owner'", remove, owners),
      errors: [{ messageId: 'checkThenActModel', line: 10, column: 25 }],
    },
  ],
});
