import { describe, expect, it } from 'vitest';
import { parameterRoles } from '../../src/sql/index.js';

/** `$n` -> its role, for the parameters given one. */
const roles = (text: string): Record<string, string> =>
  Object.fromEntries([...parameterRoles(text).values()].map(({ n, role }) => [`$${n}`, role]));

describe('parameterRoles: where a parameter cannot be a value', () => {
  it('a table after FROM, JOIN, UPDATE, INTO, DELETE FROM and USING', () => {
    expect(roles('SELECT a FROM $1 JOIN $2 ON $2.id = $1.id WHERE b = $3')).toEqual({ $1: 'identifier', $2: 'identifier' });
    expect(roles('UPDATE $1 SET n = $2 WHERE id = $3')).toEqual({ $1: 'identifier' });
    expect(roles('INSERT INTO $1 (a) VALUES ($2)')).toEqual({ $1: 'identifier' });
    expect(roles('DELETE FROM $1 USING $2 WHERE id = $3')).toEqual({ $1: 'identifier', $2: 'identifier' });
  });

  it('a schema or a column on either side of a dot', () => {
    expect(roles('SELECT * FROM $1.users WHERE users.$2 = $3')).toEqual({ $1: 'identifier', $2: 'identifier' });
  });

  it('column lists of INSERT and ON CONFLICT, SET targets and aliases', () => {
    expect(roles('INSERT INTO t ($1, $2) VALUES ($3, $4) ON CONFLICT ($1) DO UPDATE SET $2 = excluded.b')).toEqual({
      $1: 'identifier',
      $2: 'identifier',
    });
    expect(roles('UPDATE t SET $1 = $2, $3 = $4 WHERE id = $5')).toEqual({ $1: 'identifier', $3: 'identifier' });
    expect(roles('SELECT count(*) AS $1 FROM t')).toEqual({ $1: 'identifier' });
  });

  it('a value after FROM inside a function call or after IS DISTINCT stays a value', () => {
    expect(roles('SELECT substring(a FROM $1 FOR $2), extract(year FROM $3) FROM t WHERE a IS DISTINCT FROM $4')).toEqual({});
  });

  it('a table in a subquery or a data-modifying CTE is still a table', () => {
    expect(roles('SELECT * FROM t WHERE id IN (SELECT id FROM $1)')).toEqual({ $1: 'identifier' });
    expect(roles('WITH d AS (DELETE FROM $1 WHERE id = $2 RETURNING id) SELECT * FROM d')).toEqual({ $1: 'identifier' });
  });

  it('a parameter right after an operand splices a clause; one opening a statement splices statements', () => {
    expect(roles('SELECT * FROM t $1')).toEqual({ $1: 'fragment' });
    expect(roles('SELECT * FROM t WHERE a = $1 $2 AND b = $3')).toEqual({ $2: 'fragment' });
    expect(roles('SELECT * FROM t ORDER BY a DESC $1')).toEqual({ $1: 'fragment' });
    expect(roles('BEGIN; $1 COMMIT')).toEqual({ $1: 'fragment' });
  });

  it('rows spliced after VALUES', () => {
    expect(roles('INSERT INTO t (a, b) VALUES $1')).toEqual({ $1: 'row' });
  });

  it('leaves values alone: comparisons, lists, LIMIT, RETURNING, casts', () => {
    expect(roles('SELECT $1, a FROM t WHERE a = $2 AND b IN ($3, $4) AND c::int > $5 ORDER BY $6 LIMIT $7 OFFSET $8')).toEqual({});
    expect(roles('UPDATE t SET a = $1 WHERE id = $2 RETURNING $3')).toEqual({});
  });

  it('never reads DDL, whose names the checks do not use', () => {
    expect(roles('ALTER TABLE t ADD COLUMN $1 text')).toEqual({});
  });
});
