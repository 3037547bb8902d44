/**
 * Tests whose value does not decide the write: a relation loaded under a name of its own, an external
 * answer looked up by a column the schema declares unique.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import rule from '../../rules/no-check-then-act.js';
import { ruleTester } from '../helpers/rule-tester.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const memberSchema = { 'sql-race': { schema: [path.join(here, 'schema', 'members.prisma')], schemaDiscovery: false } };

/** A member loaded with a relation, the relation (or the member's own column) tested, then the member detached. */
const detach = (test: string) => `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
export async function detach(id: number) {
  const member = await prisma.member.findUnique({ where: { id }, include: { ownPlan: true, referrer: true } });
  if (!member) return { status: 404 };
  if (${test}) return { status: 401 };
  await prisma.member.update({ where: { id }, data: { parentPlan: { disconnect: true } } });
  return { status: 200 };
}
`;

/** A plan read, its store asked by a column of the plan, the answer tested, then the plan written. */
const sync = (column: string) => `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
declare function storeState(token: string): Promise<{ active: boolean; product: string } | null>;
export async function sync(ownerId: number) {
  const plan = await prisma.plan.findUnique({ where: { ownerId } });
  if (!plan || !plan.${column}) return null;
  const state = await storeState(plan.${column});
  if (!state || !state.active) return null;
  return prisma.plan.update({ where: { ownerId }, data: { active: state.active, storeProduct: state.product } });
}
`;

ruleTester.run('no-check-then-act (tests that do not decide the write)', rule, {
  valid: [
    {
      name: 'a relation loaded under a name of its own (ownPlan: Plan) gates the write: another table’s row',
      code: detach('!member.ownPlan'),
      settings: memberSchema,
    },
    {
      name: 'a column of a relation loaded under a name of its own',
      code: detach('!member.ownPlan || !member.ownPlan.active'),
      settings: memberSchema,
    },
    {
      name: 'the store’s answer for a token the schema declares unique is looked up by the plan’s key',
      code: sync('purchaseToken'),
      settings: memberSchema,
    },
  ],
  invalid: [
    {
      name: 'the member’s own column tested, beside the relations loaded, decides the write',
      code: detach('member.credits > 0'),
      settings: memberSchema,
      errors: [{ messageId: 'checkThenActModel', line: 5, column: 24 }],
    },
    {
      name: 'a relation of the model to itself (referrer: Member) loads a row of the table written',
      code: detach('!member.referrer || member.referrer.credits > 0'),
      settings: memberSchema,
      errors: [{ messageId: 'checkThenActModel', line: 5, column: 24 }],
    },
    {
      name: 'the store asked by a column that is no key: its answer is the plan’s own state as far as can be told',
      code: sync('storeProduct'),
      settings: memberSchema,
      errors: [{ messageId: 'checkThenActModel', line: 6, column: 22 }],
    },
  ],
});
