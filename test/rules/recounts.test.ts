/**
 * An UPDATE that stores what an aggregate read after the test computed (a total summed again from the
 * rows, `totalCommissions: total._sum.earnings || 0`) writes what the rows hold when it runs, whatever the
 * test saw: a stale test makes it run once more, not write a stale value. A value from the request, or
 * from the row the test read, stays reported.
 */
import rule from '../../rules/no-check-then-act.js';
import { ruleTester } from '../helpers/rule-tester.js';

const sync = (value: string) => `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
async function syncTotal(partnerId: string, programId: string, given: number) {
  return prisma.$transaction(async (tx) => {
    const total = await tx.commission.aggregate({ where: { partnerId, programId }, _sum: { earnings: true } });
    return tx.enrollment.update({ where: { partnerId_programId: { partnerId, programId } }, data: { totalCommissions: ${value} } });
  });
}
export async function updateCommission(partnerId: string, programId: string, amount: number) {
  const enrollment = await prisma.enrollment.findUnique({ where: { partnerId_programId: { partnerId, programId } } });
  if (!enrollment || enrollment.totalCommissions > 1000) throw new Error('not found');
  await syncTotal(partnerId, programId, amount);
}
`;

const local = (value: string) => `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
export async function recount(id: string, given: number) {
  const list = await prisma.list.findUnique({ where: { id } });
  if (!list || list.itemCount > 100) throw new Error('too many');
  const items = await prisma.item.count({ where: { listId: id } });
  await prisma.list.update({ where: { id }, data: { itemCount: ${value} } });
}
`;

ruleTester.run('no-check-then-act: a recount stored', rule, {
  valid: [
    { name: 'a called function stores the sum it just read', code: sync('total._sum.earnings || 0') },
    { name: 'the function stores a count it read after the test', code: local('items') },
  ],
  invalid: [
    {
      name: 'a called function stores what its caller gives it',
      code: sync('given'),
      errors: [{ messageId: 'checkThenAct', line: 11 }],
    },
    {
      name: 'the value stored comes from the request as well as the count',
      code: local('items + given'),
      errors: [{ messageId: 'checkThenActModel', line: 5 }],
    },
  ],
});
