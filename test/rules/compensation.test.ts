/**
 * A write in a `catch` that throws again, undoing an earlier write of the same table when a later step
 * failed, is no act of its own: the earlier write is what the test decides.
 */
import rule from '../../rules/no-check-then-act.js';
import { ruleTester } from '../helpers/rule-tester.js';

const pause = ({ before = true, rethrow = true } = {}) => `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
declare function applyLimits(id: string): Promise<void>;
export async function pause(id: string) {
  const env = await prisma.environment.findUnique({ where: { id } });
  if (!env) throw new Error('not found');
  if (env.pauseSource === 'BILLING') return { ok: false };
  ${before ? 'await prisma.environment.update({ where: { id }, data: { paused: true } });' : ''}
  try {
    await applyLimits(id);
  } catch (error) {
    await prisma.environment.update({ where: { id }, data: { paused: env.paused, pauseSource: env.pauseSource } });
    ${rethrow ? 'throw error;' : 'return { ok: false };'}
  }
  return { ok: true };
}
`;

ruleTester.run('no-check-then-act (a compensating write)', rule, {
  valid: [
    {
      name: 'the catch puts back what was read, after the pause written before the failure, and throws again',
      code: pause(),
    },
  ],
  invalid: [
    {
      name: 'a catch that answers instead of throwing: its write is the outcome',
      code: pause({ rethrow: false }),
      errors: [{ messageId: 'checkThenActModel', line: 6 }],
    },
    {
      name: 'nothing of the table written before the failure: the write in the catch is the act',
      code: pause({ before: false }),
      errors: [{ messageId: 'checkThenActModel', line: 6 }],
    },
  ],
});
