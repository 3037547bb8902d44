/**
 * A permission asked of an action on the row, handed whole (`ability.cannot('delete', subject('Member',
 * member))`): who may act, like a test of the row's owner or role, not a state the write moves. A row
 * handed to any other call (`isEditable(member)`), or read besides the question, stays a state test.
 */
import rule from '../../rules/no-check-then-act.js';
import { ruleTester } from '../helpers/rule-tester.js';

const code = (test: string, write: string) => `
import { PrismaClient } from '@prisma/client';
import { subject } from '@casl/ability';
const prisma = new PrismaClient();

async function getMember(id: string) {
  const member = await prisma.member.findUnique({ where: { id }, select: { id: true, userId: true, role: true, locked: true } });
  return member ? { ...member, isAdmin: member.role === 'admin' } : null;
}

export async function act(ability: any, memberId: string, role: string) {
  const member = await getMember(memberId);
  if (!member) throw new Error('not found');
  if (${test}) throw new Error('forbidden');
  ${write}
}
`;

const remove = 'await prisma.member.delete({ where: { id: memberId } });';
const setRole = 'await prisma.member.update({ where: { id: memberId }, data: { role } });';
const lock = 'await prisma.member.update({ where: { id: memberId }, data: { locked: true } });';

ruleTester.run('no-check-then-act (a permission asked of the row)', rule, {
  valid: [
    {
      name: 'the permission to delete the row asked, then the row deleted by its key',
      code: code("ability.cannot('delete', subject('Member', member))", remove),
    },
    {
      name: 'the permission to update asked, then the role the request asks for written',
      code: code("!ability.can('update', member)", setRole),
    },
  ],
  invalid: [
    {
      name: 'the row handed to a call that asks no permission: what it weighs may be the state written',
      code: code('!isEditable(member)', lock),
      errors: [{ messageId: 'checkThenActModel', line: 12 }],
    },
    {
      name: 'a state of the row tested besides the permission, and written',
      code: code("member.locked || ability.cannot('update', subject('Member', member))", lock),
      errors: [{ messageId: 'checkThenActModel', line: 12 }],
    },
  ],
});
