/**
 * A column whose declared type allows two values, tested for one and set to the other: a concurrent
 * writer that moved it could only have moved it to the value written.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import rule from '../../rules/no-check-then-act.js';
import { ruleTester } from '../helpers/rule-tester.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const settings = { 'sql-race': { schema: [path.join(here, 'schema', 'engines.prisma')], schemaDiscovery: false } };

const upgrade = (after = '') => `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
declare function notify(id: string): Promise<void>;
export async function deploy(id: string, engine: string) {
  const project = await prisma.project.findUnique({ where: { id } });
  if (!project) throw new Error('not found');
  if (project.engine === 'V1' && engine === 'V2') {
    await prisma.project.update({ where: { id }, data: { engine: 'V2' } });${after}
  }
  return project.id;
}
`;

ruleTester.run('no-check-then-act (two values)', rule, {
  valid: [
    {
      name: 'a two-valued enum tested for one value and set to the other: every passer writes the same',
      code: upgrade(),
      settings,
    },
  ],
  invalid: [
    {
      name: 'a status of three values is a transition a third state can interleave with',
      code: `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
export async function ship(id: string) {
  const order = await prisma.order.findUnique({ where: { id } });
  if (!order) throw new Error('not found');
  if (order.status === 'PENDING') {
    await prisma.order.update({ where: { id }, data: { status: 'SHIPPED' } });
  }
}
`,
      settings,
      errors: [{ messageId: 'checkThenActModel', line: 5 }],
    },
    {
      name: 'a two-valued enum upgraded, with a call the test lets run: made twice',
      code: upgrade('\n    await notify(id);'),
      settings,
      errors: [{ messageId: 'checkThenActModel', line: 6 }],
    },
    {
      name: 'a two-valued enum without its schema: nothing says it has two values',
      code: upgrade(),
      settings: { 'sql-race': { schemaDiscovery: false } },
      errors: [{ messageId: 'checkThenActModel', line: 6 }],
    },
  ],
});
