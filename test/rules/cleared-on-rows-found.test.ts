/**
 * A stamp found set on the rows read and cleared on exactly those rows, batch after batch until none
 * come back: two runners that pick the same rows leave them cleared alike.
 */
import rule from '../../rules/no-check-then-act.js';
import { ruleTester } from '../helpers/rule-tester.js';

const restore = (data = 'disabledAt: null') => `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
declare const cache: { expireMany(links: { id: string }[]): Promise<void> };
export async function restoreLinks(projectId: string) {
  while (true) {
    const links = await prisma.link.findMany({ where: { projectId, disabledAt: { not: null } }, take: 100 });
    if (links.length === 0) break;
    await prisma.link.updateMany({ where: { id: { in: links.map((l) => l.id) } }, data: { ${data} } });
    await cache.expireMany(links);
  }
}
`;

ruleTester.run('no-check-then-act: a stamp cleared on the rows found', rule, {
  valid: [{ name: 'links found disabled, enabled again by their ids until none are left', code: restore() }],
  invalid: [
    {
      name: 'found set and set again to the clock: not the other side',
      code: restore('disabledAt: new Date()'),
      errors: [{ messageId: 'checkThenActModel', line: 7 }],
    },
  ],
});
