import { describe, expect, it } from 'vitest';
import { isKeyColumn, looksLikeSql, SQL_HINT } from '../../src/sql/index.js';
import { mightContainSql } from '../../src/sql/detect.js';

const SQL = [
  'SELECT * FROM users WHERE id = $1',
  '  select id, name from users',
  '(SELECT 1) UNION (SELECT 2)',
  '-- comment\nSELECT pg_advisory_xact_lock($1)',
  'SELECT 1',
  'SELECT now()',
  'SELECT id FROM t',
  'INSERT INTO tickets (user_id) VALUES ($1)',
  'insert into t select * from s',
  'UPDATE concerts SET available_seats = available_seats - 1 WHERE concert_id = $1',
  'update "Users" u set "name" = $1',
  'DELETE FROM sessions WHERE id = $1',
  'delete from sessions',
  'WITH r AS (UPDATE t SET a = 1 RETURNING id) SELECT * FROM r',
  'BEGIN',
  'begin;',
  'BEGIN ISOLATION LEVEL SERIALIZABLE',
  'START TRANSACTION',
  'COMMIT',
  'ROLLBACK',
  'ROLLBACK TO SAVEPOINT a',
  'END',
  'SAVEPOINT a',
  'RELEASE SAVEPOINT a',
  'SET TRANSACTION ISOLATION LEVEL SERIALIZABLE',
  'LOCK TABLE accounts IN EXCLUSIVE MODE',
  'MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN DO NOTHING',
];

const NOT_SQL = [
  'Update your profile',
  'select a seat',
  'Select all',
  'Delete from the list',
  'Insert into the box',
  'Begin by clicking here',
  'Commit your changes',
  'End of list',
  'Lock the door',
  'With great power comes great responsibility',
  'update available',
  'Deleted',
  '',
  'Selection',
];

describe('looksLikeSql', () => {
  it.each(SQL)('SQL: %s', (text) => expect(looksLikeSql(text)).toBe(true));
  it.each(NOT_SQL)('not SQL: %s', (text) => expect(looksLikeSql(text)).toBe(false));
});

describe('SQL_HINT', () => {
  it('matches every SQL statement embedded in code', () => {
    for (const text of SQL) {
      const source = `const x = 1;\nawait client.query(\`${text}\`, [id]);\n`;
      expect(SQL_HINT.test(source), text).toBe(true);
    }
    expect(SQL_HINT.test('await db.query("UPDATE ${table} SET n = n + 1")')).toBe(true);
    expect(SQL_HINT.test("client.query('begin')")).toBe(true);
  });

  it('does not match ordinary code', () => {
    expect(SQL_HINT.test('export function add(a: number, b: number) { return a + b; }\nconst items = list.map((x) => x * 2);')).toBe(false);
  });

  // Every repetition in the pattern is bounded, so the cost is linear with a constant factor; the
  // adversarial inputs (a keyword repeated without its follow-up) hit that factor hardest. A
  // backtracking blow-up would not finish at all: the test's timeout is the guard, not a stopwatch
  // (a time threshold fails on a loaded machine without any regression).
  it('finishes on a 5 MB file, including adversarial repetitions', () => {
    const files = [
      'function f(a) { return a.map((x) => x + 1).filter(Boolean); }\n'.repeat(80_000),
      'Select the best option for your order. '.repeat(130_000),
      'update with delete insert '.repeat(200_000),
      'select '.repeat(150_000),
    ];
    for (const file of files) expect(typeof SQL_HINT.test(file)).toBe('boolean');
  });
});

describe('isKeyColumn', () => {
  it.each(['id', 'uuid', 'guid', 'pk', 'key', 'slug', 'email', 'username', 'user_id', 'order_uuid', 'api_key', 'userId', 'ID'])(
    'key: %s',
    (c) => expect(isKeyColumn(c)).toBe(true),
  );
  it.each(['paid', 'valid', 'status', 'version', 'available_seats', 'code', 'userid', 'balance'])('not a key: %s', (c) =>
    expect(isKeyColumn(c)).toBe(false),
  );
});

describe('mightContainSql (a source file)', () => {
  it('accepts a file with a SQL string, template or concatenation start', () => {
    expect(mightContainSql("db.query('SELECT id FROM users WHERE id = $1', [id]);")).toBe(true);
    expect(mightContainSql('await sql`\n  -- claim one job\n  UPDATE jobs SET status = ${s} WHERE id = ${id}\n`;')).toBe(true);
    expect(mightContainSql("const q = 'UPDATE ' + table + ' SET n = n + 1';")).toBe(true);
    expect(mightContainSql("client.query('BEGIN');")).toBe(true);
  });

  it('rejects a file whose SQL-looking words are all prose, comments or UI strings', () => {
    expect(mightContainSql("// select the rows from the cache, then update the view\nconst label = 'Update your profile';")).toBe(false);
    expect(mightContainSql("const hint = 'Select a seat from the map';\ngit.commit();")).toBe(false);
  });
});
