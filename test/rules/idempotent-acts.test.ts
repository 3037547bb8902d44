/**
 * A test whose act is idempotent: two requests that both pass write the same state, and nothing else
 * hangs on the test that would tell them apart or be done twice. Each with the twin that stays reported.
 */
import rule from '../../rules/no-check-then-act.js';
import { ruleTester } from '../helpers/rule-tester.js';

/** Rows found disabled, re-enabled by their ids, a batch at a time, until none is left. */
const restoreLoop = (inLoop: string, after: string) => `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
export async function restore(projectId: string, res: any) {
  while (true) {
    const links = await prisma.link.findMany({ where: { projectId, disabledAt: { not: null } }, take: 100 });
    if (links.length === 0) break;
    await prisma.link.updateMany({ where: { id: { in: links.map((l) => l.id) } }, data: { disabledAt: null } });${inLoop}
  }
  ${after}
}
`;

ruleTester.run('no-check-then-act: an idempotent act', rule, {
  valid: [
    {
      name: 'a converging loop left by break when nothing is found: the answer after the loop is given either way',
      code: restoreLoop('', 'return res.status(200).json({ success: true });'),
    },
  ],
  invalid: [
    {
      name: 'a converging loop that answers inside the loop, after the write: the winner alone is told',
      code: restoreLoop(
        '\n    return res.status(200).json({ restored: links.length });',
        "return res.status(404).json({ error: 'none' });",
      ),
      errors: [{ messageId: 'checkThenActModel', line: 6, column: 25 }],
    },
  ],
});
