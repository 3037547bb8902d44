/**
 * The adapter kit: statements without SQL text are built from model calls, judged by the same
 * classifier as SQL, and carried by the query site (`built`) so that no SQL is parsed for them.
 */
import { describe, expect, it } from 'vitest';
import { columnName, isolationFromName } from '../../src/extract/kit.js';
import { mightContainDatabaseCode } from '../../src/extract/prescan.js';
import { isStateColumn } from '../../src/sql/keys.js';
import { analyzeText } from '../../src/analyze.js';
import { extractFrom, modelOf } from '../helpers/model.js';

const buy = `
import { prisma } from './db';
export async function buy(productId: string, qty: number) {
  const product = await prisma.product.findUnique({ where: { id: productId } });
  if (!product || product.availableSeats < qty) throw new Error('sold out');
  await prisma.product.update({ where: { id: productId, status: 'open' }, data: { availableSeats: product.availableSeats - qty, soldAt: new Date() } });
}
`;

describe('column names', () => {
  it('normalises camelCase to the snake_case column', () => {
    expect(columnName('availableSeats')).toBe('available_seats');
    expect(columnName('userID')).toBe('user_id');
    expect(columnName('HTTPStatus')).toBe('http_status');
    expect(columnName('stock')).toBe('stock');
    expect(columnName('available_seats')).toBe('available_seats');
  });
  it('reads state columns written in camelCase', () => {
    expect(isStateColumn('paymentStatus')).toBe(true);
    expect(isStateColumn('displayName')).toBe(false);
  });
});

describe('isolation names', () => {
  it("reads every library's spelling of a level the same way", () => {
    // Prisma's enum member, Sequelize's constant, pg-promise's tiLevel member, TypeORM's and postgres.js's text, knex's and kysely's option.
    for (const name of ['Serializable', 'SERIALIZABLE', 'serializable']) expect(isolationFromName(name)).toBe('serializable');
    for (const name of ['RepeatableRead', 'REPEATABLE_READ', 'REPEATABLE READ', 'repeatableRead', 'repeatable read', 'repeatable-read'])
      expect(isolationFromName(name)).toBe('repeatable read');
    expect(isolationFromName('READ_COMMITTED')).toBe('read committed');
    expect(isolationFromName('ReadUncommitted')).toBe('read uncommitted');
    expect(isolationFromName('snapshot')).toBeNull();
  });
});

describe('built statements', () => {
  it('turns a model read and write into facts without SQL text', () => {
    const { sites } = extractFrom(buy);
    expect(sites.map((s) => s.built?.map((f) => [f.kind, f.origin, f.tablesRead, f.tablesWritten]))).toEqual([
      [['select', 'builder', ['product'], []]],
      [['update', 'builder', [], ['product']]],
    ]);
    const update = sites[1]!.built![0]!;
    expect(update.where.map((p) => [p.column, p.operator, p.role])).toEqual([
      ['id', '=', 'key'],
      ['status', '=', 'guard'],
    ]);
    expect(update.set.map((a) => [a.column, a.shape, a.constant])).toEqual([
      ['available_seats', 'value', false],
      ['sold_at', 'computed', true],
    ]);
    // `$1` of the SET is the expression the user wrote.
    const param = sites[1]!.sql.params[update.set[0]!.params[0]! - 1];
    expect(param?.type).toBe('BinaryExpression');
  });

  it('never parses the display text as SQL', () => {
    const model = modelOf(buy);
    expect(model.statements).toBe(2);
    expect(model.unparsed).toEqual([]);
  });

  it('admits a file with model calls but no SQL text, and not one with neither', () => {
    expect(mightContainDatabaseCode(buy)).toBe(true);
    expect(mightContainDatabaseCode('const state = { a: 1 };\nsetState({ ...state, b: 2 });')).toBe(false);
  });

  it('admits Sequelize and TypeORM calls by their hints, whose cheap part runs first', () => {
    expect(mightContainDatabaseCode('const p = await Product.findOne({ where: { id } });')).toBe(true);
    expect(mightContainDatabaseCode('await models.Order.update({ status }, { where: { id } });')).toBe(true);
    expect(mightContainDatabaseCode('const p = await cache.findOne({ where: { id } });')).toBe(false);
    expect(mightContainDatabaseCode('const rows = list.count({ where: 1 });')).toBe(false);
    expect(mightContainDatabaseCode("import { Repository } from 'typeorm';\nawait repo.findOneBy({ id });")).toBe(true);
    expect(mightContainDatabaseCode("import { Repository } from './typeorm-like';\nawait repo.findOneBy({ id });")).toBe(false);
    expect(mightContainDatabaseCode('await repo.findOneBy({ id }); // typeorm')).toBe(false);
  });

  it('reports the read, test and absolute write-back across model calls', () => {
    const result = analyzeText(buy, 'buy.ts');
    expect(result.findings.map((f) => [f.ruleId, f.line])).toEqual([['no-lost-update', 6]]);
    expect(result.findings[0]!.message).toContain('product.availableSeats');
  });
});
