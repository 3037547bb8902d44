/**
 * lodash's and underscore's collection functions carry the rows they are given as the array methods of
 * the same name do: `map(rows, (r) => r.orgId)` is `rows.map(...)`, and a test of its length asks
 * whether rows came back, not what a row holds. A function of another module stays opaque.
 */
import rule from '../../rules/no-check-then-act.js';
import { ruleTester } from '../helpers/rule-tester.js';

/** Memberships found for a user, their organisations taken, then all but the kept one deleted when any is left. */
const leaveOthers = (imports: string, ids: string, others: string) => `
import { PrismaClient } from '@prisma/client';
${imports}
const prisma = new PrismaClient();
export async function leaveOthers(userId: string, keptOrgId: string) {
  const memberships = await prisma.membership.findMany({ where: { userId }, select: { orgId: true } });
  const orgIds = ${ids};
  const others = ${others};
  if (others.length > 0) {
    await prisma.membership.deleteMany({ where: { userId, orgId: { in: others } } });
  }
}
`;

ruleTester.run('no-check-then-act: collection functions over the rows found', rule, {
  valid: [
    {
      name: 'array methods',
      code: leaveOthers('', 'memberships.map((m) => m.orgId)', 'orgIds.filter((id) => id !== keptOrgId)'),
    },
    {
      name: "lodash's map and filter, imported by name",
      code: leaveOthers(
        "import { filter, map } from 'lodash';",
        'map(memberships, (m) => m.orgId)',
        'filter(orgIds, (id) => id !== keptOrgId)',
      ),
    },
    {
      name: "lodash's namespace",
      code: leaveOthers("import _ from 'lodash';", '_.map(memberships, (m) => m.orgId)', '_.filter(orgIds, (id) => id !== keptOrgId)'),
    },
    {
      name: 'per-function modules',
      code: leaveOthers(
        "import map from 'lodash/map';\nimport filter from 'lodash.filter';",
        'map(memberships, (m) => m.orgId)',
        'filter(orgIds, (id) => id !== keptOrgId)',
      ),
    },
  ],
  invalid: [
    {
      name: 'a function of another module: what it makes of the rows is not known',
      code: leaveOthers("import { pluck, without } from './lists';", "pluck(memberships, 'orgId')", 'without(orgIds, keptOrgId)'),
      errors: [{ messageId: 'checkThenActModel', line: 6 }],
    },
  ],
});
