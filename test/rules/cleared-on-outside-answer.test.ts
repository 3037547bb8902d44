/**
 * A clear decided by what an outside service answers about the row: the test asks whether there is
 * something to ask about, the answer fetched with the row's key decides the write, and the write clears
 * what the test found set. A clear decided by the request, or a write that stores a new value, stays reported.
 */
import rule from '../../rules/no-check-then-act.js';
import { ruleTester } from '../helpers/rule-tester.js';

const transfer = (ask: string, data: string) => `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
declare const stripe: any;
export async function transfer(partnerId: string, force: boolean) {
  const partner = await prisma.partner.findUniqueOrThrow({ where: { id: partnerId } });
  if (!partner.stripeConnectId || !partner.payoutsEnabledAt) return;
  ${ask}
    await prisma.partner.update({ where: { id: partner.id }, data: { ${data} } });
    return;
  }
  await stripe.transfers.create({ destination: partner.stripeConnectId });
}
`;

const asked = `const account = await stripe.accounts.retrieve(partner.stripeConnectId);
  if (!account.payouts_enabled) {`;

ruleTester.run('no-check-then-act: a clear decided by an outside answer', rule, {
  valid: [
    {
      name: 'the account, fetched by the key tested, is disabled: the row is cleared to what it says',
      code: transfer(asked, 'payoutsEnabledAt: null, defaultPayoutMethod: null'),
    },
  ],
  invalid: [
    {
      name: 'the clear is decided by the request, not by an answer about the row',
      code: transfer('if (force) {', 'payoutsEnabledAt: null, defaultPayoutMethod: null'),
      errors: [{ messageId: 'checkThenActModel', line: 6, column: 25 }],
    },
    {
      name: 'a tested column set to another value than NULL: a new value stored, not a clear',
      code: transfer(asked, "payoutsEnabledAt: null, stripeConnectId: 'acct_2'"),
      errors: [{ messageId: 'checkThenActModel', line: 6, column: 25 }],
    },
    {
      name: 'the tested stamp written again: not a clear',
      code: transfer(asked, 'payoutsEnabledAt: new Date()'),
      errors: [{ messageId: 'checkThenActModel', line: 6, column: 25 }],
    },
  ],
});
