/**
 * A called function's statement under `if (linkId)`, `linkId` a parameter (or a property of one, not
 * defaulted, never assigned): a call that leaves `linkId` out does not run it, so it is no read, test or
 * write of that call. Each with the twin that stays reported.
 */
import rule from '../../rules/no-check-then-act.js';
import { ruleTester } from '../helpers/rule-tester.js';

/** A permission helper that finds a collection by a link or by its id, then a sub-collection created under it. */
const createUnder = (call: string) => `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();

async function getPermission({ userId, collectionId, linkId }: { userId: number; collectionId?: number; linkId?: number }) {
  if (linkId) {
    return prisma.collection.findFirst({ where: { links: { some: { id: linkId } } }, include: { members: true } });
  } else if (collectionId) {
    return prisma.collection.findFirst({ where: { id: collectionId }, include: { members: true } });
  }
}

export async function createSubCollection(userId: number, parentId: number, linkId: number, name: string) {
  const parent = await ${call};
  const member = parent?.members.some((m) => m.userId === userId && m.canCreate);
  if (!member && parent?.ownerId !== userId) return { status: 403 };
  await prisma.collection.create({ data: { name, ownerId: userId, parentId } });
  return { status: 200 };
}
`;

ruleTester.run('no-check-then-act: a statement the call rules out', rule, {
  valid: [
    {
      name: 'called without linkId: only the lookup by the parent key runs, and the create adds a child',
      code: createUnder('getPermission({ userId, collectionId: parentId })'),
    },
  ],
  invalid: [
    {
      name: 'called with linkId: the lookup by link runs, and nothing it looks up keeps the create apart',
      code: createUnder('getPermission({ userId, linkId })'),
      errors: [{ messageId: 'checkThenInsertModel', line: 14, column: 24 }],
    },
    {
      name: 'the options object handed on whole: what it holds cannot be told',
      code: createUnder('getPermission(Object.assign({ userId }, { collectionId: parentId }))'),
      errors: [{ messageId: 'checkThenInsertModel', line: 14, column: 24 }],
    },
  ],
});
