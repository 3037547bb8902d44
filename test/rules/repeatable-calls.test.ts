/**
 * A call the test lets the function await counts against a set-once or a skipped no-op only when made
 * twice it does more than once: a call named as a read or a removal leaves what it leaves once.
 */
import rule from '../../rules/no-check-then-act.js';
import { ruleTester } from '../helpers/rule-tester.js';

const softDelete = (call: string) => `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
declare const engine: { removeEnvironmentQueues(id: string): Promise<void>; getEnvironments(id: string): Promise<string[]> };
declare const mailer: { sendProjectDeleted(id: string): Promise<void> };
export async function deleteProject(id: string) {
  const project = await prisma.project.findUnique({ where: { id } });
  if (!project) throw new Error('Project not found');
  if (project.deletedAt) return;
  ${call}
  await prisma.project.update({ where: { id }, data: { deletedAt: new Date() } });
}
`;

ruleTester.run('no-check-then-act (calls the same when repeated)', rule, {
  valid: [
    {
      name: 'a soft delete that first removes the queues: removed twice, they are gone once',
      code: softDelete('for (const env of await engine.getEnvironments(id)) await engine.removeEnvironmentQueues(env);'),
    },
    {
      name: 'links found enabled, disabled by their ids, then their cache entries expired: expired twice, gone once',
      code: `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
declare const cache: { expireMany(links: { id: string }[]): Promise<void> };
export async function disableLinks(projectId: string) {
  const links = await prisma.link.findMany({ where: { projectId, disabledAt: null } });
  if (links.length === 0) return;
  await prisma.link.updateMany({ where: { id: { in: links.map((l) => l.id) } }, data: { disabledAt: new Date() } });
  await cache.expireMany(links);
}
`,
    },
  ],
  invalid: [
    {
      name: 'a soft delete that sends an email first: two requests that both pass send two',
      code: softDelete('await mailer.sendProjectDeleted(id);'),
      errors: [{ messageId: 'checkThenActModel', line: 7 }],
    },
  ],
});
