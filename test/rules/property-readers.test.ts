/**
 * A test made through a function of the same module that only reads properties of the row it is given
 * (`const isAddedFund = (order) => order.paymentMethod?.service === 'oc'`), or through lodash's `get(row,
 * 'a.b')`, reads those properties, as the test written out would: a relation the read loads is another
 * row's. A function that hands the row on whole, or does more than read it, stays a value computed out of
 * sight, and the test of what it answers stays reported.
 */
import rule from '../../rules/no-check-then-act.js';
import { ruleTester } from '../helpers/rule-tester.js';

const order = (helper: string, test: string) => `
import { DataTypes, Model, Sequelize } from 'sequelize';
import { get } from 'lodash';
const sequelize = new Sequelize('postgres://localhost/shop');
class Order extends Model {}
Order.init({ status: DataTypes.STRING, FromCollectiveId: DataTypes.INTEGER }, { sequelize, tableName: 'orders' });
declare function format(order: unknown): string;
${helper}
export async function moveOrder(id: string, toId: number, hostId: number) {
  const found = await Order.findOne({ where: { id }, include: [{ association: 'paymentMethod' }, { association: 'fromCollective' }] });
  if (!found) throw new Error('Not found');
  if (${test}) throw new Error('Unsupported');
  return found.update({ FromCollectiveId: toId });
}
`;

const addedFund = `const isAddedFund = (o) => o.paymentMethod?.service === 'oc' && o.paymentMethod.type === 'host';`;

ruleTester.run('no-check-then-act: tests through property readers', rule, {
  valid: [
    {
      name: 'a module function that only reads a loaded relation of the row',
      code: order(addedFund, 'isAddedFund(found)'),
    },
    {
      name: "lodash get of a loaded relation's column",
      code: order('', "get(found, 'fromCollective.HostCollectiveId', null) !== hostId"),
    },
  ],
  invalid: [
    {
      name: 'a module function that hands the row on whole: what it answers may come from any column',
      code: order('const describe = (o) => format(o);', "describe(found) === 'x'"),
      errors: [{ messageId: 'checkThenActModel', line: 10 }],
    },
    {
      name: 'a module function that reads the column the write sets',
      code: order('const fromHost = (o) => o.FromCollectiveId === 1;', 'fromHost(found)'),
      errors: [{ messageId: 'checkThenActModel', line: 10 }],
    },
  ],
});
