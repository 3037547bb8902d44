/**
 * A row removed by the key it was found by, after a test of a value no statement changes: what else the
 * test lets run must not be done twice by two requests that both pass. An UPDATE a called function makes
 * after reading its rows again under the state it changes, and leaving when they are gone, is that
 * function's own check: whether it races is reported there, not here.
 */
import rule from '../../rules/no-check-then-act.js';
import { ruleTester } from '../helpers/rule-tester.js';

const code = (restore: string) => `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();

async function restoreDoc(docId: string) {
  ${restore}
}

export async function restoreFromBin(docId: string) {
  const { deletedTime } = await prisma.binEntry.findFirstOrThrow({ where: { resourceId: docId, resourceType: 'doc' } });
  if (!deletedTime) throw new Error('not in the bin');
  await restoreDoc(docId);
  await prisma.page.updateMany({ where: { docId, deletedTime }, data: { deletedTime: null } });
  await prisma.binEntry.deleteMany({ where: { resourceId: docId } });
}
`;

const rechecked = `const doc = await prisma.doc.findFirst({ where: { id: docId, deletedTime: { not: null } } });
  if (!doc) throw new Error('not deleted');
  await prisma.doc.update({ where: { id: docId }, data: { version: doc.version + 1, deletedTime: null } });`;

ruleTester.run('no-check-then-act (a write on the path that its own function checks again)', rule, {
  valid: [
    {
      name: 'the bin entry found and removed; the called function reads the document again in the bin and throws when it is not',
      code: code(rechecked),
    },
  ],
  invalid: [
    {
      name: 'the called function writes without asking again: the path writes a value twice',
      code: code(
        `const doc = await prisma.doc.findFirst({ where: { id: docId } });
  await prisma.doc.update({ where: { id: docId }, data: { version: doc.version + 1, deletedTime: null } });`,
      ),
      errors: [{ messageId: 'checkThenActModel', line: 11, column: 33 }],
    },
    {
      name: 'the called function reads it again but does not leave when it is gone',
      code: code(rechecked.replace("if (!doc) throw new Error('not deleted');", '')),
      errors: [{ messageId: 'checkThenActModel', line: 12, column: 33 }],
    },
  ],
});
