/**
 * A property the read itself fills with rows of another table (Sequelize `include: [{ association: 'host'
 * }]`) holds another row: a test of it gates the write, as a test of a relation the schema declares does,
 * and nothing in the row written decides it. A property the read does not load, or an include of the
 * read's own model, stays reported.
 */
import rule from '../../rules/no-check-then-act.js';
import { ruleTester } from '../helpers/rule-tester.js';

const card = (include: string, test: string) => `
import { DataTypes, Model, Sequelize } from 'sequelize';
const sequelize = new Sequelize('postgres://localhost/cards');
class Card extends Model {}
Card.init({ name: DataTypes.STRING, status: DataTypes.STRING }, { sequelize, tableName: 'cards' });
declare function isAdminOf(userId: string, account: unknown): boolean;
export async function editCard(id: string, userId: string, name?: string) {
  const found = await Card.findOne({ where: { id }, include: [${include}] });
  if (!found) throw new Error('Not found');
  if (!isAdminOf(userId, ${test})) throw new Error('Forbidden');
  // The columns written do not matter here (an attributes object filled after \`{}\` was read as \`{}\`).
  return found.update({});
}
`;

ruleTester.run('no-check-then-act: relations the read loads', rule, {
  valid: [
    {
      name: 'Sequelize: the test reads an association the read includes by name',
      code: card(`{ association: 'host', required: true }`, 'found.host'),
    },
    {
      name: 'Sequelize: the test reads an association the read includes with `as`',
      code: card(`{ model: Account, as: 'host' }`, 'found.host').replace('class Card', 'class Account extends Model {}\nclass Card'),
    },
  ],
  invalid: [
    {
      name: 'Sequelize: the association is not loaded by the read: `host` may be a column of the row',
      code: card(`{ association: 'owner' }`, 'found.host'),
      errors: [{ messageId: 'checkThenActModel', line: 8 }],
    },
    {
      name: 'Sequelize: an include of the read’s own model may hold the row written',
      code: card(`{ model: Card, as: 'host' }`, 'found.host'),
      errors: [{ messageId: 'checkThenActModel', line: 8 }],
    },
  ],
});
