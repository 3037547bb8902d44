/**
 * A fill-if-empty: the test asks whether a column holds a value, and the write fills it with one only
 * when it is empty. Two requests that both pass each fill a column that held nothing; no stored value is
 * overwritten. Each with the twin that stays reported: refused when filled (a claim), or something else
 * the test lets run twice.
 */
import rule from '../../rules/no-check-then-act.js';
import lostUpdate from '../../rules/no-lost-update.js';
import { ruleTester } from '../helpers/rule-tester.js';

/** The default partner of a user set when there is none; `filled` runs when it is set, `after` after the fill. */
const setDefault = (filled: string, after = '') => `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
declare function sendWelcome(userId: string): Promise<void>;
export async function accept(userId: string, partnerId: string) {
  const user = await prisma.user.findUnique({ where: { id: userId }, select: { defaultPartnerId: true } });
  if (!user) return;
  if (user.defaultPartnerId !== null) {
    ${filled}
  }
  await prisma.user.update({ where: { id: userId }, data: { defaultPartnerId: partnerId } });${after}
}
`;

/** The organisation's missing customer id copied from its subscription; `test` decides the copy. */
const copyCustomer = (test: string, value = 'organisation.subscription.customerId') => `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
export async function portal(organisationId: string) {
  const organisation = await prisma.organisation.findFirst({ where: { id: organisationId }, include: { subscription: true } });
  if (!organisation) throw new Error('not found');
  if (${test}) {
    await prisma.organisation.update({ where: { id: organisationId }, data: { customerId: ${value} } });
  }
}
`;

ruleTester.run('fill-if-empty', rule, {
  valid: [
    {
      name: 'a value filled into the column the test found empty, quietly skipped when filled',
      code: setDefault('return;'),
    },
    {
      name: 'the fill inside the branch that found it empty, with a constant set beside it',
      code: `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
export async function link(userId: string, partnerId: string) {
  const user = await prisma.user.findUnique({ where: { id: userId } });
  if (user && user.defaultPartnerId === null) {
    await prisma.user.update({ where: { id: userId }, data: { defaultPartnerId: partnerId, onboarded: true } });
  }
}
`,
    },
    {
      name: 'a value copied from the row into the column found empty, when the source is there too',
      code: copyCustomer('!organisation.customerId && organisation.subscription?.customerId'),
    },
  ],
  invalid: [
    {
      name: 'refused when filled already: the filler is the claim',
      code: setDefault("throw new Error('A default partner is set already');"),
      errors: [{ messageId: 'checkThenActModel', line: 6, column: 22 }],
    },
    {
      name: 'an awaited call the fill lets run twice',
      code: setDefault('return;', '\n  await sendWelcome(userId);'),
      errors: [{ messageId: 'checkThenActModel', line: 6, column: 22 }],
    },
    {
      name: 'a value written beside the fill into a column the test did not find empty',
      code: `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
export async function link(userId: string, partnerId: string, plan: string) {
  const user = await prisma.user.findUnique({ where: { id: userId } });
  if (user && user.defaultPartnerId === null) {
    await prisma.user.update({ where: { id: userId }, data: { defaultPartnerId: partnerId, plan } });
  }
}
`,
      errors: [{ messageId: 'checkThenActModel', line: 5, column: 22 }],
    },
  ],
});

ruleTester.run('fill-if-empty (no-lost-update)', lostUpdate, {
  valid: [
    {
      name: 'a value copied into a column the read found empty: no stored value written back',
      code: copyCustomer('!organisation.customerId && organisation.subscription?.customerId'),
    },
    {
      name: 'found null, compared as such',
      code: copyCustomer('organisation.customerId === null && organisation.subscription'),
    },
    {
      name: 'after an `if` that leaves when the column holds a value',
      code: `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
export async function portal(organisationId: string) {
  const organisation = await prisma.organisation.findFirst({ where: { id: organisationId }, include: { subscription: true } });
  if (!organisation || organisation.customerId) return;
  await prisma.organisation.update({ where: { id: organisationId }, data: { customerId: organisation.subscription.customerId } });
}
`,
    },
  ],
  invalid: [
    {
      name: 'the copy made whatever the column holds',
      code: copyCustomer('organisation.subscription?.customerId'),
      errors: [{ messageId: 'lostUpdate', line: 8, column: 11 }],
    },
    {
      name: 'a value each request makes of its own on the way (a customer created): one of the two is lost',
      code: `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
declare const stripe: { customers: { create(data: unknown): Promise<{ id: string }> } };
export async function portal(organisationId: string) {
  const organisation = await prisma.organisation.findFirst({ where: { id: organisationId } });
  if (!organisation) throw new Error('not found');
  let customerId = organisation.customerId;
  if (!customerId) {
    customerId = (await stripe.customers.create({ name: organisation.name })).id;
    await prisma.organisation.update({ where: { id: organisationId }, data: { customerId } });
  }
  return customerId;
}
`,
      errors: [{ messageId: 'lostUpdate', line: 11, column: 11 }],
    },
    {
      name: 'a copy from the row, then a customer created when there is still none: only the second fill is reported',
      code: `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
declare const stripe: { customers: { create(data: unknown): Promise<{ id: string }> } };
export async function portal(organisationId: string) {
  const organisation = await prisma.organisation.findFirst({ where: { id: organisationId }, include: { subscription: true } });
  if (!organisation) throw new Error('not found');
  let customerId = organisation.customerId;
  if (!customerId && organisation.subscription?.customerId) {
    customerId = organisation.subscription.customerId;
    await prisma.organisation.update({ where: { id: organisationId }, data: { customerId } });
  }
  if (!customerId) {
    customerId = (await stripe.customers.create({ name: organisation.name })).id;
    await prisma.organisation.update({ where: { id: organisationId }, data: { customerId } });
  }
  return customerId;
}
`,
      errors: [{ messageId: 'lostUpdate', line: 15, column: 11 }],
    },
    {
      name: '`!row.credits` holds for 0 too: a number computed from it writes a stored value back',
      code: `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
export async function topUp(accountId: string) {
  const account = await prisma.account.findFirst({ where: { id: accountId } });
  if (!account) throw new Error('not found');
  if (!account.credits) {
    await prisma.account.update({ where: { id: accountId }, data: { credits: account.credits + 10 } });
  }
}
`,
      errors: [{ messageId: 'lostUpdate', line: 8, column: 11 }],
    },
  ],
});
