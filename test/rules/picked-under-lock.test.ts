/**
 * A test of a row read without a lock, before a write aimed by key at rows that a later read of the
 * same table found under a row lock, by a WHERE that asks the tested column again: the rows written
 * were picked in the tested state while locked, so the first test decides nothing about them.
 */
import rule from '../../rules/no-check-then-act.js';
import { ruleTester } from '../helpers/rule-tester.js';

const replaceRules = ({ lock = 'lock: transaction.LOCK.UPDATE', pickedBy = "type: 'CONTRIBUTION'", key = 'id' } = {}) => `
import { Rule } from './models';
import { sequelize } from './database';
export async function replaceRules(accountId: number, input: { id?: number; name: string }[]) {
  for (const rule of input) {
    if (rule.id) {
      const existing = await Rule.findOne({ where: { id: rule.id } });
      if (existing && existing.type !== 'CONTRIBUTION') throw new Error('Only contribution rules');
    }
  }
  await sequelize.transaction(async (transaction) => {
    const current = await Rule.findAll({ where: { CollectiveId: accountId, ${pickedBy} }, transaction, ${lock} });
    const stale = current.filter((r) => !input.some((i) => i.id === r.id));
    await Rule.destroy({ where: { ${key}: stale.map((r) => r.${key}) }, transaction });
  });
}
`;

ruleTester.run('no-check-then-act (the rows written are picked again under a lock)', rule, {
  valid: [{ name: 'the DELETE takes its ids from a locked read that asks the type again', code: replaceRules() }],
  invalid: [
    {
      name: 'the locked read does not ask the tested column again',
      code: replaceRules({ pickedBy: "name: 'x'" }),
      errors: [{ messageId: 'checkThenActModel', line: 7, column: 30 }],
    },
    {
      name: 'the later read takes no lock',
      code: replaceRules({ lock: 'raw: false' }),
      errors: [{ messageId: 'checkThenActModel', line: 7, column: 30 }],
    },
    {
      name: 'the DELETE names the rows by a column that is no key of one row',
      code: replaceRules({ key: 'CollectiveId' }),
      errors: [{ messageId: 'checkThenActModel', line: 7, column: 30 }],
    },
  ],
});
