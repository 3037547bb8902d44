/**
 * `if (rows.length === 0) return` before a loop over the same rows that makes the write: with no row the
 * loop writes nothing either, so the test lets no write run that the loop would not, and a loop over the
 * rows alone is no test of them. A write after the loop (once, whatever the rows), a list that may be
 * another by then, or a loop over another list stays decided by the test.
 */
import rule from '../../rules/no-check-then-act.js';
import { ruleTester } from '../helpers/rule-tester.js';

/** Pending domains listed by status, each verified by a helper that asks a provider and stores its answer. */
const sync = (declare: string, loop: string, after = '') => `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
declare function askProvider(domain: string): Promise<boolean>;
async function verifyDomain(id: string) {
  const domain = await prisma.emailDomain.findUnique({ where: { id } });
  if (!domain) throw new Error('not found');
  const verified = await askProvider(domain.domain);
  await prisma.emailDomain.update({ where: { id }, data: { status: verified ? 'ACTIVE' : 'PENDING', lastVerifiedAt: new Date() } });
  return verified;
}
async function reset({ domainId }: { domainId: string }) {
  await prisma.emailDomain.update({ where: { id: domainId }, data: { status: 'PENDING', lastVerifiedAt: new Date() } });
}
export async function syncDomains() {
  ${declare} pending = await prisma.emailDomain.findMany({ where: { status: 'PENDING' }, select: { id: true } });
  if (pending.length === 0) {
    console.info('nothing to sync');
    return;
  }
  ${loop}
  ${after}
}
`;

const forOf = 'for (const domain of pending) await verifyDomain(domain.id);';
const batches = `for (let i = 0; i < pending.length; i += 10) {
    const batch = pending.slice(i, i + 10);
    await Promise.allSettled(batch.map(async (domain) => verifyDomain(domain.id)));
  }`;
const mapped = 'await Promise.all(pending.map((domain) => verifyDomain(domain.id)));';

/** Links read and checked one by one, then the valid ones handed to a helper that updates the rows it is given. */
const bulk = (helper: string, call: string) => `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
declare function validate(link: object): Promise<{ id: string; error: string | null }>;
${helper}
export async function patch(workspaceId: string, linkIds: string[], data: { url?: string; title?: string }) {
  const links = await prisma.link.findMany({ where: { projectId: workspaceId, id: { in: linkIds } } });
  const checked = await Promise.all(links.map((link) => validate({ ...link, ...data })));
  const validIds = checked.filter(({ error }) => error == null).map(({ id }) => id);
  ${call}
}
`;

const eachById = `async function bulkUpdate(params: { ids: string[]; data: { url?: string; title?: string } }) {
  const { ids, data } = params;
  return Promise.all(ids.map((id) => prisma.link.update({ where: { id }, data })));
}`;
const byIn = `async function bulkUpdate({ ids, data }: { ids: string[]; data: { url?: string; title?: string } }) {
  return prisma.link.updateMany({ where: { id: { in: ids } }, data });
}`;
const firstOnly = `async function bulkUpdate(params: { ids: string[]; data: { url?: string; title?: string }; mainId: string }) {
  return prisma.link.update({ where: { id: params.mainId }, data: params.data });
}`;

ruleTester.run('no-check-then-act (an empty list skipped before a loop over it)', rule, {
  valid: [
    {
      name: 'the empty list left, then each row verified in a for-of over it',
      code: sync('const', forOf),
    },
    {
      name: 'the empty list left, then the rows walked in batches counted up to their length',
      code: sync('const', batches),
    },
    {
      name: 'the empty list left, then each row verified in a map over it',
      code: sync('const', mapped),
    },
    {
      name: 'the empty list left, then each row handed by its key to a helper that takes it in an options object',
      code: sync('const', 'for (const domain of pending) await reset({ domainId: domain.id });'),
    },
    {
      name: 'no test of the list, the rows walked by index: a loop over them, as a for-of is',
      code: sync('const', batches).replace(/if \(pending\.length === 0\) \{[^}]*\}/, ''),
    },
    {
      name: 'only a list that is not empty handed to a helper that updates each of its rows by key',
      code: bulk(eachById, 'return validIds.length > 0 ? await bulkUpdate({ ids: validIds, data }) : [];'),
    },
    {
      name: 'the empty list left, then the list handed to a helper that updates the rows IN it',
      code: bulk(byIn, 'if (validIds.length === 0) return [];\n  return bulkUpdate({ ids: validIds, data });'),
    },
  ],
  invalid: [
    {
      name: 'a helper handed the list that updates a row it is given besides: that row is written whatever the list',
      code: bulk(firstOnly, 'if (validIds.length > 0) await bulkUpdate({ ids: validIds, data, mainId: linkIds[0]! });'),
      errors: [{ messageId: 'checkThenAct', line: 9, column: 23 }],
    },
    {
      name: 'a helper handed another list than the one tested',
      code: bulk(eachById, 'if (validIds.length > 0) await bulkUpdate({ ids: linkIds, data });'),
      errors: [{ messageId: 'checkThenAct', line: 10, column: 23 }],
    },
    {
      name: 'a write after the loop runs once whatever the rows: the test decides it',
      code: sync('const', forOf, "await prisma.emailDomain.update({ where: { id: pending[0].id }, data: { status: 'SYNCED' } });"),
      errors: [{ messageId: 'checkThenActModel', line: 16, column: 25 }],
    },
    {
      name: 'a write in the loop aimed at one row whatever row the loop is on: the test decides it',
      code: sync('const', 'for (const domain of pending) await verifyDomain(pending[0]!.id);'),
      errors: [{ messageId: 'checkThenAct', line: 16, column: 25 }],
    },
    {
      name: 'a list that may be replaced before the loop: the loop may walk other rows',
      code: sync('let', "if (Math.random() > 0.5) pending = [{ id: 'x' }];\n  " + forOf),
      errors: [{ messageId: 'checkThenAct', line: 16, column: 23 }],
    },
  ],
});
