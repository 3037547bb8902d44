/**
 * A test that only asks whether the row agrees with another row read, column for column (`if
 * (source.currency !== target.currency) throw`, before a merge of the two): it asks whether the rows
 * belong together, not where the row's state stands. A test of the row's own state stays reported.
 */
import rule from '../../rules/no-check-then-act.js';
import { ruleTester } from '../helpers/rule-tester.js';

const merge = (test: string) => `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
export async function merge(sourceId: string, targetId: string, limit: number) {
  const source = await prisma.profile.findUnique({ where: { id: sourceId } });
  const target = await prisma.profile.findUnique({ where: { id: targetId } });
  if (!source || !target) throw new Error('not found');
  if (${test}) throw new Error('cannot merge');
  await prisma.profile.update({ where: { id: targetId }, data: { holdings: { connect: { id: sourceId } } } });
  await prisma.profile.delete({ where: { id: sourceId } });
}
`;

const align = `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
export async function align(sourceId: string, targetId: string, currency: string) {
  const source = await prisma.profile.findUnique({ where: { id: sourceId } });
  const target = await prisma.profile.findUnique({ where: { id: targetId } });
  if (!source || !target) throw new Error('not found');
  if (source.currency !== target.currency) throw new Error('cannot align');
  await prisma.profile.update({ where: { id: targetId }, data: { currency } });
}
`;

ruleTester.run('no-check-then-act: whether two rows agree', rule, {
  valid: [
    {
      name: 'the two rows compared column for column: whether they belong together',
      code: merge('source.currency !== target.currency || source.userId !== target.userId'),
    },
  ],
  invalid: [
    {
      name: "the row's own state tested beside the agreement: that state decides the merge",
      code: merge("source.currency !== target.currency || source.status !== 'ACTIVE'"),
      errors: [{ messageId: 'checkThenActModel', line: 5, column: 24 }],
    },
    {
      name: 'the write sets the column compared: there it is the state moved',
      code: align,
      errors: [{ messageId: 'checkThenActModel', line: 5, column: 24 }],
    },
    {
      name: 'the row compared with another column of the other row: not the same value compared',
      code: merge('source.balance > target.limit'),
      errors: [{ messageId: 'checkThenActModel', line: 5, column: 24 }],
    },
  ],
});
