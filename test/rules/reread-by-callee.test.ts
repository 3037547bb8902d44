/**
 * A row found in a state (`deletedTime: null`), then a called function that reads the rows it writes
 * again by their key under that same condition and leaves when they are not all there, before it changes
 * that state: the caller's test is asked again next to the write, so it decides nothing there.
 */
import rule from '../../rules/no-check-then-act.js';
import { ruleTester } from '../helpers/rule-tester.js';

const code = (reread: string, between = '') => `
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();

async function deleteFields(tableId: string, ids: string[]) {
  const found = await prisma.field.findMany({ where: { ${reread} } });
  if (found.length !== ids.length) throw new Error('field not found');
  const byId = keyBy(found, 'id');
  const list = ids.map((id) => ({ id, version: byId[id].version + 1 }));
  for (const { id, version } of list) {
    await prisma.field.update({ where: { id }, data: { deletedTime: new Date(), version } });
  }
}
${between}
export async function removeField(tableId: string, id: string) {
  const field = await prisma.field.findFirst({ where: { tableId, id, deletedTime: null } });
  if (field) await ${between ? 'deleteItem' : 'deleteFields'}(tableId, ${between ? 'field' : '[field.id]'});
}
`;

const through = `
async function deleteItem(tableId: string, field: { id: string }) {
  await deleteFields(tableId, [field.id]);
}
`;

const live = 'tableId, id: { in: ids }, deletedTime: null';

// The function's own read, test and write (line 6) race; that is reported where it is.
const own = { messageId: 'checkThenActModel', line: 6, column: 23 } as const;
const caller = { messageId: 'checkThenAct', line: 16, column: 23 } as const;

ruleTester.run('no-check-then-act (the called writer reads the row again in the state tested)', rule, {
  valid: [],
  invalid: [
    {
      name: 'a live field found, then deleted by a function that reads it again live by its id and throws when it is gone: only the function is reported',
      code: code(live),
      errors: [own],
    },
    {
      name: 'the same through a function that calls it: the re-read, whose rows build the list written, still leaves when the field is gone',
      code: code(live, through),
      errors: [own],
    },
    {
      name: 'the function reads the field again by its id alone: whether it is still live is asked only by the caller',
      code: code('tableId, id: { in: ids }'),
      errors: [caller],
    },
    {
      name: 'the function reads it again live but does not leave when it is gone: the caller alone decides',
      code: code(live).replace("if (found.length !== ids.length) throw new Error('field not found');", ''),
      errors: [caller],
    },
  ],
});
