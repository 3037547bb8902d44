/**
 * A helper that runs on the connection its caller passes, or on another when none is passed (`const
 * client = tx ?? prisma`): called with the transaction's client, its statement is in that transaction.
 * Called without one, what it runs on is not told by the call, and the race stays reported.
 */
import rule from '../../rules/no-lost-update.js';
import { ruleTester } from '../helpers/rule-tester.js';

const pay = (connection: string, passed: string) => `
import { PrismaClient, Prisma } from '@prisma/client';
const prisma = new PrismaClient();
async function spend(id: string, balance: number, options: { tx?: Prisma.TransactionClient }) {
  const client = ${connection};
  await client.wallet.update({ where: { id }, data: { balance } });
}
export async function pay(id: string, price: number) {
  await prisma.$transaction(
    async (tx) => {
      const wallet = await tx.wallet.findUnique({ where: { id } });
      if (!wallet || wallet.balance < price) throw new Error('funds');
      await spend(id, wallet.balance - price, ${passed});
    },
    { isolationLevel: 'Serializable' },
  );
}
`;

ruleTester.run('no-lost-update: a connection that falls back to another', rule, {
  valid: [
    {
      name: 'tx ?? prisma, handed the serializable transaction’s client',
      code: pay('options.tx ?? prisma', '{ tx }'),
    },
    {
      name: 'tx || prisma, handed the serializable transaction’s client',
      code: pay('options.tx || prisma', '{ tx }'),
    },
  ],
  invalid: [
    {
      name: 'no client handed: the helper may run on the pool',
      code: pay('options.tx ?? prisma', '{}'),
      errors: [{ messageId: 'lostUpdate', line: 13 }],
    },
  ],
});
