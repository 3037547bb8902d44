/**
 * A call the test lets the function await counts against a set-once or a skipped no-op only when made
 * twice it does more than once: a call named as a read or a removal leaves what it leaves once. Awaiting
 * a promise the function was handed as a parameter (Next.js `searchParams`) makes no call at all.
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

/** A one-time token found unexpired, then, on the cancel path a search parameter picks, deleted by a helper that ignores a failure. */
const cancelRequest = (cancel: string) => `
import { PrismaClient } from '@prisma/client';
import { hashToken } from './hash';
const prisma = new PrismaClient();
declare const mailer: { sendCancelled(token: string): Promise<void> };

async function deleteRequest(token: string) {
  const hashed = await hashToken(token);
  try {
    await prisma.verificationToken.delete({ where: { token: hashed } });
  } catch {}
}

export async function cancelChange({ token, searchParams }: { token: string; searchParams: Promise<{ cancel?: string }> }) {
  const found = await prisma.verificationToken.findUnique({ where: { token: await hashToken(token) } });
  if (!found || found.expires < new Date()) return 'Invalid token';
  ${cancel}
  if (cancel === 'true') {
    await deleteRequest(token);
    return 'Canceled';
  }
  return 'Confirm';
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
    {
      name: 'a promise handed in as a parameter, awaited after the test: the caller started it, the test lets nothing run',
      code: cancelRequest('const { cancel } = await searchParams;'),
    },
  ],
  invalid: [
    {
      name: 'a soft delete that sends an email first: two requests that both pass send two',
      code: softDelete('await mailer.sendProjectDeleted(id);'),
      errors: [{ messageId: 'checkThenActModel', line: 7 }],
    },
    {
      name: 'a promise made after the test, then awaited by its name: the call runs once per request that passes',
      code: cancelRequest('const sent = mailer.sendCancelled(token);\n  const { cancel } = await searchParams;\n  await sent;'),
      errors: [{ messageId: 'checkThenAct', line: 15 }],
    },
  ],
});
