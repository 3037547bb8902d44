/**
 * A write that finds its row by the key column the read found its own by, compared to another local:
 * the value read is copied into another row, and nothing read from the row written is written back. The
 * same local, or a key taken from the row read, stays reported.
 */
import rule from '../../rules/no-lost-update.js';
import { ruleTester } from '../helpers/rule-tester.js';

const copy = (target: string) => `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
export async function copyCustomer(sourceId: string, targetId: string) {
  const source = await prisma.organisation.findUnique({ where: { id: sourceId } });
  if (!source) return;
  const customerId = source.customerId ?? source.fallbackCustomerId;
  await prisma.organisation.update({ where: { id: ${target} }, data: { customerId } });
}
`;

ruleTester.run('no-lost-update: a value copied into another row', rule, {
  valid: [
    {
      name: 'the write finds its row by another parameter than the read',
      code: copy('targetId'),
    },
  ],
  invalid: [
    {
      name: 'the write finds its row by the same parameter',
      code: copy('sourceId'),
      errors: [{ messageId: 'lostUpdate', line: 8 }],
    },
    {
      name: 'the write finds its row by the key the read returned',
      code: copy('source.id'),
      errors: [{ messageId: 'lostUpdate', line: 8 }],
    },
  ],
});
