import { describe, expect, it } from 'vitest';
import { analyzeSql, detectPlaceholderStyle, toDollarPlaceholders } from '../../src/sql/index.js';

describe('toDollarPlaceholders', () => {
  it('question: ? -> $n, skipping strings, identifiers, comments and casts', () => {
    const r = toDollarPlaceholders(
      "SELECT ?::int, '?', \"a?\", `b?` /* ? */ FROM t -- ?\nWHERE a = ? AND b = 'it\\'s ?' AND c = ?",
      'question',
    );
    expect(r.text).toBe("SELECT $1::int, '?', \"a?\", `b?` /* ? */ FROM t -- ?\nWHERE a = $2 AND b = 'it\\'s ?' AND c = $3");
    expect(r.names).toEqual([null, null, null]);
  });

  it('question: ?? is an identifier binding that uses a slot', () => {
    expect(toDollarPlaceholders('SELECT * FROM ?? WHERE id = ?', 'question')).toEqual({
      text: 'SELECT * FROM "__ident_1" WHERE id = $2',
      names: [null, null],
    });
  });

  it('knex: ?, ??, :name, :name:, not ::casts, \\? literal', () => {
    expect(toDollarPlaceholders('select ?? from t where id = ? and x::text = ? and y = \\?', 'knex')).toEqual({
      text: 'select "__ident_1" from t where id = $2 and x::text = $3 and y = ?',
      names: [null, null, null],
    });
    expect(toDollarPlaceholders("select :col: from t where id = :id and b = :id and c = ':no' and d = x::int", 'knex')).toEqual({
      text: 'select "__ident_1" from t where id = $2 and b = $2 and c = \':no\' and d = x::int',
      names: ['col', 'id'],
    });
  });

  it('pg-promise: every named syntax, filters, repeats, positional $1 kept', () => {
    const r = toDollarPlaceholders(
      "UPDATE t SET a = ${a}, b = $(b), c = $<c>, d = $[d], e = $/e/ , f = ${a}, g = ${list:csv}, h = $(raw^) WHERE ${col:name} = $1 AND x = $1::int AND s = '${not}' AND $$ ${x} $$ = 1",
      'pg-promise',
    );
    expect(r.text).toBe(
      'UPDATE t SET a = $2, b = $3, c = $4, d = $5, e = $6 , f = $2, g = $7, h = $8 WHERE "__ident_9" = $1 AND x = $1::int AND s = \'${not}\' AND $$ ${x} $$ = 1',
    );
    expect(r.names).toEqual([null, 'a', 'b', 'c', 'd', 'e', 'list', 'raw', 'col']);
  });

  it('pg-promise: positional filters', () => {
    expect(toDollarPlaceholders('SELECT $1:name FROM t WHERE id = $2^ AND b = $3::int', 'pg-promise').text).toBe(
      'SELECT "__ident_1" FROM t WHERE id = $2 AND b = $3::int',
    );
  });

  it('sequelize: ?, :name and $name bind parameters', () => {
    expect(toDollarPlaceholders('SELECT * FROM t WHERE a = ? AND b = :b AND c = $c AND d = :b AND e = x::int', 'sequelize')).toEqual({
      text: 'SELECT * FROM t WHERE a = $1 AND b = $2 AND c = $3 AND d = $2 AND e = x::int',
      names: [null, 'b', 'c'],
    });
    expect(toDollarPlaceholders('SELECT * FROM t WHERE a = $1 AND b = $name', 'sequelize')).toEqual({
      text: 'SELECT * FROM t WHERE a = $1 AND b = $2',
      names: [null, 'name'],
    });
  });

  it('dollar: unchanged, names sized to the highest $n', () => {
    expect(toDollarPlaceholders("SELECT $2, '$5' FROM t WHERE a = $1", 'dollar')).toEqual({
      text: "SELECT $2, '$5' FROM t WHERE a = $1",
      names: [null, null],
    });
  });

  it('the rewritten text parses', () => {
    const { text } = toDollarPlaceholders('UPDATE ?? SET n = n - ? WHERE id = ? AND n >= ?', 'knex');
    const [facts] = analyzeSql(text).statements;
    expect(facts).toMatchObject({ origin: 'parser', tablesWritten: ['__ident_1'], params: [2, 3, 4] });
  });
});

describe('detectPlaceholderStyle', () => {
  it('recognises $n, ?, ?? and :name', () => {
    expect(detectPlaceholderStyle('SELECT * FROM t WHERE id = $1')).toBe('dollar');
    expect(detectPlaceholderStyle('SELECT * FROM t WHERE id = ? AND b IN (?)')).toBe('question');
    expect(detectPlaceholderStyle('SELECT * FROM ?? WHERE id = 1')).toBe('question');
    expect(detectPlaceholderStyle('SELECT * FROM t WHERE id = :id')).toBe('named');
    expect(detectPlaceholderStyle('SELECT * FROM t')).toBeNull();
  });

  it('leaves the JSONB operators ?, ?| and ?& alone', () => {
    expect(detectPlaceholderStyle("SELECT * FROM t WHERE data ? 'key'")).toBeNull();
    expect(detectPlaceholderStyle("SELECT * FROM t WHERE data ?| array['a', 'b'] AND data ?& array['c']")).toBeNull();
  });

  it('leaves casts, :=, array slices, strings, quoted names, dollar quotes and comments alone', () => {
    expect(detectPlaceholderStyle('SELECT a::text, b[1:2], c[lo:hi] FROM t')).toBeNull();
    expect(detectPlaceholderStyle('SELECT f(x := 1), \'? :a\', "b?", `c?` FROM t -- ? :d\n/* ? :e */')).toBeNull();
    expect(detectPlaceholderStyle('DO $body$ BEGIN PERFORM ?; x := :y; END $body$')).toBeNull();
  });

  it('$n wins: a text with $1 keeps a JSONB ? as an operator', () => {
    expect(detectPlaceholderStyle('SELECT * FROM t WHERE data ? $1')).toBe('dollar');
  });
});

describe('analyzeSql: placeholders the caller did not rewrite', () => {
  it('reads ? and :name texts as $n, and SQLite-quoted ? texts as PostgreSQL', () => {
    expect(analyzeSql('UPDATE t SET a = ? WHERE id = ?').parseError).toBeNull();
    expect(analyzeSql('UPDATE t SET a = :a WHERE id = :id').statements[0]?.params).toEqual([1, 2]);
    const sqlite = analyzeSql('UPDATE "report" SET "iconClass" = ? WHERE "slug" = ?', 'mysql');
    expect(sqlite.parseError).toBeNull();
    expect(sqlite.statements[0]?.tablesWritten).toEqual(['report']);
  });
});

describe('analyzeSql: MySQL forms the parser reads once rewritten', () => {
  it('INSERT ... SET, INSERT ... VALUE and INTERVAL n DAY', () => {
    const set = analyzeSql('INSERT INTO pools SET name = $1, slug = $2', 'mysql');
    expect(set.parseError).toBeNull();
    expect(set.statements[0]).toMatchObject({ kind: 'insert', tablesWritten: ['pools'], params: [1, 2] });
    expect(analyzeSql('INSERT INTO nodes (a, b) VALUE ($1, $2)', 'mysql').parseError).toBeNull();
    expect(
      analyzeSql('SELECT * FROM stats WHERE added > NOW() - INTERVAL 7 DAY AND b > NOW() - INTERVAL $1 HOUR', 'mysql').parseError,
    ).toBeNull();
  });

  it('a text with no placeholder that only MySQL reads is read as MySQL', () => {
    const facts = analyzeSql('DELETE FROM difficulty_adjustments ORDER BY time LIMIT 1');
    expect(facts.parseError).toBeNull();
    expect(facts.statements[0]).toMatchObject({ kind: 'delete', origin: 'parser', tablesWritten: ['difficulty_adjustments'] });
  });
});
