/**
 * Tests whose value does not decide the write: a relation loaded under a name of its own.
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
  ],
});
