/**
 * A function that returns a called function's answer as it is (`return await this.findAll(...)`) answers
 * with the same shape: the count a find-and-count gave stays a count, not a column of a row, however
 * many functions hand it on. Each with the twin that stays reported.
 */
import rule from '../../rules/no-check-then-act.js';
import { ruleTester } from '../helpers/rule-tester.js';

/** Expenses found between two dates through two helpers, then deleted by the ids found when there are any. */
const prune = (pass: string, test: string) => `
import { Between, Column, DataSource, Entity, In, PrimaryGeneratedColumn } from 'typeorm';
@Entity('expenses')
export class Expense { @PrimaryGeneratedColumn() id: number; @Column() parentId: number; @Column() startDate: Date; @Column() locked: boolean }
export const AppDataSource = new DataSource({ type: 'postgres', entities: [Expense] });
const expenses = AppDataSource.getRepository(Expense);

async function findAll(where: object) {
  const [items, total] = await expenses.findAndCount({ where });
  return { items, total };
}

async function findBetween(parentId: number, from: Date, to: Date) {
  ${pass}
}

export async function removeBetween(parentId: number, from: Date, to: Date) {
  const { items, total } = await findBetween(parentId, from, to);
  if (${test}) {
    await expenses.delete({ id: In(items.map((i) => i.id)) });
  }
}
`;

ruleTester.run('no-check-then-act: an answer handed on whole', rule, {
  valid: [
    {
      name: 'the count a find-and-count gave, handed on by a second function, only asks whether rows came back',
      code: prune('return await findAll({ parentId, startDate: Between(from, to) });', 'total > 0'),
    },
    {
      name: 'handed on through a variable bound to the answer whole',
      code: prune('const found = await findAll({ parentId, startDate: Between(from, to) });\n  return found;', 'total > 0'),
    },
  ],
  invalid: [
    {
      name: 'a value of a row found is tested: the column is still read through the functions',
      code: prune('return await findAll({ parentId, startDate: Between(from, to) });', '!items[0].locked'),
      errors: [{ messageId: 'checkThenActModel', line: 18, column: 34 }],
    },
  ],
});
