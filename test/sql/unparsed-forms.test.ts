/**
 * Forms real code writes that the parser did not read before they were normalised: `@name` and `@0`
 * placeholders (MSSQL, TypeORM on it, some MySQL code), `(a, b) IN (VALUES ...)`, and MySQL's
 * multi-table UPDATE (`UPDATE a JOIN b ON ... SET ...`, `UPDATE a, b SET ... WHERE ...`). Each is
 * read by the parser, with the facts the checks use: tables, SET items and WHERE guards.
 */
import { describe, expect, it } from 'vitest';
import { analyzeSql, detectPlaceholderStyle, toDollarPlaceholders } from '../../src/sql/index.js';

const only = (text: string, dialect: 'postgres' | 'mysql' = 'postgres') => {
  const analysis = analyzeSql(text, dialect);
  expect(analysis.parseError).toBeNull();
  expect(analysis.statements).toHaveLength(1);
  const facts = analysis.statements[0]!;
  expect(facts.origin).toBe('parser');
  return facts;
};
const set = (facts: ReturnType<typeof only>) => facts.set.map((a) => [a.column, a.shape, a.params]);
const where = (facts: ReturnType<typeof only>) => facts.where.map((p) => [p.column, p.operator, p.params, p.isKey]);

describe('@name placeholders', () => {
  it('are recognised by themselves, a repeated name reusing its number', () => {
    expect(detectPlaceholderStyle('UPDATE accounts SET email = @email WHERE id = @id')).toBe('at');
    expect(toDollarPlaceholders('UPDATE t SET a = @a, b = @b WHERE id = @id AND a <> @a', 'at')).toEqual({
      text: 'UPDATE t SET a = $1, b = $2 WHERE id = $3 AND a <> $1',
      names: ['a', 'b', 'id'],
    });
  });

  it('@0, @1 are positions in the parameters array', () => {
    expect(toDollarPlaceholders('UPDATE t SET a = @1 WHERE id = @0 AND b = @name', 'at').text).toBe(
      'UPDATE t SET a = $2 WHERE id = $1 AND b = $3',
    );
  });

  it('leave alone what only looks like one: @@ system variables, session variables, <@ and @>, quoted text', () => {
    expect(detectPlaceholderStyle('SELECT @@version')).toBeNull();
    expect(detectPlaceholderStyle('SELECT @rank := @rank + 1 AS r FROM t')).toBeNull();
    expect(detectPlaceholderStyle('SET @total = 0')).toBeNull();
    expect(detectPlaceholderStyle('SELECT count(*) INTO @n FROM t')).toBeNull();
    expect(detectPlaceholderStyle("SELECT * FROM t WHERE tags <@ array['a'] AND data @> '{}' AND mail = 'a@b.c'")).toBeNull();
    expect(detectPlaceholderStyle('SELECT * FROM t WHERE id = ? AND x = @x')).toBe('question');
  });

  it('a uniqueness check and the UPDATE that sets the value checked, with their parameters', () => {
    expect(where(only('SELECT COUNT(*) AS n FROM accounts WHERE email = @email'))).toEqual([['email', '=', [1], true]]);
    const update = only('UPDATE accounts SET email = @email WHERE id = @id AND email <> @email');
    expect(update.tablesWritten).toEqual(['accounts']);
    expect(set(update)).toEqual([['email', 'value', [1]]]);
    expect(where(update)).toEqual([
      ['id', '=', [2], true],
      ['email', '<>', [1], true],
    ]);
  });
});

describe('(a, b) IN (VALUES ...)', () => {
  it('is read as the row list it means, beside the guard', () => {
    const facts = only('UPDATE seats SET owner = $1 WHERE (event_id, seat_no) IN (VALUES ($2, $3), ($4, $5)) AND owner IS NULL');
    expect(facts.tablesWritten).toEqual(['seats']);
    expect(set(facts)).toEqual([['owner', 'value', [1]]]);
    // A row value tests no single column: judged as the lexical scan judged it, only now with the guard beside it read by the parser.
    expect(where(facts)).toEqual([
      [null, 'in', [2, 3, 4, 5], false],
      ['owner', 'is null', [], false],
    ]);
  });

  it('one column, and VALUES that is no row list is left to the parser', () => {
    expect(where(only('SELECT id FROM t WHERE a IN (VALUES ($1), ($2))'))).toEqual([['a', 'in', [1, 2], true]]);
    expect(analyzeSql('SELECT id FROM t WHERE a IN (VALUES ($1) ORDER BY 1)').statements[0]?.tablesRead).toEqual(['t']);
  });
});

describe('MySQL multi-table UPDATE', () => {
  it('UPDATE a JOIN b ON ... SET: both tables written, each SET item kept, the guard in the WHERE', () => {
    const facts = only(
      'UPDATE products JOIN stock_totals ON stock_totals.product_id = products.id SET products.stock = products.stock - 1, stock_totals.sold = stock_totals.sold + 1 WHERE products.id = ? AND products.stock > 0',
      'mysql',
    );
    expect(facts.tablesWritten).toEqual(['products', 'stock_totals']);
    expect(facts.tablesRead).toContain('stock_totals');
    expect(set(facts)).toEqual([
      ['stock', 'relative', []],
      ['sold', 'relative', []],
    ]);
    expect(where(facts).slice(0, 2)).toEqual([
      ['id', '=', [1], true],
      ['stock', '>', [], false],
    ]);
    expect(facts.text).toContain('JOIN stock_totals ON');
  });

  it('UPDATE a, b SET ... WHERE with aliases: the table the SET names is the target', () => {
    const facts = only(
      'UPDATE orders o, products p SET p.stock = p.stock - o.qty WHERE o.id = ? AND p.id = o.product_id AND p.stock >= o.qty',
      'mysql',
    );
    expect(facts.tablesWritten).toEqual(['products']);
    expect(facts.tablesRead).toEqual(['orders']);
    expect(set(facts)).toEqual([['stock', 'relative', []]]);
  });

  it('LEFT JOIN with backticks, and a WHERE with OR kept whole', () => {
    const facts = only(
      'UPDATE `users` u LEFT JOIN `teams` t ON t.id = u.team_id SET u.team_name = t.name WHERE u.id = ? OR u.id = ?',
      'mysql',
    );
    expect(facts.tablesWritten).toEqual(['users']);
    expect(facts.tablesRead).toEqual(['teams']);
    expect(facts.where[0]?.params).toEqual([1, 2]);
  });

  it('JOIN ... USING is left to the lexical scan, whose tables are still right', () => {
    const facts = analyzeSql('UPDATE products p JOIN orders o USING (product_id) SET p.stock = 0', 'mysql').statements[0]!;
    expect(facts.origin).toBe('lexical');
    expect(facts.tablesWritten).toEqual(['products']);
  });
});
