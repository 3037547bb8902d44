/**
 * A test that refuses a change of the value it read, before an UPDATE that sets that column to the same
 * value: the write keeps what the row holds, so the test does not decide a change of it.
 */
import rule from '../../rules/no-check-then-act.js';
import { ruleTester } from '../helpers/rule-tester.js';

const patch = (written = 'body.externalId') => `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
export async function patchSession(id: string, body: { externalId?: string; renamedTo?: string; tags?: string[] }) {
  const session = await prisma.session.findUnique({ where: { id } });
  if (!session) return { status: 404 };
  if (body.externalId !== undefined && body.externalId !== session.externalId) {
    return { status: 422, error: 'externalId cannot be changed' };
  }
  const updated = await prisma.session.update({ where: { id }, data: { tags: body.tags, externalId: ${written} } });
  return { status: 200, session: updated };
}
`;

ruleTester.run('no-check-then-act (the write keeps the value tested)', rule, {
  valid: [{ name: 'a change of externalId refused, the same externalId written with the tags', code: patch() }],
  invalid: [
    {
      name: 'another value written than the one compared: the test decides a change',
      code: patch('body.renamedTo'),
      errors: [{ messageId: 'checkThenActModel', line: 5 }],
    },
  ],
});
