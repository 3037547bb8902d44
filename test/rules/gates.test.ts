/**
 * Tests that gate a write rather than decide it: a relation loaded with the row, a row looked up by the
 * row's key, the row found again by its own key. What they read is not the row's state the write acts on.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import rule from '../../rules/no-check-then-act.js';
import { ruleTester } from '../helpers/rule-tester.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const groupSchema = { 'sql-race': { schema: [path.join(here, 'schema', 'groups.prisma')], schemaDiscovery: false } };

/** A group loaded with its organisation, tested, then deleted. */
const deleteGroup = (test: string) => `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
export async function deleteGroup(id: number) {
  const group = await prisma.group.findUnique({ where: { id }, include: { organisation: true } });
  if (!group) throw new Error('not found');
  if (${test}) throw new Error('forbidden');
  await prisma.group.delete({ where: { id } });
}
`;

/** A user whose membership is looked up by a helper, tested, then the user's role written. */
const promote = (lookup: string) => `
import { PrismaClient } from '@prisma/client';
import { loadMembership } from './memberships';
const prisma = new PrismaClient();
export async function promote(id: number, role: string) {
  const user = await prisma.user.findUnique({ where: { id } });
  if (!user) throw new Error('not found');
  const membership = await loadMembership(${lookup});
  if (membership.role !== 'OWNER') throw new Error('forbidden');
  await prisma.user.update({ where: { id }, data: { role } });
}
`;

/** A group found in an organisation, tested, then deleted by its id and the organisation's (another read's) id. */
const deleteInOrganisation = (test: string) => `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
export async function deleteGroup(groupId: number, organisationId: number, userId: number) {
  const organisation = await prisma.organisation.findFirst({ where: { id: organisationId, ownerId: userId } });
  if (!organisation) throw new Error('forbidden');
  const group = await prisma.group.findFirst({ where: { id: groupId, organisationId } });
  if (!group) throw new Error('not found');
  if (${test}) throw new Error('internal groups stay');
  await prisma.group.delete({ where: { id: groupId, organisationId: organisation.id } });
}
`;

/** A listing answered 404 when it is not listed, then cleared; the body after the clear is given. */
const unlist = (after: string) => `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
export async function unlist(id: string) {
  const program = await prisma.program.findUnique({ where: { id }, select: { id: true, listedAt: true, rank: true } });
  if (!program || !program.listedAt) {
    return new Response('Not listed.', { status: 404 });
  }
  await prisma.program.update({ where: { id }, data: { listedAt: null, featuredAt: null, rank: 0 } });
  ${after}
}
`;

ruleTester.run('no-check-then-act: tests that gate, not claim', rule, {
  valid: [
    {
      name: "the organisation loaded with the group is tested: its status is not the group's state the delete acts on",
      code: deleteGroup("group.organisation.status !== 'ACTIVE'"),
      settings: groupSchema,
    },
    {
      name: "a membership looked up by the user's key is tested: another row's role, not the user's",
      code: promote('user.id'),
    },
    {
      name: 'the delete aims at the group found, by its id (the organisation id, from another read, only narrows it)',
      code: deleteInOrganisation("group.kind === 'INTERNAL'"),
    },
    {
      name: 'a listing answered 404 when already cleared, then cleared: two requests leave the same row, nothing is held',
      code: unlist('return Response.json({ ok: true });'),
    },
  ],
  invalid: [
    {
      name: "the relation's column is one of the group's own: a wrapper holding the group's values, not another row",
      code: deleteGroup('group.organisation.locked'),
      settings: groupSchema,
      errors: [{ messageId: 'checkThenActModel', line: 5, column: 23 }],
    },
    {
      name: 'the clear answered with what was read: the answer tells the first request apart',
      code: unlist('return Response.json({ rank: program.rank });'),
      errors: [{ messageId: 'checkThenActModel', line: 5, column: 25 }],
    },
    {
      name: 'the clear followed by another write on its path: a release that grants something is a claim',
      code: unlist('await prisma.credit.updateMany({ where: { programId: id }, data: { released: true } });'),
      errors: [{ messageId: 'checkThenActModel', line: 5, column: 25 }],
    },
    {
      name: "the group's own flag is tested before its delete: a concurrent lock is lost",
      code: deleteGroup('group.locked'),
      settings: groupSchema,
      errors: [{ messageId: 'checkThenActModel', line: 5, column: 23 }],
    },
    {
      name: 'without a schema the organisation property may be a column of the group: it stays a test of the row',
      code: deleteGroup('group.organisation.locked'),
      errors: [{ messageId: 'checkThenActModel', line: 5, column: 23 }],
    },
    {
      name: 'the whole user handed to the helper: what it answers may be computed from the row',
      code: promote('user'),
      errors: [{ messageId: 'checkThenActModel', line: 6, column: 22 }],
    },
    {
      name: "the user's own role tested before it is written",
      code: promote('user.id').replace("membership.role !== 'OWNER'", "user.role !== 'OWNER'"),
      errors: [{ messageId: 'checkThenActModel', line: 6, column: 22 }],
    },
    {
      name: 'the delete aims at the group found, but the test reads a state a concurrent request moves',
      code: deleteInOrganisation("group.status === 'ACTIVE'"),
      errors: [{ messageId: 'checkThenActModel', line: 7, column: 23 }],
    },
  ],
});
