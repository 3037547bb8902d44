/**
 * A value computed only from references to other rows (a foreign key), written into another column:
 * the reference is not written back, so nothing a concurrent request wrote is overwritten. Its twin,
 * computed from a value of the row, stays reported.
 */
import rule from '../../rules/no-lost-update.js';
import { ruleTester } from '../helpers/rule-tester.js';

const archive = (value: string, field = 'pdf') => `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
export async function saveArchive(id: number) {
  const link = await prisma.link.findUnique({ where: { id } });
  if (link) {
    await prisma.link.update({ where: { id }, data: { ${field}: ${value} } });
  }
}
`;

ruleTester.run('no-lost-update: a value naming the row a reference points to', rule, {
  valid: [
    {
      name: 'a path built from the foreign key, written into another column',
      code: archive('`archives/${link.collectionId}/${id}.pdf`'),
    },
  ],
  invalid: [
    {
      name: 'a path built from a value of the row',
      code: archive('`archives/${link.name}/${id}.pdf`'),
      errors: [{ messageId: 'lostUpdate', line: 7 }],
    },
    {
      name: 'a reference written back into itself, computed from its old value',
      code: archive('link.parentId ?? link.collectionId', 'parentId'),
      errors: [{ messageId: 'lostUpdate', line: 7 }],
    },
  ],
});
