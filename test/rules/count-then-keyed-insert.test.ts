/**
 * A total tested against a threshold, then one row created under a key whose values every request that
 * passes for the same lookup writes alike (`invoiceId: \`referral:${trigger}:${partnerId}\``, `trigger`
 * known in its branch): however many pass, the key lets one row in. A key on a value each request brings
 * (a name, an email) lets one row per value in, past any limit the total stood for.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import rule from '../../rules/no-check-then-act.js';
import { ruleTester } from '../helpers/rule-tester.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const settings = { 'sql-race': { schema: [path.join(here, 'schema', 'commissions.prisma')], schemaDiscovery: false } };

const reward = (invoiceId: string, trigger = 'commissionThreshold') => `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
export async function reward(trigger: string, partnerId: string, programId: string, threshold: number, name: string) {
  let data: Record<string, unknown> = { partnerId, programId, type: 'referral', earnings: 500 };
  if (trigger === 'partnerApproved') {
    data = { ...data, invoiceId: \`referral:\${trigger}:\${partnerId}:approved\` };
  } else if (trigger === '${trigger}') {
    const { _sum } = await prisma.commission.aggregate({ where: { partnerId, programId, type: 'sale' }, _sum: { earnings: true } });
    if ((_sum.earnings ?? 0) < threshold) return null;
    data = { ...data, invoiceId: ${invoiceId} };
  } else {
    return null;
  }
  return prisma.commission.create({ data });
}
`;

ruleTester.run('no-check-then-act (a total, then a row under a key written alike)', rule, {
  valid: [
    {
      name: 'threshold reached, then the one referral row of the partner, keyed by what the total was looked up by',
      code: reward('`referral:${trigger}:${partnerId}`'),
      settings,
    },
    {
      name: 'the same with the branch constant written out',
      code: reward("'referral:commissionThreshold:' + partnerId"),
      settings,
    },
  ],
  invalid: [
    {
      name: 'keyed by a value each request brings: one row per name, as many as pass the total',
      code: reward('`referral:${trigger}:${partnerId}:${name}`'),
      settings,
      errors: [{ messageId: 'checkThenInsertModel', line: 9 }],
    },
    {
      name: 'keyed by the trigger where nothing fixes it: requests for other triggers write other keys',
      code: reward('`referral:${trigger}:${partnerId}`', 'x').replace("trigger === 'x'", "trigger.startsWith('commission')"),
      settings,
      errors: [{ messageId: 'checkThenInsertModel', line: 9 }],
    },
  ],
});
