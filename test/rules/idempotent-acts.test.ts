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

/** A stamp set once; done already is refused, the winner's answer is `answer`. */
const verify = (answer: string, extra = '') => `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
declare const NextResponse: { json(body: unknown, init?: unknown): Response };
declare const queue: { enqueue(job: unknown): Promise<void> };
declare function randomUUID(): string;
export async function verifyIdentity(partnerId: string) {
  const partner = await prisma.partner.findUnique({ where: { id: partnerId } });
  if (!partner) return new Response('Partner not found.', { status: 404 });
  if (partner.identityVerifiedAt) {
    return new Response('Already verified.', { status: 400 });
  }
  await prisma.partner.update({
    where: { id: partnerId },
    data: { identityVerifiedAt: new Date(), identityVerificationStatus: 'approved' },
  });${extra}
  ${answer}
}
`;

/** A helper returns the row under `row` beside other data; the caller refuses when done already, stamps the row once, then `after`. */
const unsubscribe = (after: string) => `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
async function resolveByToken(token: string) {
  const found = await prisma.pageSubscriber.findFirst({ where: { token }, include: { page: true } });
  if (!found) return null;
  const { page, ...row } = found;
  return { row, pageTitle: page.title };
}
export async function unsubscribe(token: string) {
  const resolved = await resolveByToken(token);
  if (!resolved) throw new Error('not found');
  const { row } = resolved;
  if (row.unsubscribedAt) throw new Error('Already unsubscribed');
  await prisma.pageSubscriber.update({ where: { id: row.id }, data: { unsubscribedAt: new Date() } });${after}
}
`;

/** Rows found unpaused, each handed to a helper that pauses it by the id it reads off its parameter. */
const pauseAll = (argument: string) => `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
async function pause(environment: { id: string }) {
  await prisma.runtimeEnvironment.update({ where: { id: environment.id }, data: { paused: true } });
}
export async function pauseAll(organizationId: string, fallbackId: string) {
  const environments = await prisma.runtimeEnvironment.findMany({ where: { organizationId, paused: false } });
  if (environments.length === 0) return;
  for (const environment of environments) await pause(${argument});
}
`;

ruleTester.run('no-check-then-act: an idempotent act', rule, {
  valid: [
    {
      name: 'a converging loop left by break when nothing is found: the answer after the loop is given either way',
      code: restoreLoop('', 'return res.status(200).json({ success: true });'),
    },
    {
      name: 'a set-once whose done-already is refused with 400, the winner only acknowledged',
      code: verify('return NextResponse.json({ success: true });'),
    },
    {
      name: 'a soft delete refused with a throw when done already, answering nothing',
      code: `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
export async function deleteOrganization(slug: string) {
  const organization = await prisma.organization.findFirst({ where: { slug } });
  if (!organization) throw new Error('Organization not found');
  if (organization.deletedAt) throw new Error('Organization already deleted');
  await prisma.project.updateMany({ where: { organizationId: organization.id }, data: { deletedAt: new Date() } });
  await prisma.organization.update({ where: { id: organization.id }, data: { runsEnabled: false, deletedAt: new Date() } });
}
`,
    },
    {
      name: 'a set-once followed by a job enqueued under a key made of the row: queued once per key',
      code: verify(
        'return NextResponse.json({ success: true });',
        '\n  await queue.enqueue({ id: `notify:${partnerId}`, job: "identityVerified" });',
      ),
    },
    {
      name: 'a helper returns the row under a property: the caller tests its column, set once to the clock',
      code: unsubscribe(''),
    },
    {
      name: 'a set-once followed by an audit entry: two requests leave two entries for one change, nothing done twice',
      code: unsubscribe("\n  await prisma.auditLog.create({ data: { action: 'unsubscribe', entityId: row.id } });"),
    },
    {
      name: 'rows found handed to a helper that writes each by the id it reads off its parameter: the rows found',
      code: pauseAll('environment'),
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
    {
      name: 'done already refused, the winner told something it can act on: a value returned to the caller',
      code: verify('return { verified: true };'),
      errors: [{ messageId: 'checkThenActModel', line: 8, column: 25 }],
    },
    {
      name: 'done already refused, the winner answered with data (a number): a claim',
      code: verify('return NextResponse.json({ discount: 50 });'),
      errors: [{ messageId: 'checkThenActModel', line: 8, column: 25 }],
    },
    {
      name: 'done already refused, then a job enqueued under a random key: queued twice',
      code: verify(
        'return NextResponse.json({ success: true });',
        '\n  await queue.enqueue({ id: randomUUID(), job: "identityVerified" });',
      ),
      errors: [{ messageId: 'checkThenActModel', line: 8, column: 25 }],
    },
    {
      name: 'a set-once followed by a row of another kind inserted: done twice',
      code: unsubscribe('\n  await prisma.reward.create({ data: { subscriberId: row.id, points: 10 } });'),
      errors: [{ messageId: 'checkThenActModel', line: 11, column: 26 }],
    },
    {
      name: 'a helper that writes by the id of an object the caller makes up: not the rows found',
      code: pauseAll('{ id: fallbackId }'),
      errors: [{ messageId: 'checkThenAct', line: 8, column: 30 }],
    },
  ],
});
