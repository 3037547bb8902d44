/**
 * The six rules on Prisma Client's model API (`prisma.product.findUnique`, `update`, `updateMany`,
 * `upsert`, `create`, `delete`, the interactive `$transaction(async (tx) => ...)` and the batch
 * `$transaction([...])`), written the way Prisma's documentation writes them. The model API cannot
 * open a transaction on a pool by hand (no `BEGIN`) nor lock a row (no `FOR UPDATE`): for
 * no-transaction-on-pool and no-lock-outside-transaction only valid cases exist, the mistakes are
 * raw queries (test/libraries/prisma.test.ts).
 */
import checkThenAct from '../../rules/no-check-then-act.js';
import decoupledInsert from '../../rules/no-decoupled-insert.js';
import ignoredRowcount from '../../rules/no-ignored-rowcount.js';
import lockOutsideTransaction from '../../rules/no-lock-outside-transaction.js';
import lostUpdate from '../../rules/no-lost-update.js';
import transactionOnPool from '../../rules/no-transaction-on-pool.js';
import { ruleTester } from '../helpers/rule-tester.js';

// Lines 2-3 of every case: the client, as Prisma's docs create it.
const client = `
import { Prisma, PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
`;

ruleTester.run('prisma model: no-check-then-act', checkThenAct, {
  valid: [
    {
      name: 'a password verified before it is changed: a credential, not state a concurrent request moves',
      code: `${client}
import bcrypt from 'bcrypt';
export async function changePassword(id: number, oldPassword: string, newPassword: string) {
  const user = await prisma.user.findUnique({ where: { id } });
  const ok = await bcrypt.compare(oldPassword, user.password);
  if (!ok) throw new Error('wrong password');
  await prisma.user.update({ where: { id }, data: { password: await bcrypt.hash(newPassword, 10) } });
}
`,
    },
    {
      name: 'the guard in updateMany where, count checked',
      code: `${client}
export async function buy(id: number, quantity: number) {
  const product = await prisma.product.findUnique({ where: { id } });
  if (!product || product.stock < quantity) throw new Error('Out of stock');
  const { count } = await prisma.product.updateMany({
    where: { id, stock: { gte: quantity } },
    data: { stock: { decrement: quantity } },
  });
  if (count === 0) throw new Error('Out of stock');
}
`,
    },
    {
      name: 'isolationLevel: Prisma.TransactionIsolationLevel.Serializable',
      code: `${client}
export async function buy(id: number, quantity: number) {
  await prisma.$transaction(
    async (tx) => {
      const product = await tx.product.findUniqueOrThrow({ where: { id } });
      if (product.stock < quantity) throw new Error('Out of stock');
      await tx.product.update({ where: { id }, data: { stock: { decrement: quantity } } });
    },
    { isolationLevel: Prisma.TransactionIsolationLevel.Serializable },
  );
}
`,
    },
    {
      name: 'an authorization test on the owner before delete',
      code: `${client}
export async function deleteTag(tagId: number, userId: number) {
  const tag = await prisma.tag.findUnique({ where: { id: tagId } });
  if (!tag) return { status: 404 };
  if (tag.ownerId !== userId) return { status: 401 };
  await prisma.tag.delete({ where: { id: tagId } });
  return { status: 200 };
}
`,
    },
    {
      name: 'a 404 test, then an update of other fields',
      code: `${client}
export async function rename(id: number, title: string) {
  const post = await prisma.post.findUnique({ where: { id }, select: { id: true, publishedAt: true } });
  if (!post || !post.publishedAt) return { status: 404 };
  return prisma.post.update({ where: { id }, data: { title } });
}
`,
    },
    {
      name: 'a 404 test, then fields spread in conditionally',
      code: `${client}
export async function edit(id: number, description?: string) {
  const program = await prisma.program.findUnique({ where: { id }, select: { id: true, listedAt: true } });
  if (!program || !program.listedAt) return { status: 404 };
  return prisma.program.update({
    where: { id },
    data: { ...(description !== undefined && { description }) },
  });
}
`,
    },
    {
      name: 'upsert on the unique key instead of find then create',
      code: `${client}
export function subscribe(email: string) {
  return prisma.subscriber.upsert({
    where: { email },
    update: {},
    create: { email },
  });
}
`,
    },
    {
      name: 'a version column re-tested in updateMany where',
      code: `${client}
export async function publish(id: number) {
  const post = await prisma.post.findUniqueOrThrow({ where: { id } });
  if (post.status !== 'draft') throw new Error('Already published');
  const { count } = await prisma.post.updateMany({
    where: { id, version: post.version },
    data: { status: 'published', version: { increment: 1 } },
  });
  if (count === 0) throw new Error('Changed concurrently');
}
`,
    },
    {
      name: 'a unique field looked up, then cleared to null',
      code: `${client}
export async function disconnect(stripeConnectId: string) {
  const partner = await prisma.partner.findUnique({ where: { stripeConnectId } });
  if (!partner) return;
  await prisma.partner.update({ where: { id: partner.id }, data: { stripeConnectId: null } });
}
`,
    },
    {
      name: 'a copy created only once the source was found',
      code: `${client}
export async function duplicate(id: string, title: string) {
  const poll = await prisma.poll.findUnique({ where: { id } });
  if (!poll) throw new Error('Poll not found');
  return prisma.poll.create({ data: { id: crypto.randomUUID(), title, location: poll.location } });
}
`,
    },
    {
      name: 'a copy created once the source was found, after a test of what the source is',
      code: `${client}
export async function duplicate(where: Prisma.EnvelopeWhereInput, asTemplate: boolean) {
  const envelope = await prisma.envelope.findFirst({ where, select: { type: true, title: true } });
  if (!envelope) throw new Error('Envelope not found');
  if (asTemplate && envelope.type !== 'DOCUMENT') throw new Error('Only documents can be saved as templates');
  return prisma.envelope.create({ data: { id: crypto.randomUUID(), type: asTemplate ? 'TEMPLATE' : envelope.type, title: envelope.title } });
}
`,
    },
    {
      name: 'a copy created once the source was found, the tests of what it is chained as else-if after the 404',
      code: `${client}
export async function duplicate(slug: string, userId: string, newSlug: string) {
  const poll = await prisma.poll.findFirst({ where: { slug } });
  if (!poll) throw new Error('Poll not found');
  else if (poll.ownerId !== userId) throw new Error('Forbidden');
  else if (poll.type !== 'PUBLIC') throw new Error('Only public polls can be copied');
  return prisma.poll.create({ data: { slug: newSlug, title: poll.title, ownerId: userId } });
}
`,
    },
    {
      name: 'the row written is the one created after the read: a permission test on the parent decides nothing in it',
      code: `${client}
export async function createProject(parentId: string, userId: string, image: string) {
  const parent = await prisma.account.findUnique({ where: { id: parentId } });
  if (!parent) throw new Error('Parent not found');
  if (!canCreateUnder(userId, parent)) throw new Error('Forbidden');
  const project = await prisma.account.create({ data: { parentId: parent.id, name: 'Project' } });
  await prisma.account.update({ where: { id: project.id }, data: { image } });
  return project;
}
`,
    },
    {
      name: 'a copy created once the source was found, tested through an optional chain on it',
      code: `${client}
export async function useTemplate(token: string, where: Prisma.EnvelopeWhereInput) {
  const template = await prisma.envelope.findFirst({ where, include: { directLink: true } });
  if (!template?.directLink?.enabled) throw new Error('Invalid or missing template');
  if (template.title.length > 200) throw new Error('Title too long');
  return prisma.envelope.create({ data: { id: crypto.randomUUID(), type: 'DOCUMENT', title: template.title } });
}
`,
    },
    {
      name: 'a scheduled cleanup of rows older than a bound',
      code: `${client}
export async function cleanup() {
  for (;;) {
    const invites = await prisma.invite.findMany({ where: { status: 'declined', updatedAt: { lt: new Date(Date.now() - 90 * 86400000) } }, take: 500 });
    if (invites.length === 0) break;
    await prisma.invite.deleteMany({ where: { id: { in: invites.map((i) => i.id) } } });
  }
}
`,
    },
  ],
  invalid: [
    {
      name: 'a user looked up again when missing, then created: the first test does not stop the function',
      code: `${client}
export async function signIn(providerId: string, email: string) {
  let user = await prisma.user.findFirst({ where: { providerId } });
  if (!user) {
    user = await prisma.user.findFirst({ where: { email, providerId: null } });
  }
  if (user && user.disabled) throw new Error('Disabled');
  if (!user) user = await prisma.user.create({ data: { providerId, email } });
  return user;
}
`,
      errors: [{ messageId: 'checkThenInsertModel' }],
    },
    {
      name: 'a list found non-empty, then a test of all its rows decides a new one: both requests see them all expired',
      code: `${client}
export async function submit(accountId: string) {
  const requests = await prisma.request.findMany({ where: { accountId } });
  if (!requests.length) throw new Error('No request found');
  if (!requests.every((r) => r.status === 'EXPIRED')) throw new Error('Already submitted');
  await prisma.request.create({ data: { accountId, status: 'REQUESTED' } });
}
`,
      errors: [{ messageId: 'checkThenInsertModel' }],
    },
    {
      name: 'a list found non-empty, then the new one created in the branch where all its rows are expired',
      code: `${client}
export async function submit(accountId: string) {
  const requests = await prisma.request.findMany({ where: { accountId } });
  if (!requests.length) throw new Error('No request found');
  let request;
  if (requests.every((r) => r.status === 'EXPIRED')) request = await prisma.request.create({ data: { accountId, status: 'REQUESTED' } });
  else throw new Error('Already submitted');
  return request;
}
`,
      errors: [{ messageId: 'checkThenInsertModel' }],
    },
    {
      name: 'a missing row only logged, with an else-if after it: the code runs on without the row, and the create acts on its absence',
      code: `${client}
export async function signIn(providerId: string, email: string) {
  const user = await prisma.user.findFirst({ where: { providerId } });
  if (!user) console.warn('first sign-in', providerId);
  else if (user.disabled) throw new Error('Disabled');
  if (!user) return prisma.user.create({ data: { providerId, email } });
  return user;
}
`,
      errors: [{ messageId: 'checkThenInsertModel', line: 6, column: 22 }],
    },
    {
      name: 'the row written comes from an upsert, which may answer with a row already there: the test of the row read still decides',
      code: `${client}
export async function adopt(parentId: string, userId: string, slug: string, image: string) {
  const parent = await prisma.account.findUnique({ where: { id: parentId } });
  if (!parent) throw new Error('Parent not found');
  if (!canCreateUnder(userId, parent)) throw new Error('Forbidden');
  const project = await prisma.account.upsert({ where: { slug }, create: { slug, parentId: parent.id }, update: {} });
  await prisma.account.update({ where: { id: project.id }, data: { image } });
  return project;
}
`,
      errors: [{ messageId: 'checkThenActModel', line: 6, column: 24 }],
    },
    {
      name: 'a limit counted, with a stop when there are none: the INSERT still acts on how many there are',
      code: `${client}
export async function addMember(teamId: string, userId: string) {
  const members = await prisma.member.count({ where: { teamId } });
  if (members === 0) throw new Error('Team not found');
  if (members >= 5) throw new Error('Team is full');
  await prisma.member.create({ data: { teamId, userId } });
}
`,
      errors: [{ messageId: 'checkThenInsertModel' }],
    },
    {
      name: 'findUnique, test the stock, update with decrement and no guard',
      code: `${client}
export async function buy(id: number, quantity: number) {
  const product = await prisma.product.findUnique({ where: { id } });
  if (!product || product.stock < quantity) throw new Error('Out of stock');
  await prisma.product.update({ where: { id }, data: { stock: { decrement: quantity } } });
}
`,
      errors: [
        {
          messageId: 'checkThenActModel',
          line: 6,
          column: 25,
          data: {
            table: 'prisma.product',
            readLines: 'line 6',
            checkLines: 'line 7',
            tested: ' (`product.stock`)',
            writeLines: 'line 8',
            fix: "Put the tested condition in `updateMany`'s `where` with the change made atomic (`{ decrement: n }`) and check the `count` it returns, or run the read and the write in `prisma.$transaction(async (tx) => ..., { isolationLevel: 'Serializable' })` and retry on P2034 (Prisma has no row-lock API; a lock is `` tx.$queryRaw`SELECT ... FOR UPDATE` `` in that transaction)",
          },
        },
      ],
    },
    {
      name: 'a size tested against a bound, then set to the size passed in: nothing to make atomic',
      code: `${client}
export async function upload(key: string, size: number) {
  const attachment = await prisma.attachment.findFirst({ where: { key } });
  if (!attachment || size > attachment.size) throw new Error('Too large');
  await prisma.attachment.update({ where: { id: attachment.id }, data: { size } });
}
`,
      errors: [
        {
          messageId: 'checkThenActModel',
          line: 6,
          column: 28,
          data: {
            table: 'prisma.attachment',
            readLines: 'line 6',
            checkLines: 'line 7',
            tested: ' (`attachment.size`)',
            writeLines: 'line 8',
            fix: "Put the tested condition in `updateMany`'s `where` and check the `count` it returns, or run the read and the write in `prisma.$transaction(async (tx) => ..., { isolationLevel: 'Serializable' })` and retry on P2034 (Prisma has no row-lock API; a lock is `` tx.$queryRaw`SELECT ... FOR UPDATE` `` in that transaction)",
          },
        },
      ],
    },
    {
      name: 'a coupon tested as unused, then marked used',
      code: `${client}
export async function redeem(code: string) {
  const coupon = await prisma.coupon.findFirst({ where: { code } });
  if (!coupon || coupon.used) throw new Error('Invalid coupon');
  await prisma.coupon.update({ where: { id: coupon.id }, data: { used: true } });
}
`,
      errors: [
        {
          messageId: 'checkThenActModel',
          line: 6,
          column: 24,
          // A flag tested: the fix is the condition in the write's where; there is no quantity to decrement.
          data: {
            table: 'prisma.coupon',
            readLines: 'line 6',
            checkLines: 'line 7',
            tested: ' (`coupon.used`)',
            writeLines: 'line 8',
            fix: "Put the tested condition in `updateMany`'s `where` and check the `count` it returns, or run the read and the write in `prisma.$transaction(async (tx) => ..., { isolationLevel: 'Serializable' })` and retry on P2034 (Prisma has no row-lock API; a lock is `` tx.$queryRaw`SELECT ... FOR UPDATE` `` in that transaction)",
          },
        },
      ],
    },
    {
      name: 'findUnique by email, then create',
      code: `${client}
export async function signUp(email: string, name: string) {
  const existing = await prisma.user.findUnique({ where: { email } });
  if (existing) throw new Error('Email taken');
  return prisma.user.create({ data: { email, name } });
}
`,
      errors: [{ messageId: 'checkThenInsertModel', line: 6, column: 26 }],
    },
    {
      name: 'an interactive transaction at the default isolation',
      code: `${client}
export async function buy(id: number, quantity: number) {
  await prisma.$transaction(async (tx) => {
    const product = await tx.product.findUniqueOrThrow({ where: { id } });
    if (product.stock < quantity) throw new Error('Out of stock');
    await tx.product.update({ where: { id }, data: { stock: { decrement: quantity } } });
  });
}
`,
      errors: [{ messageId: 'checkThenActModel', line: 7, column: 27 }],
    },
  ],
});

ruleTester.run('prisma model: no-lost-update', lostUpdate, {
  valid: [
    {
      name: 'a sliding expiry: the property is set to a new time before it is written, not computed from the value read',
      code: `${client}
const DAY = 24 * 60 * 60 * 1000;
export async function touch(id: string) {
  const session = await prisma.session.findUnique({ where: { id } });
  if (!session) return null;
  if (Date.now() >= session.expiresAt.getTime() - 15 * DAY) {
    session.expiresAt = new Date(Date.now() + 30 * DAY);
    await prisma.session.update({ where: { id: session.id }, data: { expiresAt: session.expiresAt } });
  }
  return session;
}
`,
    },
    {
      name: 'an atomic decrement',
      code: `${client}
export async function buy(id: number, quantity: number) {
  const product = await prisma.product.findUniqueOrThrow({ where: { id } });
  await prisma.product.update({ where: { id }, data: { stock: { decrement: quantity } } });
  return product.name;
}
`,
    },
    {
      name: 'in a Serializable interactive transaction',
      code: `${client}
export async function deposit(id: number, amount: number) {
  await prisma.$transaction(
    async (tx) => {
      const account = await tx.account.findUniqueOrThrow({ where: { id } });
      await tx.account.update({ where: { id }, data: { balance: account.balance + amount } });
    },
    { isolationLevel: 'Serializable' },
  );
}
`,
    },
    {
      name: 'a version column in updateMany where, count checked',
      code: `${client}
export async function deposit(id: number, amount: number) {
  const account = await prisma.account.findUniqueOrThrow({ where: { id } });
  const { count } = await prisma.account.updateMany({
    where: { id, version: account.version },
    data: { balance: account.balance + amount, version: { increment: 1 } },
  });
  if (count === 0) throw new Error('Changed concurrently, retry');
}
`,
    },
    {
      name: 'a value that does not come from the read',
      code: `${client}
export async function rename(id: number, title: string) {
  const post = await prisma.post.findUniqueOrThrow({ where: { id } });
  await prisma.post.update({ where: { id }, data: { title } });
  return post;
}
`,
    },
    {
      name: 'a timestamp set once: the read only picks whether to write',
      code: `${client}
export async function recordSale(id: number) {
  const customer = await prisma.customer.findUniqueOrThrow({ where: { id } });
  await prisma.customer.update({ where: { id }, data: { firstSaleAt: customer.firstSaleAt ? undefined : new Date(), sales: { increment: 1 } } });
}
`,
    },
    {
      name: 'set with the increment operator',
      code: `${client}
export function like(id: number) {
  return prisma.post.update({ where: { id }, data: { likes: { increment: 1 } } });
}
`,
    },
  ],
  invalid: [
    {
      name: 'the property set from the value read before it is written',
      code: `${client}
export async function buy(id: number, quantity: number) {
  const product = await prisma.product.findUniqueOrThrow({ where: { id } });
  product.stock = product.stock - quantity;
  await prisma.product.update({ where: { id }, data: { stock: product.stock } });
}
`,
      errors: [{ messageId: 'lostUpdate', line: 8 }],
    },
    {
      name: 'the property set to a new value only in a branch: on the other path the value read is written back',
      code: `${client}
export async function rename(id: number, name: string | null, quantity: number) {
  const product = await prisma.product.findUniqueOrThrow({ where: { id } });
  if (name) product.stock = 0;
  await prisma.product.update({ where: { id }, data: { stock: product.stock - quantity } });
}
`,
      errors: [{ messageId: 'lostUpdate', line: 8 }],
    },
    {
      name: 'stock computed in JavaScript',
      code: `${client}
export async function buy(id: number, quantity: number) {
  const product = await prisma.product.findUniqueOrThrow({ where: { id } });
  await prisma.product.update({ where: { id }, data: { stock: product.stock - quantity } });
}
`,
      errors: [
        {
          messageId: 'lostUpdate',
          line: 7,
          column: 9,
          data: {
            table: 'product',
            column: 'stock',
            into: '',
            readLines: 'line 6',
            writeLines: 'line 7',
            fix: "Write it relative to the stored value (`data: { stock: { increment: n } }` or `{ decrement: n }`), re-test a version field in `updateMany`'s `where` (`where: { id, version }`, `data: { version: { increment: 1 } }`) and check the `count` it returns, or run the read and the write in `prisma.$transaction(async (tx) => ..., { isolationLevel: 'Serializable' })` and retry on P2034 (Prisma has no row-lock API; a lock is `` tx.$queryRaw`SELECT ... FOR UPDATE` `` in that transaction)",
          },
        },
      ],
    },
    {
      name: 'a balance through a local',
      code: `${client}
export async function deposit(id: number, amount: number) {
  const account = await prisma.account.findUnique({ where: { id } });
  if (!account) throw new Error('No account');
  const balance = account.balance + amount;
  await prisma.account.update({ where: { id }, data: { balance } });
}
`,
      errors: [{ messageId: 'lostUpdate', line: 9, column: 9 }],
    },
    {
      name: 'an array appended in JavaScript, in an interactive transaction',
      code: `${client}
export async function tag(id: number, tag: string) {
  await prisma.$transaction(async (tx) => {
    const post = await tx.post.findUniqueOrThrow({ where: { id } });
    await tx.post.update({ where: { id }, data: { tags: [...post.tags, tag] } });
  });
}
`,
      errors: [{ messageId: 'lostUpdate', line: 8, column: 11 }],
    },
  ],
});

ruleTester.run('prisma model: no-ignored-rowcount', ignoredRowcount, {
  valid: [
    {
      name: 'the count of updateMany checked',
      code: `${client}
export async function buy(id: number, quantity: number) {
  const { count } = await prisma.product.updateMany({
    where: { id, stock: { gte: quantity } },
    data: { stock: { decrement: quantity } },
  });
  if (count === 0) throw new Error('Out of stock');
}
`,
    },
    {
      name: 'update with the guard in an extended unique where rejects with P2025',
      code: `${client}
export async function buy(id: number, quantity: number) {
  await prisma.product.update({
    where: { id, stock: { gte: quantity } },
    data: { stock: { decrement: quantity } },
  });
  return { ok: true };
}
`,
    },
    {
      name: 'the result of updateMany returned',
      code: `${client}
export function claim(id: number, workerId: string) {
  return prisma.job.updateMany({ where: { id, status: 'pending' }, data: { status: 'running', workerId } });
}
`,
    },
    {
      name: 'result.count tested',
      code: `${client}
export async function cancel(id: number) {
  const result = await prisma.order.deleteMany({ where: { id, status: 'pending' } });
  if (result.count === 0) return { status: 409 };
  return { status: 200 };
}
`,
    },
    {
      name: 'an increment with nothing to decide',
      code: `${client}
export async function view(id: number) {
  await prisma.post.updateMany({ where: { id }, data: { views: { increment: 1 } } });
  return { ok: true };
}
`,
    },
  ],
  invalid: [
    {
      name: 'the count of a guarded updateMany dropped',
      code: `${client}
export async function buy(id: number, quantity: number) {
  await prisma.product.updateMany({
    where: { id, stock: { gte: quantity } },
    data: { stock: { decrement: quantity } },
  });
  return { ok: true };
}
`,
      errors: [{ messageId: 'ignoredRowCount', line: 6, column: 9 }],
    },
    {
      name: 'deleteMany on a state, count dropped',
      code: `${client}
export async function cancel(id: number) {
  await prisma.order.deleteMany({ where: { id, status: 'pending' } });
  return { status: 200 };
}
`,
      errors: [{ messageId: 'ignoredRowCount', line: 6, column: 9 }],
    },
    {
      name: 'a claim in an interactive transaction, count dropped',
      code: `${client}
export async function claim(id: number, workerId: string) {
  await prisma.$transaction(async (tx) => {
    await tx.job.updateMany({ where: { id, status: 'pending' }, data: { status: 'running', workerId } });
  });
  return { claimed: true };
}
`,
      errors: [{ messageId: 'ignoredRowCount', line: 7, column: 11 }],
    },
  ],
});

ruleTester.run('prisma model: no-decoupled-insert', decoupledInsert, {
  valid: [
    {
      name: 'expired tokens cleaned up (`expiresAt: { lt: new Date() }`) before the create: no guard, housekeeping',
      code: `${client}
export async function verify(id: number, teamId: number, email: string) {
  await prisma.$transaction(async (tx) => {
    await tx.teamEmailVerification.deleteMany({ where: { id, expiresAt: { lt: new Date() } } });
    await tx.teamEmail.create({ data: { teamId, email } });
  });
}
`,
    },
    {
      name: 'the count checked before the create',
      code: `${client}
export async function buy(productId: number, userId: number) {
  const { count } = await prisma.product.updateMany({
    where: { id: productId, stock: { gte: 1 } },
    data: { stock: { decrement: 1 } },
  });
  if (count === 0) throw new Error('Sold out');
  await prisma.order.create({ data: { productId, userId } });
}
`,
    },
    {
      name: 'update rejects with P2025 before the create runs',
      code: `${client}
export async function buy(productId: number, userId: number) {
  await prisma.product.update({
    where: { id: productId, stock: { gte: 1 } },
    data: { stock: { decrement: 1 } },
  });
  await prisma.order.create({ data: { productId, userId } });
}
`,
    },
    {
      name: 'a nested create in the same update',
      code: `${client}
export function buy(productId: number, userId: number) {
  return prisma.product.update({
    where: { id: productId, stock: { gte: 1 } },
    data: { stock: { decrement: 1 }, orders: { create: { userId } } },
  });
}
`,
    },
    {
      name: 'an unguarded increment before the create',
      code: `${client}
export async function record(postId: number, userId: number) {
  await prisma.post.updateMany({ where: { id: postId }, data: { views: { increment: 1 } } });
  await prisma.view.create({ data: { postId, userId } });
}
`,
    },
    {
      name: 'inside a Serializable transaction with the count checked',
      code: `${client}
export async function buy(productId: number, userId: number) {
  await prisma.$transaction(async (tx) => {
    const { count } = await tx.product.updateMany({ where: { id: productId, stock: { gte: 1 } }, data: { stock: { decrement: 1 } } });
    if (count === 0) throw new Error('Sold out');
    await tx.order.create({ data: { productId, userId } });
  }, { isolationLevel: Prisma.TransactionIsolationLevel.Serializable });
}
`,
    },
    {
      name: 'references cleared by key list, then the rows marked deleted',
      code: `${client}
export async function removeFolders(folderIds: string[]) {
  await prisma.user.updateMany({ where: { defaultFolderId: { in: folderIds } }, data: { defaultFolderId: null } });
  await prisma.folder.updateMany({ where: { id: { in: folderIds } }, data: { deletedAt: new Date() } });
}
`,
    },
  ],
  invalid: [
    {
      name: 'a guarded updateMany, then create either way',
      code: `${client}
export async function buy(productId: number, userId: number) {
  await prisma.product.updateMany({
    where: { id: productId, stock: { gte: 1 } },
    data: { stock: { decrement: 1 } },
  });
  await prisma.order.create({ data: { productId, userId } });
}
`,
      errors: [{ messageId: 'decoupledWrite', line: 6, column: 9 }],
    },
    {
      name: 'a guarded deleteMany, then create either way',
      code: `${client}
export async function accept(inviteId: number, userId: number) {
  await prisma.invite.deleteMany({ where: { id: inviteId, expiresAt: { gt: new Date() } } });
  await prisma.membership.create({ data: { userId } });
}
`,
      errors: [{ messageId: 'decoupledWrite', line: 6, column: 9 }],
    },
    {
      name: 'a batch $transaction([...]): no count can be tested before the create',
      code: `${client}
export function buy(productId: number, userId: number) {
  return prisma.$transaction([
    prisma.product.updateMany({ where: { id: productId, stock: { gte: 1 } }, data: { stock: { decrement: 1 } } }),
    prisma.order.create({ data: { productId, userId } }),
  ]);
}
`,
      errors: [{ messageId: 'decoupledWrite', line: 7, column: 5 }],
    },
  ],
});

ruleTester.run('prisma model: no-transaction-on-pool', transactionOnPool, {
  valid: [
    {
      name: 'model calls in an interactive transaction',
      code: `${client}
export function transfer(from: number, to: number, amount: number) {
  return prisma.$transaction(async (tx) => {
    await tx.account.update({ where: { id: from }, data: { balance: { decrement: amount } } });
    await tx.account.update({ where: { id: to }, data: { balance: { increment: amount } } });
  });
}
`,
    },
    {
      name: 'model calls in a batch transaction',
      code: `${client}
export function transfer(from: number, to: number, amount: number) {
  return prisma.$transaction([
    prisma.account.update({ where: { id: from }, data: { balance: { decrement: amount } } }),
    prisma.account.update({ where: { id: to }, data: { balance: { increment: amount } } }),
  ]);
}
`,
    },
    {
      name: 'model calls on the client',
      code: `${client}
export async function rename(id: number, name: string) {
  await prisma.user.update({ where: { id }, data: { name } });
  return prisma.user.findUnique({ where: { id } });
}
`,
    },
  ],
  invalid: [],
});

ruleTester.run('prisma model: no-lock-outside-transaction', lockOutsideTransaction, {
  valid: [
    {
      name: 'a model read takes no lock',
      code: `${client}
export function account(id: number) {
  return prisma.account.findUnique({ where: { id } });
}
`,
    },
    {
      name: 'a model read in an interactive transaction',
      code: `${client}
export function account(id: number) {
  return prisma.$transaction(async (tx) => tx.account.findUniqueOrThrow({ where: { id } }));
}
`,
    },
  ],
  invalid: [],
});
